//! `?start=` / `?end=` on MP4 files over tcpsvd, judged by ffmpeg/ffprobe against the
//! original: clean decode, key frame first, the right duration, streams in sync, and
//! no stream lost. Also the no-seek shapes and the refusals of bad seeks.

use crate::support::probe::{self, Original};
use crate::support::{get, media, media_dir, Response, Server, TempDir};
use std::path::{Path, PathBuf};

/// Slack on top of "one frame" for times printed with 6 decimals and ms parameters.
const EPS: f64 = 0.002;

fn server(dir: &TempDir) -> Server {
    let config = dir.config("stream.conf", Some(media_dir()), "");
    Server::stream(dir, &config)
}

/// GETs `target`, expects a complete 200 `video/mp4`, and writes the body to `dir`.
fn fetch(server: &Server, dir: &TempDir, target: &str, n: usize) -> (Response, PathBuf) {
    let r = server.send(&get(target));
    r.expect(200).complete();
    assert_eq!(r.header("Content-Type"), Some("video/mp4"), "{target}");
    let out = dir.write(&format!("out-{n}.mp4"), &r.body);
    (r, out)
}

/// Every way `out` (the answer to `start`/`end` on `orig`) can be wrong, as text.
fn judge_cut(orig: &Original, out: &Path, start: f64, end: Option<f64>) -> Vec<String> {
    let mut bad = probe::playback_faults(out);
    let got = probe::probe(out);
    if got.kinds() != orig.probe.kinds() {
        bad.push(format!(
            "streams {:?}, the original has {:?}",
            got.kinds(),
            orig.probe.kinds()
        ));
    }
    let snapped = orig.snapped(start);
    let stop = end.map_or(orig.probe.duration, |e| e.min(orig.probe.duration));
    let want = stop - snapped;
    if (got.duration - want).abs() > orig.frame + EPS {
        bad.push(format!(
            "duration {} s, want {want:.3} s (= {stop} - key frame {snapped}) within one frame ({} s)",
            got.duration, orig.frame
        ));
    }
    let start_of = |kind: &str| {
        got.streams
            .iter()
            .filter(|s| s.codec_type == kind)
            .map(|s| s.start_time)
            .collect::<Vec<_>>()
    };
    match start_of("video").first().copied().flatten() {
        None => bad.push("no video start_time".to_owned()),
        Some(v) => {
            if v.abs() > orig.frame + EPS {
                bad.push(format!("video start_time {v} s, want 0 within one frame"));
            }
            for a in start_of("audio") {
                match a {
                    Some(a) if (a - v).abs() <= orig.frame + EPS => {}
                    other => bad.push(format!(
                        "audio start_time {other:?} vs video {v} (one frame = {} s)",
                        orig.frame
                    )),
                }
            }
        }
    }
    bad
}

