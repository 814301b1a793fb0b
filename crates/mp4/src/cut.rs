//! Where each track is cut for `?start=S&end=E`.
//!
//! Pass 1 (as code-shop's mod_h264_streaming): on the first video track, snap S back to
//! the sync sample (`stss`, ISO/IEC 14496-12 §8.6.2) whose presentation time is at or
//! before S. Pass 2: cut every other track at that same presentation time, so audio
//! stays aligned; the edit list (§8.6.6) of each track is rewritten so the kept samples
//! start exactly there. Sound tracks keep one extra sample before the cut (AAC needs one
//! frame of pre-roll; the edit list hides it), so encoder priming stays correct.

use crate::error::{bad_seek, defect, Result};
use crate::runs::{RunCursor, RunPos};
use crate::time::{ms_to_ns, ns_to_ticks, ns_to_ticks_up, ticks_to_ns, to_u64};
use crate::track::Track;

/// The kept part of one track.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Cut {
    /// First kept sample, 0-based.
    pub first: u32,
    /// One past the last kept sample.
    pub end: u32,
    /// New edit-list `media_time`, in media ticks: how much of the kept samples' start
    /// is hidden.
    pub media_time: u64,
    /// New leading empty edit, in movie ticks (the track starts later than the cut).
    pub empty: u64,
    /// Media duration of the kept samples, in media ticks (new `mdhd` duration).
    pub duration: u64,
    /// Where presentation of the kept samples ends, in media ticks from the first kept
    /// decode time: the latest composition time plus duration (B-frames present after
    /// their decode end). At least `duration`.
    pub presentation_end: u64,
    /// In `ctts` (default without one): the entries holding samples `first` and
    /// `end - 1`, found once here so the `ctts` cut need not walk the table again.
    pub ctts: (RunPos, RunPos),
}

/// Presentation time (ns, movie timeline) of sample `i` of `t`.
fn pts_ns(t: &Track<'_>, movie_ts: u32, dts: u128, cto: i64) -> Result<i128> {
    let dts = i128::try_from(dts).map_err(|_| defect!("decode time overflows"))?;
    let media = dts + i128::from(cto) - i128::from(t.edit.media_time);
    Ok(ticks_to_ns(i128::from(t.edit.empty), movie_ts)? + ticks_to_ns(media, t.timescale)?)
}

/// Where the first video track is cut: its sync sample at or before the start.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct SnapPoint {
    /// Index of the video track in the movie.
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
/// sync sample when none is. `None` when there is no video track. With a sample
/// index, sync samples that present at or before the start even with the largest
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
    let bound = t.ctts.filter(|c| c.marks.is_some()).map(|c| c.marks.max);
    let (mut dts, mut cto) = (RunCursor::new(t.stts), t.ctts.map(RunCursor::counts));
    let sync = sync_samples(t)?;
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

/// The [`SnapPoint`] of sync sample `s` (decode time `d`) of track `t` (index `v`).
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

/// Sync samples (0-based) of `t`, increasing: `stss` entries, or every sample without
/// `stss`. Errors: entries that are zero, past the sample count, or not increasing.
fn sync_samples<'t>(t: &'t Track<'_>) -> Result<Box<dyn Iterator<Item = u32> + 't>> {
    let Some(stss) = t.stss else {
        return Ok(Box::new(0..t.samples));
    };
    let mut prev = 0u32;
    for i in 0..stss.count {
        let s = stss.u32(i, 4, 0);
        if s <= prev || s > t.samples {
            return Err(defect!(
                "stss entry {i} ({s}) is not increasing or past the {} samples",
                t.samples
            ));
        }
        prev = s;
    }
    Ok(Box::new(
        (0..stss.count).map(move |i| stss.u32(i, 4, 0) - 1),
    ))
}

