//! Access control through the real tcpsvd: secure links (also against nginx, in
//! [`nginx`]), the `Referer` allowlist, virtual hosts, the refusal to serve as root,
//! and tcpsvd's own per-IP rules and limits as `runit/loomiere-stream` sets them up
//! (in [`peers`]).

pub mod nginx;
mod peers;

use crate::support::server::Spec;
use crate::support::{get, media, request, Server, TempDir};
use std::net::{Ipv4Addr, SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::process::Child;
use std::thread::sleep;
use std::time::{Duration, Instant};

/// Whether this test process runs as root (effective user id 0, from `/proc`).
pub fn running_as_root() -> bool {
    let status = std::fs::read_to_string("/proc/self/status").expect("read /proc/self/status");
    let uid = status
        .lines()
        .find_map(|l| l.strip_prefix("Uid:"))
        .expect("Uid line");
    uid.split_whitespace().nth(1) == Some("0")
}

/// Waits up to 10 s until `port` accepts connections; false when `child` exited.
pub fn wait_for_port(port: u16, child: &mut Child) -> bool {
    let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
    let deadline = Instant::now() + Duration::from_secs(10);
    while Instant::now() < deadline {
        if TcpStream::connect_timeout(&addr, Duration::from_secs(1)).is_ok() {
            return true;
        }
        if child.try_wait().ok().flatten().is_some() {
            return false;
        }
        sleep(Duration::from_millis(20));
    }
    false
}

/// A document root in `dir` holding a copy of `poster.png` under each of `names`.
fn root_with(dir: &TempDir, rel: &str, names: &[&str]) -> PathBuf {
    let png = std::fs::read(media("poster.png")).expect("poster.png");
    for name in names {
        dir.write(&format!("{rel}/{name}"), &png);
    }
    dir.join(rel)
}

/// `GET target HTTP/1.1` with `Host: localhost` and the given extra fields.
fn get_with(target: &str, fields: &[(&str, &str)]) -> Vec<u8> {
    request("GET", target, fields)
}

#[test]
fn a_bad_expired_or_missing_link_is_403_and_the_log_says_why() {
    let dir = TempDir::new("secure-link");
    let root = root_with(&dir, "root", &["film.png"]);
    let secret = dir.write("secret", "s3cr3t\n");
    let extra = format!(
        "secure_link_md5 = $secure_link_expires$uri $secret\nsecure_link_secret_file = {}\n",
        secret.display()
    );
    let config = dir.config("stream.conf", Some(&root), &extra);
    let server = Server::stream(&dir, &config);
    let good = nginx::nginx_doc_hash("4102444800/film.png s3cr3t");
    let expired = nginx::nginx_doc_hash("1000000000/film.png s3cr3t");
    let cases: Vec<(String, u16, &str)> = vec![
        (
            format!("/film.png?md5={good}&expires=4102444800"),
            200,
            "complete",
        ),
        (
            format!("/film.png?md5={good}&expires=4102444801"),
            403,
            "secure link: wrong hash",
        ),
        (
            format!("/film.png?md5={expired}&expires=1000000000"),
            403,
            "secure link: expired",
        ),
        (
            "/film.png?expires=4102444800".to_string(),
            403,
            "secure link: no hash",
        ),
        (
            format!("/film.png?md5={good}"),
            403,
            "secure link: bad expiry time",
        ),
        (
            "/film.png?md5=short&expires=4102444800".to_string(),
            403,
            "secure link: bad hash",
        ),
    ];
    for (target, status, words) in &cases {
        let (r, line) = server.send_logged(&get(target));
        r.expect(*status);
        assert!(
            line.contains(words),
            "{target}: log line {line:?} lacks {words:?}"
        );
    }
    // A secret file the streamer cannot read is the operator's error: 500, named.
    let missing = dir.join("no-secret");
    let extra = format!(
        "secure_link_md5 = $uri$secret\nsecure_link_secret_file = {}\n",
        missing.display()
    );
    dir.config("stream.conf", Some(&root), &extra);
    let (r, line) = server.send_logged(&get(&format!("/film.png?md5={good}&expires=4102444800")));
    r.expect(500);
    assert!(line.contains("secure_link_secret_file"), "{line}");
}

#[test]
fn a_foreign_referer_is_403() {
    let dir = TempDir::new("referer");
    let root = root_with(&dir, "root", &["film.png"]);
    let config = dir.config(
        "stream.conf",
        Some(&root),
        "referers = example.com *.example.org\nreferer_empty = deny\n",
    );
    let server = Server::stream(&dir, &config);
    let cases: &[(Option<&str>, u16)] = &[
        (Some("https://example.com/watch"), 200),
        (Some("http://www.example.org:8080/page?x=1"), 200),
        (Some("https://example.org/"), 403),
        (Some("https://evil.test/embed"), 403),
        (Some("https://example.com.evil.test/"), 403),
        (Some("https://example.com@evil.test/"), 403),
        (Some("android-app://example.com/"), 403),
        (None, 403),
    ];
    for (referer, status) in cases {
        let fields: Vec<(&str, &str)> = referer.iter().map(|r| ("Referer", *r)).collect();
        let (r, line) = server.send_logged(&get_with("/film.png", &fields));
        r.expect(*status);
        if *status == 403 {
            assert!(line.contains("referer:"), "{referer:?}: {line}");
            assert!(
                !r.body.starts_with(b"\x89PNG"),
                "no file content in a refusal"
            );
        }
    }
    // By default a request without a Referer passes (players often send none).
    dir.config("stream.conf", Some(&root), "referers = example.com\n");
    server.send(&get("/film.png")).expect(200);
    server
        .send(&get_with("/film.png", &[("Referer", "https://evil.test/")]))
        .expect(403);
}

#[test]
fn virtual_hosts_pick_the_root_by_host_in_order() {
    let dir = TempDir::new("vhosts");
    let a = root_with(&dir, "a", &["a.png", "both.png"]);
    let b = root_with(&dir, "b", &["b.png"]);
    let d = root_with(&dir, "d", &["d.png", "both.png"]);
    let vhosts = format!(
        "vhost.example.com = {}\nvhost.*.example.org = {}\n",
        a.display(),
        b.display()
    );
    let config = dir.config("stream.conf", None, &vhosts);
    let server = Server::stream(&dir, &config);
    let with_host =
        |target: &str, h: &str| format!("GET {target} HTTP/1.1\r\nHost: {h}\r\n\r\n").into_bytes();
    let cases: Vec<(Vec<u8>, u16)> = vec![
        (with_host("/a.png", "example.com"), 200),
        (with_host("/a.png", "EXAMPLE.com.:8080"), 200),
        (with_host("/b.png", "example.com"), 404),
        (with_host("/b.png", "www.example.org"), 200),
        (with_host("/b.png", "example.org"), 404),
        (with_host("/a.png", "other.test"), 404),
        (
            with_host("http://cdn.example.org/b.png", "example.com"),
            200,
        ),
        (get("/a.png"), 404),
    ];
    for (raw, status) in &cases {
        let r = server.send(raw);
        assert_eq!(
            r.status,
            *status,
            "{}: {}",
            String::from_utf8_lossy(raw).trim(),
            r.summary()
        );
    }
    // The streamer alone routes the same way.
    let alone = Spec::new("loomiere-file")
        .args(["--config".into(), config.clone().into()])
        .start(&dir);
    alone
        .send(&with_host("/b.png", "x.example.org"))
        .expect(200);
    alone.send(&with_host("/b.png", "other.test")).expect(404);
    // A catch-all takes every other host, and requests without one.
    dir.config(
        "stream.conf",
        None,
        &format!("{vhosts}vhost.* = {}\n", d.display()),
    );
    server.send(&with_host("/d.png", "other.test")).expect(200);
    server.send(&get("/d.png")).expect(200);
    server
        .send(&with_host("/both.png", "example.com"))
        .expect(200);
    server.send(&with_host("/d.png", "example.com")).expect(404);
    // --root on the command line serves every host from it.
    let overridden = Spec::stream(&config)
        .args(["--root".into(), d.clone().into()])
        .start(&dir);
    overridden
        .send(&with_host("/d.png", "example.com"))
        .expect(200);
    overridden
        .send(&with_host("/a.png", "example.com"))
        .expect(404);
}

#[test]
fn running_as_root_is_refused_unless_the_config_allows_it() {
    let dir = TempDir::new("as-root");
    let root = root_with(&dir, "root", &["film.png"]);
    let config = dir.config("stream.conf", Some(&root), "allow_root = no\n");
    let front = Server::stream(&dir, &config);
    let alone = Spec::new("loomiere-file")
        .args(["--config".into(), config.clone().into()])
        .start(&dir);
    for server in [&front, &alone] {
        let (r, line) = server.send_logged(&get("/film.png"));
        if running_as_root() {
            r.expect(500);
            assert!(line.contains("refusing to run as root"), "{line}");
        } else {
            r.expect(200);
        }
    }
    if running_as_root() && nobody_can_run(Path::new(crate::support::bin("loomiere-stream"))) {
        // tcpsvd -u drops privileges before running the front: served.
        let dropped = Spec::stream(&config)
            .options(["-u".into(), "nobody".into()])
            .start(&dir);
        dropped.send(&get("/film.png")).expect(200).complete();
    }
    let allowed = dir.config("allowed.conf", Some(&root), "allow_root = yes\n");
    Server::stream(&dir, &allowed)
        .send(&get("/film.png"))
        .expect(200);
}

/// Whether every directory above `path` and `path` itself can be searched and run by
/// others (the user `nobody`).
fn nobody_can_run(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    path.ancestors()
        .all(|p| std::fs::metadata(p).is_ok_and(|m| m.permissions().mode() & 0o001 != 0))
}
