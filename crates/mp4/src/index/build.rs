//! Building a movie's sample index from its whole tables: one walk of each, the
//! checkpoints written as [`super::format`] lays them out.

use crate::index::format::{digest, HAS_CTTS, HAS_SUMS, MAGIC};
use crate::parse::checkpoints::{
    CttsCheckpoints, OffsetCheckpoints, SizeCheckpoints, StscCheckpoint, StscCheckpoints, EVERY,
};
use crate::parse::movie::Movie;
use crate::parse::runs::RunPos;
use crate::parse::sizes::Sizes;
use crate::parse::track::Track;
use crate::walk::chunks::{ChunkWalk, WalkPlace};

/// Builds the index of `movie` (parsed without one) from its whole tables: one walk
/// of each. `None` when a table does not place every sample (such a file is planned
/// without an index).
pub(crate) fn build(movie: &Movie<'_>) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(4096);
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&EVERY.to_le_bytes());
    out.extend_from_slice(&u32::try_from(movie.tracks.len()).ok()?.to_le_bytes());
    for t in &movie.tracks {
        build_track(t, &mut out)?;
    }
    out.extend_from_slice(&digest(&out).to_le_bytes());
    Some(out)
}

/// Appends one track's head and arrays.
fn build_track(t: &Track<'_>, out: &mut Vec<u8>) -> Option<()> {
    let sums = matches!(t.sizes, Sizes::Table { .. });
    let flags = if t.ctts.is_some() { HAS_CTTS } else { 0 } | if sums { HAS_SUMS } else { 0 };
    let max = t.ctts.map_or(0, |c| {
        (0..c.len())
            .map(|e| i64::from(c.get(e).1 as i32))
            .max()
            .unwrap_or(0)
            .max(0)
    });
    for v in [
        t.samples,
        t.chunks.count(),
        t.ctts.map_or(u32::MAX, |c| c.len()),
        t.stsc.entries.count,
        flags,
        0,
    ] {
        out.extend_from_slice(&v.to_le_bytes());
    }
    out.extend_from_slice(&t.stsc.samples.to_le_bytes());
    out.extend_from_slice(&max.to_le_bytes());
    let at = |k: u32| k * EVERY;
    let n = t.samples.div_ceil(EVERY);
    if let Some(c) = t.ctts {
        let mut pos = RunPos::default();
        for k in 0..n {
            pos = c.locate(pos, u64::from(at(k)));
            out.extend_from_slice(&CttsCheckpoints::record(pos.entry, pos.start));
        }
    }
    stsc_checkpoints(t, n, out)?;
    if sums {
        let mut total = 0u64;
        out.extend_from_slice(&SizeCheckpoints::record(0));
        for k in 1..=n {
            total = total.checked_add(t.sizes.sum(at(k - 1), at(k).min(t.samples)))?;
            out.extend_from_slice(&SizeCheckpoints::record(total));
        }
    }
    let chunks = t.chunks.count();
    for k in 0..chunks.div_ceil(EVERY) {
        let (lo, hi) = t.chunks.min_max_entries(at(k), at(k + 1).min(chunks))?;
        out.extend_from_slice(&OffsetCheckpoints::record(lo, hi));
    }
    Some(())
}

/// Appends the `stsc` checkpoints of `t`'s `n` checkpointed samples: one chunk walk,
/// which stays on a chunk holding more than [`EVERY`] samples.
fn stsc_checkpoints(t: &Track<'_>, n: u32, out: &mut Vec<u8>) -> Option<()> {
    let mut walk = ChunkWalk::new(&t.stsc, t.chunks.count());
    let mut last: Option<WalkPlace> = None;
    for k in 0..n {
        let s = u64::from(k * EVERY);
        let holds = |p: &WalkPlace| {
            p.chunk.first_sample <= s && s < p.chunk.first_sample + u64::from(p.chunk.samples)
        };
        let place = match last.filter(holds) {
            Some(p) => p,
            None => {
                walk.skip_to_sample(s);
                let c = walk.next()?;
                let p = walk.place_of(c);
                holds(&p).then_some(p)?
            }
        };
        out.extend_from_slice(&StscCheckpoints::record(&StscCheckpoint {
            entry: place.entry,
            chunk: place.chunk.number,
            first_sample: place.chunk.first_sample,
        }));
        last = Some(place);
    }
    Some(())
}
