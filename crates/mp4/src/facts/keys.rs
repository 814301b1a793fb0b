//! Key-frame spacing of a track: the presentation times of its sync samples (`stss`,
//! ISO/IEC 14496-12 §8.6.2; decode times from `stts` §8.6.1.2 plus the `ctts`
//! composition offsets §8.6.1.3), reduced to the least, median and greatest gap.
//!
//! Memory and time are bounded by the table entries, never by a sample count alone
//! (a constant-size `stsz` may claim 2^32 samples in 20 bytes): with `stss`, one gap
//! per entry; without it, every sample is a sync sample and the gaps are counted per
//! `stts` run, corrected where a `ctts` run begins.

use crate::error::Result;
use crate::parse::track::Track;
use crate::walk::lookup::syncs_between;
use crate::walk::run_cursor::RunCursor;
use std::collections::BTreeMap;

/// The least, median and greatest of a set of durations, in seconds. The median of an
/// even number of values is the mean of the two middle ones.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Spread {
    pub min: f64,
    pub median: f64,
    pub max: f64,
}

impl Spread {
    /// The spread of `values` (any order); `None` when there are none.
    pub fn of(mut values: Vec<f64>) -> Option<Spread> {
        values.sort_by(f64::total_cmp);
        let n = values.len();
        let median = match n {
            0 => return None,
            _ if n % 2 == 1 => values[n / 2],
            _ => (values[n / 2 - 1] + values[n / 2]) / 2.0,
        };
        Some(Spread {
            min: values[0],
            median,
            max: values[n - 1],
        })
    }

    /// The spread of `gaps`, durations in ticks (`ticks_per_second` of them a
    /// second), each with how many times it occurs; `None` when there are none.
    pub fn of_counts(gaps: &BTreeMap<i128, u64>, ticks_per_second: u32) -> Option<Spread> {
        let total: u64 = gaps.values().sum();
        let seconds = |ticks: i128| ticks as f64 / f64::from(ticks_per_second);
        let nth = |i: u64| {
            let mut seen = 0u64;
            gaps.iter()
                .find(|(_, &c)| {
                    seen += c;
                    seen > i
                })
                .map(|(&g, _)| seconds(g))
        };
        let median = match total {
            0 => return None,
            _ if total % 2 == 1 => nth(total / 2)?,
            _ => (nth(total / 2 - 1)? + nth(total / 2)?) / 2.0,
        };
        Some(Spread {
            min: seconds(*gaps.keys().next()?),
            median,
            max: seconds(*gaps.keys().next_back()?),
        })
    }
}

/// How many sync samples a track has and how far apart they present.
pub(super) struct KeyFrames {
    pub count: u32,
    pub interval: Option<Spread>,
}

/// Gaps in media ticks, each with how many times it occurs (never 0).
type Gaps = BTreeMap<i128, u64>;

/// The sync samples of `t` and the spread of the gaps between their presentation
/// times. Errors: `stss` entries that are zero, out of order or past the samples.
pub(super) fn key_frames(t: &Track<'_>) -> Result<KeyFrames> {
    let (count, gaps) = match t.stss {
        Some(_) => listed(t)?,
        None => (t.samples, every_sample(t)),
    };
    Ok(KeyFrames {
        count,
        interval: Spread::of_counts(&gaps, t.timescale),
    })
}

/// The `stss` entries and the gaps between their presentation times.
fn listed(t: &Track<'_>) -> Result<(u32, Gaps)> {
    let mut cto = t.ctts.map(RunCursor::counts);
    let (mut previous, mut count, mut gaps) = (None::<i128>, 0u32, Gaps::new());
    for sync in syncs_between(t, 0, t.samples)? {
        let (s, dts) = sync?;
        let pts = i128::from(dts) + cto.as_mut().map_or(0, |c| i128::from(c.cto(u64::from(s))));
        if let Some(p) = previous {
            *gaps.entry(pts - p).or_default() += 1;
        }
        previous = Some(pts);
        count += 1;
    }
    Ok((count, gaps))
}

/// Every sample is a sync sample: the gap after sample `i` is its `stts` delta, plus
/// the change of composition offset where a `ctts` run begins at `i + 1`.
fn every_sample(t: &Track<'_>) -> Gaps {
    let n = u64::from(t.samples);
    let mut gaps = Gaps::new();
    let mut left = n.saturating_sub(1);
    for k in 0..t.stts.len() {
        let (c, delta) = t.stts.get(k);
        let c = u64::from(c).min(left);
        if c > 0 {
            *gaps.entry(i128::from(delta)).or_default() += c;
        }
        left -= c;
    }
    let Some(ctts) = t.ctts else { return gaps };
    let mut dts = RunCursor::new(t.stts);
    let mut boundary = |gaps: &mut Gaps, at: u64, from: i128, to: i128| {
        if from != to && (1..n).contains(&at) {
            // Decode times fit in i128; the cursor only moves forward.
            let before = dts.dts(at - 1) as i128;
            let delta = dts.dts(at) as i128 - before;
            move_one(gaps, delta, delta + to - from);
        }
    };
    let (mut at, mut cto) = (0u64, None::<i128>);
    for k in 0..ctts.len() {
        let (c, raw) = ctts.get(k);
        // Signed, as players read it (version 0 values past i32::MAX too).
        let next = i128::from(raw as i32);
        if let Some(previous) = cto {
            boundary(&mut gaps, at, previous, next);
        }
        cto = Some(next);
        at = at.saturating_add(u64::from(c));
        if at >= n {
            return gaps;
        }
    }
    // Past the end of `ctts`, offsets are 0 (as players read a short table).
    boundary(&mut gaps, at, cto.unwrap_or(0), 0);
    gaps
}

/// One occurrence of gap `from` becomes gap `to`.
fn move_one(gaps: &mut Gaps, from: i128, to: i128) {
    if let Some(n) = gaps.get_mut(&from) {
        *n -= 1;
        if *n == 0 {
            gaps.remove(&from);
        }
    }
    *gaps.entry(to).or_default() += 1;
}
