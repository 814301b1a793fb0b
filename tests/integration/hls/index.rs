//! `index_dir` and the segmenter: playlists and segments planned with the film's kept
//! sample index are byte-identical to those planned without it, and the segmenter and
//! the `?start=` streamer keep one entry per film between them.

use crate::support::{get, media, Server, TempDir};
use std::fs;

#[test]
fn segments_planned_with_the_kept_index_are_identical_and_the_entry_is_shared() {
    let dir = TempDir::new("hls-index");
    let root = dir.join("root");
    fs::create_dir(&root).unwrap();
    fs::copy(media("two-audio.mp4"), root.join("film.mp4")).unwrap();
    let cache = dir.join("cache");
    fs::create_dir(&cache).unwrap();
    let plain = Server::stream(&dir, &dir.config("plain.conf", Some(&root), ""));
    let extra = format!("index_dir = {}\n", cache.display());
    let indexed = Server::stream(&dir, &dir.config("indexed.conf", Some(&root), &extra));
    let names = [
        "seg-4-v1.m4s",
        "master.m3u8",
        "manifest.mpd",
        "index-a2.m3u8",
        "init-a2.mp4",
        "seg-7-a2.m4s",
    ];
    for (n, name) in names.iter().enumerate() {
        let target = format!("/film.mp4/{name}");
        let want = plain.send(&get(&target));
        want.expect(200).complete();
        let (got, line) = indexed.send_logged(&get(&target));
        got.expect(200).complete();
        assert!(
            got.body == want.body,
            "{name}: the body differs with the index"
        );
        assert_eq!(
            line.contains(" index-built"),
            n == 0,
            "only the first request builds the index: {line}"
        );
    }
    let kept: Vec<_> = fs::read_dir(&cache).unwrap().collect();
    assert_eq!(kept.len(), 1, "one entry for the film");
    // The `?start=` streamer plans with the same entry: it builds none.
    let (cut, line) = indexed.send_logged(&get("/film.mp4?start=12"));
    cut.expect(200).complete();
    assert!(!line.contains("index-built"), "{line}");
}
