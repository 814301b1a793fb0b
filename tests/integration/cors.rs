//! CORS for browser players (Fetch standard §3.2) through the real tcpsvd, spoken to
//! by the real curl as a player's fetch would be: `cors_origins` grants an origin,
//! the front and a streamer run directly answer alike, refusals carry the fields, and
//! `OPTIONS` (a preflight or not) gets 204.

mod players;

use crate::support::server::Spec;
use crate::support::{curl, media, Response, Server, TempDir};

const PAGE: &str = "http://127.0.0.1:8000";
const EXPOSED: &str = "Content-Length, Content-Range, Accept-Ranges, ETag, Last-Modified";

/// A root with `a.flv` and `poster.png`, and a config with `extra` lines.
fn setup(dir: &TempDir, extra: &str) -> std::path::PathBuf {
    for name in ["h264-aac.flv", "poster.png"] {
        let bytes = std::fs::read(media(name)).expect("media");
        dir.write(&format!("root/{name}"), bytes);
    }
    let root = dir.join("root");
    dir.config("stream.conf", Some(&root), extra)
}

fn url(server: &Server, target: &str) -> String {
    format!("http://127.0.0.1:{}{target}", server.port)
}

fn from_page(server: &Server, target: &str, more: &[&str]) -> Response {
    let origin = format!("Origin: {PAGE}");
    let mut args = vec!["-H", origin.as_str()];
    args.extend_from_slice(more);
    curl(&url(server, target), &args)
}

/// Asserts that `r` grants `allow` (`None`: no CORS grant) and says `Vary: Origin`
/// when `vary`.
fn assert_cors(r: &Response, allow: Option<&str>, vary: bool) {
    let s = r.summary();
    assert_eq!(r.header("Access-Control-Allow-Origin"), allow, "{s}");
    let exposed = allow.map(|_| EXPOSED);
    assert_eq!(r.header("Access-Control-Expose-Headers"), exposed, "{s}");
    assert_eq!(r.header("Vary"), vary.then_some("Origin"), "{s}");
}

fn preflight(server: &Server, target: &str) -> Response {
    from_page(
        server,
        target,
        &[
            "-X",
            "OPTIONS",
            "-H",
            "Access-Control-Request-Method: GET",
            "-H",
            "Access-Control-Request-Headers: range",
        ],
    )
}

fn assert_preflight_granted(r: &Response, allow: &str) {
    r.expect(204);
    assert!(r.body.is_empty(), "{}", r.summary());
    assert_eq!(r.header("Content-Length"), None);
    assert_eq!(r.header("Allow"), Some("GET, HEAD, OPTIONS"));
    assert_eq!(r.header("Access-Control-Allow-Origin"), Some(allow));
    assert_eq!(
        r.header("Access-Control-Allow-Methods"),
        Some("GET, HEAD, OPTIONS")
    );
    assert_eq!(
        r.header("Access-Control-Allow-Headers"),
        Some("Range, If-Range, If-None-Match, If-Modified-Since")
    );
    assert_eq!(r.header("Access-Control-Max-Age"), Some("86400"));
}

#[test]
fn a_listed_origin_is_granted_on_every_answer_and_others_are_served_without() {
    let dir = TempDir::new("cors-list");
    let config = setup(
        &dir,
        "cors_origins = https://player.test http://127.0.0.1:*\nreferers = player.test\n\
         referer_empty = allow\n",
    );
    let server = Server::stream(&dir, &config);
    let whole = std::fs::read(media("h264-aac.flv")).unwrap();
    let range = from_page(&server, "/h264-aac.flv", &["-r", "100-199"]);
    range.expect(206);
    assert_eq!(range.body, &whole[100..200]);
    assert_cors(&range, Some(PAGE), true);
    let seek = from_page(&server, "/h264-aac.flv?start=400000", &[]);
    seek.expect(200);
    assert_cors(&seek, Some(PAGE), true);
    let image = from_page(&server, "/poster.png", &[]);
    image.expect(200);
    assert_cors(&image, Some(PAGE), true);
    // A foreign origin gets the same bytes, without the grant; no Origin at all too.
    let foreign = curl(
        &url(&server, "/h264-aac.flv"),
        &["-H", "Origin: https://evil.test", "-r", "100-199"],
    );
    foreign.expect(206);
    assert_eq!(foreign.body, range.body);
    assert_cors(&foreign, None, true);
    let plain = curl(&url(&server, "/poster.png"), &[]);
    assert_cors(&plain, None, true);
    // Refusals carry the grant, so the player sees the status.
    let missing = from_page(&server, "/nothere.flv", &[]);
    missing.expect(404);
    assert_cors(&missing, Some(PAGE), true);
    let hotlinked = from_page(
        &server,
        "/poster.png",
        &["-H", "Referer: http://evil.test/"],
    );
    hotlinked.expect(403);
    assert_cors(&hotlinked, Some(PAGE), true);
    let post = from_page(&server, "/poster.png", &["-X", "POST"]);
    post.expect(405);
    assert_eq!(post.header("Allow"), Some("GET, HEAD, OPTIONS"));
    assert_cors(&post, Some(PAGE), true);
    let not_modified = from_page(
        &server,
        "/poster.png",
        &["-H", &format!("If-None-Match: {}", image.must("ETag"))],
    );
    not_modified.expect(304);
    assert_cors(&not_modified, Some(PAGE), true);
    // A preflight, even with a foreign Referer (it carries no credentials).
    let pre = preflight(&server, "/h264-aac.flv");
    assert_preflight_granted(&pre, PAGE);
    let log = server.access_line(9);
    assert!(log.contains("\"OPTIONS /h264-aac.flv\" 204 0"), "{log}");
    assert!(log.contains("preflight"), "{log}");
}

#[test]
fn a_direct_streamer_grants_every_origin_with_a_star() {
    let dir = TempDir::new("cors-any");
    let config = setup(&dir, "cors_origins = *\n");
    let server = Spec::new("loomiere-flv")
        .args(["--config".into(), config.into()])
        .start(&dir);
    let seek = from_page(&server, "/h264-aac.flv?start=400000", &[]);
    seek.expect(200);
    assert_cors(&seek, Some("*"), false);
    assert_preflight_granted(&preflight(&server, "/h264-aac.flv"), "*");
    // Routing still applies to OPTIONS: this streamer does not serve images.
    let other = preflight(&server, "/poster.png");
    other.expect(404);
    assert_cors(&other, Some("*"), false);
}

#[test]
fn with_cors_off_nothing_is_granted_and_options_gets_allow() {
    let dir = TempDir::new("cors-off");
    let config = setup(&dir, "");
    let server = Server::stream(&dir, &config);
    let seek = from_page(&server, "/h264-aac.flv?start=400000", &[]);
    seek.expect(200);
    assert_cors(&seek, None, false);
    let pre = preflight(&server, "/h264-aac.flv");
    pre.expect(204);
    assert_eq!(pre.header("Allow"), Some("GET, HEAD, OPTIONS"));
    assert_cors(&pre, None, false);
    assert_eq!(pre.header("Access-Control-Allow-Methods"), None);
    let plain = curl(&url(&server, "/poster.png"), &["-X", "OPTIONS"]);
    plain.expect(204);
    assert!(plain.body.is_empty());
    assert_eq!(plain.header("Allow"), Some("GET, HEAD, OPTIONS"));
    let log = server.access_line(2);
    assert!(log.contains("\"OPTIONS /poster.png\" 204 0"), "{log}");
    assert!(log.contains(" options "), "{log}");
}
