//! Hostile requests through tcpsvd and the front: a table of requests, each with the
//! exact status it must get (RFC 9110, RFC 9112), none of which may ever show a byte
//! of a canary file planted outside the root, of a dot-file inside it, or of
//! `/etc/passwd`. Then the slow ones: a slowloris and a client that never reads.

use crate::corrupt::process_ends;
use crate::support::client::{connect, read_response};
use crate::support::{media, Server, TempDir};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::thread::sleep;
use std::time::Duration;

const OUTSIDE: &[u8] = b"LOOMIERE-CANARY-OUTSIDE-7f3a9c";
const DOTFILE: &[u8] = b"LOOMIERE-CANARY-DOTFILE-91c2e4";
const PASSWD: &[u8] = b"root:x:0:0:";

/// `dir/root` with the test media and traps; the canary sits in `dir`, outside it.
fn jail(dir: &TempDir) -> PathBuf {
    let root = dir.join("root");
    dir.write("canary.png", OUTSIDE);
    dir.write("canary.mp4", OUTSIDE);
    for (name, source) in [
        ("poster.png", "poster.png"),
        ("a/film.mp4", "h264-aac.mp4"),
        ("film.flv", "h264-aac-index.flv"),
    ] {
        dir.write(
            &format!("root/{name}"),
            std::fs::read(media(source)).unwrap_or_else(|e| panic!("{source}: {e}")),
        );
    }
    for name in [
        ".secret.png",
        ".hidden/x.png",
        "a/.secret.png",
        ".secret.mp4",
    ] {
        dir.write(&format!("root/{name}"), DOTFILE);
    }
    let link =
        |to: &Path, name: &str| std::os::unix::fs::symlink(to, root.join(name)).expect("symlink");
    link(Path::new("../canary.png"), "out.png");
    link(&dir.join("canary.png"), "abs-out.png");
    link(Path::new("/etc/passwd"), "passwd.png");
    link(Path::new(".."), "up");
    link(Path::new("poster.png"), "in.png");
    link(Path::new("loop.png"), "loop.png");
    root
}

/// A request line and `Host: localhost`, CRLF line ends.
fn get(target: &str) -> Vec<u8> {
    format!("GET {target} HTTP/1.1\r\nHost: localhost\r\n\r\n").into_bytes()
}

/// `GET /poster.png` with these extra field lines.
fn with(fields: &str) -> Vec<u8> {
    format!("GET /poster.png HTTP/1.1\r\n{fields}\r\n").into_bytes()
}

/// `GET /poster.png` with one `Range` field.
fn range(value: &str) -> Vec<u8> {
    with(&format!("Host: localhost\r\nRange: {value}\r\n"))
}

fn raw(bytes: &[u8]) -> Vec<u8> {
    bytes.to_vec()
}

