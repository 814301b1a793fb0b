//! The chunk span of a cut, found from the `stsc` entries, against the chunk-by-chunk
//! walk; and the choice between one copied stretch and chunk-by-chunk packing.

use super::build::{chunks_cycling, Trk};
use super::file::Mov;
use super::shapes::av;
use super::{against_model, seek};
use crate::cut::span;
use crate::parse::track::Track;
use crate::parse::{movie, top};
use crate::plan;
use crate::walk::chunks::ChunkWalk;
use crate::walk::lookup::file_ranges;
use loomiere_plan::Slice;

/// Movies whose `stsc` has one entry, several, and one per chunk.
fn movies() -> Vec<Mov> {
    let mut irregular = Trk::audio(300);
    irregular.chunks = chunks_cycling(300, &[1, 7, 7, 3, 12, 12, 12, 2]);
    let mut single = Trk::video(90, 10);
    single.chunks = vec![1; 90];
    vec![
        av(),
        Mov::new(vec![irregular, single]),
        Mov::new(vec![Trk::text(9, 700)]),
    ]
}

/// Runs `check` on every track of every movie of [`movies`], with the file's length.
fn each_track(mut check: impl FnMut(&Track<'_>, u64)) {
    for m in movies() {
        let file = m.build().bytes();
        let mv = movie::parse(top::scan(&file).unwrap().moov, None).unwrap();
        for t in &mv.tracks {
            check(t, file.len() as u64);
        }
    }
}

#[test]
fn span_agrees_with_the_chunk_walk() {
    each_track(|t, len| {
        let n = t.samples;
        for first in (0..n).step_by(3) {
            for end in [first + 1, first + 2, first + 13, (first + 50).min(n), n] {
                if end > n || end <= first {
                    continue;
                }
                let s = span::span(t, first, end, len).unwrap();
                let ranges = file_ranges(t, first, end, len).unwrap();
                let ctx = format!("samples {first}..{end} of {n}");
                assert_eq!(
                    s.stsc.entries(&t.stsc),
                    walked_stsc(t, first, end),
                    "stsc, {ctx}"
                );
                assert_eq!(s.chunks.count as usize, ranges.len(), "chunks, {ctx}");
                assert_eq!(s.start, ranges[0].0, "first byte, {ctx}");
                let last = ranges.last().unwrap();
                assert_eq!(s.end, last.0 + last.1, "last byte, {ctx}");
                assert_eq!(
                    s.bytes,
                    ranges.iter().map(|r| r.1).sum::<u64>(),
                    "bytes, {ctx}"
                );
            }
        }
    });
}

#[test]
fn a_walk_resumed_at_a_chunk_yields_what_the_first_walk_yielded_from_there() {
    each_track(|t, _| {
        let count = t.chunks.count();
        let mut walk = ChunkWalk::new(&t.stsc, count);
        let mut seen = Vec::new();
        while let Some(c) = walk.next() {
            seen.push((walk.place_of(c), c));
        }
        assert_eq!(seen.len(), count as usize);
        for (k, (place, _)) in seen.iter().enumerate() {
            let resumed: Vec<_> = ChunkWalk::resume(&t.stsc, count, *place).collect();
            let rest: Vec<_> = seen[k..].iter().map(|s| s.1).collect();
            assert_eq!(resumed, rest, "resumed at chunk {k}");
        }
    });
}

/// The `stsc` of a cut keeping samples `first..end`, chunk by chunk from chunk 0: each
/// kept chunk's kept samples and description, an entry wherever they change.
fn walked_stsc(t: &Track<'_>, first: u32, end: u32) -> Vec<(u32, u32, u32)> {
    let mut out: Vec<(u32, u32, u32)> = Vec::new();
    let mut kept = 0u32;
    for c in ChunkWalk::new(&t.stsc, t.chunks.count()) {
        let (from, to) = (
            c.first_sample.max(u64::from(first)),
            (c.first_sample + u64::from(c.samples)).min(u64::from(end)),
        );
        if to <= from {
            continue;
        }
        kept += 1;
        let entry = (kept, (to - from) as u32, c.description);
        if out.last().is_none_or(|l| (l.1, l.2) != (entry.1, entry.2)) {
            out.push(entry);
        }
    }
    out
}

/// File slices of the planned body that carry sample data (past the `moov`).
fn data_slices(m: &Mov, start_ms: u64) -> usize {
    let file = m.build().bytes();
    against_model(m, &file, seek(Some(start_ms), None));
    let moov = top::scan(&file).unwrap().moov;
    let data_at = moov.offset + moov.len();
    let p = plan(&file, seek(Some(start_ms), None)).unwrap();
    p.plan
        .slices()
        .iter()
        .filter(|s| matches!(s, Slice::File { offset, .. } if *offset > data_at))
        .count()
}

/// Video and audio chunks of 200 ms each, interleaved in time order as muxers do.
fn time_interleaved() -> Mov {
    let audio = Trk::new(
        b"soun",
        1000,
        vec![20; 500],
        (0..500).map(|i| 20 + i % 9).collect(),
        10,
    );
    Mov::new(vec![Trk::video(250, 25), audio])
}

/// Audio chunks half a chunk later than the video's: after a cut at a key frame, the
/// audio just before it lies behind the key frame's chunk.
fn staggered() -> Mov {
    let mut chunks = vec![5];
    chunks.extend(super::build::chunked(4995, 10));
    let mut audio = Trk::new(
        b"soun",
        1000,
        vec![20; 5000],
        (0..5000).map(|i| 20 + i % 9).collect(),
        10,
    );
    audio.chunks = chunks;
    Mov::new(vec![Trk::video(2500, 25), audio])
}

#[test]
fn a_few_dropped_bytes_inside_one_long_stretch_are_sent_along() {
    let m = staggered();
    assert_eq!(
        data_slices(&m, 3_000),
        1,
        "five dropped audio samples of ~24 bytes in a ~350 KB stretch"
    );
    assert!(
        data_slices(&m, 95_000) > 1,
        "the same five samples in a ~20 KB stretch are packed out"
    );
}

#[test]
fn interleaved_data_goes_as_one_stretch_and_gaps_are_packed_out() {
    assert_eq!(
        data_slices(&time_interleaved(), 3_000),
        1,
        "interleaved in time, nothing dropped in between: one stretch"
    );
    assert_eq!(
        data_slices(&time_interleaved(), 3_100),
        1,
        "the cut inside an audio chunk"
    );
    assert!(
        data_slices(&av(), 3_000) > 1,
        "chunks interleaved out of time order: dropped audio between kept chunks"
    );
    let mut by_track = time_interleaved();
    by_track.interleave = false;
    assert_eq!(
        data_slices(&by_track, 3_000),
        2,
        "track by track: the dropped audio is left out"
    );
    let mut padded = time_interleaved();
    padded.pad = 3;
    // 70 kept chunks, plus the audio pre-roll sample at the end of the chunk before.
    assert_eq!(
        data_slices(&padded, 3_000),
        71,
        "filler after every kept chunk is left out"
    );
}
