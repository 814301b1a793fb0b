//! The real varnishd (Varnish 7) on a loopback port, running the shipped
//! `etc/varnish/loomiere.vcl` with its origins pointed at test servers, and its
//! counters read with varnishstat.

use super::manifest::read;
use super::server::{free_port, wait_accepting};
use super::{tool, TempDir};
use std::fs::OpenOptions;
use std::os::unix::fs::PermissionsExt;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};

/// A running varnishd (killed on drop).
pub struct Varnish {
    child: Child,
    pub port: u16,
    /// The instance directory (`-n`).
    pub name: PathBuf,
}

/// The shipped VCL with its `backend originN { ... }` lines replaced by backends on
/// 127.0.0.1 at `ports` (one per shipped origin line, in order).
pub fn shipped_vcl(ports: &[u16]) -> String {
    let mut next = ports.iter();
    let mut out = String::new();
    for line in read("etc/varnish/loomiere.vcl").lines() {
        if line.starts_with("backend origin") {
            let port = next.next().expect("a port for every shipped origin");
            let name = line.split_whitespace().nth(1).unwrap_or_default();
            let rest = line.split_once(".port").map(|(_, r)| r).unwrap_or_default();
            let rest = rest.split_once(';').map(|(_, r)| r).unwrap_or_default();
            out.push_str(&format!(
                "backend {name} {{ .host = \"127.0.0.1\"; .port = \"{port}\";{rest}\n"
            ));
        } else {
            out.push_str(line);
            out.push('\n');
        }
    }
    assert!(next.next().is_none(), "more ports than shipped origins");
    out
}

impl Varnish {
    /// Starts `varnishd -F` with the shipped VCL in front of `origins` (ports).
    pub fn start(dir: &TempDir, origins: &[u16]) -> Varnish {
        let vcl = dir.write("loomiere.vcl", shipped_vcl(origins));
        let name = dir.join("varnish");
        std::fs::create_dir_all(&name).expect("mkdir varnish");
        // varnishd's own users (varnish, vcache) must reach it and the VCL.
        for p in [dir.join(""), name.clone()] {
            std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o755)).unwrap();
        }
        let port = free_port();
        let log = dir.join("varnishd.log");
        let out = OpenOptions::new()
            .create(true)
            .append(true)
            .open(&log)
            .expect("log");
        let err = out.try_clone().expect("dup");
        let mut child = Command::new(tool("varnishd"))
            .args(["-F", "-n"])
            .arg(&name)
            .args(["-a", &format!("127.0.0.1:{port}"), "-f"])
            .arg(&vcl)
            .args(["-s", "malloc,256m", "-T", "none"])
            .stdin(Stdio::null())
            .stdout(out)
            .stderr(err)
            .spawn()
            .expect("spawn varnishd");
        wait_accepting(port, &mut child, 30, "varnishd", &log);
        Varnish { child, port, name }
    }

    /// The counter `field` (e.g. `MAIN.cache_hit`) from `varnishstat -1`.
    pub fn counter(&self, field: &str) -> u64 {
        let out = Command::new(tool("varnishstat"))
            .arg("-n")
            .arg(&self.name)
            .args(["-1", "-f", field])
            .output()
            .expect("run varnishstat");
        let text = String::from_utf8_lossy(&out.stdout);
        text.lines()
            .find_map(|l| {
                let mut words = l.split_whitespace();
                (words.next() == Some(field)).then(|| words.next()?.parse().ok())?
            })
            .unwrap_or_else(|| panic!("no {field} in varnishstat: {text}"))
    }
}

impl Drop for Varnish {
    /// SIGTERM, so the manager stops its cache process too.
    fn drop(&mut self) {
        let _ = Command::new("kill")
            .arg(self.child.id().to_string())
            .status();
        let _ = self.child.wait();
    }
}
