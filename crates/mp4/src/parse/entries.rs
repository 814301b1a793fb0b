//! Fixed-size table entries bounded by their box (ISO/IEC 14496-12 §8.6, §8.7): every
//! view checks `entry_count × entry_size` against the bytes its box really holds
//! before it is built, so no count read from a file can make us read past a box or
//! allocate. Views borrow the mapped file; nothing is copied.

use crate::error::{defect, Result};
use crate::parse::boxes::Bx;
use crate::parse::bytes::{u32_at, u32_in};

/// `count` fixed-size entries starting at byte `start` of a box payload.
#[derive(Clone, Copy)]
pub(crate) struct Entries<'a> {
    /// Exactly `count × size` bytes.
    pub bytes: &'a [u8],
    /// File offset (bytes) of the first entry.
    pub offset: u64,
    /// Number of entries.
    pub count: u32,
}

impl<'a> Entries<'a> {
    /// Reads the `u32` entry count at payload byte `count_at`; the entries follow it.
    /// Errors: the count does not fit in the box.
    pub fn after_count(b: &Bx<'a>, count_at: usize, size: usize) -> Result<Self> {
        let p = b.payload();
        // The box name goes into the message only on failure (no allocation per table).
        let count = u32_at(p, count_at, "entry count")
            .map_err(|_| defect!("'{}' entry count is cut short", b.name()))?;
        let start = count_at + 4;
        Self::at(b, start, count, size)
    }

    /// `count` entries of `size` bytes at payload byte `start`.
    pub fn at(b: &Bx<'a>, start: usize, count: u32, size: usize) -> Result<Self> {
        let p = b.payload();
        let need = usize::try_from(count)
            .ok()
            .and_then(|c| c.checked_mul(size));
        let bytes = need
            .and_then(|n| start.checked_add(n))
            .and_then(|end| p.get(start..end))
            .ok_or_else(|| defect!("'{}' entry count {count} is larger than its box", b.name()))?;
        Ok(Entries {
            bytes,
            offset: b.payload_offset() + start as u64,
            count,
        })
    }

    /// The `u32` at byte `at` of entry `i`. `i < count` is the caller's contract.
    #[inline]
    pub fn u32(&self, i: u32, size: usize, at: usize) -> u32 {
        u32_in(self.bytes, i as usize * size + at)
    }
}

/// `stss` sync samples (§8.6.2): 1-based sample numbers, strictly increasing (checked
/// by the walks that rely on it).
pub(crate) fn u32_list<'a>(b: &Bx<'a>) -> Result<Entries<'a>> {
    Entries::after_count(b, 4, 4)
}
