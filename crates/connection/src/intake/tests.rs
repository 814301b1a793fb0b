use super::*;
use std::io::Write;
use std::os::fd::OwnedFd;
use std::os::unix::ffi::OsStrExt;
use std::thread;

const HEAD: &[u8] =
    b"GET /v.mp4?start=10 HTTP/1.1\r\nHost: example.com\r\nRange: bytes=0-9\r\n\r\n";

fn limits(max_head_bytes: usize) -> Limits {
    Limits {
        max_head_bytes,
        max_header_lines: 1000,
    }
}

/// Writes `chunks` into a pipe from a thread, pausing `pause` between chunks, then closes
/// it; `read_head` runs on the read end. A write error (reader gone) ends the writer.
fn through_pipe(
    chunks: Vec<Vec<u8>>,
    pause: Duration,
    limits: &Limits,
    timeout: Duration,
) -> Result<Vec<u8>, IntakeError> {
    let (r, w) = nix::unistd::pipe().expect("pipe");
    let writer = thread::spawn(move || feed(w, chunks, pause));
    let got = read_head(r.as_fd(), limits, timeout);
    drop(r);
    writer.join().expect("writer thread");
    got
}

fn feed(w: OwnedFd, chunks: Vec<Vec<u8>>, pause: Duration) {
    for chunk in chunks {
        if nix::unistd::write(&w, &chunk).is_err() {
            return;
        }
        thread::sleep(pause);
    }
}

fn status(got: Result<Vec<u8>, IntakeError>) -> u16 {
    match got {
        Err(IntakeError::Refused(r)) => r.status,
        other => panic!("expected a refusal, got {other:?}"),
    }
}

const LONG: Duration = Duration::from_secs(20);

