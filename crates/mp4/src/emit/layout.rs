//! Where source bytes land in the output: a sorted list of stretches, each a source
//! file range copied to a destination offset. Chunk offsets (`stco`/`co64`, ISO/IEC
//! 14496-12 §8.7.5) are rewritten through it.

use crate::error::{add, Result};
use loomiere_plan::Plan;

/// A stretch: one source range `src..src+len` copied to output offset `dst`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Stretch {
    pub src: u64,
    pub len: u64,
    pub dst: u64,
}

/// Source-to-output map. Stretches are sorted by `src` and do not overlap; `dst`
/// offsets are relative to where the first one lands.
#[derive(Debug, Default)]
pub(crate) struct Layout {
    stretches: Vec<Stretch>,
    len: u64,
}

impl Layout {
    /// Packs the given source ranges `(offset, len)` back to back in file order,
    /// merging ranges that touch or overlap, so every kept byte is sent once. Each
    /// list is a track's kept chunks, normally already in file order: the lists are
    /// merged head by head (a list that is not in order is sorted first).
    pub fn packed(lists: &[&[(u64, u64)]]) -> Result<Self> {
        let sorted: Vec<std::borrow::Cow<'_, [(u64, u64)]>> =
            lists.iter().map(|l| in_file_order(l)).collect();
        let mut heads = vec![0usize; sorted.len()];
        let mut merged: Vec<(u64, u64)> = Vec::new();
        while let Some(k) = (0..sorted.len())
            .filter(|&k| heads[k] < sorted[k].len())
            .min_by_key(|&k| sorted[k][heads[k]].0)
        {
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
            l.stretches.push(Stretch {
                src,
                len,
                dst: l.len,
            });
            l.len = add(l.len, len, "output length")?;
        }
        Ok(l)
    }

    /// One stretch: `len` source bytes from `src`, kept as they are.
    pub fn single(src: u64, len: u64) -> Result<Self> {
        Self::in_order([(src, len)])
    }

    /// The stretch, when there is exactly one.
    pub fn only_stretch(&self) -> Option<Stretch> {
        match self.stretches.as_slice() {
            [r] => Some(*r),
            _ => None,
        }
    }

    /// Total bytes of all stretches.
    pub fn len(&self) -> u64 {
        self.len
    }

    /// `src` mapped through stretch `i`, if it lies inside it (or at its end).
    fn in_stretch(&self, i: usize, src: u64) -> Option<u64> {
        let r = self.stretches.get(i)?;
        let at = src.checked_sub(r.src)?;
        (at <= r.len).then_some(r.dst + at)
    }

    /// A cursor that maps source offsets in one pass over the stretches when they
    /// increase.
    pub fn mapper(&self) -> Mapper<'_> {
        Mapper { layout: self, i: 0 }
    }

    /// The stretches as file slices of a plan.
    pub fn to_plan(&self) -> Result<Plan> {
        let mut p = Plan::new();
        for r in &self.stretches {
            p.push_file(r.src, r.len)?;
        }
        Ok(p)
    }
}

/// Maps source offsets through a [`Layout`]: O(1) per offset while offsets increase
/// (chunk offsets of one track, ISO/IEC 14496-12 §8.7.5, normally do), a binary search
/// otherwise.
pub(crate) struct Mapper<'l> {
    layout: &'l Layout,
    i: usize,
}

impl Mapper<'_> {
    /// The output offset (relative to the first stretch) of source byte `src`, or
    /// `None` when it lies in no stretch.
    #[inline]
    pub fn map(&mut self, src: u64) -> Option<u64> {
        let stretches = &self.layout.stretches;
        while self.i + 1 < stretches.len() && stretches[self.i + 1].src <= src {
            self.i += 1;
        }
        if let Some(d) = self.layout.in_stretch(self.i, src) {
            return Some(d);
        }
        self.i = stretches
            .partition_point(|r| r.src <= src)
            .saturating_sub(1);
        self.layout.in_stretch(self.i, src)
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
        let mut m = l.mapper();
        assert_eq!(
            [100, 210, 300, 250, 99, 351].map(|s| m.map(s)),
            [Some(0), Some(110), Some(120), None, None, None]
        );
        let mut m = l.mapper();
        let got: Vec<Option<u64>> = [100, 210, 300, 120, 250, 349]
            .iter()
            .map(|&s| m.map(s))
            .collect();
        assert_eq!(
            got,
            vec![Some(0), Some(110), Some(120), Some(20), None, Some(169)]
        );
    }

    #[test]
    fn overlapping_ranges_are_sent_once() {
        let l = Layout::packed(&[&[(5, 10)], &[(0, 10)]]).unwrap();
        assert_eq!(l.len(), 15);
        assert_eq!(l.mapper().map(7), Some(7));
    }
}
