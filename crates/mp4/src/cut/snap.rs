//! Where a `?start=` cut begins (as code-shop's mod_h264_streaming): on the first video
//! track, the start snaps back to the sync sample (`stss`, ISO/IEC 14496-12 §8.6.2)
//! whose presentation time is at or before it; every other track is then cut at that
//! same presentation time.

use crate::error::{defect, Result};
use crate::parse::runs::RunPos;
use crate::parse::track::Track;
use crate::time::ticks_to_ns;
use crate::walk::lookup::syncs;
use crate::walk::run_cursor::RunCursor;

/// Presentation time (ns, movie timeline) of a sample of `t` decoded at `dts` with
/// composition offset `cto` (media ticks).
fn pts_ns(t: &Track<'_>, movie_ts: u32, dts: u128, cto: i64) -> Result<i128> {
    let dts = i128::try_from(dts).map_err(|_| defect!("decode time overflows"))?;
    let media = dts + i128::from(cto) - i128::from(t.edit.media_time);
    Ok(ticks_to_ns(i128::from(t.edit.empty), movie_ts)? + ticks_to_ns(media, t.timescale)?)
}

/// Where the first video track is cut: its sync sample at or before the start.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct SnapPoint {
    /// Which track of the movie (0-based) is the video track.
    pub track: usize,
    /// The sync sample, 0-based.
    pub sample: u32,
    /// Its composition offset (`ctts`), in media ticks.
    pub cto: i64,
    /// Its presentation time on the movie timeline, in ns (never negative).
    pub pts_ns: i128,
    /// The `ctts` entry holding it (default without `ctts`).
    pub ctts: RunPos,
}

/// The sync sample of the first video track at or before `start_ns`, or its first
/// sync sample when none is. `None` when there is no video track. With checkpoints,
/// sync samples that present at or before the start even with the largest
/// composition offset of the track are passed over without reading `ctts`.
pub(crate) fn snap(
    tracks: &[Track<'_>],
    movie_ts: u32,
    start_ns: i128,
) -> Result<Option<SnapPoint>> {
    let Some(v) = tracks.iter().position(|t| t.is_video() && t.samples > 0) else {
        return Ok(None);
    };
    let t = &tracks[v];
    let bound = t
        .ctts
        .filter(|c| c.checkpoints.is_some())
        .map(|c| c.checkpoints.max);
    let (mut dts, mut cto) = (RunCursor::new(t.stts), t.ctts.map(RunCursor::counts));
    let sync = syncs(t)?;
    let (skip, mut passed) = match bound {
        Some(max) => passed_before(t, movie_ts, start_ns, max)?,
        None => (0, None),
    };
    let mut best: Option<SnapPoint> = None;
    for s in sync.skip(skip as usize) {
        let d = dts.dts(u64::from(s));
        if let Some(max) = bound {
            if pts_ns(t, movie_ts, d, max)? <= start_ns {
                passed = Some((s, d));
                continue;
            }
        }
        let c = cto.as_mut().map_or(0, |c| c.cto(u64::from(s)));
        let pts_ns = pts_ns(t, movie_ts, d, c)?;
        if pts_ns > start_ns && (best.is_some() || passed.is_some()) {
            break;
        }
        let ctts = cto.as_ref().map(RunCursor::pos).unwrap_or_default();
        (best, passed) = (
            Some(SnapPoint {
                track: v,
                sample: s,
                cto: c,
                pts_ns: pts_ns.max(0),
                ctts,
            }),
            None,
        );
    }
    match passed {
        Some((s, d)) => Ok(Some(snap_point(t, v, movie_ts, s, d)?)),
        None => Ok(best),
    }
}

/// How many leading `stss` entries of `t` present at or before `start_ns` even with
/// composition offset `max`, with the last of them (sample and decode time): found by
/// bisection, as that bound grows with the decode time. `(0, None)` (the caller then
/// walks them all) without `stss` or with a long `stts`, where each decode time would
/// cost a walk of its own.
fn passed_before(
    t: &Track<'_>,
    movie_ts: u32,
    start_ns: i128,
    max: i64,
) -> Result<(u32, Option<(u32, u128)>)> {
    let Some(stss) = t.stss.filter(|_| t.stts.len() <= 16) else {
        return Ok((0, None));
    };
    let at = |i: u32| {
        let s = stss.u32(i, 4, 0) - 1;
        (s, RunCursor::new(t.stts).dts(u64::from(s)))
    };
    let (mut lo, mut hi, mut last) = (0u32, stss.count, None);
    while lo < hi {
        let mid = lo + (hi - lo) / 2;
        let (s, d) = at(mid);
        if pts_ns(t, movie_ts, d, max)? <= start_ns {
            (lo, last) = (mid + 1, Some((s, d)));
        } else {
            hi = mid;
        }
    }
    Ok((lo, last))
}

/// The [`SnapPoint`] of sync sample `s` (decode time `d`) of track `t` (track `v` of the movie).
fn snap_point(t: &Track<'_>, v: usize, movie_ts: u32, s: u32, d: u128) -> Result<SnapPoint> {
    let mut cto = t.ctts.map(RunCursor::counts);
    let c = cto.as_mut().map_or(0, |c| c.cto(u64::from(s)));
    let ctts = cto.as_ref().map(RunCursor::pos).unwrap_or_default();
    Ok(SnapPoint {
        track: v,
        sample: s,
        cto: c,
        pts_ns: pts_ns(t, movie_ts, d, c)?.max(0),
        ctts,
    })
}
