//! HTTPS through the real stunnel4 in exec mode (the shipped
//! `etc/stunnel/loomiere.conf`, test certificate from openssl): the same bytes as
//! plain tcpsvd, the client's address in the log (stunnel's `REMOTE_HOST`), and
//! throttling, `Range` and the send timeout working over stunnel's connection to
//! the streamer (a loopback TCP socket of its own, so the sender's socket paths run).

use crate::support::browser::{play_with, src_param, PageServer};
use crate::support::tls::{Stunnel, TestCa};
use crate::support::{curl, media, tool, Response, Server, TempDir};
use std::path::PathBuf;
use std::process::Command;
use std::time::{Duration, Instant};

/// A root holding the MP4 and PNG test files; a config with `extra`.
fn setup(dir: &TempDir, extra: &str) -> PathBuf {
    for name in ["h264-aac.mp4", "poster.png"] {
        dir.write(&format!("root/{name}"), std::fs::read(media(name)).unwrap());
    }
    dir.config("stream.conf", Some(&dir.join("root")), extra)
}

fn https(tls: &Stunnel, ca: &TestCa, target: &str, more: &[&str]) -> Response {
    let cacert = ca.ca.display().to_string();
    let mut args = vec!["--cacert", cacert.as_str()];
    args.extend_from_slice(more);
    curl(&format!("https://127.0.0.1:{}{target}", tls.port), &args)
}

#[test]
fn https_through_stunnel_gives_the_bytes_of_plain_tcpsvd_and_logs_the_client() {
    let dir = TempDir::new("tls-same");
    let config = setup(&dir, "");
    let ca = TestCa::new(&dir);
    let tls = Stunnel::start(&dir, &ca, &config);
    let plain = Server::stream(&dir, &config);
    let cases: &[(&str, &[&str], u16)] = &[
        ("/h264-aac.mp4?start=10", &[], 200),
        ("/h264-aac.mp4", &["-r", "1000-1999"], 206),
        ("/poster.png", &[], 200),
    ];
    for (i, (target, more, status)) in cases.iter().enumerate() {
        let over_tls = https(&tls, &ca, target, more);
        over_tls.expect(*status);
        let over_tcp = curl(&format!("http://127.0.0.1:{}{target}", plain.port), more);
        over_tcp.expect(*status);
        assert!(over_tls.body == over_tcp.body, "{target}: bodies differ");
        assert!(!over_tls.body.is_empty());
        for field in ["ETag", "Content-Length", "Content-Range"] {
            assert_eq!(over_tls.header(field), over_tcp.header(field), "{target}");
        }
        let line = tls.access_line(i);
        assert!(line.starts_with("127.0.0.1 \""), "{line}");
        assert!(line.contains(" complete"), "{line}");
    }
    // stunnel's socket to the streamer is its own, from 127.0.0.1: only REMOTE_HOST
    // can name a client at another address.
    let other = https(&tls, &ca, "/poster.png", &["--interface", "127.0.0.2"]);
    other.expect(200);
    let line = tls.access_line(3);
    assert!(
        line.starts_with("127.0.0.2 \"GET /poster.png\" 200"),
        "{line}"
    );
}

#[test]
fn throttling_and_the_send_timeout_work_through_stunnel() {
    let dir = TempDir::new("tls-throttle");
    let config = setup(
        &dir,
        "throttle = 2\nthrottle_rate = 10\nthrottle_min_size = 64k\nsend_timeout = 1\n",
    );
    let ca = TestCa::new(&dir);
    let tls = Stunnel::start(&dir, &ca, &config);
    // 40 s of film, 2 s ahead at 10 times real time: about 3.8 s, not a burst.
    let started = Instant::now();
    let r = https(&tls, &ca, "/h264-aac.mp4", &[]);
    let took = started.elapsed();
    r.expect(200);
    assert_eq!(r.body, std::fs::read(media("h264-aac.mp4")).unwrap());
    let line = tls.access_line(0);
    assert!(
        line.contains("complete") && line.contains("throttled"),
        "{line}"
    );
    assert!(
        took > Duration::from_millis(3000) && took < Duration::from_secs(15),
        "a throttled stream took {took:?}"
    );
    // A client that reads a little and then nothing: dropped after send_timeout, once
    // the buffers between (its socket, stunnel's, stunnel's socket to us: several MiB
    // on loopback) are full; so a body larger than all of them.
    dir.write("root/big.png", vec![0u8; 32 << 20]);
    let script = format!(
        "import socket, ssl, time\n\
         c = ssl.create_default_context(cafile={ca:?})\n\
         s = c.wrap_socket(socket.create_connection(('127.0.0.1', {port})), server_hostname='localhost')\n\
         s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)\n\
         s.sendall(b'GET /big.png HTTP/1.0\\r\\n\\r\\n')\n\
         s.recv(100)\n\
         time.sleep(8)\n",
        ca = ca.ca.display().to_string(),
        port = tls.port
    );
    let status = Command::new(tool("python3"))
        .args(["-c", &script])
        .status()
        .expect("python3");
    assert!(status.success());
    let line = tls.access_line(1);
    assert!(
        line.contains("\"GET /big.png\" 200") && line.contains("send-timeout"),
        "{line}"
    );
}

/// Chromium plays an `https://` film through stunnel in a bare `<video>` (the test
/// CA is not in its store: `--ignore-certificate-errors`) and seeks to a point not
/// yet buffered (the throttle keeps it 2 s ahead).
#[test]
fn chromium_plays_and_seeks_an_https_video_through_stunnel() {
    let dir = TempDir::new("tls-video");
    let config = setup(&dir, "throttle = 2\nthrottle_min_size = 64k\n");
    let ca = TestCa::new(&dir);
    let tls = Stunnel::start(&dir, &ca, &config);
    let page = PageServer::start(&dir);
    let src = src_param(&format!("https://127.0.0.1:{}/h264-aac.mp4", tls.port));
    let query = format!("player=video&src={src}&seek=25");
    let (ok, verdict) = play_with(&page, &query, &["--ignore-certificate-errors"]);
    assert!(ok, "{verdict}");
    let line = tls.access_line(1);
    assert!(line.contains("\"GET /h264-aac.mp4\" 206"), "{line}");
}
