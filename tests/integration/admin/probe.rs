//! `loomiere probe --json` on every generated film, its figures checked against
//! `ffprobe`: codec, duration within one frame, sample counts equal to ffprobe's
//! packet counts, key-frame intervals from ffprobe's key-frame flags. Then the films
//! it must refuse: a fragmented MP4, a file that is not media, a truncated `moov`.

use super::ffprobe_streams::{self, spread};
use super::{loomiere, texts};
use crate::support::client::parse;
use crate::support::media::{FLV_FILMS, MP4_FILMS};
use crate::support::{bin, media, media_dir, tool, TempDir};
use serde_json::Value;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::process::Stdio;

/// The generated films `loomiere probe` must find fine (scripts/gen-media).
fn films() -> impl Iterator<Item = &'static &'static str> {
    MP4_FILMS.iter().chain(FLV_FILMS)
}

/// `loomiere probe --json PATHS`: exit status and the reports.
fn probe_json(paths: &[PathBuf]) -> (Option<i32>, Vec<Value>) {
    probe_json_with(None, paths)
}

/// `loomiere probe --json [--config CONFIG] PATHS`: exit status and the reports.
fn probe_json_with(config: Option<&Path>, paths: &[PathBuf]) -> (Option<i32>, Vec<Value>) {
    let mut args = vec!["probe".as_ref(), "--json".as_ref()];
    if let Some(c) = config {
        args.extend(["--config".as_ref(), c.as_os_str()]);
    }
    args.extend(paths.iter().map(|p| p.as_os_str()));
    let out = loomiere(args);
    let (stdout, stderr) = texts(&out);
    let reports: Value = serde_json::from_str(&stdout)
        .unwrap_or_else(|e| panic!("probe --json is not JSON ({e}): {stdout}{stderr}"));
    let reports = reports.as_array().expect("a JSON array").clone();
    assert_eq!(reports.len(), paths.len(), "one report per film");
    (out.status.code(), reports)
}

#[test]
fn probe_agrees_with_ffprobe_on_every_generated_film() {
    let paths: Vec<PathBuf> = films().map(|f| media(f)).collect();
    for p in &paths {
        assert!(
            p.is_file(),
            "{} missing: run scripts/gen-media",
            p.display()
        );
    }
    let (code, reports) = probe_json(&paths);
    for (path, r) in paths.iter().zip(&reports) {
        assert_eq!(r["ok"], true, "{}: {r:#}", path.display());
        check_film(path, r);
    }
    assert_eq!(code, Some(0), "every film is fine");
}

/// Checks one report against ffprobe's streams of the same film.
fn check_film(path: &Path, r: &Value) {
    let name = path.display();
    let flv = path.extension().is_some_and(|e| e == "flv");
    let (format_duration, streams) = ffprobe_streams::streams(path);
    let tracks = r["tracks"].as_array().expect("tracks");
    assert_eq!(
        tracks.len(),
        streams.len(),
        "{name}: tracks vs ffprobe streams"
    );
    assert_eq!(r["container"], if flv { "flv" } else { "mp4" }, "{name}");
    if !flv {
        let moov = if name.to_string().contains("moov-end") {
            "end"
        } else {
            "start"
        };
        assert_eq!(r["moov"], moov, "{name}");
        assert_eq!(r["fragmented"], false, "{name}");
        assert_eq!(r["start"]["ok"], true, "{name}: {:#}", r["start"]);
        assert_eq!(r["hls"]["ok"], true, "{name}: {:#}", r["hls"]);
    } else {
        let index = if name.to_string().contains("noindex")
            || name.to_string().ends_with("/h264-aac.flv")
        {
            "absent"
        } else {
            "present"
        };
        assert_eq!(r["keyframes_index"], index, "{name}");
        assert_eq!(r["hls"], Value::Null, "{name}: HLS does not apply to FLV");
        let ours = r["duration_s"].as_f64().expect("duration_s");
        let theirs = format_duration.expect("ffprobe format duration");
        assert!(
            (ours - theirs).abs() < 0.001,
            "{name}: duration {ours} vs ffprobe {theirs}"
        );
    }
    for t in tracks {
        // ffprobe lists an FLV's streams in the order of their first tags.
        let kind = t["kind"].as_str().unwrap();
        let s = if flv {
            streams
                .iter()
                .find(|s| s.codec_type == kind)
                .expect("ffprobe stream of that kind")
        } else {
            &streams[t["number"].as_u64().unwrap() as usize - 1]
        };
        check_track(&format!("{name} track {}", t["number"]), t, s, flv);
    }
}

