//! Real players on the segmented film: hls.js and dash.js in headless Chromium
//! (Debian's `chromium`, driven by `puppeteer-core` through `tests/browser/play.mjs`)
//! play the master playlist and the MPD, seek to a point not yet buffered and keep
//! playing; `mpv` plays the master playlist.
//!
//! The page, its scripts and the films come from the same Loomiere port (`type.html`
//! and `type.js` routed to `loomiere-file`), so no CORS is involved. Needs `node`,
//! `chromium`, `mpv`, and `npm ci` run in `tests/browser` (scripts/test does both).

use super::server;
use crate::support::browser::browser_dir;
use crate::support::{tool, TempDir};
use std::path::PathBuf;
use std::process::Command;

/// A root holding the test page, the players' scripts and `films`.
fn root(dir: &TempDir, films: &[&str]) -> PathBuf {
    let browser = browser_dir();
    let copy = |from: PathBuf, to: &str| {
        let bytes = std::fs::read(&from).unwrap_or_else(|e| panic!("{}: {e}", from.display()));
        dir.write(&format!("root/{to}"), bytes);
    };
    copy(browser.join("player.html"), "player.html");
    copy(browser.join("player.js"), "player.js");
    for (pkg, file) in [
        ("hls.js/dist", "hls.min.js"),
        ("dashjs/dist", "dash.all.min.js"),
    ] {
        copy(browser.join("node_modules").join(pkg).join(file), file);
    }
    for film in films {
        copy(crate::support::media(film), film);
    }
    dir.join("root")
}

/// Config lines that serve the page and its scripts from the same port.
const PAGES: &str = "streamer.html = loomiere-file\ntype.html = text/html\n\
                     streamer.js = loomiere-file\ntype.js = text/javascript\n";

/// Runs play.mjs on `player.html?QUERY` and returns its verdict line.
fn play(port: u16, query: &str) -> String {
    tool("node");
    tool("chromium");
    let url = format!("http://127.0.0.1:{port}/player.html?{query}");
    let out = Command::new("node")
        .arg(browser_dir().join("play.mjs"))
        .arg(&url)
        .arg("90")
        .output()
        .expect("node runs");
    let verdict = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "{url}: {verdict}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    verdict
}

fn serve_page(dir: &TempDir, films: &[&str]) -> crate::support::Server {
    let config = dir.config("stream.conf", Some(&root(dir, films)), PAGES);
    crate::support::Server::stream(dir, &config)
}

/// Serves `film` with the test page, plays `player=...&src=...` and expects a pass.
fn plays(name: &str, film: &str, query: &str) -> String {
    let dir = TempDir::new(name);
    let server = serve_page(&dir, &[film]);
    let verdict = play(server.port, query);
    assert!(verdict.contains("\"ok\":true"), "{verdict}");
    verdict
}

#[test]
fn hls_js_plays_the_master_playlist_and_seeks() {
    let query = "player=hls&src=two-audio.mp4/master.m3u8&seek=25&audio=1";
    let verdict = plays("hls-js", "two-audio.mp4", query);
    assert!(
        verdict.contains("\"audioTracks\":2"),
        "both languages: {verdict}"
    );
}

#[test]
fn dash_js_plays_the_mpd_and_seeks() {
    let query = "player=dash&src=h264-aac.mp4/manifest.mpd&seek=25&audio=1";
    plays("dash-js", "h264-aac.mp4", query);
}

/// The moov-at-end film through hls.js as well (Chromium has no HEVC decoder here, so
/// the HEVC film is judged by ffmpeg and mpv instead).
#[test]
fn hls_js_plays_a_film_whose_moov_is_at_the_end() {
    let query = "player=hls&src=h264-aac-moov-end.mp4/master.m3u8&seek=30";
    plays("hls-js-moov-end", "h264-aac-moov-end.mp4", query);
}

/// mpv plays the first seconds of the master playlist, video and audio, to the end
/// of what it was asked for.
#[test]
fn mpv_plays_the_master_playlist() {
    let dir = TempDir::new("hls-mpv");
    let server = server(&dir, "");
    for film in ["two-audio.mp4", "hevc-aac.mp4"] {
        let url = format!("http://127.0.0.1:{}/{film}/master.m3u8", server.port);
        let out = Command::new(tool("mpv"))
            .args(["--no-config", "--vo=null", "--ao=null", "--length=3"])
            .arg("--msg-level=all=info")
            .arg(&url)
            .output()
            .expect("mpv runs");
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(out.status.success(), "{url}: {text}");
        for want in ["VO: [null]", "AO: [null]", "Exiting... (End of file)"] {
            assert!(text.contains(want), "{url}: no {want:?} in {text}");
        }
    }
}
