//! Continuations (flv.js `seekType: 'param'`): the stored bytes from the offset asked
//! for, with nothing re-sent and no snap, and a time map from the next key frame.

use super::build::*;
use super::{bad_seek, body};
use crate::{plan_continuation, Timing};

#[test]
fn a_continuation_is_the_file_from_the_byte_asked_for_exactly() {
    let b = h264(true);
    let n = b.bytes.len();
    let inside_a_tag = b.offsets[30] + 5;
    for (start, end) in [
        (b.offsets[43], None),
        (inside_a_tag, None),
        (inside_a_tag, Some(b.offsets[60] + 1)),
        (0, Some(100)),
        (n as u64 - 1, None),
        (b.offsets[43], Some(n as u64 + 1000)),
    ] {
        let p = plan_continuation(&b.bytes, start, end, Timing::Map)
            .unwrap_or_else(|e| panic!("{start}..{end:?}: {e}"));
        let stop = end.map_or(n, |e| (e as usize).min(n));
        assert_eq!(
            body(&b.bytes, &p),
            &b.bytes[start as usize..stop],
            "{start}..{end:?}"
        );
        assert_eq!(p.start, Some(start));
        assert!(p.notes.contains(&"continuation".to_owned()));
    }
}

#[test]
fn a_continuation_is_timed_from_its_first_key_frame() {
    for indexed in [true, false] {
        let b = h264(indexed);
        let start = b.offsets[30] + 5;
        let p = plan_continuation(&b.bytes, start, None, Timing::Map).unwrap();
        let first = p.time_map.points()[0];
        // Key frames are tags 23, 43, ...: the first one after tag 30 is 43, at 4 s,
        // which is time 0 of the body.
        assert_eq!(first, (b.offsets[43] - start, 0), "indexed: {indexed}");
        assert_eq!(p.time_map.bytes_due_by(0).map(|d| d >= first.0), Some(true));
        let skipped = plan_continuation(&b.bytes, start, None, Timing::Skip).unwrap();
        assert!(skipped.time_map.is_empty());
    }
}

#[test]
fn a_continuation_past_the_end_or_ending_before_it_starts_is_a_bad_seek() {
    let b = h264(true);
    let n = b.bytes.len() as u64;
    let e = bad_seek(plan_continuation(&b.bytes, n, None, Timing::Map));
    assert!(e.contains("at or past the end"), "{e}");
    let e = bad_seek(plan_continuation(&b.bytes, 500, Some(500), Timing::Map));
    assert!(e.contains("not after start"), "{e}");
    // Near the end, past the last key frame: served, untimed, and the notes say so.
    let tail = plan_continuation(&b.bytes, n - 3, None, Timing::Map).unwrap();
    assert!(tail.time_map.is_empty());
    assert!(
        tail.notes.iter().any(|s| s.starts_with("no time map")),
        "{:?}",
        tail.notes
    );
}
