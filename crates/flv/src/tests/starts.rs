//! `start` in bytes (snapped forward to a key frame tag) and in time (the key frame at
//! or before it, through the index or a scan), checked byte for byte.

use super::build::*;
use super::{bad_seek, bytes, cut, expected, millis};
use crate::{plan, Shape};

/// Tag numbers in `h264()`: 0 `onMetaData`, 1 AVC config, 2 AAC config, then media;
/// key frames are media 0, 20, 40, 60, 80 at 0, 2, 4, 6, 8 s.
const KEYS: [usize; 5] = [3, 23, 43, 63, 83];

#[test]
fn byte_start_at_a_key_frame_resends_metadata_and_both_configurations() {
    for indexed in [true, false] {
        let b = h264(indexed);
        for &k in &KEYS[1..] {
            let (p, out) = cut(&b.bytes, bytes(Some(b.offsets[k]), None));
            assert_eq!(
                out,
                expected(&b, 5, &[0, 1, 2], k, b.bytes.len() as u64),
                "key tag {k}"
            );
            assert_eq!(
                (p.shape, p.start, p.end),
                (Shape::Cut, Some(b.offsets[k]), None)
            );
            assert_eq!(
                p.start_ms,
                Some(((k - 3) / 2 * 200) as u32),
                "timestamps are unchanged"
            );
        }
    }
}

#[test]
fn byte_start_anywhere_snaps_forward_to_the_next_key_frame() {
    let b = h264(false);
    let total = b.bytes.len() as u64;
    let next_key = |n: u64| KEYS.iter().copied().find(|&k| b.offsets[k] >= n);
    for n in 0..total {
        match (next_key(n), plan(&b.bytes, bytes(Some(n), None))) {
            (Some(k), Ok(p)) => assert_eq!(p.start, Some(b.offsets[k]), "start={n}"),
            (None, Err(crate::FlvError::BadSeek(why))) => assert!(
                why.contains("no key frame tag after byte"),
                "start={n}: {why}"
            ),
            (want, got) => panic!("start={n}: want key {want:?}, got {got:?}"),
        }
    }
}

#[test]
fn byte_start_in_the_head_gives_back_the_whole_file() {
    let b = h264(true);
    for n in [0, 1, 9, 13, b.offsets[1], b.offsets[2] + 3, b.offsets[3]] {
        let (_, out) = cut(&b.bytes, bytes(Some(n), None));
        assert_eq!(
            out, b.bytes,
            "start={n}: header, metadata and configurations are not repeated"
        );
    }
}

#[test]
fn byte_start_at_or_past_the_end_is_refused() {
    let b = h264(true);
    let total = b.bytes.len() as u64;
    for n in [total, total + 1, u64::MAX] {
        let why = bad_seek(plan(&b.bytes, bytes(Some(n), None)));
        assert!(
            why.contains(&format!(
                "start {n} is at or past the end of the file ({total} bytes)"
            )),
            "{why}"
        );
    }
}

#[test]
fn no_key_frame_within_the_window_is_refused_not_searched_for_ever() {
    let mut media = vec![avc_key(0, 100)];
    media.extend((1..140).map(|i| avc_inter(i * 40, 64 * 1024)));
    media.push(avc_key(6000, 100));
    let b = with_head(5, false, &[avc_config()], &media);
    let why = bad_seek(plan(&b.bytes, bytes(Some(b.offsets[3]), None)));
    assert!(
        why.contains("no key frame tag within 8 MiB after byte"),
        "{why}"
    );
    let (p, _) = cut(&b.bytes, bytes(Some(b.offsets[140]), None));
    assert_eq!(
        p.start,
        Some(b.offsets[142]),
        "a key frame inside the window is found"
    );
    let mut garbage = b.bytes[..b.offsets[3] as usize].to_vec();
    garbage.extend(std::iter::repeat_n(0x09, 9 << 20));
    let why = bad_seek(plan(&garbage, bytes(Some(b.offsets[3] + 1), None)));
    assert!(why.contains("no key frame tag within 8 MiB"), "{why}");
}

#[test]
fn time_start_goes_to_the_key_frame_at_or_before_it_with_or_without_an_index() {
    let cases: &[(u64, usize)] = &[
        (0, 3),
        (1999, 3),
        (2000, 23),
        (2001, 23),
        (5999, 43),
        (8000, 83),
        (9800, 83),
        (10_000, 83),
    ];
    for indexed in [true, false] {
        let b = h264(indexed);
        for &(s, k) in cases {
            let (p, out) = cut(&b.bytes, millis(Some(s), None));
            assert_eq!(
                p.start,
                Some(b.offsets[k]),
                "indexed={indexed} start={s} ms"
            );
            let resent: &[usize] = if k == 3 { &[] } else { &[0, 1, 2] };
            let want = if k == 3 {
                b.bytes.clone()
            } else {
                expected(&b, 5, resent, k, b.bytes.len() as u64)
            };
            assert_eq!(out, want, "indexed={indexed} start={s} ms");
            assert_eq!(p.notes, vec![if indexed { "index" } else { "scan" }]);
        }
        let why = bad_seek(plan(&b.bytes, millis(Some(10_001), None)));
        assert!(
            why.contains("start 10.001 s is past the last tag (10.000 s)"),
            "indexed={indexed}: {why}"
        );
    }
}

#[test]
fn sorenson_and_mp3_have_no_configurations_to_resend() {
    let media: Vec<T> = (0..30u32)
        .flat_map(|i| [h263(i * 100, i % 10 == 0, 80), mp3(i * 100 + 5, 30)])
        .collect();
    let b = with_head(5, true, &[], &media);
    let (_, out) = cut(&b.bytes, millis(Some(1500), None));
    assert_eq!(
        out,
        expected(&b, 5, &[0], 21, b.bytes.len() as u64),
        "onMetaData, then the key frame at 1 s"
    );
    let (p, _) = cut(&b.bytes, bytes(Some(b.offsets[2]), None));
    assert_eq!(p.start, Some(b.offsets[21]));
}

#[test]
fn audio_only_files_start_at_any_audio_tag() {
    let media: Vec<T> = (0..40u32).map(|i| mp3(i * 26, 100)).collect();
    let b = with_head(4, false, &[], &media);
    let (p, out) = cut(&b.bytes, bytes(Some(b.offsets[10] + 7), None));
    assert_eq!(p.start, Some(b.offsets[11]));
    assert_eq!(out, expected(&b, 4, &[0], 11, b.bytes.len() as u64));
    let (p, _) = cut(&b.bytes, millis(Some(27 * 26 + 3), None));
    assert_eq!(
        p.start,
        Some(b.offsets[28]),
        "the last tag at or before the time"
    );
}

#[test]
fn flags_are_kept_and_reserved_header_bits_dropped() {
    let mut b = h264(true);
    b.bytes[4] = 0xfd;
    let (_, out) = cut(&b.bytes, bytes(Some(b.offsets[KEYS[2]]), None));
    assert_eq!(
        &out[..13],
        &[b'F', b'L', b'V', 1, 5, 0, 0, 0, 9, 0, 0, 0, 0]
    );
    let mut audio_only = h264(true);
    audio_only.bytes[4] = 4;
    let (_, out) = cut(
        &audio_only.bytes,
        bytes(Some(audio_only.offsets[KEYS[2]]), None),
    );
    assert_eq!(out[4], 4, "audio flag only, as in the file");
}
