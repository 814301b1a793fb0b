//! The same binaries under each way of being run: tcpsvd, systemd socket activation
//! in inetd mode (stdin/stdout are the socket), and a shell pipe into a regular file.
//! Also the access-log line each run writes on stderr.

use crate::support::probe;
use crate::support::server::{Spec, Supervisor};
use crate::support::{bin, client, get, media_dir, Response, TempDir};
use std::io::Write;
use std::process::{Command, Stdio};

const SEEK: &str = "/h264-aac.mp4?start=10";

/// The body decodes cleanly and starts on a key frame.
fn assert_playable(dir: &TempDir, r: &Response, name: &str) {
    r.expect(200).complete();
    let out = dir.write(name, &r.body);
    let errors = probe::decode_errors(&out);
    assert!(errors.trim().is_empty(), "{name}: decode errors: {errors}");
    let flags = probe::first_video_flags(&out);
    assert!(
        flags.contains('K'),
        "{name}: first video packet flags {flags:?}"
    );
}

/// Splits an access-log line `REMOTE "METHOD TARGET" STATUS BYTES DURms NOTES...`.
fn fields(line: &str) -> (String, String, u16, u64, u64, String) {
    let bad = || -> ! { panic!("malformed access-log line {line:?}") };
    let (remote, rest) = line.split_once(" \"").unwrap_or_else(|| bad());
    let (request, rest) = rest.split_once("\" ").unwrap_or_else(|| bad());
    let mut words = rest.splitn(4, ' ');
    let status = words
        .next()
        .and_then(|w| w.parse().ok())
        .unwrap_or_else(|| bad());
    let bytes = words
        .next()
        .and_then(|w| w.parse().ok())
        .unwrap_or_else(|| bad());
    let ms = words
        .next()
        .and_then(|w| w.strip_suffix("ms")?.parse().ok())
        .unwrap_or_else(|| bad());
    let notes = words.next().unwrap_or_default().to_owned();
    (
        remote.to_owned(),
        request.to_owned(),
        status,
        bytes,
        ms,
        notes,
    )
}

#[test]
fn socket_activation_in_inetd_mode_serves_a_seek() {
    let dir = TempDir::new("socket-activate");
    let config = dir.config("stream.conf", Some(media_dir()), "");
    let server = Spec::stream(&config)
        .under(Supervisor::SocketActivate)
        .start(&dir);
    let (r, line) = server.send_logged(&get(SEEK));
    assert_playable(&dir, &r, "out.mp4");
    // No TCPREMOTEIP here: the address comes from getpeername(2) on stdin.
    let (remote, request, status, bytes, _, _) = fields(&line);
    assert_eq!(
        (remote.as_str(), request.as_str(), status),
        ("127.0.0.1", "GET /h264-aac.mp4?start=10", 200)
    );
    assert_eq!(bytes, r.body.len() as u64);
}

#[test]
fn the_streamer_runs_alone_under_tcpsvd() {
    let dir = TempDir::new("mp4-alone");
    let root = media_dir().as_os_str().to_owned();
    // Only what running as root (as the tests may) needs.
    let empty = dir.write("empty.conf", "allow_root = yes\n");
    let server = Spec::new("loomiere-mp4")
        .args(["--root".into(), root, "--config".into(), empty.into()])
        .start(&dir);
    assert_playable(&dir, &server.send(&get(SEEK)), "out.mp4");
}

