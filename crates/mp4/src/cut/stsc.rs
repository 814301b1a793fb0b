//! The `stsc` of a cut (ISO/IEC 14496-12 §8.7.4): the first and last kept chunks hold
//! only the kept samples; the entries between are the source's, renumbered from 1, and
//! are generated while sending (an audio track alternating 43 and 44 samples per chunk
//! has one entry per two chunks: 22,500 entries for the second hour of a film; see
//! `crate::emit::shifted`).

use crate::parse::stsc::Stsc;
use crate::walk::chunks::{entry_of, ChunkInfo};

/// One entry: `(first_chunk (1-based), samples_per_chunk, sample_description_index)`.
pub(crate) type Entry = (u32, u32, u32);

/// A cut `stsc`: generated `head` entries, then source entries `middle` (`(first
/// entry, count)`) with `shift` subtracted from their first chunk, then `tail`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct StscCut {
    pub head: Vec<Entry>,
    pub middle: Option<(u32, u32)>,
    pub tail: Vec<Entry>,
    pub shift: u32,
}

impl StscCut {
    /// The cut keeping samples `first..end`, which lie in chunks `c0..=c1`. Entries that
    /// repeat the previous one's samples and description are left out at the seams.
    pub fn new(stsc: &Stsc<'_>, c0: &ChunkInfo, c1: &ChunkInfo, first: u32, end: u32) -> StscCut {
        let k0 = (c0.first_sample + u64::from(c0.samples)).min(u64::from(end)) - u64::from(first);
        // k0 <= samples per chunk, a u32.
        let mut cut = StscCut {
            head: vec![(1, k0 as u32, c0.description)],
            middle: None,
            tail: Vec::new(),
            shift: c0.number,
        };
        if c1.number == c0.number {
            return cut;
        }
        let (lo, hi) = (c0.number + 1, c1.number); // middle chunks lo..hi, 0-based
        if lo < hi {
            cut.middle_entries(stsc, lo, hi);
        }
        // end - c1.first_sample <= samples per chunk.
        let last = (
            c1.number - c0.number + 1,
            (u64::from(end) - c1.first_sample) as u32,
            c1.description,
        );
        if cut
            .last(stsc)
            .is_none_or(|l| (l.1, l.2) != (last.1, last.2))
        {
            cut.tail.push(last);
        }
        cut
    }

    /// Adds the entries of middle chunks `lo..hi` (0-based): the one in effect at `lo`
    /// generated, those starting inside as a source range.
    fn middle_entries(&mut self, stsc: &Stsc<'_>, lo: u32, hi: u32) {
        let n = stsc.entries.count;
        let e = entry_of(stsc, lo);
        let (_, spc, sdi) = stsc.get(e);
        if self.head.last().is_none_or(|l| (l.1, l.2) != (spc, sdi)) {
            self.head.push((lo - self.shift + 1, spc, sdi));
        }
        // Entries starting in lo..hi: those up to the one in effect at hi - 1.
        let (from, to) = (e + 1, (entry_of(stsc, hi - 1) + 1).min(n));
        if to > from {
            self.middle = Some((from, to - from));
        }
    }

    /// The last entry so far.
    fn last(&self, stsc: &Stsc<'_>) -> Option<Entry> {
        match self.middle {
            Some((from, count)) => Some(stsc.get(from + count - 1)),
            None => self.head.last().copied(),
        }
    }

    /// Number of entries.
    pub fn count(&self) -> u32 {
        // head has at most 2 entries and tail 1; middle counts source entries (u32).
        self.head.len() as u32 + self.middle.map_or(0, |m| m.1) + self.tail.len() as u32
    }

    /// All entries, in order (for tests and small tables).
    #[cfg(test)]
    pub fn entries(&self, stsc: &Stsc<'_>) -> Vec<Entry> {
        let middle = self.middle.map_or(0..0, |(f, c)| f..f + c).map(|i| {
            let (fc, spc, sdi) = stsc.get(i);
            (fc - self.shift, spc, sdi)
        });
        self.head
            .iter()
            .copied()
            .chain(middle)
            .chain(self.tail.iter().copied())
            .collect()
    }
}
