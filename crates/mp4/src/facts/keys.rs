//! Key-frame spacing of a track: the presentation times of its sync samples (`stss`,
//! ISO/IEC 14496-12 §8.6.2; decode times from `stts` §8.6.1.2 plus the `ctts`
//! composition offsets §8.6.1.3), reduced to the least, median and greatest gap.

use crate::error::Result;
use crate::parse::track::Track;
use crate::walk::lookup::syncs_between;
use crate::walk::run_cursor::RunCursor;

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
}

/// How many sync samples a track has and how far apart they present.
pub(super) struct KeyFrames {
    pub count: u32,
    pub interval: Option<Spread>,
}

/// The sync samples of `t` and the spread of the gaps between their presentation
/// times. Memory: one `f64` per sync sample, bounded by the `stss` box (or by `stsz`
/// when every sample is a sync sample). Errors: `stss` entries that are zero, out of
/// order or past the samples.
pub(super) fn key_frames(t: &Track<'_>) -> Result<KeyFrames> {
    let mut cto = t.ctts.map(RunCursor::counts);
    let mut previous: Option<i128> = None;
    let mut gaps = Vec::with_capacity(expected(t));
    let mut count = 0u32;
    for sync in syncs_between(t, 0, t.samples)? {
        let (s, dts) = sync?;
        let pts = i128::from(dts) + cto.as_mut().map_or(0, |c| i128::from(c.cto(u64::from(s))));
        if let Some(p) = previous {
            gaps.push((pts - p) as f64 / f64::from(t.timescale));
        }
        previous = Some(pts);
        count += 1;
    }
    Ok(KeyFrames {
        count,
        interval: Spread::of(gaps),
    })
}

/// The number of sync samples `t` declares, to reserve once.
fn expected(t: &Track<'_>) -> usize {
    t.stss.map_or(t.samples, |s| s.count) as usize
}
