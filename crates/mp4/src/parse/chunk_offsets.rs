//! Chunk offsets from `stco` (ISO/IEC 14496-12 §8.7.5, 32-bit) or `co64` (64-bit), in
//! file bytes: one chunk's offset, and the lowest and highest of a range of chunks.

use crate::error::Result;
use crate::parse::boxes::Bx;
use crate::parse::bytes::u64_in;
use crate::parse::checkpoints::{OffsetCheckpoints, EVERY};
use crate::parse::columns::{be32_min_max, be64_min_max};
use crate::parse::entries::Entries;

/// A parsed `stco` or `co64`.
#[derive(Clone, Copy)]
pub(crate) struct ChunkOffsets<'a> {
    pub entries: Entries<'a>,
    /// Entry width in bytes: 4 (`stco`) or 8 (`co64`).
    pub width: usize,
    /// Checkpoints from a sample index (none without one).
    pub checkpoints: OffsetCheckpoints<'a>,
}

impl ChunkOffsets<'_> {
    /// File offset (bytes) of chunk `i` (0-based). `i < count` is the caller's contract.
    #[inline]
    pub fn get(&self, i: u32) -> u64 {
        if self.width == 8 {
            u64_in(self.entries.bytes, i as usize * 8)
        } else {
            u64::from(self.entries.u32(i, 4, 0))
        }
    }

    /// Number of chunks.
    pub fn count(&self) -> u32 {
        self.entries.count
    }

    /// Lowest and highest offset of chunks `from..to` (0-based; `to <= count()`), or
    /// `None` when the range is empty. With checkpoints, a long range reads at most
    /// two stretches of [`EVERY`] entries.
    pub fn min_max(&self, from: u32, to: u32) -> Option<(u64, u64)> {
        self.min_max_checkpointed(from, to)
            .or_else(|| self.min_max_entries(from, to))
    }

    /// [`ChunkOffsets::min_max`] from the whole blocks' checkpoints and the entries
    /// around them, for a range longer than two stretches; `None` without checkpoints
    /// or for a shorter range (a range with a whole block is never empty).
    fn min_max_checkpointed(&self, from: u32, to: u32) -> Option<(u64, u64)> {
        let (head_end, tail_start) = (from.div_ceil(EVERY), to / EVERY);
        if !self.checkpoints.is_some()
            || to.saturating_sub(from) <= 2 * EVERY
            || head_end >= tail_start
        {
            return None;
        }
        let wider = |a: Option<(u64, u64)>, (l, h): (u64, u64)| {
            Some(a.map_or((l, h), |(al, ah)| (al.min(l), ah.max(h))))
        };
        let mut found = self.min_max_entries(from, head_end * EVERY);
        for k in head_end..tail_start {
            found = wider(found, self.checkpoints.block(u64::from(k))?);
        }
        match self.min_max_entries(tail_start * EVERY, to) {
            Some(tail) => wider(found, tail),
            None => found,
        }
    }

    /// [`ChunkOffsets::min_max`] read from the table itself.
    pub fn min_max_entries(&self, from: u32, to: u32) -> Option<(u64, u64)> {
        let w = self.width;
        let rest = self
            .entries
            .bytes
            .get(from as usize * w..to as usize * w)
            .unwrap_or_default();
        if w == 8 {
            be64_min_max(rest.as_chunks::<8>().0)
        } else {
            be32_min_max(rest.as_chunks::<4>().0).map(|(l, h)| (u64::from(l), u64::from(h)))
        }
    }
}

/// Parses `stco` or `co64`. Errors: count larger than the box.
pub(crate) fn chunk_offsets<'a>(b: &Bx<'a>) -> Result<ChunkOffsets<'a>> {
    let width = if &b.typ == b"co64" { 8 } else { 4 };
    Ok(ChunkOffsets {
        entries: Entries::after_count(b, 4, width)?,
        width,
        checkpoints: OffsetCheckpoints::default(),
    })
}
