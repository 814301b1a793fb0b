//! Secure links against the real nginx: the same URLs, signed the way nginx's
//! documentation shows, must get the same answer from nginx's `secure_link` module
//! and from Loomiere.

use super::{running_as_root, wait_for_port};
use crate::support::{tool, Server, TempDir};
use std::io::{Read, Write};
use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

/// The expression of nginx's documentation; Loomiere's config says `$secret` and keeps
/// `secret` in a file instead.
pub const NGINX_MD5: &str = "$secure_link_expires$uri$remote_addr secret";
const EXPIRES: &str = "2147483647";

/// `echo -n TEXT | openssl md5 -binary | openssl base64 | tr +/ -_ | tr -d =`, as in
/// nginx's documentation of `secure_link_md5`.
pub fn nginx_doc_hash(text: &str) -> String {
    let script = "printf %s \"$1\" | openssl md5 -binary | openssl base64 | tr +/ -_ | tr -d =";
    tool("openssl");
    let out = Command::new("sh")
        .args(["-c", script, "sh", text])
        .output()
        .expect("run sh");
    assert!(
        out.status.success(),
        "openssl pipeline failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout)
        .expect("hash is ASCII")
        .trim()
        .to_owned()
}

/// nginx in the foreground, one process, on a loopback port; killed on drop.
pub struct Nginx {
    child: Child,
    port: u16,
}

impl Nginx {
    pub fn start(dir: &TempDir, root: &Path) -> Nginx {
        let prefix = dir.join("nginx");
        std::fs::create_dir_all(&prefix).expect("nginx prefix");
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("free port")
            .port();
        let p = prefix.display();
        let user = if running_as_root() {
            "user root root;"
        } else {
            ""
        };
        let conf = format!(
            "{user}\nworker_processes 1;\npid {p}/nginx.pid;\nerror_log {p}/error.log warn;\n\
             events {{ worker_connections 64; }}\n\
             http {{\n  access_log off;\n  client_body_temp_path {p}/body;\n  proxy_temp_path {p}/proxy;\n\
             \x20 fastcgi_temp_path {p}/fastcgi;\n  uwsgi_temp_path {p}/uwsgi;\n  scgi_temp_path {p}/scgi;\n\
             \x20 server {{\n    listen 127.0.0.1:{port};\n    root {root};\n    location / {{\n\
             \x20     secure_link $arg_md5,$arg_expires;\n      secure_link_md5 \"{NGINX_MD5}\";\n\
             \x20     if ($secure_link = \"\") {{ return 403; }}\n      if ($secure_link = \"0\") {{ return 403; }}\n\
             \x20   }}\n  }}\n}}\n",
            root = root.display()
        );
        let conf_path = prefix.join("nginx.conf");
        std::fs::write(&conf_path, conf).expect("write nginx.conf");
        let child = Command::new(tool("nginx"))
            .arg("-p")
            .arg(&prefix)
            .arg("-e")
            .arg(prefix.join("error.log"))
            .arg("-c")
            .arg(&conf_path)
            .args(["-g", "daemon off; master_process off;"])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn nginx");
        let mut nginx = Nginx { child, port };
        if !wait_for_port(port, &mut nginx.child) {
            let log = std::fs::read_to_string(prefix.join("error.log")).unwrap_or_default();
            panic!("nginx did not start on port {port}: {log}");
        }
        nginx
    }

    /// The status nginx answers `GET target HTTP/1.0` with.
    pub fn status(&self, target: &str) -> u16 {
        let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, self.port));
        let mut stream =
            TcpStream::connect_timeout(&addr, Duration::from_secs(10)).expect("connect to nginx");
        stream
            .set_read_timeout(Some(Duration::from_secs(30)))
            .expect("timeout");
        stream
            .write_all(format!("GET {target} HTTP/1.0\r\n\r\n").as_bytes())
            .expect("send");
        let mut bytes = Vec::new();
        stream.read_to_end(&mut bytes).expect("read nginx answer");
        let text = String::from_utf8_lossy(&bytes);
        let status = text.split(' ').nth(1).and_then(|s| s.parse().ok());
        status.unwrap_or_else(|| panic!("bad nginx answer {:?}", &text[..text.len().min(200)]))
    }
}

