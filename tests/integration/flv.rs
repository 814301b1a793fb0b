//! `loomiere-flv` over tcpsvd (behind the front, and on its own): byte seeks taken
//! from the `keyframes` index and time seeks must decode cleanly with ffmpeg and begin
//! with a key frame; bad requests get 400, defective files 500 naming the defect.

use crate::support::probe;
use crate::support::{get, media, media_dir, request, Response, Server, TempDir};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

const INDEXED: &str = "h264-aac-index.flv";
const UNINDEXED: &str = "h264-aac-noindex.flv";
const SORENSON: &str = "flv1-mp3.flv";

fn server(dir: &TempDir, root: &Path) -> Server {
    let config = dir.config("stream.conf", Some(root), "");
    Server::stream(dir, &config)
}

/// The FLV test file `name`, checked to exist (made by `scripts/gen-media`).
fn flv(name: &str) -> PathBuf {
    let path = media(name);
    assert!(
        path.is_file(),
        "{} is missing: run scripts/gen-media {}",
        path.display(),
        media_dir().display()
    );
    path
}

/// GETs `target`, expects a complete 200 `video/x-flv`, writes the body to `dir`.
fn fetch(server: &Server, dir: &TempDir, target: &str, n: usize) -> (Response, PathBuf) {
    let r = server.send(&get(target));
    r.expect(200).complete();
    assert_eq!(r.header("Content-Type"), Some("video/x-flv"), "{target}");
    let out = dir.write(&format!("out-{n}.flv"), &r.body);
    (r, out)
}

/// `filepositions` and `times` of the `keyframes` object in the file's `onMetaData`
/// (strict arrays of AMF0 numbers, as ffmpeg writes them).
fn keyframe_index(bytes: &[u8]) -> (Vec<u64>, Vec<f64>) {
    let array = |name: &[u8]| -> Vec<f64> {
        let mut key = name.to_vec();
        key.push(10);
        let at = bytes
            .windows(key.len())
            .position(|w| w == key)
            .unwrap_or_else(|| panic!("no {name:?} array"))
            + key.len();
        let n = u32::from_be_bytes(bytes[at..at + 4].try_into().unwrap()) as usize;
        (0..n)
            .map(|i| {
                let v = at + 4 + i * 9;
                assert_eq!(bytes[v], 0, "entry {i} is not a number");
                f64::from_be_bytes(bytes[v + 1..v + 9].try_into().unwrap())
            })
            .collect()
    };
    (
        array(b"filepositions")
            .into_iter()
            .map(|p| p as u64)
            .collect(),
        array(b"times"),
    )
}

/// One tag of a stored FLV, read by a walker independent of the streamer's.
#[derive(Debug, Clone, Copy)]
struct Tag {
    offset: u64,
    ts: u64,
    /// Audio or video samples: not script data, not an AVC/AAC sequence header.
    media: bool,
    /// A video key frame with a picture (not a sequence header or end of sequence).
    key: bool,
}

/// Every tag of `file` (which must be well formed).
fn tags(file: &[u8]) -> Vec<Tag> {
    let mut out = Vec::new();
    let mut at = 13usize;
    while at + 11 <= file.len() {
        let size = u32::from_be_bytes([0, file[at + 1], file[at + 2], file[at + 3]]) as usize;
        let ts = u32::from_be_bytes([file[at + 7], file[at + 4], file[at + 5], file[at + 6]]);
        let (kind, b0, b1) = (
            file[at] & 0x1f,
            file[at + 11],
            file.get(at + 12).copied().unwrap_or(0),
        );
        let avc_like = b0 & 0x0f == 7;
        let config = (kind == 9 && avc_like && b1 == 0) || (kind == 8 && b0 >> 4 == 10 && b1 == 0);
        let key = kind == 9 && b0 >> 4 == 1 && (!avc_like || b1 == 1);
        out.push(Tag {
            offset: at as u64,
            ts: u64::from(ts),
            media: kind != 18 && !config,
            key,
        });
        at += 11 + size + 4;
    }
    assert_eq!(at, file.len(), "the test file is not a clean tag sequence");
    out
}

