//! The segments' timeline. A source track's edit list (ISO/IEC 14496-12 §8.6.6) says
//! where its presentation starts: `media_time` hides the B-frame delay of video and
//! the priming frames of AAC, an empty edit delays a track. Many players ignore edit
//! lists in fragmented MP4, so segments carry shifted times instead (as CMAF allows,
//! ISO/IEC 23000-19 §7.5.13): every track's decode times move by one constant so that
//! each sample presents at its source presentation time plus one offset `P`, the same
//! for all tracks. `P` is the smallest offset that keeps every decode time
//! non-negative (`tfdt` is unsigned), so no sample is dropped: the AAC priming frame
//! stays, presented just before `P`.

use crate::error::{defect, Result};
use crate::parse::track::Track;
use crate::time::{ns_to_ticks, ns_to_ticks_up, ticks_to_ns};

/// How one track's times map onto the segments' timeline.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Timeline {
    /// Media ticks added to every source decode time (never negative for a sample).
    pub shift: i128,
    /// The output media time (ticks) of presentation time 0 of the film: DASH's
    /// `@presentationTimeOffset`.
    pub origin: u64,
    /// Media ticks per second.
    pub timescale: u32,
}

impl Timeline {
    /// Output decode time of a sample whose source decode time is `dts` (ticks).
    /// Errors: below zero or past `u64` (a defective table).
    pub fn dts(&self, dts: u128) -> Result<u64> {
        let v = i128::try_from(dts).map_err(|_| defect!("decode time overflows"))? + self.shift;
        u64::try_from(v)
            .map_err(|_| defect!("decode time {v} out of range on the segment timeline"))
    }

    /// Output presentation time (ticks) of a sample with source decode time `dts`
    /// and composition offset `cto` (negative results clamp to 0).
    pub fn pts(&self, dts: u128, cto: i64) -> Result<u64> {
        let v = i128::try_from(dts).map_err(|_| defect!("decode time overflows"))?
            + self.shift
            + i128::from(cto);
        u64::try_from(v.max(0)).map_err(|_| defect!("presentation time {v} out of range"))
    }

    /// Nanoseconds since the film's presentation time 0 of output time `t` (ticks).
    pub fn since_origin_ns(&self, t: u64) -> Result<i128> {
        ticks_to_ns(i128::from(t) - i128::from(self.origin), self.timescale)
    }

    /// The output time (ticks) `ns` after the film's presentation time 0, rounded up.
    pub fn at_ns(&self, ns: i128) -> Result<i128> {
        Ok(ns_to_ticks_up(ns, self.timescale)? + i128::from(self.origin))
    }
}

/// `P` in nanoseconds for `tracks`: the largest lead any of them hides with its
/// `media_time` beyond its empty edit, or 0.
pub(crate) fn offset_ns(tracks: &[&Track<'_>], movie_ts: u32) -> Result<i128> {
    let mut p = 0i128;
    for t in tracks {
        let lead = ns_up(i128::from(t.edit.media_time), t.timescale)?
            - ticks_to_ns(i128::from(t.edit.empty), movie_ts)?;
        p = p.max(lead);
    }
    Ok(p)
}

/// The timeline of `t` for offset `p_ns` (see [`offset_ns`]).
pub(crate) fn timeline(t: &Track<'_>, movie_ts: u32, p_ns: i128) -> Result<Timeline> {
    let empty_ns = ticks_to_ns(i128::from(t.edit.empty), movie_ts)?;
    let shift = ns_to_ticks_up(p_ns + empty_ns, t.timescale)? - i128::from(t.edit.media_time);
    let origin = u64::try_from(ns_to_ticks(p_ns, t.timescale)?)
        .map_err(|_| defect!("presentation offset out of range"))?;
    Ok(Timeline {
        shift,
        origin,
        timescale: t.timescale,
    })
}

/// `ticks` at `scale` in nanoseconds, rounded up.
fn ns_up(ticks: i128, scale: u32) -> Result<i128> {
    let v = ticks
        .checked_mul(crate::time::NS)
        .ok_or_else(|| defect!("time overflows"))?;
    Ok(v.div_euclid(i128::from(scale)) + i128::from(v.rem_euclid(i128::from(scale)) != 0))
}
