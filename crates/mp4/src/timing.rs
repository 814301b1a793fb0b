//! The byte-to-time map of a planned MP4 body: each chunk is due when its first
//! sample's decode time comes on the output timeline (ISO/IEC 14496-12 §8.6.1.2 `stts`,
//! §8.6.6 `elst`). Throttling follows it, so variable bitrate is followed exactly at
//! chunk granularity.

use crate::chunks::ChunkWalk;
use crate::error::Result;
use crate::layout::{Layout, Mapper};
use crate::offsets::ChunkRange;
use crate::runs::RunCursor;
use crate::time::ticks_to_ns;
use crate::track::Track;
use loomiere_plan::TimeMap;

/// One track's chunks in the output and how its timeline maps onto the output's.
pub(crate) struct TrackTiming<'t, 'a> {
    pub track: &'t Track<'a>,
    /// The output chunks, from the chunk holding sample `first_sample` (0-based).
    pub range: ChunkRange,
    pub first_sample: u32,
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

/// Due times closer than this to the last kept point are merged into it (bytes then
/// leave at most this early, never late).
const GRANULE_MS: u64 = 100;

/// At most about this many points: a longer body gets a coarser granule (a 1-hour
/// body, 3.5 s; the default throttle keeps 20 s ahead), so the map stays near 16 KiB
/// whatever the film's length.
const MAX_POINTS: u64 = 1024;

/// Merges the tracks' chunk points into one map, in offset order. A point is kept only
/// when its due time passes the last kept one by [`GRANULE_MS`]: a later point due no
/// later than an earlier one can never be the first point not yet due, so dropping it
/// changes nothing, and the granule bounds how early a byte may leave. `span_ms` is
/// the body's duration, which sets the granule.
pub(crate) fn time_map(tracks: &[TrackTiming<'_, '_>], movie_ts: u32, span_ms: u64) -> Result<TimeMap> {
    let granule = GRANULE_MS.max(span_ms / MAX_POINTS);
    let mut cursors = tracks.iter().map(|t| Points::new(t, movie_ts)).collect::<Result<Vec<_>>>()?;
    let mut heads: Vec<Option<(u64, u64)>> = cursors.iter_mut().map(Points::next).collect();
    // Reserved once: growing by doubling would leave the smaller copies' pages dirty.
    let mut map = TimeMap::with_capacity(usize::try_from(MAX_POINTS).unwrap_or(0) + 16);
    let mut latest: Option<u64> = None;
    loop {
        let mut best: Option<usize> = None;
        for (k, h) in heads.iter().enumerate() {
            if let Some((o, _)) = h {
                if best.is_none_or(|b| heads[b].is_some_and(|(bo, _)| *o < bo)) {
                    best = Some(k);
                }
            }
        }
        let Some(k) = best else { break };
        let Some((offset, due)) = heads[k] else { break };
        heads[k] = cursors[k].next();
        if latest.is_none_or(|l| due >= l.saturating_add(granule)) {
            // Offsets come in increasing order per track; across tracks the merge keeps
            // them so. A track whose chunks are out of file order only loses points.
            if map.push(offset, due).is_ok() {
                latest = Some(due);
            }
        }
    }
    Ok(map)
}

/// One track's `(offset, due ms)` points, computed as the merge asks for them.
struct Points<'t, 'a> {
    t: &'t TrackTiming<'t, 'a>,
    walk: ChunkWalk<'a, 't>,
    mapper: Mapper<'t>,
    /// Output chunks not yet visited.
    left: u32,
    dts: RunCursor<'a>,
    last_sample: u32,
    empty_ms: u64,
    hidden: u128,
}

impl<'t, 'a> Points<'t, 'a> {
    fn new(t: &'t TrackTiming<'t, 'a>, movie_ts: u32) -> Result<Self> {
        let empty_ms = u64::try_from(ticks_to_ns(i128::from(t.empty), movie_ts)? / 1_000_000).unwrap_or(u64::MAX);
        let hidden = u128::from(t.media_time).saturating_add(t.origin_dts);
        let mut walk = ChunkWalk::new(&t.track.stsc, t.track.chunks.count());
        walk.skip_to_sample(u64::from(t.first_sample));
        let (mapper, left) = (t.layout.mapper(), t.range.count);
        Ok(Points { t, walk, mapper, left, dts: RunCursor::new(t.track.stts), last_sample: 0, empty_ms, hidden })
    }

    /// The next chunk's point. Plain `u64` arithmetic (a tick count times 1000 fits
    /// easily); saturating where a crafted file could overflow, which only makes a
    /// byte due later than the end of any real film.
    /// A chunk that lands outside the layout (only in a defective file sent as stored)
    /// ends the track's points.
    fn next(&mut self) -> Option<(u64, u64)> {
        self.left = self.left.checked_sub(1)?;
        let chunk = self.walk.next()?;
        let src = self.t.range.moved(chunk.index == self.t.range.first, self.t.track.chunks.get(chunk.index))?;
        let offset = self.mapper.map(src)?.checked_add(self.t.base)?;
        let sample = u32::try_from(chunk.first_sample).unwrap_or(u32::MAX).max(self.t.first_sample);
        if sample < self.last_sample {
            self.dts = RunCursor::new(self.t.track.stts); // chunks out of decode order: restart
        }
        self.last_sample = sample;
        let media = u64::try_from(self.dts.dts(u64::from(sample)).saturating_sub(self.hidden)).unwrap_or(u64::MAX);
        let due = media.checked_mul(1000).map_or(u64::MAX, |v| v / u64::from(self.t.track.timescale));
        Some((offset, self.empty_ms.saturating_add(due)))
    }
}
