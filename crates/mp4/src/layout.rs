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
    /// merging ranges that touch or overlap, so every kept byte is sent once. Each
    /// list is a track's kept chunks, normally already in file order: the lists are
    /// merged head by head (a list that is not in order is sorted first).
    pub fn packed(lists: &[&[(u64, u64)]]) -> Result<Self> {
        let sorted: Vec<std::borrow::Cow<'_, [(u64, u64)]>> = lists.iter().map(|l| in_file_order(l)).collect();
        let mut heads = vec![0usize; sorted.len()];
        let mut merged: Vec<(u64, u64)> = Vec::new();
        while let Some(k) = (0..sorted.len()).filter(|&k| heads[k] < sorted[k].len()).min_by_key(|&k| sorted[k][heads[k]].0) {
            let (src, len) = sorted[k][heads[k]];
            heads[k] += 1;
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

    /// The output offset (relative to the first run) of source byte `src`. An offset
    /// at the very end of a run is accepted (an empty chunk there).
    /// Errors: `src` lies in no run (a chunk pointing outside the sample data).
    pub fn map(&self, src: u64) -> Result<u64> {
        let i = self.runs.partition_point(|r| r.src <= src);
        self.in_run(i.wrapping_sub(1), src)
            .ok_or_else(|| defect!("chunk offset {src} points outside the sample data"))
    }

    /// Maps increasing source offsets to output offsets plus `base`, in one pass over
    /// the runs. Errors: an offset in no run.
    pub fn map_all(&self, sources: &[u64], base: u64) -> Result<Vec<u64>> {
        let mut out = Vec::with_capacity(sources.len());
        let mut i = 0usize;
        for &src in sources {
            while i + 1 < self.runs.len() && self.runs[i + 1].src <= src {
                i += 1;
            }
            let dst = match self.in_run(i, src) {
                Some(d) => d,
                None => self.map(src)?, // not increasing: fall back to a search
            };
            out.push(add(base, dst, "chunk offset")?);
        }
        Ok(out)
    }

    /// `src` mapped through run `i`, if it lies inside it (or at its end).
    fn in_run(&self, i: usize, src: u64) -> Option<u64> {
        let r = self.runs.get(i)?;
        let at = src.checked_sub(r.src)?;
        (at <= r.len).then_some(r.dst + at)
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

/// `list` sorted by offset, borrowed when it already is.
fn in_file_order(list: &[(u64, u64)]) -> std::borrow::Cow<'_, [(u64, u64)]> {
    if list.windows(2).all(|w| w[0].0 <= w[1].0) {
        return std::borrow::Cow::Borrowed(list);
    }
    let mut v = list.to_vec();
    v.sort_unstable_by_key(|r| r.0);
    std::borrow::Cow::Owned(v)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn packed_merges_touching_ranges_and_maps_offsets() {
        let l = Layout::packed(&[&[(300, 50), (500, 0)], &[(100, 100), (200, 20)]]).unwrap();
        assert_eq!(l.len(), 170);
        assert_eq!(l.map(100).unwrap(), 0);
        assert_eq!(l.map(210).unwrap(), 110);
        assert_eq!(l.map(300).unwrap(), 120);
        assert!(l.map(250).is_err());
        assert!(l.map(99).is_err());
        assert!(l.map(351).is_err());
        assert_eq!(l.map_all(&[100, 210, 300], 1000).unwrap(), vec![1000, 1110, 1120]);
    }

    #[test]
    fn overlapping_ranges_are_sent_once() {
        let l = Layout::packed(&[&[(5, 10)], &[(0, 10)]]).unwrap();
        assert_eq!(l.len(), 15);
        assert_eq!(l.map(7).unwrap(), 7);
    }
}