/// What a seek must answer: the header, the file's head (`onMetaData` and sequence
/// headers, up to the first sample), then the file from the key frame tag `key` to
/// byte `end`.
fn model(file: &[u8], key: u64, end: u64) -> Vec<u8> {
    let first_media = tags(file)
        .iter()
        .find(|t| t.media)
        .expect("a sample")
        .offset as usize;
    let mut want = vec![b'F', b'L', b'V', 1, 5, 0, 0, 0, 9, 0, 0, 0, 0];
    want.extend_from_slice(&file[13..first_media]);
    want.extend_from_slice(&file[key as usize..end as usize]);
    want
}

/// The key frame a time seek to `s_ms` starts at: with an index, the last entry whose
/// time is at or before it (the times players see); without, the last key frame tag
/// whose timestamp is.
fn time_key(file: &[u8], indexed: bool, s_ms: u64) -> u64 {
    if indexed {
        let (positions, times) = keyframe_index(file);
        let i = times
            .iter()
            .rposition(|&t| (t * 1000.0).round() as u64 <= s_ms)
            .unwrap_or(0);
        return positions[i];
    }
    tags(file)
        .iter()
        .rfind(|t| t.key && t.ts <= s_ms)
        .expect("a key frame")
        .offset
}

/// Where a time `end` (ms) cuts: the first sample at or after `from` timed at or after it.
fn time_end(file: &[u8], from: u64, end_ms: u64) -> u64 {
    tags(file)
        .iter()
        .find(|t| t.offset > from && t.media && t.ts >= end_ms)
        .map_or(file.len() as u64, |t| t.offset)
}

/// Every way the FLV `out` fails "decodes cleanly with ffmpeg, key frame first, holds
/// exactly `want`", as text.
fn judge(out: &Path, want: &[u8]) -> Vec<String> {
    let mut bad = probe::playback_faults(out);
    let got = std::fs::read(out).unwrap();
    if got != want {
        bad.push(format!(
            "body of {} bytes differs from the model's {} bytes",
            got.len(),
            want.len()
        ));
    }
    bad
}

