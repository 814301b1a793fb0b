//! Consecutive chunks of one track (ISO/IEC 14496-12 §8.7.5), the first one
//! possibly entered part way: what a body takes of a chunk table.

use crate::error::{defect, Result};
use crate::parse::chunk_offsets::ChunkOffsets;

/// `count` chunks from chunk `first` (0-based); the first one's data starts `skip`
/// bytes after its table offset (a cut that starts inside a chunk).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct ChunkRange {
    pub first: u32,
    pub count: u32,
    pub skip: u64,
}

impl ChunkRange {
    /// Every chunk of a table, unmoved.
    pub fn all(table: &ChunkOffsets<'_>) -> Self {
        ChunkRange {
            first: 0,
            count: table.count(),
            skip: 0,
        }
    }

    /// Where a chunk's kept data starts, from its table value `raw` (bytes): moved by
    /// `skip` when it is the range's first chunk. `None` when that overflows.
    pub fn moved(&self, is_first: bool, raw: u64) -> Option<u64> {
        if is_first {
            raw.checked_add(self.skip)
        } else {
            Some(raw)
        }
    }

    /// [`ChunkRange::moved`] as a planning result. Errors: the offset overflows.
    pub fn moved_checked(&self, is_first: bool, raw: u64) -> Result<u64> {
        self.moved(is_first, raw)
            .ok_or_else(|| defect!("chunk offset overflows 64 bits"))
    }

    /// The source offsets of the range, in table order (`count` values).
    pub fn sources<'a>(
        self,
        table: &'a ChunkOffsets<'a>,
    ) -> impl Iterator<Item = Result<u64>> + 'a {
        let end = self.first.saturating_add(self.count).min(table.count());
        (self.first..end).map(move |c| self.moved_checked(c == self.first, table.get(c)))
    }
}
