//! Range queries over one track's sample tables (ISO/IEC 14496-12 §8.6, §8.7), shared
//! by the `?start=` cut and HLS segments: the decode time of a sample, the first sample
//! at a decode time, a sample's composition offset, the bytes of a range of samples,
//! the chunk and file offset of a sample, the sync samples of a range, and the file
//! ranges of a range of samples chunk by chunk. [`super::samples`] walks the same
//! tables sample by sample.
//!
//! Units: samples are 0-based (`u32`, as `stsz` counts them), ranges `from..to` end
//! exclusive; times are media ticks (the `mdhd` timescale); sizes and offsets are
//! bytes. Finding a sample costs one pass over the `stts`, `ctts` or `stsc` entries at
//! most (from a checkpoint, when the track has them), never a step per sample before
//! it; only its offset adds the sizes before it in its own chunk, which the format
//! gives no other way (at most two stretches of [`EVERY`] with checkpoints). Errors
//! (never a panic): a sample or range past the track's samples, tables that do not
//! place a sample, an offset past 64 bits.
//!
//! [`EVERY`]: crate::parse::checkpoints::EVERY

use crate::error::{add, defect, Result};
use crate::parse::runs::RunPos;
use crate::parse::track::Track;
use crate::walk::chunks::{ChunkInfo, ChunkWalk, WalkPlace};
use crate::walk::run_cursor::RunCursor;

/// Errors unless `from <= to <= samples`.
pub(crate) fn check_range(t: &Track<'_>, from: u32, to: u32) -> Result<()> {
    if from > to || to > t.samples {
        return Err(defect!(
            "samples {from}..{to} do not lie within the track's {}",
            t.samples
        ));
    }
    Ok(())
}

/// Errors unless `i` is a sample of `t` (`i < samples`).
fn check_sample(t: &Track<'_>, i: u32) -> Result<()> {
    if i >= t.samples {
        return Err(defect!("sample {i} is past the track's {}", t.samples));
    }
    Ok(())
}

/// A decode time of `stts` (`u128` in the cursor) as `u64` ticks: it always fits, as a
/// sample number (below 2^32) times a delta (below 2^32) does; checked all the same.
pub(crate) fn ticks(dts: u128, i: u32) -> Result<u64> {
    u64::try_from(dts).map_err(|_| defect!("decode time of sample {} overflows", u64::from(i) + 1))
}

/// Decode time of sample `i` (`i == samples`: the track's total duration), media
/// ticks. O(`stts` entries). Errors: `i` past the samples.
pub(crate) fn dts(t: &Track<'_>, i: u32) -> Result<u64> {
    check_range(t, i, i)?;
    ticks(RunCursor::new(t.stts).dts(u64::from(i)), i)
}

/// The first sample whose decode time is at least `ticks` media ticks, or the
/// track's sample count when none is. O(`stts` entries).
pub(crate) fn first_dts_at_least(t: &Track<'_>, ticks: u64) -> u32 {
    let found = RunCursor::new(t.stts).first_dts_at_least(u128::from(ticks));
    u32::try_from(found).unwrap_or(t.samples).min(t.samples)
}

/// Composition offset of sample `i` (`ctts`, signed as players read it; 0 without
/// `ctts` or past its end), media ticks. O(`ctts` entries), O([`EVERY`]) with
/// checkpoints. Errors: `i` is not a sample.
///
/// [`EVERY`]: crate::parse::checkpoints::EVERY
#[cfg_attr(not(test), allow(dead_code))] // for HLS segments (coming)
pub(crate) fn cto(t: &Track<'_>, i: u32) -> Result<i32> {
    check_sample(t, i)?;
    let Some(ctts) = t.ctts else {
        return Ok(0);
    };
    let at = ctts.locate(RunPos::default(), u64::from(i));
    Ok(if at.entry < ctts.len() {
        ctts.get(at.entry).1 as i32
    } else {
        0
    })
}

