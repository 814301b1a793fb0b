//! A cache tier: the real varnishd with the shipped `etc/varnish/loomiere.vcl` in
//! front of two Loomiere origins under tcpsvd. Cuts and segments are byte-identical
//! on miss and hit, a Range is answered from the cached object, a 5xx is never
//! kept, an expired segment is revalidated with If-None-Match, the origins do not
//! throttle the cache (`throttle_exempt`), a replay after warm-up is served from the
//! cache, and the hash director gives each origin about half of the URLs.

use crate::support::client::exchange;
use crate::support::varnish::Varnish;
use crate::support::{media, request, Response, Server, TempDir};
use std::collections::BTreeSet;
use std::thread::sleep;
use std::time::{Duration, Instant};

/// `GET target` through `port` with `Connection: close` (and `fields`).
fn fetch(port: u16, target: &str, fields: &[(&str, &str)]) -> Response {
    let mut all = vec![("Connection", "close")];
    all.extend_from_slice(fields);
    exchange(port, &request("GET", target, &all))
}

/// Two origins serving the same root, throttling on for everyone but the cache (and
/// a third, for the tests' own direct requests).
fn origins(dir: &TempDir) -> (Server, Server, Server) {
    for name in ["h264-aac.mp4", "h264-aac.flv", "poster.png"] {
        dir.write(&format!("root/{name}"), std::fs::read(media(name)).unwrap());
    }
    dir.write("root/broken.mp4", vec![7u8; 4096]);
    let config = dir.config(
        "stream.conf",
        Some(&dir.join("root")),
        "throttle = 20\nthrottle_exempt = 127.0.0.1\nsegment_cache_control = public, max-age=2\n",
    );
    let start = || Server::stream(dir, &config);
    (start(), start(), start())
}

/// The distinct targets the origin's access log shows, and how many lines had `want`.
fn seen(origin: &Server, want: &str) -> (BTreeSet<String>, usize) {
    let lines = origin.access_lines();
    let targets = lines
        .iter()
        .filter_map(|l| {
            l.split('"')
                .nth(1)?
                .split_once(' ')
                .map(|(_, t)| t.to_owned())
        })
        .collect();
    (targets, lines.iter().filter(|l| l.contains(want)).count())
}

/// Waits up to 10 s for `check` to hold.
fn eventually(what: &str, check: impl Fn() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(10);
    while !check() {
        assert!(Instant::now() < deadline, "not within 10 s: {what}");
        sleep(Duration::from_millis(50));
    }
}

#[test]
fn varnish_caches_cuts_and_segments_from_two_origins() {
    let dir = TempDir::new("varnish");
    let (a, b, direct) = origins(&dir);
    let cache = Varnish::start(&dir, &[a.port, b.port]);
    // Miss, then hit: the same bytes, and the origin's own bytes.
    for target in ["/h264-aac.mp4?start=10", "/h264-aac.mp4/seg-2-v1.m4s"] {
        let miss = fetch(cache.port, target, &[]);
        miss.expect(200);
        assert_eq!(miss.header("X-Cache"), Some("MISS"), "{target}");
        let hit = fetch(cache.port, target, &[]);
        hit.expect(200);
        assert_eq!(hit.header("X-Cache"), Some("HIT"), "{target}");
        assert!(hit.body == miss.body, "{target}: hit and miss differ");
        assert_eq!(hit.header("ETag"), miss.header("ETag"));
        let own = fetch(direct.port, target, &[]);
        assert!(
            own.body == hit.body,
            "{target}: the cache changed the bytes"
        );
        assert_eq!(hit.content_length(), hit.body.len() as u64);
    }
    let cut = fetch(direct.port, "/h264-aac.mp4?start=10", &[]).body;
    // The cache fetched the film unthrottled: the origin says so.
    let (_, exempt) = seen(&a, "throttle-exempt");
    let (_, exempt_b) = seen(&b, "throttle-exempt");
    assert!(
        exempt + exempt_b >= 1,
        "no origin line says throttle-exempt"
    );
    // A Range on a hit comes from the cached object.
    let part = fetch(
        cache.port,
        "/h264-aac.mp4?start=10",
        &[("Range", "bytes=1000-1999")],
    );
    part.expect(206);
    assert_eq!(part.header("X-Cache"), Some("HIT"));
    let total = cut.len();
    assert_eq!(
        part.header("Content-Range"),
        Some(format!("bytes 1000-1999/{total}").as_str())
    );
    assert_eq!(part.body, &cut[1000..2000]);
    // Cache-Control passes through; an expired segment is revalidated with
    // If-None-Match: the origin answers 304.
    let seg = fetch(cache.port, "/h264-aac.mp4/seg-2-v1.m4s", &[]);
    assert_eq!(seg.header("Cache-Control"), Some("public, max-age=2"));
    sleep(Duration::from_millis(2500));
    fetch(cache.port, "/h264-aac.mp4/seg-2-v1.m4s", &[]).expect(200);
    eventually("a 304 for the expired segment at an origin", || {
        let revalidated = |o: &Server| {
            o.access_lines()
                .iter()
                .any(|l| l.contains("\"GET /h264-aac.mp4/seg-2-v1.m4s\" 304"))
        };
        revalidated(&a) || revalidated(&b)
    });
    // A 5xx is never kept: both requests reach an origin.
    for _ in 0..2 {
        let r = fetch(cache.port, "/broken.mp4?start=1", &[]);
        assert!(r.status >= 500, "{}", r.summary());
    }
    let broken = |o: &Server| seen(o, "\"GET /broken.mp4?start=1\" 5").1;
    eventually("two 5xx at the origins", || broken(&a) + broken(&b) == 2);
}