/// `(what, request bytes, status)`.
fn table() -> Vec<(String, Vec<u8>, u16)> {
    let long_name = format!("/{}.png", "n".repeat(300));
    let long_ok = format!("/{}.png", "n".repeat(250));
    let deep = format!("{}/x.png", "/d".repeat(2100));
    let huge = format!("/{}.png", "h".repeat(9000));
    let rows: Vec<(&str, Vec<u8>, u16)> = vec![
        // Traversal, plain and in every encoding.
        ("dotdot", get("/../canary.png"), 403),
        ("dotdot deep", get("/a/../../canary.png"), 403),
        ("dotdot inside", get("/a/../poster.png"), 403),
        ("dotdot at end", get("/a/.."), 403),
        ("dotdot mp4", get("/../canary.mp4"), 403),
        ("%2e%2e", get("/%2e%2e/canary.png"), 403),
        ("%2E%2E", get("/%2E%2E/canary.png"), 403),
        ("%2e.", get("/%2e./canary.png"), 403),
        (".%2e", get("/.%2e/canary.png"), 403),
        ("..%2f", get("/..%2fcanary.png"), 403),
        ("..%2F", get("/a/..%2F..%2Fcanary.png"), 403),
        ("%2e%2e%2f", get("/a/%2e%2e%2f%2e%2e%2fcanary.png"), 403),
        ("%2f%2e%2e", get("/a%2f%2e%2e%2f%2e%2e%2fcanary.png"), 403),
        (
            "etc/passwd",
            get("/%2e%2e%2f%2e%2e%2f%2e%2e%2f%2e%2e%2fetc%2fpasswd.png"),
            403,
        ),
        ("..%5c", get("/..%5ccanary.png"), 404),
        ("%5c..%5c", get("/a%5c..%5c..%5ccanary.png"), 404),
        ("raw backslash", get("/a\\..\\..\\canary.png"), 404),
        ("%c0%ae overlong", get("/%c0%ae%c0%ae/canary.png"), 400),
        ("%c0%2e overlong", get("/%c0%2e%c0%2e/canary.png"), 400),
        (
            "%e0%80%ae overlong",
            get("/%e0%80%ae%e0%80%ae/canary.png"),
            400,
        ),
        ("%c1%9c overlong slash", get("/..%c1%9ccanary.png"), 400),
        ("%252e double", get("/%252e%252e/canary.png"), 404),
        ("%252f double", get("/..%252fcanary.png"), 404),
        ("%25252e triple", get("/%25252e%25252e/canary.png"), 404),
        ("%u002e", get("/%u002e%u002e/canary.png"), 400),
        ("bad escape", get("/%zz/poster.png"), 400),
        ("truncated escape", get("/poster.png%2"), 400),
        ("....", get("/..../canary.png"), 404),
        ("..;", get("/..;/canary.png"), 404),
        ("dot segment", get("/./poster.png"), 200),
        ("double slash", get("//poster.png"), 200),
        (
            "traversal in the query",
            get("/poster.png?f=../../canary.png"),
            200,
        ),
        // Absolute-form (RFC 9112 §3.2.2): the authority replaces Host.
        ("absolute", get("http://localhost/poster.png"), 200),
        ("absolute https", get("https://localhost/poster.png"), 200),
        (
            "absolute upper case",
            get("HTTP://LOCALHOST/poster.png"),
            200,
        ),
        (
            "absolute other host",
            get("http://elsewhere.example:8080/poster.png"),
            200,
        ),
        (
            "absolute dotdot",
            get("http://localhost/../canary.png"),
            403,
        ),
        (
            "absolute %2e%2e",
            get("http://localhost/%2e%2e/canary.png"),
            403,
        ),
        (
            "absolute userinfo",
            get("http://user@localhost/poster.png"),
            400,
        ),
        ("absolute empty host", get("http:///poster.png"), 400),
        (
            "absolute bad port",
            get("http://localhost:99999/poster.png"),
            400,
        ),
        ("absolute no path", get("http://localhost"), 404),
        ("ftp scheme", get("ftp://localhost/poster.png"), 400),
        ("file scheme", get("file:///etc/passwd"), 400),
        ("authority-form", get("localhost:80"), 400),
        ("asterisk-form", get("*"), 400),
        ("relative target", get("poster.png"), 400),
        ("fragment", get("/poster.png#x"), 400),
        // NUL, raw and encoded.
        ("%00 in name", get("/poster%00.png"), 400),
        ("%00 before extension", get("/canary.png%00.mp4"), 400),
        (
            "raw NUL in target",
            raw(b"GET /poster.png\0 HTTP/1.1\r\nHost: localhost\r\n\r\n"),
            400,
        ),
        (
            "NUL in a field value",
            with("Host: localhost\r\nX-A: a\0b\r\n"),
            400,
        ),
        (
            "NUL in a field name",
            with("Host: localhost\r\nX\0A: b\r\n"),
            400,
        ),
        // Symbolic links.
        ("symlink out", get("/out.png"), 403),
        ("absolute symlink out", get("/abs-out.png"), 403),
        ("symlink to /etc/passwd", get("/passwd.png"), 403),
        ("directory symlink out", get("/up/canary.png"), 403),
        ("symlink loop", get("/loop.png"), 403),
        ("symlink inside", get("/in.png"), 200),
        // Dot-files.
        (".secret", get("/.secret.png"), 404),
        (".secret mp4", get("/.secret.mp4"), 404),
        (".hidden dir", get("/.hidden/x.png"), 404),
        ("nested dot-file", get("/a/.secret.png"), 404),
        ("%2e dot-file", get("/%2esecret.png"), 404),
        (".htaccess", get("/.htaccess"), 404),
        (".git", get("/.git/config.png"), 404),
        ("root", get("/"), 404),
        ("lone dot", get("/."), 404),
        // Long paths.
        ("request-target over 8 KiB", get(&huge), 414),
        (
            "field over 8 KiB",
            with(&format!("Host: localhost\r\nX-A: {}\r\n", "v".repeat(9000))),
            431,
        ),
        (
            "method over 8 KiB",
            format!("{} /poster.png HTTP/1.1\r\n\r\n", "M".repeat(9000)).into_bytes(),
            501,
        ),
        ("name over NAME_MAX", get(&long_name), 414),
        ("name under NAME_MAX", get(&long_ok), 404),
        ("path over PATH_MAX", get(&deep), 414),
        // Host.
        (
            "no Host in 1.1",
            raw(b"GET /poster.png HTTP/1.1\r\n\r\n"),
            400,
        ),
        (
            "no Host in 1.0",
            raw(b"GET /poster.png HTTP/1.0\r\n\r\n"),
            200,
        ),
        (
            "duplicate Host",
            with("Host: localhost\r\nHost: localhost\r\n"),
            400,
        ),
        (
            "duplicate Host other case",
            with("Host: a\r\nhost: b\r\n"),
            400,
        ),
        ("empty Host", with("Host:\r\n"), 400),
        ("Host with a space", with("Host: a b\r\n"), 400),
        ("Host with a path", with("Host: a/b\r\n"), 400),
        ("Host with userinfo", with("Host: u@a\r\n"), 400),
        ("Host IPv6", with("Host: [::1]:8080\r\n"), 200),
        // Field syntax (RFC 9112 §5).
        (
            "obs-fold space",
            with("Host: localhost\r\nX-A: a\r\n b\r\n"),
            400,
        ),
        (
            "obs-fold tab",
            with("Host: localhost\r\nX-A: a\r\n\tb\r\n"),
            400,
        ),
        (
            "space before the first field",
            with(" Host: localhost\r\n"),
            400,
        ),
        ("space before colon", with("Host : localhost\r\n"), 400),
        ("no colon", with("Host: localhost\r\nX-A\r\n"), 400),
        ("bare CR", with("Host: localhost\rX-A: b\r\n"), 400),
        (
            "bare LF everywhere",
            raw(b"GET /poster.png HTTP/1.1\nHost: localhost\n\n"),
            200,
        ),
        (
            "mixed line ends",
            raw(b"GET /poster.png HTTP/1.1\r\nHost: localhost\n\r\n"),
            200,
        ),
        (
            "leading empty lines",
            raw(b"\r\n\nGET /poster.png HTTP/1.1\r\nHost: localhost\r\n\r\n"),
            200,
        ),
        ("HTTP/0.9", raw(b"GET /poster.png\r\n\r\n"), 400),
        (
            "HTTP/2.0",
            raw(b"GET /poster.png HTTP/2.0\r\nHost: localhost\r\n\r\n"),
            505,
        ),
        (
            "lower-case version",
            raw(b"GET /poster.png http/1.1\r\nHost: localhost\r\n\r\n"),
            400,
        ),
        (
            "two spaces",
            raw(b"GET  /poster.png HTTP/1.1\r\nHost: localhost\r\n\r\n"),
            400,
        ),
        (
            "space in target",
            raw(b"GET /poster .png HTTP/1.1\r\nHost: localhost\r\n\r\n"),
            400,
        ),
        (
            "lower-case method",
            raw(b"get /poster.png HTTP/1.1\r\nHost: localhost\r\n\r\n"),
            501,
        ),
        (
            "unknown method",
            raw(b"BREW /poster.png HTTP/1.1\r\nHost: localhost\r\n\r\n"),
            501,
        ),
        (
            "POST",
            raw(b"POST /poster.png HTTP/1.1\r\nHost: localhost\r\nContent-Length: 0\r\n\r\n"),
            405,
        ),
        (
            "TRACE",
            raw(b"TRACE /poster.png HTTP/1.1\r\nHost: localhost\r\n\r\n"),
            405,
        ),
        (
            "CONNECT",
            raw(b"CONNECT localhost:80 HTTP/1.1\r\nHost: localhost\r\n\r\n"),
            405,
        ),
        // start and end (MP4: seconds; FLV: bytes, or seconds with units=s).
        ("start=NaN", get("/a/film.mp4?start=NaN"), 400),
        ("start=nan", get("/a/film.mp4?start=nan"), 400),
        ("start=inf", get("/a/film.mp4?start=inf"), 400),
        ("start=-inf", get("/a/film.mp4?start=-inf"), 400),
        ("start=Infinity", get("/a/film.mp4?start=Infinity"), 400),
        ("start=-1", get("/a/film.mp4?start=-1"), 400),
        ("start=-0", get("/a/film.mp4?start=-0"), 400),
        ("start=+5", get("/a/film.mp4?start=+5"), 400),
        ("start=%2B5", get("/a/film.mp4?start=%2B5"), 400),
        ("start=1e1", get("/a/film.mp4?start=1e1"), 400),
        ("start=1E1", get("/a/film.mp4?start=1E1"), 400),
        ("start=0x10", get("/a/film.mp4?start=0x10"), 400),
        ("start=1.2.3", get("/a/film.mp4?start=1.2.3"), 400),
        ("start=5%00", get("/a/film.mp4?start=5%00"), 400),
        ("start=%zz", get("/a/film.mp4?start=%zz"), 400),
        (
            "start fullwidth digits",
            get("/a/film.mp4?start=%EF%BC%91%EF%BC%90"),
            400,
        ),
        ("start empty", get("/a/film.mp4?start="), 400),
        (
            "start u64 overflow",
            get("/a/film.mp4?start=99999999999999999999"),
            400,
        ),
        (
            "start ms overflow",
            get("/a/film.mp4?start=18446744073709552"),
            400,
        ),
        (
            "start huge",
            get("/a/film.mp4?start=18446744073709551"),
            400,
        ),
        ("start past the end", get("/a/film.mp4?start=100000"), 400),
        ("end=NaN", get("/a/film.mp4?end=NaN"), 400),
        ("end before start", get("/a/film.mp4?start=20&end=10"), 400),
        ("start=10.", get("/a/film.mp4?start=10."), 200),
        ("start=.5", get("/a/film.mp4?start=.5"), 200),
        (
            "start long decimals",
            get("/a/film.mp4?start=10.123456789012345678901234567890"),
            200,
        ),
        (
            "first start wins",
            get("/a/film.mp4?start=10&start=NaN"),
            200,
        ),
        ("flv start=-1", get("/film.flv?start=-1"), 400),
        ("flv start=1e3", get("/film.flv?start=1e3"), 400),
        (
            "flv start u64 overflow",
            get("/film.flv?start=18446744073709551616"),
            400,
        ),
        (
            "flv start past the end",
            get("/film.flv?start=18446744073709551615"),
            400,
        ),
        (
            "flv start=NaN seconds",
            get("/film.flv?start=NaN&units=s"),
            400,
        ),
        (
            "flv start=inf seconds",
            get("/film.flv?start=inf&units=s"),
            400,
        ),
        ("flv units=x", get("/film.flv?start=1&units=x"), 400),
        // Range (RFC 9110 §14): overflow saturates, never wraps.
        (
            "range u64 max last",
            range("bytes=0-18446744073709551615"),
            206,
        ),
        (
            "range past u64 first",
            range("bytes=18446744073709551616-"),
            416,
        ),
        (
            "range u64 max first",
            range("bytes=18446744073709551615-18446744073709551615"),
            416,
        ),
        (
            "range huge suffix",
            range("bytes=-18446744073709551616"),
            206,
        ),
        (
            "range last before first",
            range("bytes=99999999999999999999999-1"),
            200,
        ),
        ("range two ranges", range("bytes=0-0,-1"), 200),
        ("range negative", range("bytes=--1"), 200),
        ("range other unit", range("items=0-1"), 200),
        ("range zero suffix", range("bytes=-0"), 416),
    ];
    rows.into_iter()
        .map(|(what, req, status)| (what.to_owned(), req, status))
        .collect()
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

/// Fails when `bytes` (a body, or the header fields) show any canary.
fn leak_free(what: &str, bytes: &[u8]) {
    for canary in [OUTSIDE, DOTFILE, PASSWD] {
        assert!(
            !contains(bytes, canary),
            "{what}: the response shows {:?}",
            String::from_utf8_lossy(canary)
        );
    }
}

#[test]
fn hostile_requests_get_exact_statuses_and_leak_nothing() {
    let dir = TempDir::new("hostile");
    let root = jail(&dir);
    let config = dir.config("stream.conf", Some(&root), "");
    let server = Server::stream(&dir, &config);
    let rows = table();
    assert!(rows.len() >= 100, "only {} requests", rows.len());
    let mut wrong = Vec::new();
    for (what, request, status) in &rows {
        let r = server.send(request);
        leak_free(what, &r.body);
        leak_free(what, format!("{:?}", r.headers).as_bytes());
        if r.status != *status {
            wrong.push(format!("{what}: got {}, want {status}", r.status));
        }
        r.complete();
    }
    assert!(
        wrong.is_empty(),
        "{} wrong statuses:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
    let ends = process_ends(&server, rows.len());
    assert!(
        ends.iter().all(|e| e == "exit 0") && ends.len() == rows.len(),
        "{ends:?}"
    );
}

#[test]
fn pipelined_requests_get_one_answer_and_connection_close() {
    let dir = TempDir::new("pipelined");
    let root = jail(&dir);
    let config = dir.config("stream.conf", Some(&root), "");
    let server = Server::stream(&dir, &config);
    let poster = std::fs::read(root.join("poster.png")).unwrap();
    let second = ["/../canary.png", "/.secret.png", "/poster.png", "/out.png"];
    for s in second {
        let mut both = get("/poster.png");
        both.extend_from_slice(&get(s));
        let r = server.send(&both);
        r.expect(200).complete();
        assert!(
            r.body == poster,
            "then {s}: the body is not exactly the first file"
        );
        leak_free(s, &r.body);
    }
    // A bad first request: the second is never read.
    let mut both = get("/../canary.png");
    both.extend_from_slice(&get("/poster.png"));
    let r = server.send(&both);
    r.expect(403).complete();
    assert!(
        !contains(&r.body, b"\x89PNG"),
        "the second request was answered"
    );
}

#[test]
fn a_slowloris_gets_408_when_request_timeout_passes() {
    let dir = TempDir::new("slowloris");
    let root = jail(&dir);
    let config = dir.config("stream.conf", Some(&root), "request_timeout = 2\n");
    let server = Server::stream(&dir, &config);
    let mut stream = connect(server.port);
    // One byte every 0.7 s, five of them: each arrives well within any per-read
    // timeout, but the deadline is fixed when the process starts reading. Bytes after
    // the 408 are read and dropped by the lingering close, so they cause no reset.
    for &b in &get("/poster.png")[..5] {
        stream.write_all(&[b]).expect("write one byte");
        sleep(Duration::from_millis(700));
    }
    let r = read_response(&mut stream);
    r.expect(408);
    let line = server.access_line(0);
    assert!(
        line.contains("\" 408 ") && line.contains("not complete within 2 s"),
        "{line}"
    );
    assert_eq!(process_ends(&server, 1), ["exit 0"]);
}

#[test]
fn a_client_that_never_reads_is_dropped_after_send_timeout() {
    let dir = TempDir::new("never-reads");
    let root = jail(&dir);
    // 256 MiB, sparse: far more than the socket buffers on both sides can hold.
    let big = std::fs::File::create(root.join("big.png")).unwrap();
    big.set_len(256 << 20).unwrap();
    let config = dir.config("stream.conf", Some(&root), "send_timeout = 0.5\n");
    let server = Server::stream(&dir, &config);
    let mut stream = connect(server.port);
    stream.write_all(&get("/big.png")).unwrap();
    // Never read; the streamer must give up on its own and log it.
    let line = server.access_line(0);
    assert!(
        line.contains("\"GET /big.png\" 200 ") && line.contains("send-timeout"),
        "{line}"
    );
    assert_eq!(process_ends(&server, 1), ["exit 0"]);
    drop(stream);
}
