//! Headless Chromium (Debian's `chromium`, driven by `puppeteer-core` through
//! `tests/browser/play.mjs`) on the test page `tests/browser/player.html`, served with
//! the players' scripts by a plain static server of another origin (Python's
//! http.server), never with media.

use super::server::{free_port, wait_accepting};
use super::{tool, TempDir};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

/// `tests/browser`, with its `node_modules` installed.
pub fn browser_dir() -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/browser");
    assert!(
        dir.join("node_modules/puppeteer-core").is_dir(),
        "run `npm ci` in {} first (scripts/test does)",
        dir.display()
    );
    dir
}

/// The static page server (python3 -m http.server), killed on drop.
pub struct PageServer {
    child: Child,
    pub port: u16,
}

impl PageServer {
    /// Serves the test page and the players' scripts (never media) from `dir/page`.
    pub fn start(dir: &TempDir) -> PageServer {
        let browser = browser_dir();
        let modules = browser.join("node_modules");
        for (from, name) in [
            (browser.join("player.html"), "player.html"),
            (browser.join("player.js"), "player.js"),
            (modules.join("flv.js/dist/flv.min.js"), "flv.min.js"),
            (modules.join("hls.js/dist/hls.min.js"), "hls.min.js"),
            (
                modules.join("dashjs/dist/dash.all.min.js"),
                "dash.all.min.js",
            ),
        ] {
            let bytes = std::fs::read(&from).unwrap_or_else(|e| panic!("{}: {e}", from.display()));
            dir.write(&format!("page/{name}"), bytes);
        }
        let port = free_port();
        let child = Command::new(tool("python3"))
            .args([
                "-m",
                "http.server",
                &port.to_string(),
                "--bind",
                "127.0.0.1",
            ])
            .arg("--directory")
            .arg(dir.join("page"))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn python3 -m http.server");
        let mut server = PageServer { child, port };
        let no_log = Path::new("/dev/null");
        wait_accepting(port, &mut server.child, 10, "http.server", no_log);
        server
    }

    /// `http://127.0.0.1:PORT`, as the page's `Origin` field says it.
    pub fn origin(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }
}

impl Drop for PageServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Runs play.mjs on the page with `query`; (whether it played past the seek point,
/// its verdict line).
pub fn play(page: &PageServer, query: &str) -> (bool, String) {
    play_with(page, query, &[])
}

/// [`play`] with more Chromium flags (`--ignore-certificate-errors`).
pub fn play_with(page: &PageServer, query: &str, flags: &[&str]) -> (bool, String) {
    tool("node");
    tool("chromium");
    let url = format!("{}/player.html?{query}", page.origin());
    let out = Command::new("node")
        .arg(browser_dir().join("play.mjs"))
        .arg(&url)
        .arg("60")
        .env("CHROMIUM_ARGS", flags.join(" "))
        .output()
        .expect("node runs");
    let verdict = format!(
        "{url}: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.success(), verdict)
}

/// `url` percent-encoded for the page's `src=`.
pub fn src_param(url: &str) -> String {
    url.replace('%', "%25")
        .replace('&', "%26")
        .replace('?', "%3F")
        .replace('=', "%3D")
}