fn assert_clean(failures: Vec<String>) {
    assert!(
        failures.is_empty(),
        "{} problem(s):\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn byte_seeks_from_the_keyframe_index_decode_cleanly_from_a_key_frame() {
    let dir = TempDir::new("flv-bytes");
    let server = server(&dir, media_dir());
    let mut failures = Vec::new();
    for (name, streams) in [(INDEXED, "aac,h264"), (SORENSON, "flv1,mp3")] {
        let file = std::fs::read(flv(name)).unwrap();
        let (positions, _) = keyframe_index(&file);
        assert!(
            positions.len() >= 10,
            "{name}: only {} index entries",
            positions.len()
        );
        for i in [
            1,
            positions.len() / 3,
            positions.len() / 2,
            positions.len() - 1,
        ] {
            let target = format!("/{name}?start={}", positions[i]);
            let (_, out) = fetch(&server, &dir, &target, failures.len() + i);
            let mut kinds: Vec<String> = probe::probe(&out)
                .kinds()
                .into_iter()
                .map(|k| k.1)
                .collect();
            kinds.sort();
            if kinds.join(",") != streams {
                failures.push(format!("GET {target}: streams {kinds:?}, want {streams}"));
            }
            let want = model(&file, positions[i], file.len() as u64);
            failures.extend(
                judge(&out, &want)
                    .into_iter()
                    .map(|w| format!("GET {target}: {w}")),
            );
        }
    }
    assert_clean(failures);
}

#[test]
fn time_seeks_with_and_without_an_index_decode_cleanly_from_the_key_frame_before() {
    let dir = TempDir::new("flv-times");
    let server = server(&dir, media_dir());
    let mut failures = Vec::new();
    for (name, indexed) in [(INDEXED, true), (UNINDEXED, false), (SORENSON, true)] {
        let file = std::fs::read(flv(name)).unwrap();
        let last = tags(&file).iter().map(|t| t.ts).max().unwrap();
        let mut cases: Vec<(String, u64, Option<u64>)> = [0, 9500, 10_000, 23_456, last - 500]
            .iter()
            .map(|&s| (format!("start={}.{:03}", s / 1000, s % 1000), s, None))
            .collect();
        cases.push(("start=9.5&end=20.3".to_owned(), 9500, Some(20_300)));
        for (n, (query, s, end)) in cases.iter().enumerate() {
            let target = format!("/{name}?{query}&units=s");
            let (_, out) = fetch(&server, &dir, &target, n);
            let key = time_key(&file, indexed, *s);
            let stop = end.map_or(file.len() as u64, |e| time_end(&file, key, e));
            failures.extend(
                judge(&out, &model(&file, key, stop))
                    .into_iter()
                    .map(|w| format!("GET {target}: {w}")),
            );
        }
    }
    assert_clean(failures);
}

#[test]
fn a_byte_start_inside_a_tag_snaps_forward_and_shares_the_etag_of_its_key_frame() {
    let dir = TempDir::new("flv-snap");
    let server = server(&dir, media_dir());
    let file = std::fs::read(flv(INDEXED)).unwrap();
    let (positions, _) = keyframe_index(&file);
    let at = |n: u64| server.send_logged(&get(&format!("/{INDEXED}?start={n}")));
    let (exact, line) = at(positions[5]);
    exact.expect(200).complete();
    assert!(
        line.contains(&format!("start={};end=-", positions[5])),
        "{line}"
    );
    let (before, line) = at(positions[5] - 2);
    before.expect(200);
    assert!(
        line.contains(&format!("start={};end=-", positions[5])),
        "snapped forward to the key frame: {line}"
    );
    assert_eq!(
        before.header("ETag"),
        exact.header("ETag"),
        "the same bytes, the same ETag"
    );
    assert!(before.body == exact.body);
    let (after, line) = at(positions[5] + 1);
    after.expect(200);
    assert!(
        line.contains(&format!("start={};end=-", positions[6])),
        "{line}"
    );
    assert_ne!(after.header("ETag"), exact.header("ETag"));
    let out = dir.write("after.flv", &after.body);
    assert_clean(judge(&out, &model(&file, positions[6], file.len() as u64)));
}

/// flv.js with `seekType: 'param'` (flv.js issue #300): `header=0` continues the tag
/// stream from the byte asked for, exactly as stored, so the stream flv.js has already
/// parsed, followed by the answer, is a clean FLV; a resume from inside a tag is
/// byte-exact too. Without `header=0` the Flash-era cut is unchanged.
#[test]
fn header_0_continues_the_tag_stream_without_a_new_header() {
    let dir = TempDir::new("flv-continue");
    let server = server(&dir, media_dir());
    let file = std::fs::read(flv(INDEXED)).unwrap();
    let (positions, _) = keyframe_index(&file);
    let key = positions[5];
    let (r, line) = server.send_logged(&get(&format!("/{INDEXED}?header=0&start={key}")));
    r.expect(200).complete();
    assert!(
        r.body == file[key as usize..],
        "the file from the key frame, as stored"
    );
    assert!(line.contains("continuation"), "{line}");
    let cut = server.send(&get(&format!("/{INDEXED}?start={key}")));
    cut.expect(200);
    assert_eq!(
        &cut.body[..3],
        b"FLV",
        "the default still re-sends the header"
    );
    assert_ne!(cut.header("ETag"), r.header("ETag"));
    // What flv.js holds after a seek: the head it parsed first, then this answer.
    let first_media = tags(&file).iter().find(|t| t.media).unwrap().offset as usize;
    let mut joined = file[..first_media].to_vec();
    joined.extend_from_slice(&r.body);
    let out = dir.write("joined.flv", &joined);
    assert_clean(judge(&out, &joined));
    // A resume inside a tag, with an end: byte-exact; Range still applies on top.
    let inside = key + 1000;
    let target = format!("/{INDEXED}?start={inside}&header=0&end={}", positions[7]);
    let r = server.send(&get(&target));
    r.expect(200).complete();
    assert!(r.body == file[inside as usize..positions[7] as usize]);
    let part = server.send(&request("GET", &target, &[("Range", "bytes=10-19")]));
    part.expect(206);
    assert_eq!(part.body, &r.body[10..20]);
    // No start: the file from its first byte, header included.
    let whole = server.send(&get(&format!("/{INDEXED}?header=0")));
    assert!(whole.expect(200).body == file);
    for (query, want) in [
        ("start=100&header=2", "header: neither 0 nor 1"),
        ("start=1&units=s&header=0", "header=0 takes byte offsets"),
        (
            &format!("start={}&header=0", file.len()) as &str,
            "past the end",
        ),
    ] {
        let (r, line) = server.send_logged(&get(&format!("/{INDEXED}?{query}")));
        r.expect(400);
        assert!(line.contains(want), "?{query}: {line}");
    }
}

#[test]
fn no_seek_is_the_file_and_range_applies_to_the_planned_body() {
    let dir = TempDir::new("flv-plain");
    let server = server(&dir, media_dir());
    let file = std::fs::read(flv(INDEXED)).unwrap();
    let r = server.send(&get(&format!("/{INDEXED}")));
    r.expect(200).complete();
    assert!(r.body == file, "no seek: the file as stored");
    let (positions, _) = keyframe_index(&file);
    let target = format!("/{INDEXED}?start={}", positions[3]);
    let whole = server.send(&get(&target));
    let part = server.send(&request("GET", &target, &[("Range", "bytes=0-12")]));
    part.expect(206).complete();
    assert_eq!(
        part.header("Content-Range"),
        Some(format!("bytes 0-12/{}", whole.body.len()).as_str())
    );
    assert_eq!(part.body, &whole.body[..13]);
    assert_eq!(part.header("ETag"), whole.header("ETag"));
}

#[test]
fn bad_seeks_get_400_with_the_reason_in_the_log() {
    let dir = TempDir::new("flv-400");
    let server = server(&dir, media_dir());
    let len = std::fs::metadata(flv(INDEXED)).unwrap().len();
    let cases = [
        (format!("start={len}"), "past the end of the file"),
        (format!("start={}", u64::MAX), "past the end of the file"),
        ("start=12abc".to_owned(), "not a byte offset"),
        ("start=-5".to_owned(), "not a byte offset"),
        ("start=99999999999999999999999".to_owned(), "too large"),
        ("start=5&units=ms".to_owned(), "units"),
        ("start=100&units=s".to_owned(), "past the last tag"),
        ("start=10&end=5&units=s".to_owned(), "not after start"),
        ("start=x&units=s".to_owned(), "start"),
    ];
    for (query, want) in cases {
        let (r, line) = server.send_logged(&get(&format!("/{INDEXED}?{query}")));
        r.expect(400);
        assert!(
            line.contains(want),
            "?{query}: log line lacks {want:?}: {line}"
        );
    }
}

#[test]
fn defective_files_get_500_naming_the_defect() {
    let dir = TempDir::new("flv-500");
    let file = std::fs::read(flv(UNINDEXED)).unwrap();
    let mut garbage = file.clone();
    garbage[13..24].copy_from_slice(b"not a tag!!");
    dir.write("root/truncated.flv", &file[..file.len() / 2 + 7]);
    dir.write("root/garbage.flv", &garbage);
    let server = server(&dir, &dir.join("root"));
    let cases = [
        ("truncated.flv?start=25&units=s", "tag at byte"),
        (
            "garbage.flv?start=5&units=s",
            "garbage after the FLV header",
        ),
        ("garbage.flv?start=100000", "garbage after the FLV header"),
    ];
    for (target, want) in cases {
        let (r, line) = server.send_logged(&get(&format!("/{target}")));
        r.expect(500);
        assert!(
            line.contains(want),
            "{target}: log line lacks {want:?}: {line}"
        );
    }
    let r = server.send(&get("/truncated.flv"));
    r.expect(200).complete();
    assert!(
        r.body == file[..file.len() / 2 + 7],
        "no seek: served as stored"
    );
}

#[test]
fn the_streamer_alone_reads_the_request_on_stdin() {
    let dir = TempDir::new("flv-alone");
    let config = dir.config("stream.conf", Some(media_dir()), "");
    let file = std::fs::read(flv(INDEXED)).unwrap();
    let (positions, _) = keyframe_index(&file);
    let mut child = Command::new(env!("CARGO_BIN_EXE_loomiere-flv"))
        .arg("--config")
        .arg(&config)
        .env_remove("LOOMIERE_REQUEST")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("spawn loomiere-flv: {e}"));
    let raw = get(&format!("/{INDEXED}?start={}", positions[4]));
    child.stdin.take().unwrap().write_all(&raw).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "exit {}: {}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    let r = crate::support::client::parse(&out.stdout);
    r.expect(200).complete();
    let via_front = server(&dir, media_dir()).send(&raw);
    assert!(
        r.body == via_front.body,
        "alone and behind the front give the same body"
    );
    assert_eq!(r.header("ETag"), via_front.header("ETag"));
}