/// Bytes of samples `from..to`. O(1) for a constant size; with checkpoints, at most
/// two stretches of [`EVERY`] entries are read; else O(`to - from`). Errors: not a
/// range of the track's samples.
///
/// [`EVERY`]: crate::parse::checkpoints::EVERY
pub(crate) fn bytes(t: &Track<'_>, from: u32, to: u32) -> Result<u64> {
    check_range(t, from, to)?;
    Ok(t.sizes.sum(from, to))
}

/// The chunk holding sample `i`, with the place where a chunk walk yields it (to
/// walk on from there). O(`stsc` entries), O([`EVERY`]) with checkpoints. Errors: `i`
/// is not a sample, or `stsc` places no chunk for it.
///
/// [`EVERY`]: crate::parse::checkpoints::EVERY
#[cfg_attr(not(test), allow(dead_code))] // for HLS segments (coming)
pub(crate) fn chunk_of(t: &Track<'_>, i: u32) -> Result<(ChunkInfo, WalkPlace)> {
    check_sample(t, i)?;
    let mut walk = ChunkWalk::new(&t.stsc, t.chunks.count());
    let c = chunk_from(&mut walk, i)?;
    Ok((c, walk.place_of(c)))
}

/// The chunk holding sample `s`, at or after where `walk` stands (which then stands
/// past it). Errors: `stsc` places no chunk for it there.
pub(crate) fn chunk_from(walk: &mut ChunkWalk<'_, '_>, s: u32) -> Result<ChunkInfo> {
    walk.skip_to_sample(u64::from(s));
    walk.next()
        .filter(|c| {
            c.first_sample <= u64::from(s) && u64::from(s) < c.first_sample + u64::from(c.samples)
        })
        .ok_or_else(|| defect!("stsc places no chunk for sample {}", u64::from(s) + 1))
}

/// File offset of sample `i`. O(`stsc` entries) with the bytes before it in its
/// chunk (see [`bytes`]). Errors: as [`chunk_of`], or an offset past 64 bits.
#[cfg_attr(not(test), allow(dead_code))] // for HLS segments (coming)
pub(crate) fn offset_of(t: &Track<'_>, i: u32) -> Result<u64> {
    let (c, _) = chunk_of(t, i)?;
    offset_in(t, &c, i)
}

/// File offset of sample `i` of chunk `c` (or, for `i` one past its last sample, of
/// the byte after it): the chunk's offset plus the bytes of its samples before `i`.
/// `c` comes from a chunk walk of `t` and `i` lies in it: the caller's contract.
/// Errors: past 64 bits.
pub(crate) fn offset_in(t: &Track<'_>, c: &ChunkInfo, i: u32) -> Result<u64> {
    at_in(t, c, i, "chunk offset")
}

/// [`offset_in`] for the end of a range: the byte after sample `to - 1` of chunk `c`.
pub(crate) fn end_in(t: &Track<'_>, c: &ChunkInfo, to: u32) -> Result<u64> {
    at_in(t, c, to, "chunk end")
}

/// The byte where sample `i` of chunk `c` starts; `what` names it in the error.
fn at_in(t: &Track<'_>, c: &ChunkInfo, i: u32, what: &str) -> Result<u64> {
    add(t.chunks.get(c.number), t.sizes.sum(first_of(c), i), what)
}

/// First sample of a chunk as `u32` (samples are counted by `stsz` in `u32`).
pub(crate) fn first_of(c: &ChunkInfo) -> u32 {
    u32::try_from(c.first_sample).unwrap_or(u32::MAX)
}

/// Sync samples (0-based) of `t`, increasing: `stss` entries (§8.6.2), or every sample
/// without `stss`. O(`stss` entries) to check them. Errors: entries that are zero,
/// past the sample count, or not increasing.
pub(crate) fn syncs<'t>(t: &'t Track<'_>) -> Result<Box<dyn Iterator<Item = u32> + 't>> {
    let Some(stss) = t.stss else {
        return Ok(Box::new(0..t.samples));
    };
    check_stss(t)?;
    Ok(Box::new(
        (0..stss.count).map(move |i| stss.u32(i, 4, 0) - 1),
    ))
}

