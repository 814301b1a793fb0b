//! When each body byte is due: tag timestamps minus the seek point's timestamp, from
//! the index (one point per key frame) or from the tags (one point per 100 ms).

use super::build::*;
use super::{bytes, cut, millis};

#[test]
fn indexed_cut_has_a_point_per_key_frame_relative_to_the_seek_point() {
    let b = h264(true);
    let (p, _) = cut(&b.bytes, millis(Some(4500), None));
    let base = b.offsets[3];
    let at = |k: usize| base + b.offsets[k] - b.offsets[43];
    assert_eq!(
        p.time_map.points(),
        &[(at(43), 0), (at(63), 2000), (at(83), 4000)]
    );
    assert_eq!(
        p.time_map.bytes_due_by(0),
        Some(at(63)),
        "header, metadata, configurations and the first GOP at once"
    );
}

#[test]
fn scanned_cut_has_a_point_per_100_ms_of_media() {
    let b = h264(false);
    let (p, _) = cut(
        &b.bytes,
        bytes(Some(b.offsets[43] - 3), Some(b.offsets[60])),
    );
    let base = b.offsets[3];
    // Video tags every 200 ms (tags 43, 45, ...); AAC 10 ms later is within the grain.
    let want: Vec<(u64, u64)> = (43..60)
        .step_by(2)
        .map(|k| {
            (
                base + b.offsets[k] - b.offsets[43],
                (k as u64 - 43) / 2 * 200,
            )
        })
        .collect();
    assert_eq!(p.time_map.points(), &want[..]);
}

#[test]
fn as_stored_is_timed_from_the_first_sample() {
    for indexed in [true, false] {
        let mut media = h264_media();
        for t in &mut media {
            t.ts += 5000;
        }
        let b = with_head(5, indexed, &[avc_config(), aac_config()], &media);
        let (p, out) = cut(&b.bytes, bytes(None, None));
        assert_eq!(out, b.bytes);
        let first = p.time_map.points()[0];
        assert_eq!(first, (b.offsets[3], 0), "indexed={indexed}");
        let last = *p.time_map.points().last().unwrap();
        assert_eq!(
            last.1,
            if indexed { 8000 } else { 10_000 },
            "indexed={indexed}"
        );
        assert!(p.notes.is_empty(), "{:?}", p.notes);
    }
}

#[test]
fn a_long_walk_keeps_at_most_max_points_and_never_goes_back() {
    // 5000 video tags 200 ms apart (1000 s): 5000 points at the 100 ms grain.
    let tags: Vec<T> = (0..5000u32)
        .map(|i| {
            if i % 50 == 0 {
                avc_key(i * 200, 20)
            } else {
                avc_inter(i * 200, 10)
            }
        })
        .collect();
    let b = with_head(1, false, &[avc_config()], &tags);
    let (p, out) = cut(&b.bytes, bytes(None, None));
    assert_eq!(out, b.bytes);
    let points = p.time_map.points();
    assert!(
        points.len() <= crate::timing::MAX_POINTS && points.len() > crate::timing::MAX_POINTS / 4,
        "{} points",
        points.len()
    );
    assert!(points
        .windows(2)
        .all(|w| w[0].0 < w[1].0 && w[0].1 < w[1].1));
    assert_eq!(points[0].1, 0);
    assert!(
        points.last().unwrap().1 > 990_000,
        "the map still reaches the end"
    );
}

#[test]
fn skipping_the_time_map_plans_the_same_body() {
    let b = h264(false);
    for s in [
        bytes(None, None),
        millis(Some(4500), None),
        bytes(Some(b.offsets[43] - 3), Some(b.offsets[60])),
    ] {
        let with = crate::plan(&b.bytes, s).unwrap();
        let without = crate::plan_body(&b.bytes, s, crate::Timing::Skip).unwrap();
        assert_eq!(with.plan, without.plan, "{s:?}");
        assert!(
            !with.time_map.is_empty() && without.time_map.is_empty(),
            "{s:?}"
        );
    }
}