#[test]
fn shell_mode_writes_a_complete_response_to_a_regular_file() {
    let dir = TempDir::new("shell");
    // Only what running as root (as the tests may) needs.
    let empty = dir.write("empty.conf", "allow_root = yes\n");
    let out_path = dir.join("response");
    let out = std::fs::File::create(&out_path).unwrap();
    let mut child = Command::new(bin("loomiere-mp4"))
        .arg("--root")
        .arg(media_dir())
        .env("LOOMIERE_CONFIG", &empty)
        .env_remove("LOOMIERE_REQUEST")
        .env_remove("TCPREMOTEIP")
        .stdin(Stdio::piped())
        .stdout(out)
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(&get(SEEK)).unwrap();
    let done = child.wait_with_output().unwrap();
    assert!(done.status.success(), "exit status {}", done.status);
    let r = client::parse(&std::fs::read(&out_path).unwrap());
    assert_playable(&dir, &r, "out.mp4");
    let stderr = String::from_utf8(done.stderr).unwrap();
    // The default scoreboard's directory (/run/loomiere) may be missing here: a note.
    let lines: Vec<&str> = stderr
        .lines()
        .filter(|l| !l.starts_with("loomiere-mp4: note: scoreboard /run/loomiere/"))
        .collect();
    assert_eq!(lines.len(), 1, "stderr: {stderr}");
    let (remote, request, status, bytes, _, notes) = fields(lines[0]);
    assert_eq!(
        (remote.as_str(), request.as_str(), status),
        ("-", "GET /h264-aac.mp4?start=10", 200)
    );
    assert_eq!(bytes, r.body.len() as u64);
    assert_eq!(notes, "complete start=10.000;end=-");
}

#[test]
fn tcpsvd_access_log_names_client_request_status_bytes_and_time() {
    let dir = TempDir::new("access-log");
    let config = dir.config("stream.conf", Some(media_dir()), "");
    let server = Spec::stream(&config).start(&dir);
    let (r, line) = server.send_logged(&get(SEEK));
    r.expect(200).complete();
    let (remote, request, status, bytes, ms, notes) = fields(&line);
    assert_eq!(remote, "127.0.0.1");
    assert_eq!(request, "GET /h264-aac.mp4?start=10");
    assert_eq!(status, 200);
    assert_eq!(bytes, r.body.len() as u64);
    assert!(ms < 60_000, "duration {ms} ms");
    assert_eq!(notes, "complete start=10.000;end=-");
    let (r, line) = server.send_logged(&client::request("HEAD", "/poster.png?x=1", &[]));
    r.expect(200);
    let (remote, request, status, bytes, _, notes) = fields(&line);
    assert_eq!(
        (remote.as_str(), request.as_str(), status, bytes),
        ("127.0.0.1", "HEAD /poster.png?x=1", 200, 0)
    );
    assert_eq!(notes, "complete");
    let (r, line) = server.send_logged(&get("/nope.mp4"));
    r.expect(404);
    let (_, request, status, _, _, _) = fields(&line);
    assert_eq!((request.as_str(), status), ("GET /nope.mp4", 404));
    // tcpsvd -v saw every connection end with exit status 0.
    let ends = server
        .log_text()
        .lines()
        .filter(|l| l.contains(": end "))
        .map(str::to_owned)
        .collect::<Vec<_>>();
    assert!(
        ends.iter().all(|l| l.ends_with("exit 0")),
        "tcpsvd lines: {ends:?}"
    );
}

/// Regression: a send that failed on our side exited 1; runit's convention for a
/// temporary failure is 111 (and a client that went away is still 0). Here stdout is
/// a file opened for reading only, so write(2) fails with EBADF: for a planned answer
/// and for a refusal alike.
#[test]
fn a_send_that_fails_on_our_side_exits_111() {
    let dir = TempDir::new("send-fails");
    let empty = dir.write("empty.conf", "allow_root = yes\n");
    let read_only = dir.write("read-only", b"");
    for (target, status) in [(SEEK, " 200 "), ("/nope.mp4", " 404 ")] {
        let mut child = Command::new(bin("loomiere-mp4"))
            .arg("--root")
            .arg(media_dir())
            .env("LOOMIERE_CONFIG", &empty)
            .env_remove("LOOMIERE_REQUEST")
            .env_remove("LOOMIERE_REQUEST_FD")
            .stdin(Stdio::piped())
            .stdout(std::fs::File::open(&read_only).unwrap())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        child.stdin.take().unwrap().write_all(&get(target)).unwrap();
        let done = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&done.stderr);
        assert_eq!(done.status.code(), Some(111), "{target}: stderr {stderr}");
        assert!(
            stderr.contains(status) && stderr.contains(" error"),
            "{target}: stderr {stderr}"
        );
    }
}
