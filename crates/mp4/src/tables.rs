//! Read-only views of the sample tables (ISO/IEC 14496-12 §8.6, §8.7).
//!
//! Every view checks `entry_count × entry_size` against the bytes its box really holds
//! before it is built, so no count read from a file can make us read past a box or
//! allocate. Views borrow the mapped file; nothing is copied.

use crate::boxes::Bx;
use crate::bytes::{u32_at, u32_in, u64_in};
use crate::error::{defect, Result};

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
        let count = u32_at(p, count_at, &format!("'{}' entry count", b.name()))?;
        let start = count_at + 4;
        Self::at(b, start, count, size)
    }

    /// `count` entries of `size` bytes at payload byte `start`.
    pub fn at(b: &Bx<'a>, start: usize, count: u32, size: usize) -> Result<Self> {
        let p = b.payload();
        let need = usize::try_from(count).ok().and_then(|c| c.checked_mul(size));
        let bytes = need
            .and_then(|n| start.checked_add(n))
            .and_then(|end| p.get(start..end))
            .ok_or_else(|| defect!("'{}' entry count {count} is larger than its box", b.name()))?;
        Ok(Entries { bytes, offset: b.payload_offset() + start as u64, count })
    }

    /// The `u32` at byte `at` of entry `i`. `i < count` is the caller's contract.
    #[inline]
    pub fn u32(&self, i: u32, size: usize, at: usize) -> u32 {
        u32_in(self.bytes, i as usize * size + at)
    }
}

/// A run-length table of `(sample_count, value)` pairs: `stts` (§8.6.1.2), `ctts`
/// (§8.6.1.3) and `sbgp` (§8.9.2) entries, 8 bytes each.
#[derive(Clone, Copy)]
pub(crate) struct Runs<'a> {
    pub entries: Entries<'a>,
}

impl<'a> Runs<'a> {
    /// Entry `i` as `(sample_count, value)`; `value` is raw (a `ctts` v1 offset is signed).
    #[inline]
    pub fn get(&self, i: u32) -> (u32, u32) {
        (self.entries.u32(i, 8, 0), self.entries.u32(i, 8, 4))
    }

    /// Number of entries.
    pub fn len(&self) -> u32 {
        self.entries.count
    }

    /// Total samples covered (sum of the counts).
    pub fn total(&self) -> u64 {
        (0..self.len()).map(|i| u64::from(self.get(i).0)).sum()
    }
}

/// `stts` or `ctts`: version/flags, entry_count, then 8-byte entries.
pub(crate) fn runs<'a>(b: &Bx<'a>) -> Result<Runs<'a>> {
    Ok(Runs { entries: Entries::after_count(b, 4, 8)? })
}

/// `stss` sync samples (§8.6.2): 1-based sample numbers, strictly increasing.
pub(crate) fn u32_list<'a>(b: &Bx<'a>) -> Result<Entries<'a>> {
    Entries::after_count(b, 4, 4)
}

/// `stsc` sample-to-chunk (§8.7.4): `(first_chunk, samples_per_chunk, sample_description_index)`.
#[derive(Clone, Copy)]
pub(crate) struct Stsc<'a> {
    pub entries: Entries<'a>,
}

impl Stsc<'_> {
    /// Entry `i` as `(first_chunk (1-based), samples_per_chunk, sample_description_index)`.
    #[inline]
    pub fn get(&self, i: u32) -> (u32, u32, u32) {
        (self.entries.u32(i, 12, 0), self.entries.u32(i, 12, 4), self.entries.u32(i, 12, 8))
    }
}

/// Parses `stsc`. Errors: count larger than the box; first chunks not strictly
/// increasing or not starting at 1; zero samples per chunk.
pub(crate) fn stsc<'a>(b: &Bx<'a>) -> Result<Stsc<'a>> {
    let s = Stsc { entries: Entries::after_count(b, 4, 12)? };
    let mut prev = 0u32;
    for (i, e) in s.entries.bytes.chunks_exact(12).enumerate() {
        let (first, spc) = (u32::from_be_bytes([e[0], e[1], e[2], e[3]]), u32::from_be_bytes([e[4], e[5], e[6], e[7]]));
        if first <= prev || (i == 0 && first != 1) {
            return Err(defect!("stsc first_chunk {first} is not increasing (entry {i})"));
        }
        if spc == 0 {
            return Err(defect!("stsc entry {i} has zero samples per chunk"));
        }
        prev = first;
    }
    Ok(s)
}

/// Sample sizes from `stsz` (§8.7.3.2) or `stz2` (§8.7.3.3).
#[derive(Clone, Copy)]
pub(crate) enum Sizes<'a> {
    /// Every sample has this size in bytes.
    Constant { size: u32, count: u32 },
    /// One entry per sample; `field_bits` is 32 for `stsz`, 4, 8 or 16 for `stz2`.
    Table { entries: Entries<'a>, field_bits: u8 },
}

