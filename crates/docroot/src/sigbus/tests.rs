//! The handler is tested in a child: this test binary run again for one test, which
//! maps a file, truncates it and touches the lost page (or raises SIGBUS with no
//! mapping). The parent judges the child's exit status, stderr and stdout.

use super::{install, set_head, EXIT_CODE, REASON};
use crate::open::DocRoot;
use std::process::Command;

/// Set in the child's environment: which case to play, and the directory to use.
const CASE_ENV: &str = "LOOMIERE_SIGBUS_CASE";
const DIR_ENV: &str = "LOOMIERE_SIGBUS_DIR";
const CHILD_TEST: &str = "sigbus::tests::child";

/// The child's part: does nothing unless run by [`run_child`].
#[test]
fn child() {
    let Some(case) = std::env::var_os(CASE_ENV) else {
        return;
    };
    let dir = std::path::PathBuf::from(std::env::var_os(DIR_ENV).expect("dir"));
    install("loomiere-test");
    match case.to_str() {
        Some("truncated-get") => touch_truncated(&dir),
        Some("truncated-head") => {
            set_head(true);
            touch_truncated(&dir)
        }
        Some("raised") => {
            // SAFETY: raise(3) only sends a signal to this process.
            unsafe { libc::raise(libc::SIGBUS) };
        }
        other => panic!("unknown case {other:?}"),
    }
    panic!("still alive after SIGBUS");
}

/// Maps a 64 KiB file, truncates it to 0 and reads its last byte.
fn touch_truncated(dir: &std::path::Path) {
    std::fs::write(dir.join("film.mp4"), vec![7u8; 65536]).expect("write");
    let root = DocRoot::open(dir).expect("root");
    let file = root.open_file("film.mp4").expect("open");
    let map = file.map().expect("map");
    assert_eq!(map[65535], 7);
    std::fs::OpenOptions::new()
        .write(true)
        .open(dir.join("film.mp4"))
        .and_then(|f| f.set_len(0))
        .expect("truncate");
    // SAFETY: reading a byte of a live mapping; the page is gone, so this raises SIGBUS.
    let byte = unsafe { std::ptr::read_volatile(&map[65535]) };
    panic!("read {byte} from a truncated page");
}

/// Runs [`child`] in a new process with `case`; returns (exit code, stdout, stderr).
fn run_child(case: &str) -> (Option<i32>, String, String) {
    let dir = std::env::temp_dir().join(format!("loomiere-sigbus-{}-{case}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("mkdir");
    let out = Command::new(std::env::current_exe().expect("current_exe"))
        .args([CHILD_TEST, "--exact", "--nocapture", "--test-threads=1"])
        .env(CASE_ENV, case)
        .env(DIR_ENV, &dir)
        .output()
        .expect("run child");
    let _ = std::fs::remove_dir_all(&dir);
    let text = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
    (out.status.code(), text(&out.stdout), text(&out.stderr))
}

#[test]
fn truncated_map_answers_500_logs_and_exits_111() {
    let (code, stdout, stderr) = run_child("truncated-get");
    assert_eq!(
        code,
        Some(EXIT_CODE),
        "exit status (None: killed by a signal); stderr:\n{stderr}"
    );
    assert!(
        stderr.contains(&format!("loomiere-test: fatal: {REASON}\n")),
        "stderr:\n{stderr}"
    );
    let head = "HTTP/1.1 500 Internal Server Error\r\n";
    let at = stdout
        .find(head)
        .unwrap_or_else(|| panic!("no 500 in stdout:\n{stdout}"));
    let response = &stdout[at..];
    assert!(
        response.contains("\r\nContent-Length: 20\r\n")
            && response.contains("\r\nConnection: close\r\n"),
        "{response}"
    );
    assert!(
        response.ends_with("\r\n\r\nsource file changed\n"),
        "{response:?}"
    );
}

#[test]
fn head_request_gets_the_500_without_a_body() {
    let (code, stdout, stderr) = run_child("truncated-head");
    assert_eq!(code, Some(EXIT_CODE), "stderr:\n{stderr}");
    assert!(
        stdout.contains("HTTP/1.1 500 Internal Server Error\r\n"),
        "stdout:\n{stdout}"
    );
    assert!(
        stdout.contains("Content-Length: 20\r\nConnection: close\r\n\r\n"),
        "stdout:\n{stdout}"
    );
    assert!(
        !stdout.contains("source file changed"),
        "HEAD got a body:\n{stdout}"
    );
}

#[test]
fn sigbus_without_a_mapping_logs_and_exits_without_a_response() {
    let (code, stdout, stderr) = run_child("raised");
    assert_eq!(code, Some(EXIT_CODE), "stderr:\n{stderr}");
    assert!(
        stderr.contains(&format!("loomiere-test: fatal: {REASON}\n")),
        "stderr:\n{stderr}"
    );
    assert!(
        !stdout.contains("HTTP/1.1"),
        "a response was written:\n{stdout}"
    );
}
