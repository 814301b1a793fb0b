//! `end` in bytes (the tag holding that byte is the last one kept) and in time (the
//! first sample at or after it is the first one dropped), with and without a start.

use super::build::*;
use super::{bad_seek, bytes, cut, expected, millis};
use crate::plan;

#[test]
fn byte_end_keeps_the_tag_that_holds_it() {
    let b = h264(true);
    let start = b.offsets[23];
    for (e, last_kept) in [
        (b.offsets[50], 49),
        (b.offsets[50] + 1, 50),
        (b.offsets[51] - 1, 50),
    ] {
        let (p, out) = cut(&b.bytes, bytes(Some(start), Some(e)));
        assert_eq!(
            out,
            expected(&b, 5, &[0, 1, 2], 23, b.offsets[last_kept + 1]),
            "end={e}"
        );
        assert_eq!(p.end, Some(b.offsets[last_kept + 1]), "end={e}");
    }
    let total = b.bytes.len() as u64;
    for e in [total - 1, total, u64::MAX] {
        let (p, out) = cut(&b.bytes, bytes(Some(start), Some(e)));
        assert_eq!(
            (p.end, out.len() as u64),
            (None, b.offsets[3] + total - start),
            "end={e}: to the end"
        );
    }
}

#[test]
fn end_without_start_is_the_file_from_its_first_byte() {
    let b = h264(false);
    let (p, out) = cut(&b.bytes, bytes(None, Some(b.offsets[30] + 2)));
    assert_eq!((p.start, p.end), (None, Some(b.offsets[31])));
    assert_eq!(out, &b.bytes[..b.offsets[31] as usize]);
    let (p, out) = cut(&b.bytes, millis(None, Some(3000)));
    assert_eq!(
        p.end,
        Some(b.offsets[33]),
        "the first sample at 3 s (video, media 30) is dropped"
    );
    assert_eq!(out, &b.bytes[..b.offsets[33] as usize]);
}

#[test]
fn time_end_drops_the_first_sample_at_or_after_it() {
    for indexed in [true, false] {
        let b = h264(indexed);
        // Video at 200 ms steps (even media), AAC 10 ms later (odd media).
        for (e, first_dropped) in [
            (4001, 44),
            (4010, 44),
            (4011, 45),
            (4200, 45),
            (20_000, 104),
        ] {
            let (p, out) = cut(&b.bytes, millis(Some(2500), Some(e)));
            let stop = b
                .offsets
                .get(first_dropped)
                .copied()
                .unwrap_or(b.bytes.len() as u64);
            assert_eq!(
                out,
                expected(&b, 5, &[0, 1, 2], 23, stop),
                "indexed={indexed} end={e}"
            );
            assert_eq!(
                p.end,
                b.offsets.get(first_dropped).copied(),
                "indexed={indexed} end={e}"
            );
        }
    }
}

#[test]
fn an_end_not_after_the_start_is_refused() {
    let b = h264(true);
    let cases = [
        (
            bytes(Some(500), Some(500)),
            "end 500 is not after start 500",
        ),
        (bytes(Some(500), Some(20)), "is not after start"),
        (
            millis(Some(3000), Some(3000)),
            "end 3000 is not after start 3000",
        ),
        (millis(Some(2500), Some(2100)), "is not after start"),
        (bytes(None, Some(5)), "leaves no tag after the start"),
        (millis(None, Some(0)), "leaves no tag after the start"),
    ];
    for (s, want) in cases {
        let why = bad_seek(plan(&b.bytes, s));
        assert!(why.contains(want), "{s:?}: {why:?} lacks {want:?}");
    }
    let (p, _) = cut(
        &b.bytes,
        bytes(Some(b.offsets[23]), Some(b.offsets[23] + 1)),
    );
    assert_eq!(p.end, Some(b.offsets[24]), "one tag kept");
}
