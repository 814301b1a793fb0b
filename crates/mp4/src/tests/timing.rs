//! The byte-to-time map that throttling follows: points in body order, due times
//! rising by at least the granule, starting at 0 at the snapped start and ending with
//! the body's media.

use super::build::{chunked, chunks_cycling, Trk, Tweak};
use super::file::Mov;
use super::oracle::open;
use super::read::{Tables, View};
use super::seek;
use crate::{plan, Planned};
use std::rc::Rc;

/// Twenty seconds of 25 fps video and audio, moov first or at the end.
fn film(moov_first: bool) -> Vec<u8> {
    let mut m = Mov::new(vec![Trk::video(500, 25), Trk::audio(937)]);
    m.moov_first = moov_first;
    m.build().bytes()
}

#[test]
fn time_map_points_rise_in_offset_and_due_time() {
    for (moov_first, start, end) in [
        (true, None, None),
        (false, None, None),
        (true, Some(7_300), None),
        (true, Some(3_000), Some(9_000)),
    ] {
        let file = film(moov_first);
        let planned = plan(&file, seek(start, end)).unwrap();
        let points = planned.time_map.points();
        assert!(
            points.len() > 10,
            "{moov_first} {start:?}: {} points",
            points.len()
        );
        for w in points.windows(2) {
            assert!(w[0].0 < w[1].0 && w[1].1 >= w[0].1 + 100, "{w:?}");
        }
        let (last_offset, last_due) = *points.last().unwrap();
        assert!(last_offset < planned.plan.len());
        let span = end.unwrap_or(20_000) - planned.start_ms.unwrap_or(0);
        assert!(
            last_due < span && last_due + 500 >= span,
            "last due {last_due} ms for a {span} ms body"
        );
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

// The oracle: every chunk of the planned body, read back from the output's own tables
// by the test reader, gives the exact map; the planner's map must follow it.

/// The granule of a body of `span_ms` (as `timing.rs` sets it): 100 ms, or 1/1024 of
/// the body. The span read back here may differ from the planner's by a millisecond
/// of rounding, so checks allow the granule 1 ms either way.
fn granule(span_ms: u64) -> u64 {
    100u64.max(span_ms / 1024)
}

/// One output track's chunks as `(body offset, due ms)` in chunk order, the due time
/// being the chunk's first sample's decode time on the output timeline (leading empty
/// edits in movie ticks, then media past the edit's `media_time`); and the track's end
/// in ms on that timeline.
fn chunk_points(t: &Tables, movie_ts: u32) -> (Vec<(u64, u64)>, u64) {
    let edits = t.elst.clone().unwrap_or_default();
    let empty: u64 = edits.iter().take_while(|e| e.1 == -1).map(|e| e.0).sum();
    let media_time = edits.iter().find(|e| e.1 >= 0).map_or(0, |e| e.1 as u64);
    let empty_ms = empty * 1000 / u64::from(movie_ts);
    let mut dts = vec![0u64];
    t.deltas
        .iter()
        .for_each(|&d| dts.push(dts.last().unwrap() + u64::from(d)));
    let due = |s: usize| {
        empty_ms
            + dts[s.min(dts.len() - 1)].saturating_sub(media_time) * 1000 / u64::from(t.timescale)
    };
    let (mut first, mut out) = (0usize, Vec::new());
    for (c, &offset) in t.offsets.iter().enumerate() {
        out.push((offset, due(first)));
        first += t
            .stsc
            .iter()
            .rev()
            .find(|e| e.0 <= c as u32 + 1)
            .expect("stsc entry")
            .1 as usize;
    }
    (out, due(t.sizes.len()))
}

/// Every output track's chunk points, and the body's span in ms (the longest track
/// or the `mvhd` duration, whichever is longer).
fn exact(file: &[u8], p: &Planned) -> (Vec<Vec<(u64, u64)>>, u64) {
    let (_, movie) = open(&View {
        plan: &p.plan,
        src: file,
    });
    let mut span = movie.duration * 1000 / u64::from(movie.timescale);
    let mut tracks = Vec::new();
    for t in &movie.tracks {
        let (points, end) = chunk_points(t, movie.timescale);
        span = span.max(end);
        tracks.push(points);
    }
    (tracks, span)
}

/// Brute force: every chunk in body order (tracks' chunk lists merged by offset, the
/// first track first on ties), kept when due a granule after the last kept one.
fn thinned(tracks: &[Vec<(u64, u64)>], g: u64) -> Vec<(u64, u64)> {
    let mut all: Vec<(u64, usize, u64)> = Vec::new();
    for (k, t) in tracks.iter().enumerate() {
        all.extend(t.iter().map(|&(o, d)| (o, k, d)));
    }
    all.sort_by_key(|&(o, k, _)| (o, k));
    let mut out: Vec<(u64, u64)> = Vec::new();
    let mut latest: Option<u64> = None;
    for (o, _, d) in all {
        if latest.is_none_or(|l| d >= l + g) {
            match out.last_mut() {
                Some(last) if last.0 == o => last.1 = last.1.min(d),
                _ => out.push((o, d)),
            }
            latest = Some(d);
        }
    }
    out
}

/// Checks the planned map against the exact one: at the first byte of every chunk the
/// map is never later than the exact map (the latest due of the chunks starting at or
/// before it: bytes go in order), and, when `in_order`, early by less than `g`. Points
/// rise by `g` at least, so there are at most `span / g + 1` of them.
fn check_bounds(p: &Planned, tracks: &[Vec<(u64, u64)>], span: u64, in_order: bool, what: &str) {
    let g = granule(span);
    let map = &p.time_map;
    let mut all: Vec<(u64, u64)> = tracks.concat();
    all.sort_unstable();
    let mut exact_due = 0u64;
    for &(offset, due) in &all {
        exact_due = exact_due.max(due);
        let sent = map.bytes_due_by(exact_due);
        assert!(
            sent.is_none_or(|s| s > offset),
            "{what}: chunk at {offset} due {exact_due} ms still held then (sent {sent:?})"
        );
        if in_order && exact_due > g {
            let sent = map.bytes_due_by(exact_due - g - 1);
            assert!(
                sent.is_some_and(|s| s <= offset),
                "{what}: chunk at {offset} due {exact_due} ms sent a granule ({g} ms) early"
            );
        }
    }
    let points = map.points();
    assert!(!points.is_empty(), "{what}: no points");
    assert!(
        points
            .windows(2)
            .all(|w| w[0].0 < w[1].0 && w[1].1 + 1 >= w[0].1 + g),
        "{what}: points closer than {g} ms"
    );
    assert!(
        points.len() as u64 <= span / (g - 1) + 1 && points.len() <= 1025,
        "{what}: {} points for {span} ms",
        points.len()
    );
}

/// Plans `m` for each seek and checks the map against the exact one; when every track
/// is in file order and the granule is 100 ms, it must equal the brute-force thinning.
fn against_exact(name: &str, m: &Mov, seeks: &[(Option<u64>, Option<u64>)], in_order: bool) {
    let file = m.build().bytes();
    for &(start, end) in seeks {
        let what = format!("{name} {start:?}..{end:?}");
        let p = plan(&file, seek(start, end)).unwrap_or_else(|e| panic!("{what}: {e}"));
        let (tracks, span) = exact(&file, &p);
        check_bounds(&p, &tracks, span, in_order, &what);
        if in_order && granule(span) == 100 && span < 102_000 {
            assert_eq!(
                p.time_map.points(),
                &thinned(&tracks, 100)[..],
                "{what}: not the thinned exact map"
            );
        }
    }
}

/// Seeks from the start, cuts inside the film, a cut with an end.
const SEEKS: [(Option<u64>, Option<u64>); 5] = [
    (None, None),
    (Some(0), None),
    (Some(7_300), None),
    (Some(3_000), Some(9_000)),
    (Some(12_345), None),
];

#[test]
fn the_map_follows_every_chunk_of_films_within_a_granule() {
    // Video of variable frame durations (many stts entries) in chunks of changing
    // sizes (several stsc entries, key frames inside chunks, so cuts move chunk 0).
    let mut vfr = Trk::video(500, 12);
    vfr.deltas = (0..500)
        .map(|i| [512, 256, 1024, 512, 768, 0][i % 6])
        .collect();
    vfr.chunks = chunks_cycling(500, &[7, 3, 9, 4]);
    let mut audio = Trk::audio(937);
    audio.chunks = chunks_cycling(937, &[8, 8, 5, 13, 1]);
    // Empty edits and a media_time on audio; B-frames' edit on video.
    let mut late = Trk::audio(937);
    late.edits = Some(vec![(400, -1), (19_000, 2048)]);
    let cases = [
        ("film", Mov::new(vec![Trk::video(500, 25), Trk::audio(937)])),
        ("stsc entries", Mov::new(vec![vfr.clone(), audio.clone()])),
        ("edits", Mov::new(vec![Trk::bframes(500), late])),
        ("one track", Mov::new(vec![vfr])),
        (
            "three tracks",
            Mov::new(vec![Trk::video(500, 25), audio, Trk::text(40, 500)]),
        ),
    ];
    for (name, m) in cases {
        against_exact(name, &m, &SEEKS, true);
        let mut at_end = m.clone();
        at_end.moov_first = false;
        against_exact(
            &format!("{name}, moov at the end"),
            &at_end,
            &[(None, None), (Some(7_300), None)],
            true,
        );
        let mut by_track = m;
        by_track.interleave = false;
        against_exact(
            &format!("{name}, track by track"),
            &by_track,
            &[(None, None), (Some(7_300), None)],
            true,
        );
    }
}

#[test]
fn a_long_film_gets_a_coarse_granule_and_about_1024_points() {
    // Two hours of cues of 6 s and 3.6 s, one per chunk: 3,200 chunks, granule 7 s.
    let m = Mov::new(vec![Trk::text(1_200, 6_000), Trk::text(2_000, 3_600)]);
    against_exact(
        "long",
        &m,
        &[
            (None, None),
            (Some(3_600_000), None),
            (Some(60_000), Some(4_000_000)),
        ],
        true,
    );
    let mut video = Trk::new(b"vide", 1000, vec![40; 90_000], vec![16; 90_000], 25);
    video.chunks = chunked(90_000, 25);
    let file = Mov::new(vec![video]).build().bytes();
    let p = plan(&file, seek(Some(1_000_000), None)).unwrap();
    let (tracks, span) = exact(&file, &p);
    check_bounds(&p, &tracks, span, true, "an hour of video");
    assert!(
        p.time_map.points().len() > 700,
        "{} points",
        p.time_map.points().len()
    );
}

/// Swaps the chunk offsets of `stco` pairwise: the chunks go back and forth in the file.
fn swap_chunk_offsets() -> Tweak {
    Rc::new(|kids: &mut Vec<([u8; 4], Vec<u8>)>| {
        let stco = &mut kids.iter_mut().find(|k| &k.0 == b"stco").unwrap().1;
        let n = (stco.len() - 16) / 4;
        for k in (0..n - 1).step_by(2) {
            let at = 16 + 4 * k;
            let (a, b) = stco[at..at + 8].split_at_mut(4);
            a.swap_with_slice(b);
        }
    })
}

#[test]
fn chunks_out_of_file_order_are_never_late() {
    let mut audio = Trk::audio(937);
    audio.tweak = Some(swap_chunk_offsets());
    let m = Mov::new(vec![Trk::video(500, 25), audio]);
    against_exact("swapped audio", &m, &[(None, None)], false);
    let mut at_end = m;
    at_end.moov_first = false;
    against_exact(
        "swapped audio, moov at the end",
        &at_end,
        &[(None, None)],
        false,
    );
}
