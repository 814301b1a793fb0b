//! The kept part of a cut track in chunk terms, found from the `stsc` entries
//! (ISO/IEC 14496-12 §8.7.4) without visiting every chunk, and the single-run layout
//! that most files allow: one copy of the sample data from the first kept byte to
//! the last, as nginx's mp4 module sends it, used only when that copy holds every kept
//! chunk and next to nothing else (see [`single_run`]).

use crate::chunks::{ChunkInfo, ChunkWalk, WalkPlace};
use crate::error::{add, defect, Result};
use crate::layout::Layout;
use crate::offsets::{check, ChunkRange};
use crate::stsc::StscCut;
use crate::track::Track;

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
    let c0 = chunk_of(&mut walk, first)?;
    let first_chunk = walk.place_of(c0);
    let c1 = if u64::from(end) <= c0.first_sample + u64::from(c0.samples) {
        c0
    } else if let Some(c) = last_chunk(t, end).filter(|c| c.index >= c0.index) {
        c
    } else {
        chunk_of(&mut walk, end - 1)?
    };
    let skip = t.sizes.sum(first_of(&c0), first);
    let start = add(t.chunks.get(c0.index), skip, "chunk offset")?;
    let last = add(
        t.chunks.get(c1.index),
        t.sizes.sum(first_of(&c1), end),
        "chunk end",
    )?;
    if last > file_len || c1.index < c0.index {
        return Err(defect!(
            "chunk {} ending at byte {last} lies past the end of the file ({file_len})",
            c1.index + 1
        ));
    }
    let chunks = ChunkRange {
        first: c0.index,
        count: c1.index - c0.index + 1,
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
    let index = t.chunks.count().checked_sub(1)?;
    if end != t.samples || t.stsc.samples != u64::from(t.samples) || first_chunk > t.chunks.count()
    {
        return None;
    }
    let first_sample = u64::from(t.samples).checked_sub(u64::from(samples))?;
    Some(ChunkInfo {
        index,
        first_sample,
        samples,
        description,
    })
}

/// First sample of a chunk as `u32` (samples are counted by `stsz` in `u32`).
fn first_of(c: &ChunkInfo) -> u32 {
    u32::try_from(c.first_sample).unwrap_or(u32::MAX)
}

/// The chunk holding sample `s`, at or after where `walk` stands. O(`stsc` entries).
fn chunk_of(walk: &mut ChunkWalk<'_, '_>, s: u32) -> Result<ChunkInfo> {
    walk.skip_to_sample(u64::from(s));
    walk.next()
        .filter(|c| {
            c.first_sample <= u64::from(s) && u64::from(s) < c.first_sample + u64::from(c.samples)
        })
        .ok_or_else(|| defect!("stsc places no chunk for sample {}", u64::from(s) + 1))
}

/// Most bytes of dropped samples a single run may carry, as a fraction of its length:
/// 1/1024. Muxers interleave by decode time, so the audio frame or two just before
/// a cut often lies after the key frame's chunk (132 bytes of 69.6 MB in a 2-hour
/// film); packing them out would cost a walk over every kept chunk.
const WASTE_DIVISOR: u64 = 1024;

/// The single run from the first kept byte of any track to the last, when it holds
/// every kept chunk of every track and at most 1/[`WASTE_DIVISOR`] of it is bytes
/// of no kept sample; `None` otherwise (the caller then packs chunk by chunk).
/// `spans` is parallel to `tracks` (`None`: nothing kept). With the layout come the
/// tracks' largest output chunk offsets, as [`check`] gives them.
pub(crate) fn single_run(
    tracks: &[Track<'_>],
    spans: &[Option<Span>],
) -> Result<Option<(Layout, Vec<Option<u64>>)>> {
    let kept = || spans.iter().flatten();
    let (Some(start), Some(end)) = (kept().map(|s| s.start).min(), kept().map(|s| s.end).max())
    else {
        return Ok(None);
    };
    let bytes = kept().try_fold(0u64, |acc, s| acc.checked_add(s.bytes));
    let len = end - start;
    if bytes.is_none_or(|b| b > len || len - b > len / WASTE_DIVISOR) {
        return Ok(None);
    }
    let layout = Layout::single(start, end - start)?;
    let mut maxima = Vec::with_capacity(spans.len());
    for (t, s) in tracks.iter().zip(spans) {
        let range = s.as_ref().map_or_else(ChunkRange::default, |s| s.chunks);
        match check(&t.chunks, range, &layout) {
            Ok(max) => maxima.push(max),
            Err(_) => return Ok(None),
        }
    }
    Ok(Some((layout, maxima)))
}
