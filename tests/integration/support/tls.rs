//! HTTPS through the real stunnel4 in exec mode, configured from the shipped
//! `etc/stunnel/loomiere.conf` with test paths, and a test CA made by openssl.

use super::manifest::read;
use super::server::{access_line_in, free_port, wait_accepting};
use super::{bin, tool, TempDir};
use std::fs::OpenOptions;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

/// A test CA and a certificate for `localhost` and 127.0.0.1 signed by it.
pub struct TestCa {
    /// The CA certificate (`curl --cacert`).
    pub ca: PathBuf,
    pub cert: PathBuf,
    pub key: PathBuf,
}

/// Runs openssl with `args` in `dir`; panics when it fails.
fn openssl(dir: &Path, args: &[&str]) {
    let out = Command::new(tool("openssl"))
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::null())
        .output()
        .expect("run openssl");
    assert!(
        out.status.success(),
        "openssl {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

impl TestCa {
    /// Makes the CA and the server certificate in `dir/tls` (RSA 2048, 2 days).
    pub fn new(dir: &TempDir) -> TestCa {
        let at = dir.join("tls");
        std::fs::create_dir_all(&at).expect("mkdir tls");
        let rsa = ["-newkey", "rsa:2048", "-nodes"];
        let mut ca = vec!["req", "-x509", "-days", "2", "-keyout", "ca.key"];
        ca.extend(rsa);
        ca.extend(["-out", "ca.pem", "-subj", "/CN=Loomiere test CA"]);
        openssl(&at, &ca);
        let mut req = vec!["req", "-keyout", "key.pem", "-out", "req.csr"];
        req.extend(rsa);
        req.extend(["-subj", "/CN=localhost"]);
        openssl(&at, &req);
        std::fs::write(
            at.join("ext"),
            "subjectAltName=DNS:localhost,IP:127.0.0.1\n",
        )
        .expect("write ext");
        openssl(
            &at,
            &[
                "x509",
                "-req",
                "-in",
                "req.csr",
                "-CA",
                "ca.pem",
                "-CAkey",
                "ca.key",
                "-CAcreateserial",
                "-days",
                "2",
                "-extfile",
                "ext",
                "-out",
                "cert.pem",
            ],
        );
        TestCa {
            ca: at.join("ca.pem"),
            cert: at.join("cert.pem"),
            key: at.join("key.pem"),
        }
    }
}

/// A running stunnel4 (killed on drop) serving HTTPS on `port`.
pub struct Stunnel {
    child: Child,
    pub port: u16,
    /// stunnel's messages and the streamers' access-log lines.
    pub log: PathBuf,
}

/// The shipped `etc/stunnel/loomiere.conf` for a test: the global and service
/// options as shipped, except where `set` gives another value (`key`, value; a
/// value of `None` drops the line).
pub fn shipped_config(set: &[(&str, Option<String>)]) -> String {
    let mut out = String::new();
    for line in read("etc/stunnel/loomiere.conf").lines() {
        let key = line.split('=').next().unwrap_or_default().trim();
        match set.iter().find(|(k, _)| *k == key) {
            Some((_, Some(value))) => out.push_str(&format!("{key} = {value}\n")),
            Some((_, None)) => {}
            None => out.push_str(&format!("{line}\n")),
        }
    }
    out
}

impl Stunnel {
    /// Starts stunnel4 on a free loopback port running `loomiere-stream --config
    /// CONFIG` per connection, as the shipped file does, with `ca`'s certificate; not
    /// as another user (the tests may not have `loomiere`).
    pub fn start(dir: &TempDir, ca: &TestCa, config: &Path) -> Stunnel {
        let port = free_port();
        let text = shipped_config(&[
            ("setuid", None),
            ("setgid", None),
            ("accept", Some(format!("127.0.0.1:{port}"))),
            ("cert", Some(ca.cert.display().to_string())),
            ("key", Some(ca.key.display().to_string())),
            ("exec", Some(bin("loomiere-stream").to_string())),
            (
                "execArgs",
                Some(format!("loomiere-stream --config {}", config.display())),
            ),
        ]);
        let conf = dir.write("stunnel.conf", text);
        let log = dir.join("stunnel.log");
        let out = OpenOptions::new()
            .create(true)
            .append(true)
            .open(&log)
            .expect("stunnel log");
        let err = out.try_clone().expect("dup");
        let mut child = Command::new(tool("stunnel4"))
            .arg(&conf)
            .env_remove("LOOMIERE_CONFIG")
            .stdin(Stdio::null())
            .stdout(out)
            .stderr(err)
            .spawn()
            .expect("spawn stunnel4");
        wait_accepting(port, &mut child, 10, "stunnel4", &log);
        Stunnel { child, port, log }
    }

    /// Waits up to 10 s for access-log line `index` (0-based); stunnel's own lines,
    /// which start with a date, are left out.
    pub fn access_line(&self, index: usize) -> String {
        access_line_in(&self.log, index)
    }
}

impl Drop for Stunnel {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