/// Cuts track `t` at presentation time `cut_ns` and, if given, `end_ns` (movie
/// timeline, ns). `known` is the snap point when `t` is the video track it was found
/// on. A track with nothing left to present gets an empty cut (it stays in the movie).
pub(crate) fn cut_track(
    t: &Track<'_>,
    movie_ts: u32,
    cut_ns: i128,
    end_ns: Option<i128>,
    known: Option<&SnapPoint>,
) -> Result<Cut> {
    let empty_cut = Cut {
        first: 0,
        end: 0,
        media_time: 0,
        empty: 0,
        duration: 0,
        presentation_end: 0,
        ctts: Default::default(),
    };
    if t.samples == 0 {
        return Ok(empty_cut);
    }
    let empty_ns = ticks_to_ns(i128::from(t.edit.empty), movie_ts)?;
    let local_ns = cut_ns - empty_ns;
    let (first, media_time, empty) = match known {
        Some(k) => (k.sample, to_u64(i128::from(k.cto).max(0), "media_time")?, 0),
        None if local_ns < 0 => (
            0,
            t.edit.media_time,
            to_u64(ns_to_ticks(-local_ns, movie_ts)?, "empty edit")?,
        ),
        None => {
            let target = i128::from(t.edit.media_time) + ns_to_ticks(local_ns, t.timescale)?;
            let Some((first, first_dts)) = first_sample(t, target)? else {
                return Ok(empty_cut);
            };
            (first, to_u64((target - first_dts).max(0), "media_time")?, 0)
        }
    };
    let end = match end_ns {
        Some(e) if e - empty_ns <= 0 => return Ok(empty_cut),
        Some(e) => end_sample(
            t,
            first,
            i128::from(t.edit.media_time) + ns_to_ticks_up(e - empty_ns, t.timescale)?,
        ),
        None => t.samples,
    };
    let mut dts = RunCursor::new(t.stts);
    let start_dts = dts.dts(u64::from(first));
    let duration = to_u64(
        i128::try_from(dts.dts(u64::from(end)) - start_dts).unwrap_or(-1),
        "duration",
    )?;
    let ctts_first = match (t.ctts, known) {
        (Some(_), Some(k)) => k.ctts,
        (Some(c), None) => c.locate(RunPos::default(), u64::from(first)),
        (None, _) => RunPos::default(),
    };
    let (presentation_end, ctts_last) = presentation_end(t, first, end, ctts_first)?;
    let presentation_end = presentation_end.max(duration);
    if presentation_end <= media_time {
        return Ok(empty_cut);
    }
    Ok(Cut {
        first,
        end,
        media_time,
        empty,
        duration,
        presentation_end,
        ctts: (ctts_first, ctts_last),
    })
}

/// The first sample to keep so that composition time `target` (media ticks) is
/// covered, with its decode time; `None` when the track ends before `target`.
/// Tracks with `stss` start on a sync sample; sound tracks keep one sample of pre-roll.
fn first_sample(t: &Track<'_>, target: i128) -> Result<Option<(u32, i128)>> {
    let total = RunCursor::new(t.stts).dts(u64::from(t.samples));
    let Ok(target_u) = u128::try_from(target) else {
        return Ok(Some((0, 0)));
    };
    if target_u >= total {
        return Ok(None);
    }
    let mut chosen = if t.ctts.is_none() && t.stss.is_none() {
        // Decode order is presentation order: the last sample starting at or before target.
        let after = RunCursor::new(t.stts).first_dts_at_least(target_u + 1);
        u32::try_from(after.saturating_sub(1)).map_err(|_| defect!("sample index overflows"))?
    } else {
        last_presented_by(t, target)?
    };
    if t.is_audio() && t.stss.is_none() {
        chosen = chosen.saturating_sub(1);
    }
    let d = RunCursor::new(t.stts).dts(u64::from(chosen));
    Ok(Some((
        chosen,
        i128::try_from(d).map_err(|_| defect!("decode time overflows"))?,
    )))
}

