//! IP rules and per-IP limits stay with tcpsvd. These tests run the shipped examples
//! of `runit/loomiere-stream` (its `-C` message, the files in `peers/`) through the
//! real tcpsvd, with clients bound to other loopback addresses by `curl --interface`.

use super::root_with;
use crate::support::client::{connect, read_response};
use crate::support::server::Spec;
use crate::support::{get, tool, Server, TempDir};
use std::ffi::OsString;
use std::io::{Read, Write};
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The shipped runit service directory.
fn service() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("runit/loomiere-stream")
}

/// The `MESSAGE` of `-C N:MESSAGE` in the shipped run script, as written there.
fn shipped_message() -> String {
    let run = std::fs::read_to_string(service().join("run")).expect("runit run script");
    let quoted = run
        .split("-C '")
        .nth(1)
        .and_then(|rest| rest.split('\'').next())
        .expect("-C '...' in run");
    quoted.split_once(':').expect("-C N:MESSAGE").1.to_owned()
}

/// The bytes tcpsvd sends for [`shipped_message`]: `\r` and `\n` unescaped.
fn limit_message() -> String {
    shipped_message().replace("\\r", "\r").replace("\\n", "\n")
}

/// The option `-C` takes: limit `n` with the shipped message.
fn limit_option(n: u32) -> OsString {
    format!("{n}:{}", shipped_message()).into()
}

/// The status curl got for `target` from source address `ip`: `"200"`, or `"000"`
/// when the connection closed without an answer.
fn curl_from(ip: &str, port: u16, target: &str) -> String {
    let out = Command::new(tool("curl"))
        .args([
            "-s",
            "-o",
            "/dev/null",
            "-w",
            "%{http_code}",
            "--max-time",
            "20",
            "--interface",
            ip,
        ])
        .arg(format!("http://127.0.0.1:{port}{target}"))
        .output()
        .expect("run curl");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Copies a shipped example from `peers/` to `dir/name`, keeping its mode.
fn install_example(example: &str, dir: &Path, name: &str) {
    std::fs::copy(service().join("peers").join(example), dir.join(name))
        .expect("copy example rule");
}

#[test]
fn tcpsvd_rules_deny_an_address_and_a_prefix() {
    let dir = TempDir::new("peers-deny");
    let root = root_with(&dir, "root", &["film.png"]);
    let config = dir.config("stream.conf", Some(&root), "");
    let rules = dir.join("peers");
    std::fs::create_dir_all(&rules).expect("mkdir peers");
    // The shipped executable example answers 403 in place of the streamer.
    install_example("192.0.2", &rules, "127.0.0.2");
    install_example("192.0.2", &rules, "127.0.1");
    // Mode 000: the connection is closed at once.
    let closed = dir.write("peers/127.0.0.3", "");
    std::fs::set_permissions(&closed, std::fs::Permissions::from_mode(0o0)).expect("chmod 000");
    let by_dir = Spec::stream(&config)
        .options(["-i".into(), rules.clone().into()])
        .start(&dir);
    // The same rules compiled with ipsvd-cdb, for -x.
    let cdb = dir.join("peers.cdb");
    let made = Command::new(tool("ipsvd-cdb"))
        .arg(&cdb)
        .arg(dir.join("peers.tmp"))
        .arg(&rules)
        .status();
    assert!(made.expect("run ipsvd-cdb").success(), "ipsvd-cdb failed");
    let by_cdb = Spec::stream(&config)
        .options(["-x".into(), cdb.into()])
        .start(&dir);
    let cases = [
        ("127.0.0.1", "200"),
        ("127.0.0.2", "403"),
        ("127.0.1.9", "403"),
        ("127.0.0.3", "000"),
        ("127.0.0.4", "200"),
    ];
    for server in [&by_dir, &by_cdb] {
        for (ip, want) in cases {
            assert_eq!(
                curl_from(ip, server.port, "/film.png"),
                want,
                "from {ip}; log:\n{}",
                server.log_text()
            );
        }
        // Only the allowed clients reached a streamer: two access-log lines.
        let lines = server.access_line(1);
        assert!(lines.starts_with("127.0.0.4 "), "{lines}");
        assert!(
            server.log_text().contains("deny"),
            "tcpsvd -v logs the denial"
        );
    }
}

#[test]
fn tcpsvd_per_host_limit_answers_the_shipped_503() {
    let dir = TempDir::new("peers-limit");
    let root = root_with(&dir, "root", &["film.png"]);
    let config = dir.config("stream.conf", Some(&root), "");
    let server = Spec::stream(&config)
        .options(["-C".into(), limit_option(1)])
        .start(&dir);
    // The first connection holds the only slot of 127.0.0.1 while the front waits for
    // its request; tcpsvd accepts in order, so the second is over the limit.
    let mut first = connect(server.port);
    let mut second = connect(server.port);
    let mut refused = Vec::new();
    second.read_to_end(&mut refused).expect("read the refusal");
    assert_eq!(String::from_utf8_lossy(&refused), limit_message());
    assert!(
        limit_message().starts_with("HTTP/1.0 503 "),
        "{:?}",
        limit_message()
    );
    first
        .write_all(&get("/film.png"))
        .expect("send on the first connection");
    read_response(&mut first).expect(200).complete();

    // The shipped per-address example (C200) lifts the limit for one client.
    let rules = dir.join("peers");
    std::fs::create_dir_all(&rules).expect("mkdir peers");
    install_example("198.51.100.7", &rules, "127.0.0.1");
    let lifted = Spec::stream(&config)
        .options(["-C".into(), limit_option(1), "-i".into(), rules.into()])
        .start(&dir);
    let mut first = connect(lifted.port);
    let second = Server::send(&lifted, &get("/film.png"));
    second.expect(200).complete();
    first
        .write_all(&get("/film.png"))
        .expect("send on the first connection");
    read_response(&mut first).expect(200).complete();
}
