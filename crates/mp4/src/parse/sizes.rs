//! Sample sizes from `stsz` (ISO/IEC 14496-12 §8.7.3.2) or `stz2` (§8.7.3.3): one
//! sample's size, and the bytes of a range of samples.

use crate::error::{defect, Result};
use crate::parse::boxes::Bx;
use crate::parse::bytes::u32_at;
use crate::parse::checkpoints::{SizeCheckpoints, EVERY};
use crate::parse::columns::be32_sum;
use crate::parse::entries::Entries;

/// A parsed `stsz` or `stz2`.
#[derive(Clone, Copy)]
pub(crate) enum Sizes<'a> {
    /// Every sample has this size in bytes.
    Constant { size: u32, count: u32 },
    /// One entry per sample; `field_bits` is 32 for `stsz`, 4, 8 or 16 for `stz2`;
    /// `checkpoints`: from a sample index (none without one).
    Table {
        entries: Entries<'a>,
        field_bits: u8,
        checkpoints: SizeCheckpoints<'a>,
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
        self.sum_checkpointed(from, to)
            .unwrap_or_else(|| self.sum_entries(from, to))
    }

    /// [`Sizes::sum`] from the checkpoints, for a range longer than two stretches;
    /// `None` without checkpoints or for a shorter range.
    fn sum_checkpointed(&self, from: u32, to: u32) -> Option<u64> {
        let Sizes::Table { checkpoints, .. } = self else {
            return None;
        };
        if to.saturating_sub(from) <= 2 * EVERY {
            return None;
        }
        self.before(checkpoints, to)?
            .checked_sub(self.before(checkpoints, from)?)
    }

    /// Bytes of samples `0..x`, from the checkpoint at or before `x`.
    fn before(&self, checkpoints: &SizeCheckpoints<'_>, x: u32) -> Option<u64> {
        let k = x / EVERY;
        checkpoints
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
            } => be32_sum(&entries.bytes[from as usize * 4..to.max(from) as usize * 4]),
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
            checkpoints: SizeCheckpoints::default(),
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
        checkpoints: SizeCheckpoints::default(),
    })
}