/// Checks that the `stss` entries of `t` (if any) are increasing sample numbers of it.
fn check_stss(t: &Track<'_>) -> Result<()> {
    let Some(stss) = t.stss else {
        return Ok(());
    };
    let mut prev = 0u32;
    for i in 0..stss.count {
        let s = stss.u32(i, 4, 0);
        if s <= prev || s > t.samples {
            return Err(defect!(
                "stss entry {i} ({s}) is not increasing or past the {} samples",
                t.samples
            ));
        }
        prev = s;
    }
    Ok(())
}

/// The sync samples of `from..to` with their decode times (media ticks), increasing.
/// O(`stss` entries) to check `stss`, a binary search to the first, then
/// O(`stts` entries) for all the decode times. Errors: not a range of the track's
/// samples, or as [`syncs`].
pub(crate) fn syncs_between<'t>(
    t: &'t Track<'_>,
    from: u32,
    to: u32,
) -> Result<impl Iterator<Item = Result<(u32, u64)>> + 't> {
    check_range(t, from, to)?;
    check_stss(t)?;
    // The first `stss` entry at or after `from`: entries are checked increasing.
    let (first, count) = match t.stss {
        Some(stss) => {
            let (mut lo, mut hi) = (0u32, stss.count);
            while lo < hi {
                let mid = lo + (hi - lo) / 2;
                if stss.u32(mid, 4, 0) - 1 < from {
                    lo = mid + 1;
                } else {
                    hi = mid;
                }
            }
            (lo, stss.count)
        }
        None => (from, to),
    };
    let stss = t.stss;
    let sample = move |k: u32| stss.map_or(k, |e| e.u32(k, 4, 0) - 1);
    let mut dts = RunCursor::new(t.stts);
    Ok((first..count)
        .map(sample)
        .take_while(move |&s| s < to)
        .map(move |s| Ok((s, ticks(dts.dts(u64::from(s)), s)?))))
}

/// The file byte ranges `(offset, len)` of samples `from..to`, one per chunk holding
/// any of them, in chunk order. O(`stsc` entries) to the first, then one step per
/// chunk. Errors: tables that do not place them, or a range past `file_len`.
pub(crate) fn file_ranges(
    t: &Track<'_>,
    from: u32,
    to: u32,
    file_len: u64,
) -> Result<Vec<(u64, u64)>> {
    let mut walk = ChunkWalk::new(&t.stsc, t.chunks.count());
    walk.skip_to_sample(u64::from(from));
    // At most one chunk per kept sample, and no more than the chunks left: reserving
    // once avoids regrowing (and re-faulting) vectors of 100k+ entries.
    let room =
        (t.chunks.count().saturating_sub(walk.next_number())).min(to.saturating_sub(from)) as usize;
    let mut out = Vec::with_capacity(room);
    for chunk in walk {
        let chunk_end = chunk.first_sample + u64::from(chunk.samples);
        if chunk_end <= u64::from(from) {
            continue;
        }
        if chunk.first_sample >= u64::from(to) {
            break;
        }
        out.push(range_in(t, &chunk, from, to, file_len)?);
    }
    Ok(out)
}

/// The file range of the samples of chunk `c` within `from..to`.
fn range_in(t: &Track<'_>, c: &ChunkInfo, from: u32, to: u32, file_len: u64) -> Result<(u64, u64)> {
    // first_sample < to <= u32::MAX here, so these fit in u32.
    let lo = first_of(c).max(from);
    let hi = (c.first_sample + u64::from(c.samples)).min(u64::from(to)) as u32;
    let offset = offset_in(t, c, lo)?;
    let len = t.sizes.sum(lo, hi);
    if add(offset, len, "chunk end")? > file_len {
        return Err(defect!(
            "chunk {} at {offset}+{len} lies past the end of the file ({file_len})",
            c.number + 1
        ));
    }
    Ok((offset, len))
}
