//! The byte-to-time map that throttling follows: points in body order, due times
//! rising by at least the granule, starting at 0 at the snapped start and ending with
//! the body's media.

use super::build::{Mov, Trk};
use super::seek;
use crate::plan;

/// Twenty seconds of 25 fps video and audio, moov first or at the end.
fn film(moov_first: bool) -> Vec<u8> {
    let mut m = Mov::new(vec![Trk::video(500, 25), Trk::audio(937)]);
    m.moov_first = moov_first;
    m.build().bytes()
}

#[test]
fn time_map_points_rise_in_offset_and_due_time() {
    for (moov_first, start, end) in [(true, None, None), (false, None, None), (true, Some(7_300), None), (true, Some(3_000), Some(9_000))] {
        let file = film(moov_first);
        let planned = plan(&file, seek(start, end)).unwrap();
        let points = planned.time_map.points();
        assert!(points.len() > 10, "{moov_first} {start:?}: {} points", points.len());
        for w in points.windows(2) {
            assert!(w[0].0 < w[1].0 && w[1].1 >= w[0].1 + 100, "{w:?}");
        }
        let (last_offset, last_due) = *points.last().unwrap();
        assert!(last_offset < planned.plan.len());
        let span = end.unwrap_or(20_000) - planned.start_ms.unwrap_or(0);
        assert!(last_due < span && last_due + 500 >= span, "last due {last_due} ms for a {span} ms body");
    }
}

#[test]
fn a_cut_starts_its_clock_at_the_snapped_key_frame() {
    let file = film(true);
    let planned = plan(&file, seek(Some(7_300), None)).unwrap();
    // The first sample byte is due at 0: the play head starts at the snapped start.
    assert_eq!(planned.time_map.points()[0].1, 0);
    assert_eq!(planned.start_ms, Some(7_000));
}

#[test]
fn a_file_we_cannot_parse_has_no_time_map() {
    let planned = plan(b"not an mp4 at all", seek(None, None)).unwrap();
    assert!(planned.time_map.is_empty());
}

#[test]
fn skipping_the_time_map_plans_the_same_body() {
    for (moov_first, start) in [(true, None), (false, None), (true, Some(7_300))] {
        let file = film(moov_first);
        let with = plan(&file, seek(start, None)).unwrap();
        let without = crate::plan_body(&file, seek(start, None), crate::Timing::Skip).unwrap();
        assert_eq!(with.plan, without.plan);
        assert!(!with.time_map.is_empty());
        assert!(without.time_map.is_empty());
    }
}
