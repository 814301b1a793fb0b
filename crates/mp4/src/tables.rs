//! Read-only views of the sample tables (ISO/IEC 14496-12 §8.6, §8.7).
//!
//! Every view checks `entry_count × entry_size` against the bytes its box really holds
//! before it is built, so no count read from a file can make us read past a box or
//! allocate. Views borrow the mapped file; nothing is copied.

use crate::boxes::Bx;
use crate::bytes::{u32_at, u32_in, u64_in};
use crate::error::{defect, Result};
use crate::marks::{RunMarks, SpanMarks, SumMarks, WalkMarks, EVERY};

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

/// A run-length table of `(sample_count, value)` pairs: `stts` (§8.6.1.2), `ctts`
/// (§8.6.1.3) and `sbgp` (§8.9.2) entries, 8 bytes each.
#[derive(Clone, Copy)]
pub(crate) struct Runs<'a> {
    pub entries: Entries<'a>,
    /// Checkpoints from a sample index (none without one).
    pub marks: RunMarks<'a>,
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
    Ok(Runs {
        entries: Entries::after_count(b, 4, 8)?,
        marks: RunMarks::default(),
    })
}

/// `stss` sync samples (§8.6.2): 1-based sample numbers, strictly increasing.
pub(crate) fn u32_list<'a>(b: &Bx<'a>) -> Result<Entries<'a>> {
    Entries::after_count(b, 4, 4)
}

/// `stsc` sample-to-chunk (§8.7.4): `(first_chunk, samples_per_chunk, sample_description_index)`.
#[derive(Clone, Copy)]
pub(crate) struct Stsc<'a> {
    pub entries: Entries<'a>,
    /// Samples the entries place in the track's chunks (runs past the last chunk
    /// count for nothing).
    pub samples: u64,
    /// Checkpoints from a sample index (none without one).
    pub marks: WalkMarks<'a>,
}

impl Stsc<'_> {
    /// Entry `i` as `(first_chunk (1-based), samples_per_chunk, sample_description_index)`.
    #[inline]
    pub fn get(&self, i: u32) -> (u32, u32, u32) {
        (
            self.entries.u32(i, 12, 0),
            self.entries.u32(i, 12, 4),
            self.entries.u32(i, 12, 8),
        )
    }
}

/// Parses `stsc` for a track of `chunk_count` chunks, counting the samples it places
/// in them in the same pass. `known`: the count and checkpoints a sample index of this
/// very file recorded when it checked the table, which spares the pass. Errors: count
/// larger than the box; first chunks not strictly increasing or not starting at 1;
/// zero samples per chunk.
pub(crate) fn stsc<'a>(
    b: &Bx<'a>,
    chunk_count: u32,
    known: Option<(u64, WalkMarks<'a>)>,
) -> Result<Stsc<'a>> {
    let entries = Entries::after_count(b, 4, 12)?;
    if let Some((samples, marks)) = known {
        return Ok(Stsc {
            entries,
            samples,
            marks,
        });
    }
    let limit = chunk_count.saturating_add(1);
    let all = entries.bytes.as_chunks::<12>().0;
    // One branch-free pass (an audio track has one entry per two chunks): the run of
    // each entry is counted when the next one gives its end; defects are named after.
    let mut ok = all.first().is_none_or(|e| e[..4] == [0, 0, 0, 1]);
    let (mut prev_first, mut prev_spc, mut samples) = (0u32, 0u32, 0u64);
    for e in all {
        let (first, spc) = (
            u32::from_be_bytes([e[0], e[1], e[2], e[3]]),
            u32::from_be_bytes([e[4], e[5], e[6], e[7]]),
        );
        ok &= (first > prev_first) & (spc != 0);
        samples += run_samples(prev_first, first, limit, prev_spc);
        (prev_first, prev_spc) = (first, spc);
    }
    if !ok {
        return Err(stsc_defect(all));
    }
    samples += run_samples(prev_first, limit, limit, prev_spc);
    Ok(Stsc {
        entries,
        samples,
        marks: WalkMarks::default(),
    })
}

/// Samples of the chunks `from..to` (1-based; both clipped to `limit`, one past the
/// last chunk), `spc` in each. At most 2^32 × 2^32: a u64.
#[inline]
fn run_samples(from: u32, to: u32, limit: u32, spc: u32) -> u64 {
    u64::from(to.min(limit).saturating_sub(from.min(limit))) * u64::from(spc)
}

/// The first defect of `stsc` entries that [`stsc`] found wrong.
fn stsc_defect(all: &[[u8; 12]]) -> crate::error::Mp4Error {
    let mut prev = 0u32;
    for (i, e) in all.iter().enumerate() {
        let (first, spc) = (
            u32::from_be_bytes([e[0], e[1], e[2], e[3]]),
            u32::from_be_bytes([e[4], e[5], e[6], e[7]]),
        );
        if first <= prev || (i == 0 && first != 1) {
            return defect!("stsc first_chunk {first} is not increasing (entry {i})");
        }
        if spc == 0 {
            return defect!("stsc entry {i} has zero samples per chunk");
        }
        prev = first;
    }
    defect!("stsc is malformed")
}