/// The last sync sample (every sample without `stss`) whose composition time is at or
/// before `target`, or the first one.
fn last_presented_by(t: &Track<'_>, target: i128) -> Result<u32> {
    let mut dts = RunCursor::new(t.stts);
    let mut cto = t.ctts.map(RunCursor::counts);
    let mut chosen = None;
    for s in sync_samples(t)? {
        let d = i128::try_from(dts.dts(u64::from(s))).unwrap_or(i128::MAX);
        let pts = d + i128::from(cto.as_mut().map_or(0, |c| c.cto(u64::from(s))));
        if pts > target && chosen.is_some() {
            break;
        }
        chosen = Some(s);
    }
    Ok(chosen.unwrap_or(0))
}

/// Samples reordered for presentation end within this many samples of the end of
/// decode order (H.264 and HEVC allow at most 16 pictures in the decoded picture buffer).
const REORDER_WINDOW: u32 = 64;

/// Latest composition end (`dts + cto + delta`) of samples `first..end`, in media ticks
/// from the decode time of `first`, with the `ctts` entry holding sample `end - 1`.
/// Only the last samples in decode order can present last, so only a window at the end
/// is examined. `from`: the `ctts` entry holding `first`.
fn presentation_end(t: &Track<'_>, first: u32, end: u32, from: RunPos) -> Result<(u64, RunPos)> {
    let Some(ctts) = t.ctts else {
        return Ok((0, RunPos::default()));
    };
    let (mut dts, mut cto) = (RunCursor::new(t.stts), RunCursor::counts_from(ctts, from));
    let origin =
        i128::try_from(dts.dts(u64::from(first))).map_err(|_| defect!("decode time overflows"))?;
    let mut latest = 0i128;
    for s in end.saturating_sub(REORDER_WINDOW).max(first)..end {
        let next = i128::try_from(dts.dts(u64::from(s) + 1))
            .map_err(|_| defect!("decode time overflows"))?;
        latest = latest.max(next + i128::from(cto.cto(u64::from(s))) - origin);
    }
    Ok((to_u64(latest.max(0), "presentation end")?, cto.pos()))
}

/// One past the last sample to keep for composition end `target` (media ticks): the
/// first sample after `first` whose decode time reaches it. A sample decoded at or
/// after the end can only present after it; the samples before it that present past
/// the end are hidden by the edit list, whose length stops at the end.
fn end_sample(t: &Track<'_>, first: u32, target: i128) -> u32 {
    let target = u128::try_from(target).unwrap_or(0);
    let found = RunCursor::new(t.stts).first_dts_at_least(target);
    let found = u32::try_from(found).unwrap_or(t.samples).min(t.samples);
    found.max(first.saturating_add(1)).min(t.samples)
}

/// Start and end of a request, checked against the movie: the start must lie before
/// the duration and the end after the start.
pub(crate) fn check_request(
    duration_ns: i128,
    start_ms: u64,
    end_ms: Option<u64>,
) -> Result<(i128, Option<i128>)> {
    let start = ms_to_ns(start_ms);
    if start >= duration_ns {
        return Err(bad_seek!(
            "start {} s is at or past the duration {} s",
            secs(start),
            secs(duration_ns)
        ));
    }
    let end = match end_ms.map(ms_to_ns) {
        Some(e) if e <= start => {
            return Err(bad_seek!(
                "end {} s is not after start {} s",
                secs(e),
                secs(start)
            ))
        }
        Some(e) if e >= duration_ns => None,
        other => other,
    };
    Ok((start, end))
}

/// Nanoseconds as seconds with millisecond precision, for messages.
fn secs(ns: i128) -> String {
    // Formatted as i64: the binary then carries no 128-bit integer formatting.
    let whole = i64::try_from(ns / 1_000_000_000).unwrap_or(i64::MAX);
    let ms = i64::try_from((ns % 1_000_000_000) / 1_000_000).unwrap_or(0);
    format!("{whole}.{ms:03}")
}
