//! Where each track is cut for `?start=S&end=E`, once the start has snapped
//! ([`super::snap`]): every track is cut at the same presentation time, so audio stays
//! aligned, and the edit list (ISO/IEC 14496-12 §8.6.6) of each track is rewritten so
//! the kept samples start exactly there. Sound tracks keep one extra sample before the
//! cut (AAC needs one frame of pre-roll; the edit list hides it), so encoder priming
//! stays correct.

use crate::cut::snap::SnapPoint;
use crate::error::{defect, Result};
use crate::parse::runs::RunPos;
use crate::parse::track::Track;
use crate::time::{ns_to_ticks, ns_to_ticks_up, ticks_to_ns, to_u64};
use crate::walk::lookup;
use crate::walk::run_cursor::RunCursor;

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
    let total = lookup::dts(t, t.samples)?;
    let Ok(target_u) = u64::try_from(target) else {
        return Ok(if target < 0 { Some((0, 0)) } else { None });
    };
    if target_u >= total {
        return Ok(None);
    }
    let mut chosen = if t.ctts.is_none() && t.stss.is_none() {
        // Decode order is presentation order: the last sample starting at or before
        // target (target < total, so target + 1 fits and some sample reaches it).
        lookup::first_dts_at_least(t, target_u + 1).saturating_sub(1)
    } else {
        last_presented_by(t, target)?
    };
    if t.is_audio() && t.stss.is_none() {
        chosen = chosen.saturating_sub(1);
    }
    Ok(Some((chosen, i128::from(lookup::dts(t, chosen)?))))
}

/// The last sync sample (every sample without `stss`) whose composition time is at or
/// before `target`, or the first one.
fn last_presented_by(t: &Track<'_>, target: i128) -> Result<u32> {
    let mut dts = RunCursor::new(t.stts);
    let mut cto = t.ctts.map(RunCursor::counts);
    let mut chosen = None;
    for s in lookup::syncs(t)? {
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
/// is examined. `from`: the `ctts` entry holding `first`. 0 without `ctts`.
pub(crate) fn presentation_end(
    t: &Track<'_>,
    first: u32,
    end: u32,
    from: RunPos,
) -> Result<(u64, RunPos)> {
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
    // No decode time reaches past 64 bits (a sample number times a delta fits).
    let found =
        u64::try_from(target.max(0)).map_or(t.samples, |x| lookup::first_dts_at_least(t, x));
    found.max(first.saturating_add(1)).min(t.samples)
}
