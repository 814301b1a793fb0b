//! What a cache or CDN relies on: the same URL gives the same bytes with a strong
//! `ETag` of its own, `Last-Modified`, 304 (with `Cache-Control` repeated), `Range`
//! on a segment, and the configured `Cache-Control`.

use super::{fetch, media_playlist, server, text};
use crate::support::{request, TempDir};

#[test]
fn every_url_has_its_own_strong_etag_and_the_same_bytes() {
    let dir = TempDir::new("hls-etag");
    let server = server(&dir, "");
    let names = [
        "master.m3u8",
        "manifest.mpd",
        "index-v1.m3u8",
        "index-a1.m3u8",
        "init-v1.mp4",
        "init-a1.mp4",
        "seg-1-v1.m4s",
        "seg-2-v1.m4s",
        "seg-1-a1.m4s",
    ];
    let mut tags = Vec::new();
    for name in names {
        let target = format!("/h264-aac.mp4/{name}");
        let a = fetch(&server, &target);
        let b = fetch(&server, &target);
        assert_eq!(a.body, b.body, "{name}: bytes differ between requests");
        let tag = a.must("ETag").to_owned();
        assert_eq!(b.must("ETag"), tag, "{name}");
        assert!(
            tag.starts_with('"') && !tag.starts_with("W/"),
            "{name}: {tag}"
        );
        assert_eq!(
            a.header("Cache-Control"),
            Some("public, max-age=86400"),
            "{name}"
        );
        assert!(a.header("Last-Modified").is_some(), "{name}");
        assert!(
            !tags.contains(&tag),
            "{name}: ETag {tag} shared with another URL"
        );
        tags.push(tag);
    }
    assert_eq!(
        fetch(&server, "/h264-aac.mp4/master.m3u8").header("Content-Type"),
        Some("application/vnd.apple.mpegurl")
    );
    assert_eq!(
        fetch(&server, "/h264-aac.mp4/manifest.mpd").header("Content-Type"),
        Some("application/dash+xml")
    );
    assert_eq!(
        fetch(&server, "/h264-aac.mp4/seg-1-a1.m4s").header("Content-Type"),
        Some("audio/mp4")
    );
}

#[test]
fn revalidation_and_ranges_work_on_segments() {
    let dir = TempDir::new("hls-304-range");
    let server = server(&dir, "");
    let target = "/h264-aac.mp4/seg-2-v1.m4s";
    let full = fetch(&server, target);
    let etag = full.must("ETag").to_owned();
    let r = server.send(&request("GET", target, &[("If-None-Match", &etag)]));
    r.expect(304);
    assert!(r.body.is_empty());
    assert_eq!(r.header("Cache-Control"), Some("public, max-age=86400"));
    assert_eq!(r.header("ETag"), Some(etag.as_str()));
    let lm = full.must("Last-Modified").to_owned();
    server
        .send(&request("GET", target, &[("If-Modified-Since", &lm)]))
        .expect(304);
    let len = full.body.len();
    let (first, last) = (len / 3, len / 2);
    let range = format!("bytes={first}-{last}");
    let r = server.send(&request("GET", target, &[("Range", &range)]));
    r.expect(206).complete();
    assert_eq!(r.body, full.body[first..=last]);
    assert_eq!(
        r.header("Content-Range"),
        Some(format!("bytes {first}-{last}/{len}").as_str())
    );
    let tail = server.send(&request("GET", target, &[("Range", "bytes=-100")]));
    tail.expect(206);
    assert_eq!(tail.body, full.body[len - 100..]);
    let head = server.send(&request("HEAD", target, &[]));
    head.expect(200);
    assert!(head.body.is_empty());
    assert_eq!(head.content_length(), len as u64);
}

#[test]
fn cache_control_and_segment_duration_are_configured() {
    let dir = TempDir::new("hls-cache-control");
    let off = server(&dir, "segment_cache_control = off\n");
    let r = fetch(&off, "/h264-aac.mp4/master.m3u8");
    assert_eq!(r.header("Cache-Control"), None);
    let dir2 = TempDir::new("hls-cache-control-2");
    let own = server(
        &dir2,
        "segment_cache_control = max-age=60\nsegment_duration = 2\n",
    );
    let r2 = fetch(&own, "/h264-aac.mp4/index-v1.m3u8");
    assert_eq!(r2.header("Cache-Control"), Some("max-age=60"));
    let r6 = fetch(&off, "/h264-aac.mp4/index-v1.m3u8");
    assert_ne!(
        r2.must("ETag"),
        r6.must("ETag"),
        "the duration shapes the bytes"
    );
    let short = media_playlist(&text(&own, "/h264-aac.mp4/index-v1.m3u8"));
    assert!(short.target_duration <= 3, "{}", short.target_duration);
}
