//! Packet-exactness: for every film and every rendition, the init segment followed by
//! every media segment holds exactly the source track's packets, byte for byte and in
//! order (`ffprobe -show_data_hash md5`), with timestamps equal up to one constant
//! offset, and that offset the same for video and audio within one frame (they start
//! together, as in the source). Each segment also decodes alone after its init
//! segment, and each video segment begins with a key frame.

use super::{fetch, media_playlist, renditions, server, text};
use crate::support::probe::decode_errors;
use crate::support::{media, tool, Server, TempDir};
use std::path::Path;
use std::process::Command;

/// One packet as ffprobe shows it.
#[derive(Debug, Clone, PartialEq)]
struct Packet {
    pts: Option<f64>,
    dts: Option<f64>,
    key: bool,
    hash: String,
}

/// The packets of stream `select` (`v:0`, `a:1`, `0`) of `path`, in file order.
fn packets(path: &Path, select: &str) -> Vec<Packet> {
    let out = Command::new(tool("ffprobe"))
        .args([
            "-v",
            "error",
            "-select_streams",
            select,
            "-show_data_hash",
            "md5",
        ])
        .args(["-show_entries", "packet=pts_time,dts_time,flags,data_hash"])
        .args(["-of", "flat"])
        .arg(path)
        .output()
        .expect("ffprobe runs");
    assert!(
        out.status.success(),
        "ffprobe {}: {:?}",
        path.display(),
        out
    );
    let mut list: Vec<Packet> = Vec::new();
    for line in String::from_utf8_lossy(&out.stdout).lines() {
        let Some(rest) = line.strip_prefix("packets.packet.") else {
            continue;
        };
        let Some((index, field)) = rest.split_once('.') else {
            continue;
        };
        let Some((key, value)) = field.split_once('=') else {
            continue;
        };
        let index: usize = index.parse().expect("packet index");
        if index == list.len() {
            let blank = Packet {
                pts: None,
                dts: None,
                key: false,
                hash: String::new(),
            };
            list.push(blank);
        }
        let p = &mut list[index];
        let value = value.trim_matches('"');
        match key {
            "pts_time" => p.pts = value.parse().ok(),
            "dts_time" => p.dts = value.parse().ok(),
            "flags" => p.key = value.starts_with('K'),
            "data_hash" => p.hash = value.to_owned(),
            _ => {}
        }
    }
    list
}

/// The source stream of a media playlist's rendition: `index-v1.m3u8` is `v:0`,
/// `index-a2.m3u8` is `a:1`.
fn source_stream(playlist: &str) -> String {
    let r = playlist
        .strip_prefix("index-")
        .and_then(|r| r.strip_suffix(".m3u8"))
        .expect("media playlist name");
    let n: u32 = r[1..].parse().expect("rendition number");
    format!("{}:{}", &r[..1], n - 1)
}

/// What one rendition gave: its constant timestamp offset and a frame's duration.
struct Judged {
    offset: f64,
    frame: f64,
}

/// Fetches every segment of `playlist` of `film`, writes init+all, and judges it.
fn judge(server: &Server, dir: &TempDir, film: &str, playlist: &str) -> Judged {
    let base = format!("/{film}");
    let list = media_playlist(&text(server, &format!("{base}/{playlist}")));
    let init = fetch(server, &format!("{base}/{}", list.map)).body;
    let mut whole = init.clone();
    let tag = playlist.trim_end_matches(".m3u8");
    for (n, (_, uri)) in list.segments.iter().enumerate() {
        let seg = fetch(server, &format!("{base}/{uri}")).body;
        let alone = dir.write(
            &format!("{tag}-seg{n}.mp4"),
            [init.as_slice(), &seg].concat(),
        );
        let errors = decode_errors(&alone);
        assert!(errors.is_empty(), "{film} {uri} alone: {errors}");
        if tag.contains("-v") {
            let first = packets(&alone, "0");
            assert!(
                first.first().is_some_and(|p| p.key),
                "{film} {uri}: no key frame first"
            );
        }
        whole.extend_from_slice(&seg);
    }
    let out = dir.write(&format!("{tag}-all.mp4"), &whole);
    let got = packets(&out, "0");
    let want = packets(&media(film), &source_stream(playlist));
    compare(film, playlist, &got, &want)
}

/// Every packet the same bytes, key flag and timestamps up to one offset.
fn compare(film: &str, playlist: &str, got: &[Packet], want: &[Packet]) -> Judged {
    let what = format!("{film} {playlist}");
    assert_eq!(got.len(), want.len(), "{what}: packet count");
    assert!(!got.is_empty(), "{what}: no packets");
    let time = |p: &Packet| p.dts.or(p.pts).expect("a timestamp");
    let offset = time(&got[0]) - time(&want[0]);
    for (i, (g, w)) in got.iter().zip(want).enumerate() {
        assert_eq!(g.hash, w.hash, "{what}: packet {i} bytes differ");
        assert_eq!(g.key, w.key, "{what}: packet {i} key flag");
        for (a, b) in [(g.pts, w.pts), (g.dts, w.dts)] {
            if let (Some(a), Some(b)) = (a, b) {
                let drift = a - b - offset;
                assert!(
                    drift.abs() < 2e-5,
                    "{what}: packet {i} time off by {drift} s"
                );
            }
        }
    }
    let frame = want
        .windows(2)
        .map(|w| time(&w[1]) - time(&w[0]))
        .fold(0.0_f64, f64::max);
    Judged { offset, frame }
}

/// Judges every rendition of `film`, then their start against each other.
fn judge_film(film: &str) {
    let dir = TempDir::new(&format!("hls-exact-{film}"));
    let server = server(&dir, "");
    let master = text(&server, &format!("/{film}/master.m3u8"));
    let all = renditions(&master);
    assert!(!all.is_empty(), "{film}: no renditions in {master}");
    let judged: Vec<(String, Judged)> = all
        .iter()
        .map(|p| (p.clone(), judge(&server, &dir, film, p)))
        .collect();
    let (first, j0) = &judged[0];
    for (p, j) in &judged[1..] {
        let apart = (j.offset - j0.offset).abs();
        let frame = j.frame.max(j0.frame);
        assert!(
            apart <= frame + 1e-4,
            "{film}: {p} is shifted {apart} s against {first} (a frame is {frame} s)"
        );
    }
}

macro_rules! films {
    ($($name:ident => $film:literal),* $(,)?) => {
        $(
            #[test]
            fn $name() {
                judge_film($film);
            }
        )*
    };
}

films! {
    h264_aac_renditions_are_packet_exact => "h264-aac.mp4",
    moov_at_end_renditions_are_packet_exact => "h264-aac-moov-end.mp4",
    two_audio_renditions_are_packet_exact => "two-audio.mp4",
    hevc_renditions_are_packet_exact => "hevc-aac.mp4",
    vfr_renditions_are_packet_exact => "vfr.mp4",
    av1_opus_renditions_are_packet_exact => "av1-opus.mp4",
}

/// The list of films judged here is the one the module names.
#[test]
fn every_film_is_judged() {
    let src = include_str!("exact.rs");
    for film in super::FILMS {
        assert!(
            src.contains(&format!("=> \"{film}\"")),
            "{film} is not judged"
        );
    }
}
