//! Where source bytes land in the output: a sorted list of runs, each a source file
//! range copied to a destination offset. Chunk offsets (`stco`/`co64`, ISO/IEC 14496-12
//! §8.7.5) are rewritten through it.

use crate::error::{add, defect, Result};
use loomiere_plan::Plan;

/// One source range `src..src+len` copied to output offset `dst`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Run {
    pub src: u64,
    pub len: u64,
    pub dst: u64,
}

/// Source-to-output map. Runs are sorted by `src` and do not overlap; `dst` offsets are
/// relative to where the first run lands.
#[derive(Debug, Default)]
pub(crate) struct Layout {
    runs: Vec<Run>,
    len: u64,
}

impl Layout {
    /// Packs the given source ranges `(offset, len)` back to back in file order,
    /// merging ranges that touch or overlap, so every kept byte is sent once.
    pub fn packed(mut ranges: Vec<(u64, u64)>) -> Result<Self> {
        ranges.sort_by_key(|r| r.0);
        let mut merged: Vec<(u64, u64)> = Vec::new();
        for (src, len) in ranges.into_iter().filter(|r| r.1 > 0) {
            let end = add(src, len, "sample range")?;
            match merged.last_mut() {
                Some(last) if src <= last.1 => last.1 = last.1.max(end),
                _ => merged.push((src, end)),
            }
        }
        Self::in_order(merged.into_iter().map(|(s, e)| (s, e - s)))
    }

    /// Places the given source ranges back to back in the order given (which must be
    /// increasing in `src`).
    pub fn in_order(ranges: impl IntoIterator<Item = (u64, u64)>) -> Result<Self> {
        let mut l = Layout::default();
        for (src, len) in ranges {
            l.runs.push(Run { src, len, dst: l.len });
            l.len = add(l.len, len, "output length")?;
        }
        Ok(l)
    }

    /// Total bytes of all runs.
    pub fn len(&self) -> u64 {
        self.len
    }

    /// The output offset (relative to the first run) of source byte `src`.
    /// Errors: `src` lies in no run (a chunk pointing outside the sample data).
    pub fn map(&self, src: u64) -> Result<u64> {
        let i = self.runs.partition_point(|r| r.src <= src);
        let run = i.checked_sub(1).map(|i| self.runs[i]).filter(|r| src - r.src < r.len);
        run.map(|r| r.dst + (src - r.src)).ok_or_else(|| defect!("chunk offset {src} points outside the sample data"))
    }

    /// The runs as file slices of a plan.
    pub fn to_plan(&self) -> Result<Plan> {
        let mut p = Plan::new();
        for r in &self.runs {
            p.push_file(r.src, r.len)?;
        }
        Ok(p)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn packed_merges_touching_ranges_and_maps_offsets() {
        let l = Layout::packed(vec![(300, 50), (100, 100), (200, 20), (500, 0)]).unwrap();
        assert_eq!(l.len(), 170);
        assert_eq!(l.map(100).unwrap(), 0);
        assert_eq!(l.map(210).unwrap(), 110);
        assert_eq!(l.map(300).unwrap(), 120);
        assert!(l.map(250).is_err());
        assert!(l.map(99).is_err());
        assert!(l.map(350).is_err());
    }

    #[test]
    fn overlapping_ranges_are_sent_once() {
        let l = Layout::packed(vec![(0, 10), (5, 10)]).unwrap();
        assert_eq!(l.len(), 15);
        assert_eq!(l.map(7).unwrap(), 7);
    }
}
