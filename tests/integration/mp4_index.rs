//! `index_dir`: the MP4 streamer keeps a sample index per film and plans later seeks
//! with it. The bytes must be exactly those planned without it; an edited film is
//! indexed again; a cache that cannot be written costs only a log note.

use crate::support::{get, media, Server, TempDir};
use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

/// Seeks that cut the film: on and between key frames, with and without an end.
const SEEKS: [&str; 4] = [
    "/film.mp4?start=12.5",
    "/film.mp4?start=30&end=35.2",
    "/film.mp4?end=3",
    "/film.mp4?start=0.04",
];

/// A server of `root` with `extra` config lines.
fn server(dir: &TempDir, name: &str, root: &Path, extra: &str) -> Server {
    Server::stream(dir, &dir.config(&format!("{name}.conf"), Some(root), extra))
}

/// `dir/root`, holding a copy of h264-aac.mp4 as film.mp4.
fn film_root(dir: &TempDir) -> PathBuf {
    let root = dir.join("root");
    fs::create_dir(&root).unwrap();
    fs::copy(media("h264-aac.mp4"), root.join("film.mp4")).unwrap();
    root
}

/// The entries of the cache directory.
fn entries(cache: &Path) -> Vec<String> {
    let mut v: Vec<String> = fs::read_dir(cache)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

#[test]
fn seeks_planned_with_the_kept_index_are_byte_identical_and_an_edited_film_is_indexed_again() {
    let dir = TempDir::new("mp4-index");
    let root = film_root(&dir);
    let cache = dir.join("cache");
    fs::create_dir(&cache).unwrap();
    let plain = server(&dir, "plain", &root, "");
    let indexed = server(
        &dir,
        "indexed",
        &root,
        &format!("index_dir = {}\n", cache.display()),
    );
    for (n, target) in SEEKS.iter().enumerate() {
        let want = plain.send(&get(target));
        want.expect(200).complete();
        for round in 0..2 {
            let (got, line) = indexed.send_logged(&get(target));
            got.expect(200).complete();
            assert!(
                got.body == want.body,
                "{target} (round {round}): the body differs from the one planned without an index"
            );
            let built = line.contains(" index-built");
            assert_eq!(
                built,
                n == 0 && round == 0,
                "{target} (round {round}): only the first seek builds the index: {line}"
            );
        }
    }
    let kept = entries(&cache);
    assert!(
        kept.len() == 1 && kept[0].starts_with("mp4-"),
        "one entry for the film: {kept:?}"
    );
    // Any write changes the film's ctime: its entry no longer fits and is replaced.
    let film = root.join("film.mp4");
    let bytes = fs::read(&film).unwrap();
    fs::write(&film, &bytes).unwrap();
    let (got, line) = indexed.send_logged(&get(SEEKS[0]));
    got.expect(200).complete();
    assert!(
        line.contains(" index-built"),
        "an edited film is indexed again: {line}"
    );
    assert_eq!(
        entries(&cache),
        kept,
        "the new index replaces the old entry"
    );
}

#[test]
fn an_index_dir_that_cannot_take_entries_is_a_log_note_and_nothing_is_built() {
    let dir = TempDir::new("mp4-index-ro");
    let root = film_root(&dir);
    // A path under a regular file can never be created, even by root.
    let blocker = dir.write("not-a-dir", b"");
    fs::set_permissions(&blocker, fs::Permissions::from_mode(0o444)).unwrap();
    let indexed = server(
        &dir,
        "indexed",
        &root,
        &format!("index_dir = {}/cache\n", blocker.display()),
    );
    for target in &SEEKS[..2] {
        let (got, line) = indexed.send_logged(&get(target));
        got.expect(200).complete();
        assert!(
            line.contains("index-dir-unusable: "),
            "the log says why no index is kept: {line}"
        );
        assert!(
            !line.contains("index-built"),
            "no index is built that cannot be kept: {line}"
        );
    }
}
