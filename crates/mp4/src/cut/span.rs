//! The kept part of a cut track in chunk terms (ISO/IEC 14496-12 §8.7.4, §8.7.5): its
//! first and last kept chunks, found from the `stsc` entries without visiting every
//! chunk, the file bytes from the first kept byte to the last, and the new `stsc`.

use crate::cut::stsc::StscCut;
use crate::error::{defect, Result};
use crate::parse::track::Track;
use crate::walk::chunk_range::ChunkRange;
use crate::walk::chunks::{ChunkInfo, ChunkWalk, WalkPlace};
use crate::walk::lookup::{chunk_from, end_in, offset_in};

/// What a cut keeps of one track's samples `first..end`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Span {
    /// The kept chunks; the first one's offset moves past the samples cut off.
    pub chunks: ChunkRange,
    /// File offset of the first kept byte and just past the last one.
    pub start: u64,
    pub end: u64,
    /// Bytes of all kept samples.
    pub bytes: u64,
    /// The new `stsc`.
    pub stsc: StscCut,
    /// Where a chunk walk yields the first kept chunk (for the time map).
    pub first_chunk: WalkPlace,
}

/// The span of samples `first..end` (0-based, `first < end <= samples`) of `t`.
/// Errors: the tables do not place those samples, or the last kept byte lies past
/// `file_len`.
pub(crate) fn span(t: &Track<'_>, first: u32, end: u32, file_len: u64) -> Result<Span> {
    let mut walk = ChunkWalk::new(&t.stsc, t.chunks.count());
    let c0 = chunk_from(&mut walk, first)?;
    let first_chunk = walk.place_of(c0);
    let c1 = if u64::from(end) <= c0.first_sample + u64::from(c0.samples) {
        c0
    } else if let Some(c) = last_chunk(t, end).filter(|c| c.number >= c0.number) {
        c
    } else {
        chunk_from(&mut walk, end - 1)?
    };
    let start = offset_in(t, &c0, first)?;
    let skip = start - t.chunks.get(c0.number);
    let last = end_in(t, &c1, end)?;
    if last > file_len || c1.number < c0.number {
        return Err(defect!(
            "chunk {} ending at byte {last} lies past the end of the file ({file_len})",
            c1.number + 1
        ));
    }
    let chunks = ChunkRange {
        first: c0.number,
        count: c1.number - c0.number + 1,
        skip,
    };
    let stsc = StscCut::new(&t.stsc, &c0, &c1, first, end);
    Ok(Span {
        chunks,
        start,
        end: last.max(start),
        bytes: t.sizes.sum(first, end),
        stsc,
        first_chunk,
    })
}

/// The chunk holding sample `end - 1` when that is the track's last sample and the
/// last chunk's: `stsc` places exactly the `stsz` samples and its last entry reaches
/// the last chunk. Saves a walk over the `stsc` entries after the cut (an audio track
/// has one per two chunks).
fn last_chunk(t: &Track<'_>, end: u32) -> Option<ChunkInfo> {
    let n = t.stsc.entries.count.checked_sub(1)?;
    let (first_chunk, samples, description) = t.stsc.get(n);
    let number = t.chunks.count().checked_sub(1)?;
    if end != t.samples || t.stsc.samples != u64::from(t.samples) || first_chunk > t.chunks.count()
    {
        return None;
    }
    let first_sample = u64::from(t.samples).checked_sub(u64::from(samples))?;
    Some(ChunkInfo {
        number,
        first_sample,
        samples,
        description,
    })
}
