//! Output chunk offsets (`stco`/`co64`, ISO/IEC 14496-12 §8.7.5), checked at planning
//! time and generated from the source table while the body is sent: a 2-hour film has
//! 100k+ chunks per track, too many to keep in every streamer's memory.

use crate::emit::layout::{Layout, Mapper, Stretch};
use crate::error::{defect, Result};
use crate::parse::chunk_offsets::ChunkOffsets;
use crate::walk::chunk_range::ChunkRange;
use loomiere_plan::{Generate, Source};
use std::io;
use std::sync::Arc;

/// Checks that every chunk of `range` lands in `layout` and returns the largest output
/// offset (relative to the layout), or `None` for an empty range. O(chunks), no
/// allocation. Errors: a chunk offset in no stretch of the layout.
pub(crate) fn check(
    table: &ChunkOffsets<'_>,
    range: ChunkRange,
    layout: &Layout,
) -> Result<Option<u64>> {
    if let Some(stretch) = layout.only_stretch() {
        return check_in_stretch(table, range, stretch);
    }
    let mut mapper = layout.mapper();
    let mut max = None;
    for src in range.sources(table) {
        let src = src?;
        let dst = mapper
            .map(src)
            .ok_or_else(|| defect!("chunk offset {src} points outside the sample data"))?;
        max = max.max(Some(dst));
    }
    Ok(max)
}

/// [`check`] against a layout of one stretch: the lowest and highest offsets decide,
/// so the loop is a plain min/max over the table.
fn check_in_stretch(
    table: &ChunkOffsets<'_>,
    range: ChunkRange,
    stretch: Stretch,
) -> Result<Option<u64>> {
    let end = range.first.saturating_add(range.count).min(table.count());
    if range.first >= end {
        return Ok(None);
    }
    let head = range.moved_checked(true, table.get(range.first))?;
    let (mut lo, mut hi) = (head, head);
    if let Some((l, h)) = table.min_max(range.first + 1, end) {
        (lo, hi) = (lo.min(l), hi.max(h));
    }
    let inside = |o: u64| o >= stretch.src && o - stretch.src <= stretch.len;
    for o in [lo, hi] {
        if !inside(o) {
            return Err(defect!("chunk offset {o} points outside the sample data"));
        }
    }
    Ok(Some(stretch.dst + (hi - stretch.src)))
}

/// The entries of an output `stco`/`co64` box: each source chunk offset of `range`,
/// mapped through `layout`, plus `base` (where the layout lands in the body).
#[derive(Debug)]
pub(crate) struct OffsetTable {
    /// File offset of source entry `range.first`, and the source entry width (4 or 8).
    pub src: u64,
    pub src_width: u8,
    pub range: ChunkRange,
    pub layout: Arc<Layout>,
    pub base: u64,
    /// Output entry width: 4 (`stco`) or 8 (`co64`).
    pub width: u8,
}

/// Source entries read per block while generating.
const BLOCK: usize = 512;

impl OffsetTable {
    /// Output entry `i` (0-based within the range) from its raw source value.
    fn entry(&self, i: u64, raw: u64, mapper: &mut Mapper<'_>) -> io::Result<u64> {
        let src = self.range.moved(i == 0, raw);
        let dst = src
            .and_then(|s| mapper.map(s))
            .and_then(|d| d.checked_add(self.base))
            .ok_or_else(|| lost(raw))?;
        if self.width == 4 && dst > u64::from(u32::MAX) {
            return Err(needs_co64(dst));
        }
        Ok(dst)
    }

    /// Rewrites one whole entry of the output width in place: entry `i` of the range,
    /// holding its source value.
    fn rewrite(&self, i: u64, entry: &mut [u8], mapper: &mut Mapper<'_>) -> io::Result<()> {
        let dst = self.entry(i, be_value(entry), mapper)?;
        entry.copy_from_slice(&dst.to_be_bytes()[8 - entry.len()..]);
        Ok(())
    }

    /// File offset of source entry `first` (0-based within the range).
    fn source_at(&self, first: u64) -> io::Result<u64> {
        first
            .checked_mul(u64::from(self.src_width))
            .and_then(|o| o.checked_add(self.src))
            .ok_or_else(|| invalid("entry offset overflows".into()))
    }

    /// Reads source entries `from..from + n` into `buf` (big-endian values).
    fn read_block(
        &self,
        source: &dyn Source,
        from: u64,
        n: usize,
        buf: &mut [u8; BLOCK * 8],
    ) -> io::Result<()> {
        source.read_exact_at(
            &mut buf[..n * self.src_width as usize],
            self.source_at(from)?,
        )
    }

