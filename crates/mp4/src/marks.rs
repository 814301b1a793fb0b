//! Checkpoints of a track's sample-table walks, from a sample index ([`crate::sindex`]):
//! where the walks of `ctts` (ISO/IEC 14496-12 §8.6.1.3) and `stsc` (§8.7.4) stand
//! every [`EVERY`] samples, the `stsz` (§8.7.3) byte count before each such sample,
//! and the lowest and highest `stco`/`co64` (§8.7.5) offset of every [`EVERY`] chunks.
//!
//! A seek into a 2-hour film otherwise walks megabytes of tables; from the checkpoint
//! before a sample, a walk reads at most [`EVERY`] entries. Each view is a slice of
//! little-endian fields in the index, empty when there is no index, and every lookup
//! gives the answer the walk from the table's start gives (tests in `sindex`).

use crate::chunks::{ChunkInfo, WalkPlace};
use crate::runs::RunPos;

/// Samples (or chunks) between checkpoints: 1024, so a lookup reads at most one 4 KiB
/// page of `stsz` or `stco` and two of `ctts`.
pub(crate) const EVERY: u32 = 1024;

/// Bytes of one [`RunMarks`] checkpoint: entry `u32`, first sample `u64`.
pub(crate) const RUN_MARK: usize = 12;
/// Bytes of one [`WalkMarks`] checkpoint: entry `u32`, chunk `u32`, first sample `u64`.
pub(crate) const WALK_MARK: usize = 16;
/// Bytes of one [`SumMarks`] value: `u64`.
pub(crate) const SUM_MARK: usize = 8;
/// Bytes of one [`SpanMarks`] block: lowest and highest offset, `u64` each.
pub(crate) const SPAN_MARK: usize = 16;

/// The little-endian `u32` at byte `at` of `b`, `None` when cut short.
pub(crate) fn le32(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_le_bytes(
        b.get(at..at.checked_add(4)?)?.try_into().ok()?,
    ))
}

/// The little-endian `u64` at byte `at` of `b`, `None` when cut short.
pub(crate) fn le64(b: &[u8], at: usize) -> Option<u64> {
    Some(u64::from_le_bytes(
        b.get(at..at.checked_add(8)?)?.try_into().ok()?,
    ))
}

/// Checkpoint `k` of a view with `size`-byte items, or `None` past its end.
fn item(bytes: &[u8], size: usize, k: u64) -> Option<&[u8]> {
    let at = usize::try_from(k).ok()?.checked_mul(size)?;
    bytes.get(at..at.checked_add(size)?)
}

/// `ctts` checkpoints: checkpoint `k` is the entry holding sample `k × EVERY`, as
/// [`crate::tables::Runs::locate`] finds it from the start; `max` is the largest
/// composition offset the table gives any sample (at least 0).
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct RunMarks<'a> {
    pub bytes: &'a [u8],
    pub max: i64,
}

impl RunMarks<'_> {
    /// The checkpoint at or before sample `i`, if any.
    pub fn before(&self, i: u64) -> Option<RunPos> {
        let m = item(self.bytes, RUN_MARK, i / u64::from(EVERY))?;
        Some(RunPos {
            entry: le32(m, 0)?,
            start: le64(m, 4)?,
        })
    }

    /// True when there are checkpoints.
    pub fn is_some(&self) -> bool {
        !self.bytes.is_empty()
    }
}

/// `stsc` checkpoints: checkpoint `k` is the place of the chunk holding sample
/// `k × EVERY`, as a [`crate::chunks::ChunkWalk`] from chunk 0 finds it.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct WalkMarks<'a> {
    pub bytes: &'a [u8],
}

impl WalkMarks<'_> {
    /// The checkpoint at or before sample `s`, if any.
    pub fn before(&self, s: u64) -> Option<WalkPlace> {
        let m = item(self.bytes, WALK_MARK, s / u64::from(EVERY))?;
        let chunk = ChunkInfo {
            index: le32(m, 4)?,
            first_sample: le64(m, 8)?,
            ..ChunkInfo::default()
        };
        Some(WalkPlace {
            entry: le32(m, 0)?,
            chunk,
        })
    }
}

/// `stsz` checkpoints: value `k` is the bytes of samples `0..k × EVERY` (the last
/// value: of all samples).
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct SumMarks<'a> {
    pub bytes: &'a [u8],
}

impl SumMarks<'_> {
    /// Bytes before checkpoint `k`, if marked.
    pub fn at(&self, k: u64) -> Option<u64> {
        le64(item(self.bytes, SUM_MARK, k)?, 0)
    }
}

/// `stco`/`co64` checkpoints: block `k` holds the lowest and highest offset of
/// chunks `k × EVERY .. (k + 1) × EVERY` (fewer in the last block).
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct SpanMarks<'a> {
    pub bytes: &'a [u8],
}

impl SpanMarks<'_> {
    /// Lowest and highest offset of block `k`, if marked.
    pub fn block(&self, k: u64) -> Option<(u64, u64)> {
        let m = item(self.bytes, SPAN_MARK, k)?;
        Some((le64(m, 0)?, le64(m, 8)?))
    }

    /// True when there are checkpoints.
    pub fn is_some(&self) -> bool {
        !self.bytes.is_empty()
    }
}