impl Sizes<'_> {
    /// Number of samples in the track.
    pub fn count(&self) -> u32 {
        match self {
            Sizes::Constant { count, .. } => *count,
            Sizes::Table { entries, .. } => entries.count,
        }
    }

    /// Size in bytes of sample `i` (0-based). `i < count()` is the caller's contract.
    #[inline]
    pub fn get(&self, i: u32) -> u32 {
        match self {
            Sizes::Constant { size, .. } => *size,
            Sizes::Table { entries, field_bits: 32 } => entries.u32(i, 4, 0),
            Sizes::Table { entries, field_bits: 16 } => {
                let at = i as usize * 2;
                u32::from(u16::from_be_bytes([entries.bytes[at], entries.bytes[at + 1]]))
            }
            Sizes::Table { entries, field_bits: 8 } => u32::from(entries.bytes[i as usize]),
            Sizes::Table { entries, .. } => {
                let byte = entries.bytes[i as usize / 2];
                u32::from(if i % 2 == 0 { byte >> 4 } else { byte & 0x0f })
            }
        }
    }

    /// Sum of the sizes of samples `from..to`, in bytes. `to <= count()` is the
    /// caller's contract.
    pub fn sum(&self, from: u32, to: u32) -> u64 {
        match self {
            Sizes::Constant { size, .. } => u64::from(*size) * u64::from(to.saturating_sub(from)),
            Sizes::Table { entries, field_bits: 32 } => sum_be32(&entries.bytes[from as usize * 4..to.max(from) as usize * 4]),
            _ => (from..to).map(|i| u64::from(self.get(i))).sum(),
        }
    }
}

/// Sum of big-endian `u32`s (a `stsz` table: a cut sums 100k+ sizes). Byte columns
/// are summed in 16-bit lanes of a `u64`, two entries per step (no byte swap per
/// entry), flushed before a lane can overflow, then recombined.
fn sum_be32(bytes: &[u8]) -> u64 {
    const LANES: u64 = 0x00FF_00FF_00FF_00FF;
    // cols[k]: sum of byte k (0 = most significant) of every entry. A block of 256
    // pairs adds at most 2 * 256 * 255 < 2^16 to a lane: the wrapping adds never wrap.
    let mut cols = [0u64; 4];
    let whole = bytes.len() / 8 * 8;
    for block in bytes[..whole].chunks(8 * 256) {
        let (mut even, mut odd) = (0u64, 0u64);
        for p in block.chunks_exact(8) {
            // chunks_exact(8) yields 8-byte slices: the conversion cannot fail.
            let w = u64::from_le_bytes(p.try_into().unwrap_or([0; 8]));
            even = even.wrapping_add(w & LANES);
            odd = odd.wrapping_add((w >> 8) & LANES);
        }
        let lane = |v: u64, k: u32| (v >> (16 * k)) & 0xFFFF;
        cols[0] += lane(even, 0) + lane(even, 2);
        cols[1] += lane(odd, 0) + lane(odd, 2);
        cols[2] += lane(even, 1) + lane(even, 3);
        cols[3] += lane(odd, 1) + lane(odd, 3);
    }
    for c in bytes[whole..].chunks_exact(4) {
        cols.iter_mut().zip(c).for_each(|(col, &b)| *col += u64::from(b));
    }
    // Each column is below 2^8 * 2^30 (the table lies in memory); the total fits u128.
    let total = cols.iter().fold(0u128, |acc, &c| (acc << 8) + u128::from(c));
    u64::try_from(total).unwrap_or(u64::MAX)
}

#[cfg(test)]
#[test]
fn column_sums_equal_plain_sums() {
    let mut x = 0x9E37_79B9_u32;
    let mut data = Vec::new();
    for n in [0usize, 1, 2, 3, 511, 512, 513, 1500] {
        data.clear();
        for _ in 0..n {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            data.extend_from_slice(&(if n == 1500 { u32::MAX } else { x }).to_be_bytes());
        }
        let plain: u64 = data.chunks_exact(4).map(|c| u64::from(u32::from_be_bytes([c[0], c[1], c[2], c[3]]))).sum();
        assert_eq!(sum_be32(&data), plain, "{n} entries");
    }
}

/// Parses `stsz` or `stz2`. Errors: count larger than the box, bad `stz2` field size.
pub(crate) fn sizes<'a>(b: &Bx<'a>) -> Result<Sizes<'a>> {
    let p = b.payload();
    if &b.typ == b"stsz" {
        let size = u32_at(p, 4, "stsz sample_size")?;
        let count = u32_at(p, 8, "stsz sample_count")?;
        if size != 0 {
            return Ok(Sizes::Constant { size, count });
        }
        return Ok(Sizes::Table { entries: Entries::at(b, 12, count, 4)?, field_bits: 32 });
    }
    let field_bits = u32_at(p, 4, "stz2 field_size")? & 0xff;
    let count = u32_at(p, 8, "stz2 sample_count")?;
    let bytes_needed = match field_bits {
        4 => count.div_ceil(2),
        8 => count,
        16 => count.checked_mul(2).ok_or_else(|| defect!("stz2 sample_count {count} too large"))?,
        other => return Err(defect!("stz2 field_size {other} is not 4, 8 or 16")),
    };
    let raw = Entries::at(b, 12, bytes_needed, 1)?;
    let entries = Entries { count, ..raw };
    Ok(Sizes::Table { entries, field_bits: field_bits as u8 })
}

/// Chunk offsets from `stco` (§8.7.5, 32-bit) or `co64` (64-bit), in file bytes.
#[derive(Clone, Copy)]
pub(crate) struct ChunkOffsets<'a> {
    pub entries: Entries<'a>,
    /// Entry width in bytes: 4 (`stco`) or 8 (`co64`).
    pub width: usize,
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
}

/// Parses `stco` or `co64`. Errors: count larger than the box.
pub(crate) fn chunk_offsets<'a>(b: &Bx<'a>) -> Result<ChunkOffsets<'a>> {
    let width = if &b.typ == b"co64" { 8 } else { 4 };
    Ok(ChunkOffsets { entries: Entries::after_count(b, 4, width)?, width })
}
