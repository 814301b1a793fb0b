//! The byte-to-time map of a planned MP4 body: each chunk is due when its first
//! sample's decode time comes on the output timeline (ISO/IEC 14496-12 §8.6.1.2 `stts`,
//! §8.6.6 `elst`). Throttling follows it, so variable bitrate is followed at chunk
//! granularity, to within one granule.
//!
//! The map keeps at most about [`MAX_POINTS`] points, so it is built by jumping from
//! one kept point to the next through the `stts` and `stsc` entries rather than by
//! visiting every chunk: O(points × tracks + table entries), not O(chunks).

use crate::emit::layout::{Layout, Mapper};
use crate::error::Result;
use crate::parse::track::Track;
use crate::time::ticks_to_ns;
use crate::walk::chunk_range::ChunkRange;
use crate::walk::chunks::{ChunkWalk, WalkPlace};
use crate::walk::run_cursor::RunCursor;
use loomiere_plan::TimeMap;

/// One track's chunks in the output and how its timeline maps onto the output's.
pub(crate) struct TrackTiming<'t, 'a> {
    pub track: &'t Track<'a>,
    /// The output chunks, from the chunk holding sample `first_sample` (0-based).
    pub range: ChunkRange,
    pub first_sample: u32,
    /// Where a chunk walk yields the chunk holding `first_sample` (the span found it),
    /// or any earlier place: the default, chunk 0, costs a walk over `stsc`.
    pub walk_from: WalkPlace,
    /// Where source bytes land: body offset = `base` + the layout's offset.
    pub layout: &'t Layout,
    pub base: u64,
    /// Decode time (media ticks) that becomes 0 in the output.
    pub origin_dts: u128,
    /// Edit-list `media_time` of the output (media ticks hidden at the start).
    pub media_time: u64,
    /// Leading empty edit of the output, in movie ticks.
    pub empty: u64,
}

/// Due times closer than this (ms) to the last kept point are merged into it (bytes
/// then leave at most this early, never late).
const GRANULE_MS: u64 = 100;

/// At most about this many points: a longer body gets a coarser granule (a 1-hour
/// body, 3.5 s; the default throttle keeps 20 s ahead), so the map stays near 16 KiB
/// whatever the film's length.
const MAX_POINTS: u64 = 1024;

/// The map of the chunks of `tracks`, in body offset order. `movie_ts` is the movie
/// timescale (ticks per second, for the empty edits); `span_ms` the body's duration
/// in ms, which sets the granule `g = max(100 ms, span_ms / 1024)`.
///
/// What it keeps is what keeping every chunk's `(offset, due)` point and thinning them
/// in offset order would keep: a point stays only when its due time passes the last
/// kept one by `g` (a later point due no later than an earlier one can never be the
/// first point not yet due, so dropping it changes nothing). Each track instead jumps
/// straight to its first chunk due at or after `last kept + g`: the chunks it skips
/// are all due before that, so thinning would have dropped them too.
///
/// Guarantees, with `E(x)` the due time of byte `x` under the exact map of every
/// chunk (the latest due of the chunks starting at or before `x`, as
/// [`TimeMap::bytes_due_by`] reads a map): the map's due time `K(x)` satisfies
/// `E(x) - g < K(x) <= E(x)` (never late; early by less than one granule) and due
/// times rise by at least `g` per point, so there are at most `span_ms / g + 1`
/// points (about [`MAX_POINTS`]). `E(x)` is the chunk's own due time unless a chunk
/// of another track earlier in the body is due later (tracks interleaved out of time
/// order by a muxer): bytes go in order, so no map can send it sooner. This holds
/// when each track's chunks lie in increasing file order (every muxer's output, and
/// every cut we write of such a file). A track whose chunks are out of file order only
/// loses points: still never late, but bytes may then leave earlier than one granule.
pub(crate) fn time_map(
    tracks: &[TrackTiming<'_, '_>],
    movie_ts: u32,
    span_ms: u64,
) -> Result<TimeMap> {
    let granule = GRANULE_MS.max(span_ms / MAX_POINTS);
    let mut cursors = tracks
        .iter()
        .map(|t| Points::new(t, movie_ts))
        .collect::<Result<Vec<_>>>()?;
    let mut heads: Vec<Option<(u64, u64)>> =
        cursors.iter_mut().map(|c| c.first_due_from(0)).collect();
    // Reserved once: growing by doubling would leave the smaller copies' pages dirty.
    let mut map = TimeMap::with_capacity(usize::try_from(MAX_POINTS).unwrap_or(0) + 16);
    let mut latest: Option<u64> = None;
    while let Some(k) = lowest(&heads) {
        let Some((offset, due)) = heads[k] else { break };
        let fresh = latest.is_none_or(|l| due >= l.saturating_add(granule));
        // Offsets come in increasing order per track; across tracks the merge keeps
        // them so. A track whose chunks are out of file order only loses points.
        if fresh && map.push(offset, due).is_ok() {
            latest = Some(due);
        }
        // The next candidate must pass the last kept point; after a failed push (a
        // track out of file order), this one too, so the track still moves a granule
        // a step.
        let floor = if fresh { due } else { latest.unwrap_or(due) };
        heads[k] = floor
            .checked_add(granule)
            .and_then(|t| cursors[k].first_due_from(t));
    }
    Ok(map)
}

