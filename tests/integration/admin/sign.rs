//! `loomiere sign`: the link it prints is accepted by our streamer and by the real
//! nginx `secure_link_md5` with the same expression and secret, and refused by both
//! when it is used from another address, for another file, or after it expired.

use super::{loomiere, texts};
use crate::access::nginx::{Nginx, NGINX_MD5};
use crate::support::{get, media, Server, TempDir};
use std::path::Path;

/// `loomiere sign ARGS --config CONFIG`: the link, or a panic with the reason.
fn sign(config: &Path, args: &[&str]) -> String {
    let mut all: Vec<&str> = vec!["sign"];
    all.extend_from_slice(args);
    all.extend_from_slice(&["--config", config.to_str().unwrap()]);
    let out = loomiere(&all);
    let (stdout, stderr) = texts(&out);
    assert_eq!(out.status.code(), Some(0), "loomiere {all:?}: {stderr}");
    stdout.trim().to_owned()
}

#[test]
fn signed_links_are_accepted_by_loomiere_and_nginx_alike() {
    let dir = TempDir::new("admin-sign");
    let root = dir.join("root");
    let png = std::fs::read(media("poster.png")).expect("poster.png");
    dir.write("root/s/link.png", &png);
    dir.write("root/s/other.png", &png);
    // nginx's expression ends in " secret"; ours says $secret and keeps it in a file.
    assert!(NGINX_MD5.ends_with(" secret"), "{NGINX_MD5}");
    let secret = dir.write("secret", "secret\n");
    let ours = NGINX_MD5.replace(" secret", " $secret");
    let extra = format!(
        "secure_link_md5 = \"{ours}\"\nsecure_link_secret_file = {}\n",
        secret.display()
    );
    let config = dir.config("stream.conf", Some(&root), &extra);
    let loomiere_server = Server::stream(&dir, &config);
    let nginx = Nginx::start(&dir, &root);

    let link = sign(
        &config,
        &["/s/link.png", "--expires", "2h", "--ip", "127.0.0.1"],
    );
    assert!(
        link.starts_with("/s/link.png?md5=") && link.contains("&expires="),
        "{link}"
    );
    let with_query = sign(
        &config,
        &[
            "/s/link.png?start=1",
            "--expires",
            "1day",
            "--ip",
            "127.0.0.1",
        ],
    );
    let encoded = sign(
        &config,
        &["/s/%6cink.png", "--expires", "90min", "--ip", "127.0.0.1"],
    );
    let other_ip = sign(
        &config,
        &["/s/link.png", "--expires", "2h", "--ip", "127.0.0.2"],
    );
    let short = sign(
        &config,
        &["/s/link.png", "--expires", "1s", "--ip", "127.0.0.1"],
    );
    let other_file = link.replacen("/s/link.png", "/s/other.png", 1);
    let cases: Vec<(&str, &str, u16)> = vec![
        ("signed", &link, 200),
        ("signed, with a query", &with_query, 200),
        ("signed percent-encoded", &encoded, 200),
        ("signed for another address", &other_ip, 403),
        ("used for another file", &other_file, 403),
    ];
    let check = |cases: &[(&str, &str, u16)]| {
        for (what, target, want) in cases {
            let ours = loomiere_server.send(&get(target)).status;
            let theirs = nginx.status(target);
            assert_eq!(
                (ours, theirs),
                (*want, *want),
                "{what}: {target} (loomiere, nginx)"
            );
        }
    };
    check(&cases);
    // Both check the expiry time against their clock, in whole seconds.
    std::thread::sleep(std::time::Duration::from_millis(2500));
    check(&[("expired", &short, 403), ("signed", &link, 200)]);
}

#[test]
fn sign_says_which_variable_is_missing() {
    let dir = TempDir::new("admin-sign-missing");
    let config = dir.config(
        "stream.conf",
        Some(&dir.join("root")),
        "secure_link_md5 = $uri$remote_addr$host\nsecure_link = $arg_md5\n",
    );
    let config = config.to_str().unwrap();
    let cases: &[(&[&str], &str)] = &[
        (&["/a.mp4"], "give --ip"),
        (&["/a.mp4", "--ip", "192.0.2.1"], "give --host"),
        (
            &[
                "/a.mp4",
                "--ip",
                "192.0.2.1",
                "--host",
                "h",
                "--expires",
                "1h",
            ],
            "never expire",
        ),
        (
            &["/../a.mp4", "--ip", "192.0.2.1", "--host", "h"],
            "bad path",
        ),
    ];
    for (args, why) in cases {
        let mut all = vec!["sign"];
        all.extend_from_slice(args);
        all.extend_from_slice(&["--config", config]);
        let out = loomiere(&all);
        let (_, stderr) = texts(&out);
        assert_eq!(out.status.code(), Some(1), "{all:?}");
        assert!(stderr.contains(why), "{all:?}: {stderr}");
    }
    let ok = loomiere([
        "sign",
        "/a.mp4",
        "--ip",
        "192.0.2.1",
        "--host",
        "Example.COM:8080",
        "--config",
        config,
    ]);
    let (stdout, stderr) = texts(&ok);
    assert_eq!(ok.status.code(), Some(0), "{stderr}");
    assert!(
        stdout.starts_with("/a.mp4?md5=") && !stdout.contains("expires"),
        "{stdout}"
    );
}
