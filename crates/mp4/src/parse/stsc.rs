//! The `stsc` sample-to-chunk view (ISO/IEC 14496-12 §8.7.4): entries of
//! `(first_chunk, samples_per_chunk, sample_description_index)`, checked and counted in
//! one pass when parsed.

use crate::error::{defect, Mp4Error, Result};
use crate::parse::boxes::Bx;
use crate::parse::checkpoints::StscCheckpoints;
use crate::parse::entries::Entries;

/// A parsed `stsc`.
#[derive(Clone, Copy)]
pub(crate) struct Stsc<'a> {
    pub entries: Entries<'a>,
    /// Samples the entries place in the track's chunks (entries past the last chunk
    /// count for nothing).
    pub samples: u64,
    /// Checkpoints from a sample index (none without one).
    pub checkpoints: StscCheckpoints<'a>,
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
    known: Option<(u64, StscCheckpoints<'a>)>,
) -> Result<Stsc<'a>> {
    let entries = Entries::after_count(b, 4, 12)?;
    if let Some((samples, checkpoints)) = known {
        return Ok(Stsc {
            entries,
            samples,
            checkpoints,
        });
    }
    let limit = chunk_count.saturating_add(1);
    let all = entries.bytes.as_chunks::<12>().0;
    // One branch-free pass (an audio track has one entry per two chunks): the chunks
    // of each entry are counted when the next one gives their end; defects are named
    // after.
    let mut ok = all.first().is_none_or(|e| e[..4] == [0, 0, 0, 1]);
    let (mut prev_first, mut prev_spc, mut samples) = (0u32, 0u32, 0u64);
    for e in all {
        let (first, spc) = (
            u32::from_be_bytes([e[0], e[1], e[2], e[3]]),
            u32::from_be_bytes([e[4], e[5], e[6], e[7]]),
        );
        ok &= (first > prev_first) & (spc != 0);
        samples += entry_samples(prev_first, first, limit, prev_spc);
        (prev_first, prev_spc) = (first, spc);
    }
    if !ok {
        return Err(stsc_defect(all));
    }
    samples += entry_samples(prev_first, limit, limit, prev_spc);
    Ok(Stsc {
        entries,
        samples,
        checkpoints: StscCheckpoints::default(),
    })
}

/// Samples of the chunks `from..to` (1-based; both clipped to `limit`, one past the
/// last chunk), `spc` in each. At most 2^32 × 2^32: a u64.
#[inline]
fn entry_samples(from: u32, to: u32, limit: u32, spc: u32) -> u64 {
    u64::from(to.min(limit).saturating_sub(from.min(limit))) * u64::from(spc)
}

/// The first defect of `stsc` entries that [`stsc`] found wrong.
fn stsc_defect(all: &[[u8; 12]]) -> Mp4Error {
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
