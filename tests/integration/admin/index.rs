//! `loomiere index`: after it, the MP4 streamer plans seeks from the kept indexes
//! (its first seek in an indexed film builds none, while a film added later gets
//! `index-built`); a second run does nothing; an edited film is indexed again.

use super::{loomiere, texts};
use crate::support::{get, media, tool, Server, TempDir};
use std::path::{Path, PathBuf};
use std::process::Command;

/// `loomiere index ROOT --config CONFIG -j 2`, as the user the test streamers run
/// as (the tests' own user: they serve with allow_root when that is root).
fn index(root: &Path, config: &Path) -> (Option<i32>, String, String) {
    let me = String::from_utf8_lossy(&Command::new("id").arg("-un").output().unwrap().stdout)
        .trim()
        .to_owned();
    let out = loomiere([
        "index".as_ref(),
        root.as_os_str(),
        "--config".as_ref(),
        config.as_os_str(),
        "-j".as_ref(),
        "2".as_ref(),
        "--user".as_ref(),
        me.as_ref(),
    ]);
    let (stdout, stderr) = texts(&out);
    (out.status.code(), stdout, stderr)
}

/// The summary line's numbers after each word: `films`, `indexed`, `up to date`, ...
fn summary(stdout: &str) -> Vec<(String, u64)> {
    let line = stdout
        .lines()
        .find(|l| l.starts_with("index: "))
        .unwrap_or_else(|| panic!("no summary line in {stdout:?}"));
    let (head, tail) = line.split_once(": ").unwrap().1.split_once(':').unwrap();
    let films = head.split(' ').next().unwrap().parse().unwrap();
    let mut v = vec![("films".to_owned(), films)];
    for part in tail.split(',') {
        let (n, what) = part.trim().split_once(' ').unwrap();
        v.push((what.to_owned(), n.parse().unwrap()));
    }
    v
}

fn count(stdout: &str, what: &str) -> u64 {
    summary(stdout)
        .into_iter()
        .find(|(w, _)| w == what)
        .unwrap_or_else(|| panic!("no '{what}' in {stdout}"))
        .1
}

/// The entries of the cache with their modification times.
fn entries(cache: &Path) -> Vec<(PathBuf, std::time::SystemTime)> {
    let mut v: Vec<_> = std::fs::read_dir(cache)
        .unwrap()
        .map(|e| {
            let e = e.unwrap();
            (e.path(), e.metadata().unwrap().modified().unwrap())
        })
        .collect();
    v.sort();
    v
}

/// A one-second film: its moov is too small for a sample index.
fn tiny_film(path: &Path) {
    let out = Command::new(tool("ffmpeg"))
        .args([
            "-v",
            "error",
            "-y",
            "-f",
            "lavfi",
            "-i",
            "testsrc=d=1:s=64x48:r=10",
        ])
        .args(["-c:v", "libx264", "-pix_fmt", "yuv420p"])
        .arg(path)
        .output()
        .expect("run ffmpeg");
    assert!(
        out.status.success(),
        "ffmpeg: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn index_builds_what_the_streamer_plans_from_and_a_second_run_does_nothing() {
    let dir = TempDir::new("admin-index");
    let root = dir.join("root");
    for (from, to) in [
        ("h264-aac.mp4", "a.mp4"),
        ("two-audio.mp4", "sub/b.mp4"),
        ("hevc-aac.mp4", "sub/deeper/c.m4v"),
        ("fragmented.mp4", "frag.mp4"),
        ("h264-aac.mp4", ".hidden/skipped.mp4"),
        ("poster.png", "poster.png"),
    ] {
        dir.write(&format!("root/{to}"), std::fs::read(media(from)).unwrap());
    }
    tiny_film(&root.join("tiny.mp4"));
    let cache = dir.join("cache");
    std::fs::create_dir(&cache).unwrap();
    let config = dir.config(
        "stream.conf",
        Some(&root),
        &format!("index_dir = {}\n", cache.display()),
    );

    let (code, stdout, stderr) = index(&root, &config);
    assert_eq!(code, Some(0), "{stdout}{stderr}");
    let counts = summary(&stdout);
    let want: Vec<(String, u64)> = [
        ("films", 5),
        ("indexed", 3),
        ("up to date", 0),
        ("too small for an index", 1),
        ("cannot be cut", 1),
        ("failed", 0),
    ]
    .iter()
    .map(|(w, n)| (w.to_string(), *n))
    .collect();
    assert_eq!(counts, want, "{stdout}");
    assert!(stderr.contains("frag.mp4: not indexed: "), "{stderr}");
    let kept = entries(&cache);
    assert_eq!(kept.len(), 3, "{kept:?}");

    // The streamer plans from them: its first seek in each indexed film builds no
    // index, while a film the command did not index gets one.
    std::fs::copy(media("h264-aac.mp4"), root.join("late.mp4")).unwrap();
    let server = Server::stream(&dir, &config);
    for film in ["/a.mp4", "/sub/b.mp4", "/sub/deeper/c.m4v", "/late.mp4"] {
        let (r, line) = server.send_logged(&get(&format!("{film}?start=3")));
        r.expect(200).complete();
        assert_eq!(
            line.contains(" index-built"),
            film == "/late.mp4",
            "{film}: {line}"
        );
    }

    // A second run: everything up to date (late.mp4 now too), nothing rewritten.
    let kept = entries(&cache);
    let (code, stdout, _) = index(&root, &config);
    assert_eq!(code, Some(0), "{stdout}");
    assert_eq!(
        (count(&stdout, "indexed"), count(&stdout, "up to date")),
        (0, 4),
        "{stdout}"
    );
    assert_eq!(entries(&cache), kept, "a second run rewrote entries");

    // An edited film (new ctime) is indexed again; naming a film works too.
    let film = root.join("a.mp4");
    std::fs::write(&film, std::fs::read(&film).unwrap()).unwrap();
    let (code, stdout, _) = index(&film, &config);
    assert_eq!(code, Some(0), "{stdout}");
    assert_eq!(
        (count(&stdout, "films"), count(&stdout, "indexed")),
        (1, 1),
        "{stdout}"
    );
}

#[test]
fn index_fails_for_a_defective_film_and_a_missing_path() {
    let dir = TempDir::new("admin-index-bad");
    let root = dir.join("root");
    dir.write("root/bad.mp4", b"\0\0\0\x10notanmp4atall");
    let cache = dir.join("cache");
    std::fs::create_dir(&cache).unwrap();
    let config = dir.config(
        "stream.conf",
        Some(&root),
        &format!("index_dir = {}\n", cache.display()),
    );
    let (code, stdout, stderr) = index(&root, &config);
    assert_eq!(code, Some(1), "{stdout}{stderr}");
    assert_eq!(count(&stdout, "failed"), 1, "{stdout}");
    assert!(stderr.contains("bad.mp4: defective: "), "{stderr}");
    let (code, _, stderr) = index(&dir.join("nowhere"), &config);
    assert_eq!(code, Some(1));
    assert!(stderr.contains("nowhere: No such file"), "{stderr}");
}
