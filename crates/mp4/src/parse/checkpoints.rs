//! Checkpoints of a track's sample-table walks, which the table views consult: where
//! the walks of `ctts` (ISO/IEC 14496-12 §8.6.1.3) and `stsc` (§8.7.4) stand every
//! [`EVERY`] samples, the `stsz` (§8.7.3) byte count before each such sample, and the
//! lowest and highest `stco`/`co64` (§8.7.5) offset of every [`EVERY`] chunks.
//!
//! A seek into a 2-hour film otherwise walks megabytes of tables; from the checkpoint
//! before a sample, a walk reads at most [`EVERY`] entries. Each view is a slice of
//! little-endian records (laid out here, with the functions that encode them), empty
//! when there are none, and every lookup gives the answer the walk from the table's
//! start gives. The core only reads checkpoints: the sample index (`crate::index`)
//! makes them, keeps them in its file format and checks them before handing them over.

use crate::parse::bytes::{le32, le64};

/// Samples (or chunks) between checkpoints: 1024, so a lookup reads at most one 4 KiB
/// page of `stsz` or `stco` and two of `ctts`.
pub(crate) const EVERY: u32 = 1024;

/// Record `k` of a view with `size`-byte records, or `None` past its end.
fn record(bytes: &[u8], size: usize, k: u64) -> Option<&[u8]> {
    let at = usize::try_from(k).ok()?.checked_mul(size)?;
    bytes.get(at..at.checked_add(size)?)
}

/// The checkpoint taken at or before sample `i`: number `i / EVERY`.
fn number_before(i: u64) -> u64 {
    i / u64::from(EVERY)
}

/// `ctts` checkpoints: record `k` is the entry holding sample `k × EVERY`, as
/// `Runs::locate` (`super::runs`) finds it from the start: entry `u32` (0-based), the
/// entry's first sample `u64`. `max` is the largest composition offset (media ticks)
/// the table gives any sample, at least 0.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct CttsCheckpoints<'a> {
    pub bytes: &'a [u8],
    pub max: i64,
}

impl CttsCheckpoints<'_> {
    /// Bytes of one record.
    pub const RECORD: usize = 12;

    /// The checkpoint at or before sample `i`, as `(entry, first sample of the
    /// entry)`, if any.
    pub fn before(&self, i: u64) -> Option<(u32, u64)> {
        let m = record(self.bytes, Self::RECORD, number_before(i))?;
        Some((le32(m, 0)?, le64(m, 4)?))
    }

    /// True when there are checkpoints.
    pub fn is_some(&self) -> bool {
        !self.bytes.is_empty()
    }

    /// The record of entry `entry` starting at sample `start`.
    pub fn record(entry: u32, start: u64) -> [u8; 12] {
        let mut r = [0u8; 12];
        r[..4].copy_from_slice(&entry.to_le_bytes());
        r[4..].copy_from_slice(&start.to_le_bytes());
        r
    }
}

/// Where a chunk walk stands at a `stsc` checkpoint: its `stsc` entry (0-based), the
/// chunk (0-based) holding the checkpoint's sample and that chunk's first sample.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct StscCheckpoint {
    pub entry: u32,
    pub chunk: u32,
    pub first_sample: u64,
}

/// `stsc` checkpoints: record `k` is the [`StscCheckpoint`] of the chunk holding sample
/// `k × EVERY`, as a chunk walk from chunk 0 finds it: entry `u32`, chunk `u32`, first
/// sample `u64`.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct StscCheckpoints<'a> {
    pub bytes: &'a [u8],
}

impl StscCheckpoints<'_> {
    /// Bytes of one record.
    pub const RECORD: usize = 16;

    /// The checkpoint at or before sample `s`, if any.
    pub fn before(&self, s: u64) -> Option<StscCheckpoint> {
        let m = record(self.bytes, Self::RECORD, number_before(s))?;
        Some(StscCheckpoint {
            entry: le32(m, 0)?,
            chunk: le32(m, 4)?,
            first_sample: le64(m, 8)?,
        })
    }

    /// The record of checkpoint `c`.
    pub fn record(c: &StscCheckpoint) -> [u8; 16] {
        let mut r = [0u8; 16];
        r[..4].copy_from_slice(&c.entry.to_le_bytes());
        r[4..8].copy_from_slice(&c.chunk.to_le_bytes());
        r[8..].copy_from_slice(&c.first_sample.to_le_bytes());
        r
    }
}

/// `stsz` checkpoints: record `k` (`u64`) is the bytes of samples `0..k × EVERY` (the
/// last record: of all samples).
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct SizeCheckpoints<'a> {
    pub bytes: &'a [u8],
}

impl SizeCheckpoints<'_> {
    /// Bytes of one record.
    pub const RECORD: usize = 8;

    /// Bytes before checkpoint `k`, if there is one.
    pub fn at(&self, k: u64) -> Option<u64> {
        le64(record(self.bytes, Self::RECORD, k)?, 0)
    }

    /// The record of `bytes` bytes.
    pub fn record(bytes: u64) -> [u8; 8] {
        bytes.to_le_bytes()
    }
}

/// `stco`/`co64` checkpoints: record `k` holds the lowest and highest offset (`u64`
/// each, file bytes) of chunks `k × EVERY .. (k + 1) × EVERY` (fewer in the last block).
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct OffsetCheckpoints<'a> {
    pub bytes: &'a [u8],
}

impl OffsetCheckpoints<'_> {
    /// Bytes of one record.
    pub const RECORD: usize = 16;

    /// Lowest and highest offset of block `k`, if there is one.
    pub fn block(&self, k: u64) -> Option<(u64, u64)> {
        let m = record(self.bytes, Self::RECORD, k)?;
        Some((le64(m, 0)?, le64(m, 8)?))
    }

    /// True when there are checkpoints.
    pub fn is_some(&self) -> bool {
        !self.bytes.is_empty()
    }

    /// The record of a block from `lowest` to `highest`.
    pub fn record(lowest: u64, highest: u64) -> [u8; 16] {
        let mut r = [0u8; 16];
        r[..8].copy_from_slice(&lowest.to_le_bytes());
        r[8..].copy_from_slice(&highest.to_le_bytes());
        r
    }
}

/// One track's checkpoints, with the sizes of the tables they were taken on: a track
/// whose tables have other sizes does not use them (`super::track::parse`).
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct TrackCheckpoints<'a> {
    /// Samples (`stsz`/`stz2` count) and chunks (`stco`/`co64` count).
    pub samples: u32,
    pub chunks: u32,
    /// `ctts` entries, `None` without `ctts`.
    pub ctts_entries: Option<u32>,
    pub stsc_entries: u32,
    /// Samples the `stsc` entries place in the chunks, as parsing `stsc` counts them
    /// (which this spares).
    pub stsc_samples: u64,
    pub ctts: CttsCheckpoints<'a>,
    pub stsc: StscCheckpoints<'a>,
    pub sizes: SizeCheckpoints<'a>,
    pub offsets: OffsetCheckpoints<'a>,
}