impl Drop for Nginx {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The base64url character whose value differs from `c`'s only in the lowest bit.
fn flip_low_bit(c: char) -> char {
    const ALPHABET: &str = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let i = ALPHABET.find(c).expect("base64url character");
    ALPHABET.as_bytes()[i ^ 1] as char
}

#[test]
fn links_signed_for_nginx_get_the_same_answers_from_nginx_and_loomiere() {
    let dir = TempDir::new("nginx-secure-link");
    let root = dir.join("root");
    let png = std::fs::read(crate::support::media("poster.png")).expect("poster.png");
    dir.write("root/s/link.png", &png);
    dir.write("root/s/other.png", &png);
    let secret = dir.write("secret", "secret\n");
    let extra = format!(
        "secure_link_md5 = \"$secure_link_expires$uri$remote_addr $secret\"\nsecure_link_secret_file = {}\n",
        secret.display()
    );
    let config = dir.config("stream.conf", Some(&root), &extra);
    let loomiere = Server::stream(&dir, &config);
    let nginx = Nginx::start(&dir, &root);

    let hash = nginx_doc_hash(&format!("{EXPIRES}/s/link.png127.0.0.1 secret"));
    let old = nginx_doc_hash("1000000000/s/link.png127.0.0.1 secret");
    let other_ip = nginx_doc_hash(&format!("{EXPIRES}/s/link.png127.0.0.2 secret"));
    let mut chars: Vec<char> = hash.chars().collect();
    let last = chars.len() - 1;
    chars[last] = flip_low_bit(chars[last]);
    let ignored_bits: String = chars.iter().collect();
    chars[last] = hash.chars().last().unwrap();
    chars[3] = flip_low_bit(chars[3]);
    let tampered: String = chars.iter().collect();
    let cases: Vec<(String, u16)> = vec![
        (format!("/s/link.png?md5={hash}&expires={EXPIRES}"), 200),
        (
            format!("/s/link.png?expires={EXPIRES}&start=1&md5={hash}"),
            200,
        ),
        (format!("/s/link.png?MD5={hash}&Expires={EXPIRES}"), 200),
        (format!("/s/link.png?md5={hash}==&expires={EXPIRES}"), 200),
        (
            format!("/s/link.png?md5={ignored_bits}&expires={EXPIRES}"),
            200,
        ),
        (format!("/s/%6cink.png?md5={hash}&expires={EXPIRES}"), 200),
        (format!("/s//link.png?md5={hash}&expires={EXPIRES}"), 200),
        (format!("/s/./link.png?md5={hash}&expires={EXPIRES}"), 200),
        (format!("/s/link.png?md5={tampered}&expires={EXPIRES}"), 403),
        (format!("/s/link.png?md5={other_ip}&expires={EXPIRES}"), 403),
        (format!("/s/other.png?md5={hash}&expires={EXPIRES}"), 403),
        (format!("/s/link.png?md5={hash}&expires=2147483646"), 403),
        (format!("/s/link.png?md5={hash}&expires=0{EXPIRES}"), 403),
        (format!("/s/link.png?md5={old}&expires=1000000000"), 403),
        (format!("/s/link.png?md5={hash}"), 403),
        (format!("/s/link.png?expires={EXPIRES}"), 403),
        (
            format!(
                "/s/link.png?md5={}&expires={EXPIRES}",
                hash.replace('-', "+").replace('_', "/")
            ),
            if hash.contains(['-', '_']) { 403 } else { 200 },
        ),
        (format!("/s/link.png?md5={hash}===&expires={EXPIRES}"), 403),
        ("/s/link.png".to_string(), 403),
    ];
    for (target, want) in &cases {
        let ours = loomiere.send(&crate::support::get(target)).status;
        let theirs = nginx.status(target);
        assert_eq!(
            (ours, theirs),
            (*want, *want),
            "{target}: (loomiere, nginx)"
        );
    }
}
