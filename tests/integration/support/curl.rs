//! The real `curl` as a client: what a browser-side fetch or a TLS client sends,
//! with the response parsed like [`super::client`]'s.

use super::client::{parse, Response};
use super::tool;
use std::process::Command;

/// Runs `curl -s -i --max-time 30 ARGS... URL` and parses what it printed (head and
/// body). Panics when curl fails (no answer, a TLS error).
pub fn curl(url: &str, args: &[&str]) -> Response {
    let out = Command::new(tool("curl"))
        .args(["-s", "-S", "-i", "--max-time", "30"])
        .args(args)
        .arg(url)
        .output()
        .expect("run curl");
    assert!(
        out.status.success(),
        "curl {args:?} {url}: {}\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    parse(&out.stdout)
}
