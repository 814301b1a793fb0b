//! The byte-to-time map of a planned MP4 body: each chunk is due when its first
//! sample's decode time comes on the output timeline (ISO/IEC 14496-12 §8.6.1.2 `stts`,
//! §8.6.6 `elst`). Throttling follows it, so variable bitrate is followed exactly at
//! chunk granularity.

use crate::error::Result;
use crate::runs::RunCursor;
use crate::time::ticks_to_ns;
use crate::track::Track;
use loomiere_plan::TimeMap;

/// One track's chunks in the output and how its timeline maps onto the output's.
pub(crate) struct TrackTiming<'t, 'a> {
    pub track: &'t Track<'a>,
    /// Body offset of each output chunk, in bytes.
    pub offsets: &'t [u64],
    /// First sample (0-based, input numbering) of each output chunk.
    pub first_samples: &'t [u32],
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

/// Merges the tracks' chunk points into one map, in offset order. A point is kept only
/// when its due time passes the last kept one by [`GRANULE_MS`]: a later point due no
/// later than an earlier one can never be the first point not yet due, so dropping it
/// changes nothing, and the granule bounds how early a byte may leave.
pub(crate) fn time_map(tracks: &[TrackTiming<'_, '_>], movie_ts: u32) -> Result<TimeMap> {
    let mut lists: Vec<Vec<(u64, u64)>> = Vec::with_capacity(tracks.len());
    for t in tracks {
        let mut points = Vec::with_capacity(t.offsets.len());
        track_points(t, movie_ts, &mut points)?;
        if !points.windows(2).all(|w| w[0].0 <= w[1].0) {
            points.sort_unstable();
        }
        lists.push(points);
    }
    let mut heads = vec![0usize; lists.len()];
    let mut map = TimeMap::new();
    let mut latest: Option<u64> = None;
    loop {
        let mut best: Option<usize> = None;
        for (k, list) in lists.iter().enumerate() {
            if heads[k] < list.len() && best.is_none_or(|b| list[heads[k]].0 < lists[b][heads[b]].0) {
                best = Some(k);
            }
        }
        let Some(k) = best else { break };
        let (offset, due) = lists[k][heads[k]];
        heads[k] += 1;
        if latest.is_none_or(|l| due >= l.saturating_add(GRANULE_MS)) {
            map.push(offset, due)?;
            latest = Some(due);
        }
    }
    Ok(map)
}

/// Appends `(offset, due ms)` for each chunk of one track. Plain `u64` arithmetic
/// per chunk (a tick count times 1000 fits easily); saturating where a crafted file
/// could overflow, which only makes a byte due later than the end of any real film.
fn track_points(t: &TrackTiming<'_, '_>, movie_ts: u32, out: &mut Vec<(u64, u64)>) -> Result<()> {
    let empty_ms = u64::try_from(ticks_to_ns(i128::from(t.empty), movie_ts)? / 1_000_000).unwrap_or(u64::MAX);
    let hidden = u128::from(t.media_time).saturating_add(t.origin_dts);
    let ts = u64::from(t.track.timescale);
    let mut dts = RunCursor::new(t.track.stts);
    let mut last = 0u32;
    for (&offset, &sample) in t.offsets.iter().zip(t.first_samples) {
        if sample < last {
            dts = RunCursor::new(t.track.stts); // chunks out of decode order: restart
        }
        last = sample;
        let media = u64::try_from(dts.dts(u64::from(sample)).saturating_sub(hidden)).unwrap_or(u64::MAX);
        let due = media.checked_mul(1000).map_or(u64::MAX, |v| v / ts);
        out.push((offset, empty_ms.saturating_add(due)));
    }
    Ok(())
}