/// (name, the reads the client's bytes arrive in, the head expected).
type ReadCase = (&'static str, Vec<Vec<u8>>, Vec<u8>);

/// (`LOOMIERE_REQUEST` bytes, the head expected or the refusal's status).
type EnvCase = (&'static [u8], Result<Vec<u8>, u16>);

#[test]
fn complete_heads_are_returned_without_trailing_bytes() {
    let mut with_extra = HEAD.to_vec();
    with_extra.extend_from_slice(b"GET /pipelined HTTP/1.1\r\n\r\n");
    let bare_lf = b"GET /v.flv HTTP/1.1\nHost: a\n\n".to_vec();
    let byte_by_byte: Vec<Vec<u8>> = HEAD.iter().map(|b| vec![*b]).collect();
    let threes: Vec<Vec<u8>> = HEAD.chunks(3).map(<[u8]>::to_vec).collect();
    let cases: Vec<ReadCase> = vec![
        ("at once", vec![HEAD.to_vec()], HEAD.to_vec()),
        ("pipelined extra", vec![with_extra], HEAD.to_vec()),
        ("bare LF", vec![bare_lf.clone()], bare_lf),
        ("byte by byte", byte_by_byte, HEAD.to_vec()),
        ("threes", threes, HEAD.to_vec()),
    ];
    for (name, chunks, want) in cases {
        let got = through_pipe(chunks, Duration::from_millis(1), &limits(8192), LONG);
        assert_eq!(got, Ok(want), "{name}");
    }
}

#[test]
fn eof_before_any_byte_is_closed() {
    let got = through_pipe(vec![], Duration::ZERO, &limits(8192), LONG);
    assert_eq!(got, Err(IntakeError::Closed));
}

#[test]
fn eof_mid_head_is_400() {
    let got = through_pipe(
        vec![HEAD[..20].to_vec()],
        Duration::ZERO,
        &limits(8192),
        LONG,
    );
    assert_eq!(status(got), 400);
}

#[test]
fn oversized_head_is_431() {
    let mut big = b"GET / HTTP/1.1\r\n".to_vec();
    for i in 0..200 {
        big.extend_from_slice(format!("X-Filler-{i}: {}\r\n", "a".repeat(40)).as_bytes());
    }
    let chunks: Vec<Vec<u8>> = big.chunks(1000).map(<[u8]>::to_vec).collect();
    let got = through_pipe(chunks, Duration::ZERO, &limits(1024), LONG);
    assert_eq!(status(got), 431);
}

#[test]
fn slow_writer_hits_the_deadline_with_408() {
    // One byte every 40 ms for about 4 s: never complete within the 300 ms limit.
    let chunks: Vec<Vec<u8>> = HEAD.iter().map(|b| vec![*b]).collect();
    let got = through_pipe(
        chunks,
        Duration::from_millis(40),
        &limits(8192),
        Duration::from_millis(300),
    );
    assert_eq!(status(got), 408);
}

#[test]
fn head_is_read_from_a_regular_file() {
    let path = std::env::temp_dir().join(format!("loomiere-intake-{}.req", std::process::id()));
    std::fs::File::create(&path)
        .and_then(|mut f| f.write_all(HEAD))
        .expect("write temp file");
    let file = std::fs::File::open(&path).expect("open temp file");
    let got = read_head(file.as_fd(), &limits(8192), LONG);
    std::fs::remove_file(&path).expect("remove temp file");
    assert_eq!(got, Ok(HEAD.to_vec()));
}

/// All environment cases live in this one test: the environment is process-global.
#[test]
fn head_from_environment() {
    let cases: Vec<EnvCase> = vec![
        (HEAD, Ok(HEAD.to_vec())),
        (
            b"GET / HTTP/1.1\nHost: a\n\nextra",
            Ok(b"GET / HTTP/1.1\nHost: a\n\n".to_vec()),
        ),
        (b"GET / HTTP/1.1\r\nHost: a\r\n", Err(400)),
        (b"", Err(400)),
    ];
    std::env::remove_var(REQUEST_FD_ENV);
    for (value, want) in cases {
        std::env::set_var(REQUEST_ENV, std::ffi::OsStr::from_bytes(value));
        let got = from_front(acquire_head(&limits(8192), LONG));
        match want {
            Ok(head) => assert_eq!(got, Ok(head), "{value:?}"),
            Err(code) => assert_eq!(status(got), code, "{value:?}"),
        }
    }
    let mut big = b"GET / HTTP/1.1\r\nHost: a\r\nX: ".to_vec();
    big.extend_from_slice(&[b'a'; 300]);
    std::env::set_var(REQUEST_ENV, std::ffi::OsStr::from_bytes(&big));
    assert_eq!(status(from_front(acquire_head(&limits(128), LONG))), 431);
    std::env::remove_var(REQUEST_ENV);
    long_heads_are_handed_over_in_a_descriptor();
}

/// The head of `got`, which must have come from the front (or be an error).
fn from_front(got: Result<(Vec<u8>, Source), IntakeError>) -> Result<Vec<u8>, IntakeError> {
    got.map(|(head, source)| {
        assert_eq!(source, Source::Front);
        head
    })
}

/// A head of `len` bytes: a request line, `Host`, and one long field.
fn head_of(len: usize) -> Vec<u8> {
    let mut head = b"GET /a.mp4 HTTP/1.1\r\nHost: a\r\nX-Long: ".to_vec();
    head.resize(len - 4, b'x');
    head.extend_from_slice(b"\r\n\r\n");
    head
}

/// Part of [`head_from_environment`]: what [`crate::handover::hand_over`] sets up for
/// a streamer is what [`acquire_head`] reads back, in the environment up to
/// [`crate::handover::ENV_HEAD_MAX`] bytes and in a descriptor above it; a descriptor
/// is closed once read, and a bad [`REQUEST_FD_ENV`] is a 500.
fn long_heads_are_handed_over_in_a_descriptor() {
    use crate::handover::{hand_over, ENV_HEAD_MAX};
    use std::os::fd::IntoRawFd;
    let big = limits(1 << 20);
    for len in [ENV_HEAD_MAX, ENV_HEAD_MAX + 1, 300 * 1024] {
        let head = head_of(len);
        let mut cmd = std::process::Command::new("streamer");
        let fd = hand_over(&mut cmd, &head).expect("hand over");
        assert_eq!(fd.is_some(), len > ENV_HEAD_MAX, "{len}");
        for (name, value) in cmd.get_envs() {
            match value {
                Some(v) => std::env::set_var(name, v),
                None => std::env::remove_var(name),
            }
        }
        // acquire_head takes the descriptor over and closes it.
        let raw = fd.map(IntoRawFd::into_raw_fd);
        assert!(
            from_front(acquire_head(&big, LONG)) == Ok(head.clone()),
            "{len}"
        );
        if let Some(raw) = raw {
            // SAFETY: F_GETFD only asks whether the descriptor is open.
            assert_eq!(
                unsafe { libc::fcntl(raw, libc::F_GETFD) },
                -1,
                "{len}: still open"
            );
        }
    }
    std::env::remove_var(REQUEST_ENV);
    for bad in ["1", "x", "", "999999"] {
        std::env::set_var(REQUEST_FD_ENV, bad);
        assert_eq!(status(from_front(acquire_head(&big, LONG))), 500, "{bad:?}");
    }
    std::env::remove_var(REQUEST_FD_ENV);
}

#[test]
fn timeouts_are_shown_in_seconds_like_the_config_writes_them() {
    let cases: &[(Duration, &str)] = &[
        (Duration::from_secs(10), "10"),
        (Duration::from_millis(300), "0.3"),
        (Duration::from_millis(2250), "2.25"),
        (Duration::from_millis(1), "0.001"),
        (Duration::from_millis(60_010), "60.01"),
        (Duration::ZERO, "0"),
    ];
    for (d, shown) in cases {
        assert_eq!(show_seconds(*d), *shown, "{d:?}");
    }
}