    /// Whole entries from entry `first`, source and output of the same width: one read
    /// straight into `out`, then each entry rewritten where it lies.
    fn fill_in_place(&self, source: &dyn Source, first: u64, out: &mut [u8]) -> io::Result<()> {
        source.read_exact_at(out, self.source_at(first)?)?;
        if let Some(stretch) = self.layout.only_stretch() {
            return self.shift_in_place(first, out, stretch);
        }
        let mut mapper = self.layout.mapper();
        for (k, entry) in out.chunks_exact_mut(usize::from(self.width)).enumerate() {
            self.rewrite(first + k as u64, entry, &mut mapper)?;
        }
        Ok(())
    }

    /// [`OffsetTable::fill_in_place`] through a layout of one stretch: every entry but
    /// the range's first (moved by `skip`) shifts by the same amount, `stretch.dst +
    /// base - stretch.src`, in a tight loop over fixed-size entries (100k+ per track).
    fn shift_in_place(&self, first: u64, out: &mut [u8], stretch: Stretch) -> io::Result<()> {
        let mut rest = out;
        if first == 0 && !rest.is_empty() {
            let (head, tail) = rest.split_at_mut(usize::from(self.width));
            self.rewrite(0, head, &mut self.layout.mapper())?;
            rest = tail;
        }
        let to = stretch
            .dst
            .checked_add(self.base)
            .ok_or_else(|| invalid("output offset overflows".into()))?;
        let moved = |raw: u64| {
            let at = (raw.wrapping_sub(stretch.src) <= stretch.len).then(|| raw - stretch.src);
            at.and_then(|at| at.checked_add(to))
                .ok_or_else(|| lost(raw))
        };
        if self.width == 8 {
            for e in rest.as_chunks_mut::<8>().0 {
                *e = moved(u64::from_be_bytes(*e))?.to_be_bytes();
            }
            return Ok(());
        }
        for e in rest.as_chunks_mut::<4>().0 {
            let dst = moved(u64::from(u32::from_be_bytes(*e)))?;
            *e = u32::try_from(dst)
                .map_err(|_| needs_co64(dst))?
                .to_be_bytes();
        }
        Ok(())
    }
}

impl Generate for OffsetTable {
    fn len(&self) -> u64 {
        u64::from(self.range.count) * u64::from(self.width)
    }

    fn fill(&self, source: &dyn Source, at: u64, out: &mut [u8]) -> io::Result<()> {
        let (w, sw) = (u64::from(self.width), self.src_width as usize);
        if self.width == self.src_width
            && at.is_multiple_of(w)
            && (out.len() as u64).is_multiple_of(w)
        {
            return self.fill_in_place(source, at / w, out);
        }
        let mut mapper = self.layout.mapper();
        let mut raw = [0u8; BLOCK * 8];
        let mut done = 0usize;
        while done < out.len() {
            let pos = at + done as u64;
            let first = pos / w;
            let n = usize::try_from((u64::from(self.range.count) - first).min(BLOCK as u64))
                .unwrap_or(BLOCK);
            self.read_block(source, first, n, &mut raw)?;
            for (k, chunk) in raw[..n * sw].chunks_exact(sw).enumerate() {
                let dst = self.entry(first + k as u64, be_value(chunk), &mut mapper)?;
                let bytes = dst.to_be_bytes();
                let entry = &bytes[8 - self.width as usize..];
                let entry_start = (first + k as u64) * w;
                let from = (at + done as u64 - entry_start) as usize;
                let take = (entry.len() - from).min(out.len() - done);
                out[done..done + take].copy_from_slice(&entry[from..from + take]);
                done += take;
                if done == out.len() {
                    break;
                }
            }
        }
        Ok(())
    }
}

/// A big-endian entry of 4 or 8 bytes as its value.
fn be_value(entry: &[u8]) -> u64 {
    entry.iter().fold(0u64, |v, &b| v << 8 | u64::from(b))
}

/// A source offset that no longer lands in the output (the file changed after planning).
fn lost(raw: u64) -> io::Error {
    invalid(format!("chunk offset {raw} no longer maps into the output"))
}

/// An output offset past 4 GiB in a `stco` (the file changed after planning).
fn needs_co64(dst: u64) -> io::Error {
    invalid(format!("chunk offset {dst} needs co64"))
}