/// The distinct URLs of the replay: playlists, init and media segments, cuts, FLV
/// seeks, an image.
fn library(origin: &Server) -> Vec<String> {
    let playlist = fetch(origin.port, "/h264-aac.mp4/index-v1.m3u8", &[]);
    let mut urls: Vec<String> = [
        "master.m3u8",
        "index-v1.m3u8",
        "index-a1.m3u8",
        "manifest.mpd",
    ]
    .iter()
    .chain(&["init-v1.mp4", "init-a1.mp4"])
    .map(|n| format!("/h264-aac.mp4/{n}"))
    .collect();
    for line in String::from_utf8_lossy(&playlist.body).lines() {
        if line.starts_with("seg-") {
            urls.push(format!("/h264-aac.mp4/{line}"));
            urls.push(format!("/h264-aac.mp4/{}", line.replace("-v1.", "-a1.")));
        }
    }
    urls.extend((1..=24).map(|s| format!("/h264-aac.mp4?start={s}")));
    urls.extend((1..=8).map(|k| format!("/h264-aac.flv?start={}", k * 150_000)));
    urls.push("/poster.png".to_owned());
    urls
}

#[test]
fn a_replay_after_warm_up_is_served_from_the_cache_and_the_origins_share_the_urls() {
    let dir = TempDir::new("varnish-replay");
    let (a, b, direct) = origins(&dir);
    let cache = Varnish::start(&dir, &[a.port, b.port]);
    let urls = library(&direct);
    for url in &urls {
        fetch(cache.port, url, &[]).expect(200);
    }
    let (hits0, misses0) = (
        cache.counter("MAIN.cache_hit"),
        cache.counter("MAIN.cache_miss"),
    );
    for i in 0..500usize {
        let url = &urls[(i * 7919 + 13) % urls.len()];
        let r = fetch(cache.port, url, &[]);
        r.expect(200);
        assert_eq!(r.content_length(), r.body.len() as u64, "{url}");
    }
    let hits = cache.counter("MAIN.cache_hit") - hits0;
    let misses = cache.counter("MAIN.cache_miss") - misses0;
    let ratio = hits as f64 / (hits + misses) as f64;
    eprintln!(
        "varnish replay: {} distinct URLs, 500 requests, {hits} hits, {misses} misses, hit ratio {:.1} %",
        urls.len(),
        ratio * 100.0
    );
    assert!(
        ratio >= 0.9,
        "hit ratio {ratio:.3} ({hits} hits, {misses} misses)"
    );
    // Each URL lives on one origin; each origin has about half of them.
    let (on_a, _) = seen(&a, "");
    let (on_b, _) = seen(&b, "");
    assert!(on_a.is_disjoint(&on_b), "a URL went to both origins");
    assert_eq!(
        on_a.len() + on_b.len(),
        urls.len(),
        "every URL fetched once"
    );
    let share = on_a.len() as f64 / urls.len() as f64;
    eprintln!(
        "varnish hash director: origin 1 {} URLs, origin 2 {} URLs ({:.0} % / {:.0} %)",
        on_a.len(),
        on_b.len(),
        share * 100.0,
        (1.0 - share) * 100.0
    );
    assert!(
        (0.3..=0.7).contains(&share),
        "origin 1 has {share:.2} of the URLs"
    );
}