fn check_track(what: &str, t: &Value, s: &ffprobe_streams::Stream, flv: bool) {
    assert_eq!(t["kind"], s.codec_type, "{what}: kind");
    assert_eq!(ffprobe_name(t), s.codec_name, "{what}: codec {t:#}");
    let samples = t["samples"].as_u64().unwrap();
    if s.codec_type == "subtitle" {
        // ffmpeg's mov demuxer drops a last sample whose stts delta is 0 (the empty
        // cue mov_text muxing ends with), so compare with nb_frames, the stsz count
        // it read; every tx3g sample is a sync sample, spaced as the cues are.
        assert_eq!(Some(samples), s.frames, "{what}: samples vs nb_frames");
        assert_eq!(t["sync_samples"].as_u64(), s.frames, "{what}: key frames");
    } else {
        assert_eq!(samples, s.packets, "{what}: samples vs ffprobe packets");
        check_key_frames(what, t, s);
    }
    if !flv {
        let ours = t["duration_s"].as_f64().unwrap();
        let theirs = s.duration.expect("ffprobe stream duration");
        assert!(
            (ours - theirs).abs() <= s.frame + 1e-6,
            "{what}: duration {ours} vs ffprobe {theirs}, more than a frame ({}) apart",
            s.frame
        );
        let language = t["language"].as_str().map(str::to_owned);
        assert_eq!(language, s.language, "{what}: language");
    }
}

/// Key frames: as many as ffprobe flags `K`, spaced as their presentation times are.
fn check_key_frames(what: &str, t: &Value, s: &ffprobe_streams::Stream) {
    let count = t["sync_samples"].as_u64().unwrap();
    assert_eq!(count, s.key_times.len() as u64, "{what}: key frames");
    let ours = &t["key_frame_interval_s"];
    match spread(&s.key_times) {
        None => assert_eq!(*ours, Value::Null, "{what}"),
        Some((min, median, max)) => {
            for (key, theirs) in [("min", min), ("median", median), ("max", max)] {
                let v = ours[key].as_f64().unwrap_or(f64::NAN);
                assert!(
                    (v - theirs).abs() < 0.0015,
                    "{what}: key-frame interval {key} {v} vs ffprobe {theirs}"
                );
            }
        }
    }
}

/// ffprobe's codec name for a track's RFC 6381 codec string (or FLV format name).
fn ffprobe_name(t: &Value) -> String {
    let codec = t["codec"].as_str().unwrap_or_default();
    let format = t["format"].as_str().unwrap_or_default();
    let first = codec.split('.').next().unwrap_or_default();
    let name = match (first, format) {
        ("avc1" | "avc3", _) => "h264",
        ("hvc1" | "hev1", _) => "hevc",
        ("mp4a", _) if codec.starts_with("mp4a.40.") => "aac",
        ("av01", _) => "av1",
        ("opus", _) => "opus",
        ("tx3g", _) => "mov_text",
        (_, "MP3") => "mp3",
        (_, "Sorenson H.263") => "flv1",
        _ => codec,
    };
    name.to_owned()
}

/// What it must refuse, with exit status 1 and the reason: a fragmented MP4 (made as
/// the brief says: frag_keyframe+empty_moov), a file that is not media, an MP4 whose
/// moov is cut short, an empty file, a missing one. Each report says why.
#[test]
fn probe_refuses_fragmented_non_media_and_truncated_films_with_a_reason() {
    let dir = TempDir::new("probe-refuse");
    let fragmented = dir.join("fragmented.mp4");
    let out = Command::new(tool("ffmpeg"))
        .args(["-nostdin", "-v", "error", "-y", "-i"])
        .arg(media("h264-aac.mp4"))
        .args([
            "-map",
            "0",
            "-c",
            "copy",
            "-movflags",
            "frag_keyframe+empty_moov",
        ])
        .arg(&fragmented)
        .output()
        .expect("run ffmpeg");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let notes = dir.write("notes.txt", "not a film\n");
    let film = std::fs::read(media("h264-aac.mp4")).unwrap();
    let truncated = dir.write("truncated.mp4", &film[..2000]);
    let empty = dir.write("empty.mp4", b"");
    let missing = dir.join("missing.mp4");
    let cases: [(&PathBuf, &str); 5] = [
        (&fragmented, "fragmented"),
        (&notes, "not a film"),
        (&truncated, "defective"),
        (&empty, "empty file"),
        (&missing, "No such file"),
    ];
    for (path, why) in cases {
        let (code, reports) = probe_json(std::slice::from_ref(path));
        assert_eq!(code, Some(1), "{}", path.display());
        let r = &reports[0];
        assert_eq!(r["ok"], false, "{}", path.display());
        let reasons = [&r["error"], &r["start"]["reason"], &r["hls"]["reason"]];
        assert!(
            reasons
                .iter()
                .any(|v| v.as_str().is_some_and(|s| s.contains(why))),
            "{}: {r:#} should say {why:?}",
            path.display()
        );
    }
    let (_, reports) = probe_json(std::slice::from_ref(&fragmented));
    assert_eq!(reports[0]["fragmented"], true);
    assert_eq!(reports[0]["start"]["ok"], false);
    assert_eq!(reports[0]["hls"]["ok"], false);
    // The human output says the same, and one bad film among good ones fails them all.
    let out = loomiere([
        "probe".as_ref(),
        media("h264-aac.mp4").as_os_str(),
        fragmented.as_os_str(),
    ]);
    let (stdout, _) = texts(&out);
    assert_eq!(out.status.code(), Some(1));
    assert!(stdout.contains("?start=: yes"), "{stdout}");
    assert!(stdout.contains("?start=: no: fragmented"), "{stdout}");
    assert!(stdout.contains("HLS: no: fragmented"), "{stdout}");
}