/// Sample sizes from `stsz` (§8.7.3.2) or `stz2` (§8.7.3.3).
#[derive(Clone, Copy)]
pub(crate) enum Sizes<'a> {
    /// Every sample has this size in bytes.
    Constant { size: u32, count: u32 },
    /// One entry per sample; `field_bits` is 32 for `stsz`, 4, 8 or 16 for `stz2`;
    /// `marks`: checkpoints from a sample index (none without one).
    Table {
        entries: Entries<'a>,
        field_bits: u8,
        marks: SumMarks<'a>,
    },
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
            Sizes::Table {
                entries,
                field_bits: 32,
                ..
            } => entries.u32(i, 4, 0),
            Sizes::Table {
                entries,
                field_bits: 16,
                ..
            } => {
                let at = i as usize * 2;
                u32::from(u16::from_be_bytes([
                    entries.bytes[at],
                    entries.bytes[at + 1],
                ]))
            }
            Sizes::Table {
                entries,
                field_bits: 8,
                ..
            } => u32::from(entries.bytes[i as usize]),
            Sizes::Table { entries, .. } => {
                let byte = entries.bytes[i as usize / 2];
                u32::from(if i.is_multiple_of(2) {
                    byte >> 4
                } else {
                    byte & 0x0f
                })
            }
        }
    }

    /// Sum of the sizes of samples `from..to`, in bytes. `to <= count()` is the
    /// caller's contract. With checkpoints, a long range reads at most two stretches
    /// of [`EVERY`] entries.
    pub fn sum(&self, from: u32, to: u32) -> u64 {
        self.sum_marked(from, to)
            .unwrap_or_else(|| self.sum_entries(from, to))
    }

    /// [`Sizes::sum`] from the checkpoints, for a range longer than two stretches;
    /// `None` without checkpoints or for a shorter range.
    fn sum_marked(&self, from: u32, to: u32) -> Option<u64> {
        let Sizes::Table { marks, .. } = self else {
            return None;
        };
        if to.saturating_sub(from) <= 2 * EVERY {
            return None;
        }
        self.before(marks, to)?
            .checked_sub(self.before(marks, from)?)
    }

    /// Bytes of samples `0..x`, from the checkpoint at or before `x`.
    fn before(&self, marks: &SumMarks<'_>, x: u32) -> Option<u64> {
        let k = x / EVERY;
        marks
            .at(u64::from(k))?
            .checked_add(self.sum_entries(k * EVERY, x))
    }

    /// [`Sizes::sum`] read from the table itself.
    fn sum_entries(&self, from: u32, to: u32) -> u64 {
        match self {
            Sizes::Constant { size, .. } => u64::from(*size) * u64::from(to.saturating_sub(from)),
            Sizes::Table {
                entries,
                field_bits: 32,
                ..
            } => {
                crate::wide::be32_sum(&entries.bytes[from as usize * 4..to.max(from) as usize * 4])
            }
            _ => (from..to).map(|i| u64::from(self.get(i))).sum(),
        }
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
        return Ok(Sizes::Table {
            entries: Entries::at(b, 12, count, 4)?,
            field_bits: 32,
            marks: SumMarks::default(),
        });
    }
    let field_bits = u32_at(p, 4, "stz2 field_size")? & 0xff;
    let count = u32_at(p, 8, "stz2 sample_count")?;
    let bytes_needed = match field_bits {
        4 => count.div_ceil(2),
        8 => count,
        16 => count
            .checked_mul(2)
            .ok_or_else(|| defect!("stz2 sample_count {count} too large"))?,
        other => return Err(defect!("stz2 field_size {other} is not 4, 8 or 16")),
    };
    let raw = Entries::at(b, 12, bytes_needed, 1)?;
    let entries = Entries { count, ..raw };
    Ok(Sizes::Table {
        entries,
        field_bits: field_bits as u8,
        marks: SumMarks::default(),
    })
}

/// Chunk offsets from `stco` (§8.7.5, 32-bit) or `co64` (64-bit), in file bytes.
#[derive(Clone, Copy)]
pub(crate) struct ChunkOffsets<'a> {
    pub entries: Entries<'a>,
    /// Entry width in bytes: 4 (`stco`) or 8 (`co64`).
    pub width: usize,
    /// Checkpoints from a sample index (none without one).
    pub marks: SpanMarks<'a>,
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
        self.min_max_marked(from, to)
            .or_else(|| self.min_max_entries(from, to))
    }

    /// [`ChunkOffsets::min_max`] from the whole blocks' checkpoints and the entries
    /// around them, for a range longer than two stretches; `None` without checkpoints
    /// or for a shorter range (a range with a whole block is never empty).
    fn min_max_marked(&self, from: u32, to: u32) -> Option<(u64, u64)> {
        let (head_end, tail_start) = (from.div_ceil(EVERY), to / EVERY);
        if !self.marks.is_some() || to.saturating_sub(from) <= 2 * EVERY || head_end >= tail_start {
            return None;
        }
        let wider = |a: Option<(u64, u64)>, (l, h): (u64, u64)| {
            Some(a.map_or((l, h), |(al, ah)| (al.min(l), ah.max(h))))
        };
        let mut found = self.min_max_entries(from, head_end * EVERY);
        for k in head_end..tail_start {
            found = wider(found, self.marks.block(u64::from(k))?);
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
            crate::wide::be64_min_max(rest.as_chunks::<8>().0)
        } else {
            crate::wide::be32_min_max(rest.as_chunks::<4>().0)
                .map(|(l, h)| (u64::from(l), u64::from(h)))
        }
    }
}

/// Parses `stco` or `co64`. Errors: count larger than the box.
pub(crate) fn chunk_offsets<'a>(b: &Bx<'a>) -> Result<ChunkOffsets<'a>> {
    let width = if &b.typ == b"co64" { 8 } else { 4 };
    Ok(ChunkOffsets {
        entries: Entries::after_count(b, 4, width)?,
        width,
        marks: SpanMarks::default(),
    })
}