/// Runs the seek matrix on `name`: several starts (on and between key frames, near the
/// end), a start+end pair and an end-only request.
fn seek_matrix(name: &str) {
    let dir = TempDir::new(&format!("seek-{name}"));
    let server = server(&dir);
    let orig = probe::original(&media(name));
    let last = orig.probe.duration - 0.5;
    let mut cases: Vec<(String, f64, Option<f64>)> = [0.0, 9.5, 10.0, 23.456, last]
        .iter()
        .map(|&s| (format!("start={s}"), s, None))
        .collect();
    cases.push(("start=9.5&end=20.3".to_owned(), 9.5, Some(20.3)));
    cases.push(("end=15".to_owned(), 0.0, Some(15.0)));
    let mut failures = Vec::new();
    for (n, (query, start, end)) in cases.iter().enumerate() {
        let target = format!("/{name}?{query}");
        let (_, out) = fetch(&server, &dir, &target, n);
        for why in judge_cut(&orig, &out, *start, *end) {
            failures.push(format!("GET {target}: {why}"));
        }
    }
    assert!(
        failures.is_empty(),
        "{} problem(s):\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn seek_h264_aac_moov_first() {
    seek_matrix("h264-aac.mp4");
}

#[test]
fn seek_h264_aac_moov_at_end() {
    seek_matrix("h264-aac-moov-end.mp4");
}

#[test]
fn seek_keeps_two_audio_tracks_and_subtitles() {
    seek_matrix("two-audio.mp4");
}

#[test]
fn seek_hevc_aac() {
    seek_matrix("hevc-aac.mp4");
}

#[test]
fn seek_variable_frame_rate() {
    seek_matrix("vfr.mp4");
}

#[test]
fn moov_at_end_without_seek_comes_back_moov_first_with_the_same_frames() {
    let dir = TempDir::new("moov-end-plain");
    let server = server(&dir);
    let (r, out) = fetch(&server, &dir, "/h264-aac-moov-end.mp4", 0);
    let boxes = probe::top_boxes(&r.body);
    assert_eq!(
        boxes.get(..2),
        Some(&["ftyp".to_owned(), "moov".to_owned()][..]),
        "top-level boxes {boxes:?}"
    );
    assert!(boxes.iter().any(|b| b == "mdat"), "no mdat in {boxes:?}");
    let errors = probe::decode_errors(&out);
    assert!(errors.trim().is_empty(), "decode errors: {errors}");
    assert_eq!(
        probe::framemd5(&out),
        probe::framemd5(&media("h264-aac-moov-end.mp4")),
        "decoded frames differ"
    );
}

#[test]
fn moov_first_without_seek_is_the_file_byte_for_byte() {
    let dir = TempDir::new("moov-first-plain");
    let server = server(&dir);
    for name in ["h264-aac.mp4", "two-audio.mp4"] {
        let r = server.send(&get(&format!("/{name}")));
        r.expect(200).complete();
        assert!(
            r.body == std::fs::read(media(name)).unwrap(),
            "{name}: body is not the file"
        );
    }
}

#[test]
fn fragmented_is_served_as_stored_and_cannot_be_cut() {
    let dir = TempDir::new("fragmented");
    let server = server(&dir);
    let r = server.send(&get("/fragmented.mp4"));
    r.expect(200).complete();
    assert!(
        r.body == std::fs::read(media("fragmented.mp4")).unwrap(),
        "body is not the file"
    );
    let (r, line) = server.send_logged(&get("/fragmented.mp4?start=3"));
    r.expect(400);
    assert!(
        line.contains("fragmented"),
        "log line does not say why: {line}"
    );
}

/// Regression: a seek on an empty MP4 got 500 "mmap: cannot map an empty file". An
/// empty file is served as it is (200, no body), but it has no movie to cut: its
/// duration is 0, so every start is at or past it, a 400 as for a fragmented file.
#[test]
fn a_seek_in_an_empty_file_is_400_and_the_log_says_why() {
    let dir = TempDir::new("empty-mp4");
    dir.write("root/empty.mp4", b"");
    let config = dir.config("stream.conf", Some(&dir.join("root")), "");
    let server = Server::stream(&dir, &config);
    let r = server.send(&get("/empty.mp4"));
    r.expect(200).complete();
    assert_eq!(r.content_length(), 0);
    for target in [
        "/empty.mp4?start=0",
        "/empty.mp4?start=10",
        "/empty.mp4?end=5",
    ] {
        let (r, line) = server.send_logged(&get(target));
        r.expect(400).complete();
        assert!(
            line.contains("\" 400 ") && line.contains("seek in an empty file"),
            "{target}: log line does not say why: {line}"
        );
    }
}

#[test]
fn start_past_the_duration_is_400_and_the_log_says_why() {
    let dir = TempDir::new("past-end");
    let server = server(&dir);
    let (r, line) = server.send_logged(&get("/h264-aac.mp4?start=100"));
    r.expect(400).complete();
    assert_eq!(r.header("Content-Type"), Some("text/plain; charset=utf-8"));
    assert!(
        line.starts_with("127.0.0.1 \"GET /h264-aac.mp4?start=100\" 400 "),
        "log line: {line}"
    );
    assert!(
        line.contains("past the duration"),
        "log line does not name the reason: {line}"
    );
}

#[test]
fn end_not_after_start_is_400() {
    let dir = TempDir::new("end-before-start");
    let server = server(&dir);
    for query in ["start=20&end=10", "start=10&end=10"] {
        let (r, line) = server.send_logged(&get(&format!("/h264-aac.mp4?{query}")));
        r.expect(400);
        assert!(
            line.contains("not after start"),
            "log line for {query}: {line}"
        );
    }
}

#[test]
fn malformed_start_is_400() {
    let dir = TempDir::new("bad-start");
    let server = server(&dir);
    for value in ["abc", "-1", "1e3", "nan", "", "1.2.3", "0x10", "inf"] {
        let r = server.send(&get(&format!("/h264-aac.mp4?start={value}")));
        assert_eq!(r.status, 400, "start={value}: {}", r.summary());
    }
    let r = server.send(&get("/h264-aac.mp4?end=abc"));
    assert_eq!(r.status, 400, "end=abc: {}", r.summary());
}

/// Regression: a track with no sample in the kept time range (two-audio.mp4's
/// subtitles end at 35 s) must still be in the output, empty, so that players see the
/// same tracks after a seek as before it.
#[test]
fn a_track_with_nothing_left_after_the_start_is_kept() {
    let dir = TempDir::new("empty-track");
    let server = server(&dir);
    let (_, out) = fetch(&server, &dir, "/two-audio.mp4?start=39.5", 0);
    let kinds = probe::probe(&out).kinds();
    let want = probe::original(&media("two-audio.mp4")).probe.kinds();
    assert_eq!(kinds, want, "streams after start=39.5");
}

/// Regression: `end` must bound every track. two-audio.mp4's subtitle track has one
/// 15 s sample (15 s to 30 s, no cue) across end=20.3: kept whole, it stretched the
/// output to 22 s instead of 20.3 - 8 = 12.3 s.
#[test]
fn end_bounds_a_long_subtitle_sample() {
    let dir = TempDir::new("end-subtitle");
    let server = server(&dir);
    let (_, out) = fetch(&server, &dir, "/two-audio.mp4?start=9.5&end=20.3", 0);
    let got = probe::probe(&out);
    for s in &got.streams {
        let d = s.duration.unwrap_or(0.0);
        assert!(
            d <= 12.3 + 0.04 + EPS,
            "{} stream lasts {d} s, past end - start = 12.3 s",
            s.codec_type
        );
    }
    assert!(
        (got.duration - 12.3).abs() <= 0.04 + EPS,
        "format duration {} s, want 12.3 s",
        got.duration
    );
}
