//! Where segments start, computed from the `moov` alone so that every request is
//! stateless and a URL always names the same samples.
//!
//! A leader (the first video track, or the first audio track of a film without video,
//! or any further video track) starts a segment at sample 0 and then at each sync
//! sample (`stss`, ISO/IEC 14496-12 §8.6.2; every sample without one) whose decode
//! time is at least the target duration after the previous segment's start. So a
//! segment lasts at least the target, except the last; a group of pictures longer
//! than the target makes a longer segment, never an empty one.
//!
//! A follower (every other audio track) starts each segment at its first sample
//! presented at or after the leader's segment start, so the renditions line up
//! within one audio frame; its first segment starts at its sample 0 (the AAC priming
//! frame is never dropped).

use crate::error::{defect, Result};
use crate::parse::runs::RunPos;
use crate::parse::track::Track;
use crate::segment::timeline::Timeline;
use crate::walk::lookup;
use crate::walk::run_cursor::RunCursor;

/// First samples (0-based) of the leader `t`'s segments, at most `limit` of them,
/// for segments of at least `target` media ticks. Errors: `stss` entries that do not
/// increase or lie past the samples.
pub(crate) fn leader_firsts(t: &Track<'_>, target: u128, limit: usize) -> Result<Vec<u32>> {
    let mut firsts = vec![0u32];
    let mut last = 0u128;
    let target = target.max(1);
    if t.stss.is_some() {
        for item in lookup::syncs_between(t, 0, t.samples)? {
            let (s, d) = item?;
            if firsts.len() >= limit {
                break;
            }
            if s > 0 && u128::from(d) >= last + target {
                firsts.push(s);
                last = u128::from(d);
            }
        }
        return Ok(firsts);
    }
    let mut dts = RunCursor::new(t.stts);
    while firsts.len() < limit {
        let next = dts.first_dts_at_least(last + target);
        let Ok(s) = u32::try_from(next) else { break };
        if s >= t.samples {
            break;
        }
        firsts.push(s.max(firsts[firsts.len() - 1] + 1));
        last = dts.dts(u64::from(s));
    }
    Ok(firsts)
}

/// Output presentation times (ticks on timeline `tl`) of samples `firsts`
/// (increasing) of `t`: its segments' earliest presentation times, taken as their
/// first samples' (a sync sample presents first in its group of pictures).
pub(crate) fn start_ticks(t: &Track<'_>, tl: &Timeline, firsts: &[u32]) -> Result<Vec<u64>> {
    let mut dts = RunCursor::new(t.stts);
    let mut cto = t.ctts.map(|c| {
        RunCursor::counts_from(
            c,
            c.locate(
                RunPos::default(),
                u64::from(firsts.first().copied().unwrap_or(0)),
            ),
        )
    });
    firsts
        .iter()
        .map(|&s| {
            let c = cto.as_mut().map_or(0, |c| c.cto(u64::from(s)));
            tl.pts(dts.dts(u64::from(s)), c)
        })
        .collect()
}

/// First samples of the follower `t`'s segments for the leader's segment start times
/// `times` (ns since time 0, increasing): sample 0 for the first, then
/// [`follower_first`] of each further time; a time past its last sample ends the
/// list. Errors: two times that give the same sample (an empty segment: the leader's
/// composition offsets vary by more than the target duration).
pub(crate) fn follower_firsts(t: &Track<'_>, tl: &Timeline, times: &[i128]) -> Result<Vec<u32>> {
    let mut firsts = vec![0u32];
    let mut dts = RunCursor::new(t.stts);
    for &ns in times.iter().skip(1) {
        let Some(s) = first_at(t, tl, &mut dts, ns)? else {
            break;
        };
        if s <= firsts[firsts.len() - 1] {
            return Err(not_increasing(s));
        }
        firsts.push(s);
    }
    Ok(firsts)
}

/// The follower `t`'s first sample presented at or after `ns` (ns since time 0), or
/// `None` when its samples end before.
pub(crate) fn follower_first(t: &Track<'_>, tl: &Timeline, ns: i128) -> Result<Option<u32>> {
    first_at(t, tl, &mut RunCursor::new(t.stts), ns)
}

/// [`follower_first`] with a cursor that only moves forward.
fn first_at(
    t: &Track<'_>,
    tl: &Timeline,
    dts: &mut RunCursor<'_>,
    ns: i128,
) -> Result<Option<u32>> {
    let src = tl.at_ns(ns)? - tl.shift;
    let at = dts.first_dts_at_least(u128::try_from(src).unwrap_or(0));
    Ok(u32::try_from(at).ok().filter(|&s| s < t.samples))
}

/// The error for a follower whose segment starting at sample `s` (0-based) would be
/// empty.
pub(crate) fn not_increasing(s: u32) -> crate::error::Mp4Error {
    defect!(
        "segment boundaries of a follower track do not increase (at sample {})",
        u64::from(s) + 1
    )
}