fn invalid(msg: String) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, msg)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A source holding 40 filler bytes, then `values` as 4-byte entries.
    fn source(values: &[u32]) -> Vec<u8> {
        let mut v = vec![0xAB; 40];
        values
            .iter()
            .for_each(|x| v.extend_from_slice(&x.to_be_bytes()));
        v
    }

    fn table(layout: Layout, count: u32, skip: u64, width: u8, base: u64) -> OffsetTable {
        let range = ChunkRange {
            first: 0,
            count,
            skip,
        };
        OffsetTable {
            src: 40,
            src_width: 4,
            range,
            layout: Arc::new(layout),
            base,
            width,
        }
    }

    /// The 5 output values of `layout` over `sources` (skip 7, base 64) at widths 4
    /// and 8; every part of the table, at any byte range, equals that part of the whole.
    fn values_whole_and_in_parts(layout: impl Fn() -> Layout, sources: &[u32]) -> Vec<Vec<u64>> {
        let src = source(sources);
        let mut all = Vec::new();
        for width in [4u8, 8] {
            let t = table(layout(), 5, 7, width, 64);
            let w = usize::from(width);
            let mut whole = vec![0; 5 * w];
            t.fill(&src.as_slice(), 0, &mut whole).unwrap();
            all.push(whole.chunks(w).map(be_value).collect());
            for at in 0..whole.len() {
                for end in at + 1..=whole.len() {
                    let mut part = vec![0; end - at];
                    t.fill(&src.as_slice(), at as u64, &mut part).unwrap();
                    assert_eq!(part, whole[at..end], "width {width}, bytes {at}..{end}");
                }
            }
        }
        all
    }

    #[test]
    fn every_part_of_the_table_is_the_same_as_the_whole() {
        let values = values_whole_and_in_parts(
            || Layout::packed(&[&[(1000, 300), (5000, 20)]]).unwrap(),
            &[1000, 1100, 5000, 5010, 1200],
        );
        // 1000 + skip 7 -> 7; 1100 -> 100; 5000 -> 300; 5010 -> 310; 1200 -> 200 (out of order).
        assert_eq!(values, vec![vec![71, 164, 364, 374, 264]; 2]);
    }

    #[test]
    fn a_single_stretch_shifts_every_entry_alike_in_whole_and_in_parts() {
        // Source entries are 4 bytes; the output is 4 (stco, the shift) or 8 (co64, the
        // general path).
        let values = values_whole_and_in_parts(
            || Layout::single(1000, 300).unwrap(),
            &[1000, 1100, 1290, 1010, 1300],
        );
        // 1000 + skip 7 -> 7; the rest minus 1000; 1300 is the stretch's end: all plus 64.
        assert_eq!(values, vec![vec![71, 164, 354, 74, 364]; 2]);
        // Past the stretch, below it, or past 4 GiB in a later entry: errors, not wrong bytes.
        for (values, base) in [
            (vec![1000, 1301], 0),
            (vec![1000, 999], 0),
            (vec![1000, 1200], u64::from(u32::MAX) - 100),
        ] {
            let t = table(Layout::single(1000, 300).unwrap(), 2, 0, 4, base);
            assert!(
                t.fill(&source(&values).as_slice(), 4, &mut [0; 4]).is_err(),
                "{values:?} + {base}"
            );
        }
    }

    #[test]
    fn offsets_that_no_longer_map_or_fit_are_errors() {
        let src = source(&[1000, 9999]);
        let t = table(Layout::single(1000, 10).unwrap(), 2, 0, 4, 0);
        assert!(
            t.fill(&src.as_slice(), 0, &mut [0; 8]).is_err(),
            "9999 lies in no stretch"
        );
        let t = table(
            Layout::single(1000, 10).unwrap(),
            1,
            1,
            4,
            u64::from(u32::MAX),
        );
        assert!(
            t.fill(&src.as_slice(), 0, &mut [0; 4]).is_err(),
            "past 4 GiB needs co64"
        );
        let mut wide = [0; 8];
        table(
            Layout::single(1000, 10).unwrap(),
            1,
            1,
            8,
            u64::from(u32::MAX),
        )
        .fill(&src.as_slice(), 0, &mut wide)
        .unwrap();
        assert_eq!(u64::from_be_bytes(wide), 1 << 32);
        let t = table(Layout::single(1000, 10).unwrap(), 2, 0, 4, 0);
        assert!(
            t.fill(&&src[..44], 0, &mut [0; 8]).is_err(),
            "a source cut short"
        );
        let two = ChunkOffsets {
            entries: entries(&src, 2),
            width: 4,
            checkpoints: Default::default(),
        };
        assert_eq!(check(&two, t.range, &t.layout).map_err(|_| ()), Err(()));
    }

    fn entries(src: &[u8], count: u32) -> crate::parse::entries::Entries<'_> {
        crate::parse::entries::Entries {
            bytes: &src[40..40 + 4 * count as usize],
            offset: 40,
            count,
        }
    }
}
