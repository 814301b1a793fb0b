//! The `stsc` of a cut (ISO/IEC 14496-12 §8.7.4): the first and last kept chunks hold
//! only the kept samples; the entries between are the source's, renumbered from 1, and
//! are generated while sending (an audio track alternating 43 and 44 samples per chunk
//! has one entry per two chunks: 22,500 entries for the second hour of a film).

use crate::chunks::ChunkInfo;
use crate::tables::Stsc;
use loomiere_plan::{Generate, Source};
use std::io;

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
            shift: c0.index,
        };
        if c1.index == c0.index {
            return cut;
        }
        let (lo, hi) = (c0.index + 1, c1.index); // middle chunks lo..hi, 0-based
        if lo < hi {
            cut.middle_entries(stsc, lo, hi);
        }
        // end - c1.first_sample <= samples per chunk.
        let last = (
            c1.index - c0.index + 1,
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

/// The `stsc` entry whose run holds chunk `c` (0-based): binary search over the
/// strictly increasing first chunks (checked when `stsc` was parsed, all >= 1).
fn entry_of(stsc: &Stsc<'_>, c: u32) -> u32 {
    let (mut lo, mut hi) = (0u32, stsc.entries.count);
    while lo < hi {
        let mid = lo + (hi - lo) / 2;
        if stsc.get(mid).0 - 1 <= c {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    lo.saturating_sub(1)
}

/// `count` source entries of `size` bytes (4: `stss`, 12: `stsc`) from file offset
/// `src`, with `shift` subtracted from the `u32` each starts with (a sample or chunk
/// number): the middle of a cut table, generated while sending.
#[derive(Debug)]
pub(crate) struct ShiftedEntries {
    pub src: u64,
    pub count: u32,
    pub size: u8,
    pub shift: u32,
}

impl Generate for ShiftedEntries {
    fn len(&self) -> u64 {
        u64::from(self.count) * u64::from(self.size)
    }

    /// One read of the source bytes behind `out` (output and source entries have the
    /// same layout), then each entry's leading `u32` shifted where it lies; a leading
    /// field cut by the edge of `out` is read on its own.
    fn fill(&self, source: &dyn Source, at: u64, out: &mut [u8]) -> io::Result<()> {
        let size = u64::from(self.size.max(4));
        let end = at + out.len() as u64;
        source.read_exact_at(
            out,
            self.src.checked_add(at).ok_or(io::ErrorKind::InvalidData)?,
        )?;
        for i in at / size..end.div_ceil(size) {
            let (f0, f1) = (i * size, i * size + 4);
            let (lo, hi) = (f0.max(at), f1.min(end));
            if lo >= hi {
                continue;
            }
            let mut field = [0u8; 4];
            if f0 >= at && f1 <= end {
                field.copy_from_slice(&out[(f0 - at) as usize..(f1 - at) as usize]);
            } else {
                source.read_exact_at(
                    &mut field,
                    self.src.checked_add(f0).ok_or(io::ErrorKind::InvalidData)?,
                )?;
            }
            let shifted = u32::from_be_bytes(field)
                .checked_sub(self.shift)
                .ok_or(io::ErrorKind::InvalidData)?
                .to_be_bytes();
            out[(lo - at) as usize..(hi - at) as usize]
                .copy_from_slice(&shifted[(lo - f0) as usize..(hi - f0) as usize]);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shifted_entries_read_in_any_parts_equal_the_whole() {
        let mut src = vec![0xCC; 5];
        for (fc, spc, sdi) in [(10u32, 4u32, 1u32), (12, 5, 1), (20, 4, 2)] {
            [fc, spc, sdi]
                .iter()
                .for_each(|x| src.extend_from_slice(&x.to_be_bytes()));
        }
        let g = ShiftedEntries {
            src: 5,
            count: 3,
            size: 12,
            shift: 8,
        };
        let mut whole = vec![0; 36];
        g.fill(&src.as_slice(), 0, &mut whole).unwrap();
        let firsts: Vec<u32> = whole
            .chunks(12)
            .map(|e| u32::from_be_bytes([e[0], e[1], e[2], e[3]]))
            .collect();
        assert_eq!(firsts, vec![2, 4, 12]);
        assert_eq!(
            &whole[4..12],
            &src[9..17],
            "samples per chunk and description unchanged"
        );
        for at in 0..36 {
            for end in at + 1..=36 {
                let mut part = vec![0; end - at];
                g.fill(&src.as_slice(), at as u64, &mut part).unwrap();
                assert_eq!(part, whole[at..end], "bytes {at}..{end}");
            }
        }
        let below = ShiftedEntries {
            src: 5,
            count: 1,
            size: 12,
            shift: 11,
        };
        assert!(
            below.fill(&src.as_slice(), 0, &mut [0; 12]).is_err(),
            "a first chunk below the shift"
        );
    }
}