/// The track whose head point has the lowest offset (the first one on ties).
fn lowest(heads: &[Option<(u64, u64)>]) -> Option<usize> {
    let mut best: Option<(usize, u64)> = None;
    for (k, h) in heads.iter().enumerate() {
        if let Some((o, _)) = *h {
            if best.is_none_or(|(_, bo)| o < bo) {
                best = Some((k, o));
            }
        }
    }
    best.map(|(k, _)| k)
}

/// One track's `(body offset, due ms)` chunk points, found on demand, forward only.
struct Points<'t, 'a> {
    t: &'t TrackTiming<'t, 'a>,
    walk: ChunkWalk<'a, 't>,
    mapper: Mapper<'t>,
    /// One past the last output chunk's number (0-based).
    end: u32,
    /// Decode times of the chunks' first samples (increasing sample numbers).
    dts: RunCursor<'a>,
    /// Finds the first sample due at a threshold (increasing thresholds).
    seek: RunCursor<'a>,
    /// The leading empty edit, in ms.
    empty_ms: u64,
    /// Media ticks before the output's time 0: `media_time + origin_dts`.
    hidden: u128,
}

impl<'t, 'a> Points<'t, 'a> {
    fn new(t: &'t TrackTiming<'t, 'a>, movie_ts: u32) -> Result<Self> {
        let empty_ms = u64::try_from(ticks_to_ns(i128::from(t.empty), movie_ts)? / 1_000_000)
            .unwrap_or(u64::MAX);
        let hidden = u128::from(t.media_time).saturating_add(t.origin_dts);
        let mut walk = ChunkWalk::resume(&t.track.stsc, t.track.chunks.count(), t.walk_from);
        walk.skip_to_sample(u64::from(t.first_sample));
        let (mapper, end) = (
            t.layout.mapper(),
            t.range.first.saturating_add(t.range.count),
        );
        let (dts, seek) = (RunCursor::new(t.track.stts), RunCursor::new(t.track.stts));
        Ok(Points {
            t,
            walk,
            mapper,
            end,
            dts,
            seek,
            empty_ms,
            hidden,
        })
    }

    /// The first chunk not yet passed that is due at or after `threshold_ms`, as its
    /// point; the chunks before it are passed. `None` when no chunk is left, or when
    /// the chunk lands outside the layout (only in a defective file sent as stored).
    fn first_due_from(&mut self, threshold_ms: u64) -> Option<(u64, u64)> {
        if let Some(ticks) = self.ticks_due_at(threshold_ms) {
            let sample = self.seek.first_dts_at_least(ticks);
            self.walk.skip_to_sample(sample);
        }
        // The chunk holding that sample may start before it, so due before the
        // threshold: then the next one is the first (at most two steps, unless a
        // crafted file saturates the arithmetic).
        loop {
            let chunk = self.walk.next().filter(|c| c.number < self.end)?;
            let due = self.due(chunk.first_sample.max(u64::from(self.t.first_sample)));
            if due >= threshold_ms {
                let src = self.t.range.moved(
                    chunk.number == self.t.range.first,
                    self.t.track.chunks.get(chunk.number),
                )?;
                return Some((self.mapper.map(src)?.checked_add(self.t.base)?, due));
            }
        }
    }

    /// The least decode time (media ticks) due at or after `ms`, or `None` when every
    /// sample is (`ms` within the empty edit): `due(dts) >= ms` exactly when
    /// `dts >= hidden + ceil((ms - empty_ms) × timescale / 1000)`.
    fn ticks_due_at(&self, ms: u64) -> Option<u128> {
        let after = ms.checked_sub(self.empty_ms).filter(|&u| u > 0)?;
        let ts = u64::from(self.t.track.timescale);
        let ticks = match after.checked_mul(ts) {
            Some(v) => u128::from(v.div_ceil(1000)),
            None => (u128::from(after) * u128::from(ts)).div_ceil(1000),
        };
        Some(self.hidden.saturating_add(ticks))
    }

    /// Due time (ms on the output timeline) of sample `sample` (0-based; not below
    /// the last one asked for). Plain `u64` arithmetic (a tick count times 1000 fits
    /// easily); saturating where a crafted file could overflow, which only makes a
    /// byte due later than the end of any real film.
    fn due(&mut self, sample: u64) -> u64 {
        let media =
            u64::try_from(self.dts.dts(sample).saturating_sub(self.hidden)).unwrap_or(u64::MAX);
        let ms = media
            .checked_mul(1000)
            .map_or(u64::MAX, |v| v / u64::from(self.t.track.timescale));
        self.empty_ms.saturating_add(ms)
    }
}
