//! Browser players on a page of another origin, in headless Chromium (Debian's
//! `chromium` driven by `puppeteer-core` through `tests/browser/play.mjs`): the page
//! and the players' scripts come from a plain static server (Python's http.server)
//! on one port, the media from Loomiere under tcpsvd on another, with `cors_origins`
//! naming the page's origin. flv.js (default `Range` seeks, and `seekType: 'param'`
//! with `header=0`), hls.js and dash.js play and seek to a point not yet buffered;
//! with `cors_origins = off` the same page fails.

use crate::support::browser::{play, src_param, PageServer};
use crate::support::{media, Server, TempDir};

/// Loomiere serving the test films, with `cors_origins = cors` and the throttle at
/// 2 s ahead of real time, so the seek point is not buffered when the page seeks.
fn media_server(dir: &TempDir, cors: &str) -> Server {
    for name in ["h264-aac-index.flv", "h264-aac.mp4"] {
        dir.write(
            &format!("media/{name}"),
            std::fs::read(media(name)).unwrap(),
        );
    }
    let extra = format!("cors_origins = {cors}\nthrottle = 2\nthrottle_min_size = 64k\n");
    let config = dir.config("stream.conf", Some(&dir.join("media")), &extra);
    Server::stream(dir, &config)
}

/// The media URL on `server`, percent-encoded for the page's `src=`.
fn src(server: &Server, target: &str) -> String {
    src_param(&format!("http://127.0.0.1:{}{target}", server.port))
}

#[test]
fn flv_js_plays_and_seeks_cross_origin_with_range_and_with_param_seeks() {
    let dir = TempDir::new("cors-flv-js");
    let page = PageServer::start(&dir);
    let server = media_server(&dir, &page.origin());
    let range = format!(
        "player=flv&src={}&seek=25",
        src(&server, "/h264-aac-index.flv")
    );
    let (ok, verdict) = play(&page, &range);
    assert!(ok, "flv.js, Range seeks: {verdict}");
    // The seek went to the server as a Range request (each streamer logs once its
    // connection is closed: when the browser has gone).
    server.access_line(1);
    assert!(
        server.access_lines().iter().any(|l| l.contains(" 206 ")),
        "no 206 in {:?}",
        server.access_lines()
    );
    let param = format!(
        "player=flv&flv_seek=param&flv_param=start&src={}&seek=25",
        src(&server, "/h264-aac-index.flv?header=0")
    );
    let (ok, verdict) = play(&page, &param);
    assert!(ok, "flv.js, seekType 'param' with header=0: {verdict}");
    server.access_line(3);
    let continued = server
        .access_lines()
        .iter()
        .any(|l| l.contains("/h264-aac-index.flv?header=0&start=") && l.contains("continuation"));
    assert!(continued, "no continuation in {:?}", server.access_lines());
    // The control: the Flash-era answer (a new FLV header) breaks flv.js's param seek.
    let flash = format!(
        "player=flv&flv_seek=param&flv_param=start&src={}&seek=25",
        src(&server, "/h264-aac-index.flv")
    );
    let (ok, verdict) = play(&page, &flash);
    assert!(
        !ok,
        "flv.js param seek played with a re-sent header: {verdict}"
    );
}

#[test]
fn hls_js_and_dash_js_play_and_seek_cross_origin() {
    let dir = TempDir::new("cors-hls-dash");
    let page = PageServer::start(&dir);
    let server = media_server(&dir, "http://127.0.0.1:*");
    for (player, name) in [("hls", "master.m3u8"), ("dash", "manifest.mpd")] {
        let query = format!(
            "player={player}&src={}&seek=25&audio=1",
            src(&server, &format!("/h264-aac.mp4/{name}"))
        );
        let (ok, verdict) = play(&page, &query);
        assert!(ok, "{player}: {verdict}");
    }
}

/// The control: the same page and media with `cors_origins = off` fail, because the
/// browser withholds the answers from the page.
#[test]
fn with_cors_off_the_same_page_fails() {
    let dir = TempDir::new("cors-off-players");
    let page = PageServer::start(&dir);
    let server = media_server(&dir, "off");
    for query in [
        format!(
            "player=flv&src={}&seek=25",
            src(&server, "/h264-aac-index.flv")
        ),
        format!(
            "player=hls&src={}&seek=25",
            src(&server, "/h264-aac.mp4/master.m3u8")
        ),
    ] {
        let (ok, verdict) = play(&page, &query);
        assert!(!ok, "played without CORS: {verdict}");
        assert!(verdict.contains("CORS"), "not refused for CORS: {verdict}");
    }
}