/// The HLS segments the probe counts at the config's `segment_duration` are the ones
/// the real `loomiere-hls` lists in each rendition's media playlist; the config's
/// routing is the streamers' too: with `segmenter.mp4 = off` HLS is off for the film
/// (not a problem), and an FLV named `.mp4` goes to a streamer that cannot read it.
#[test]
fn probe_follows_the_config_as_the_streamers_do() {
    let dir = TempDir::new("probe-config");
    // allow_root: the tests may run as root, which the streamers refuse without it.
    let config = dir.write("stream.conf", "segment_duration = 4\nallow_root = yes\n");
    for name in MP4_FILMS {
        let (code, reports) = probe_json_with(Some(&config), &[media(name)]);
        assert_eq!(code, Some(0), "{name}");
        let renditions = reports[0]["hls_renditions"].as_array().unwrap();
        assert!(!renditions.is_empty(), "{name}: {:#}", reports[0]);
        for r in renditions {
            let rendition = r["name"].as_str().unwrap();
            let playlist = hls(&config, &format!("/{name}/index-{rendition}.m3u8"));
            let listed = playlist.matches("#EXTINF:").count() as u64;
            assert_eq!(
                r["segments"].as_u64(),
                Some(listed),
                "{name} {rendition}: {playlist}"
            );
        }
    }
    let off = dir.write("off.conf", "segmenter.mp4 = off\n");
    let (code, reports) = probe_json_with(Some(&off), &[media("h264-aac.mp4")]);
    assert_eq!(code, Some(0), "HLS turned off is a choice, not a problem");
    let why = reports[0]["hls_off"].as_str().unwrap_or_default();
    assert!(why.contains("segmenter.mp4"), "{:#}", reports[0]);
    let misnamed = dir.write(
        "flv-named.mp4",
        std::fs::read(media("h264-aac.flv")).unwrap(),
    );
    let (code, reports) = probe_json_with(Some(&config), &[misnamed]);
    assert_eq!(code, Some(1), "{:#}", reports[0]);
    let why = reports[0]["start"]["reason"].as_str().unwrap_or_default();
    assert!(why.contains("loomiere-flv can"), "{:#}", reports[0]);
}

/// The body `loomiere-hls` answers `GET target` with, serving the media directory.
fn hls(config: &Path, target: &str) -> String {
    let mut child = Command::new(bin("loomiere-hls"))
        .arg("--root")
        .arg(media_dir())
        .arg("--config")
        .arg(config)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run loomiere-hls");
    let request = format!("GET {target} HTTP/1.0\r\n\r\n");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(request.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    let response = parse(&out.stdout);
    assert_eq!(
        response.status,
        200,
        "{target}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(response.body).unwrap()
}

/// Regression guard for the README: its `loomiere probe` example is what the command
/// prints on the same films (paths as `media/NAME`).
#[test]
fn the_readme_example_is_what_probe_prints() {
    let section = crate::support::manifest::readme_section("The admin command `loomiere`");
    let command = "$ loomiere probe ";
    let at = section
        .find(command)
        .expect("the README shows a probe example");
    let line_end = at + section[at..].find('\n').unwrap();
    let names: Vec<&str> = section[at + command.len()..line_end]
        .split(' ')
        .map(|p| p.trim_start_matches("media/"))
        .collect();
    let shown = &section[line_end + 1..];
    let shown = &shown[..shown.find("```").expect("the example's end")];
    let paths: Vec<PathBuf> = names.iter().map(|n| media(n)).collect();
    let mut args = vec!["probe".as_ref()];
    args.extend(paths.iter().map(|p| p.as_os_str()));
    let (stdout, _) = texts(&loomiere(args));
    let prefix = format!("{}/", media_dir().display());
    assert_eq!(stdout.replace(&prefix, "media/"), shown);
}
