//! The sample index of a movie: per track, the checkpoints of [`crate::marks`], built
//! once from the whole tables and kept by the caller (the streamer keeps it in a cache
//! directory, keyed by the file's identity). With it, a seek into a 2-hour film reads a
//! few pages of each table instead of about 3 MB.
//!
//! Layout, little-endian: magic `LMP4MRK1`, `u32` [`EVERY`], `u32` track count; then per
//! track a 40-byte head (`u32` samples, chunks, `ctts` entries (`u32::MAX`: none), `stsc`
//! entries, flags (bit 0: `ctts` marks, bit 1: `stsz` sums), `u32` 0, `u64` samples
//! placed by `stsc`, `i64` largest composition offset) and its arrays: `ctts` marks and
//! `stsc` marks (one per [`EVERY`] samples), `stsz` sums (one more, the total), chunk
//! offset blocks (one per [`EVERY`] chunks); last, a `u64` digest of all the bytes
//! before it ([`digest`]). Parsing checks the digest, every length and every value a
//! walk relies on, so a damaged index is refused, never followed off a table.

use crate::chunks::{ChunkWalk, WalkPlace};
use crate::marks::{
    le32, le64, RunMarks, SpanMarks, SumMarks, WalkMarks, EVERY, RUN_MARK, SPAN_MARK, SUM_MARK,
    WALK_MARK,
};
use crate::movie::Movie;
use crate::runs::RunPos;
use crate::tables::Sizes;
use crate::track::Track;

/// First bytes of an index.
const MAGIC: &[u8; 8] = b"LMP4MRK2";
/// Bytes of a track's head.
const TRACK_HEAD: usize = 40;
/// Flag: the track has `ctts` checkpoints.
const HAS_CTTS: u32 = 1;
/// Flag: the track has `stsz` sums (a size table, not one constant size).
const HAS_SUMS: u32 = 2;

/// One track's part of a parsed index: the table sizes it was built for (compared with
/// the file's before use) and its checkpoints.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct TrackMarks<'a> {
    pub samples: u32,
    pub chunks: u32,
    /// `ctts` entries, `None` without `ctts`.
    pub ctts_entries: Option<u32>,
    pub stsc_entries: u32,
    /// Samples the `stsc` entries place in the chunks (as `tables::stsc` counts them).
    pub stsc_samples: u64,
    pub run: RunMarks<'a>,
    pub walk: WalkMarks<'a>,
    pub sum: SumMarks<'a>,
    pub span: SpanMarks<'a>,
}

/// Checkpoints for `n` items: one per [`EVERY`].
fn marks_for(n: u32) -> u64 {
    u64::from(n.div_ceil(EVERY))
}

/// Splits `len` bytes off the front of `rest`.
fn take<'a>(rest: &mut &'a [u8], len: u64) -> Option<&'a [u8]> {
    let len = usize::try_from(len).ok()?;
    let (head, tail) = (rest.get(..len)?, rest.get(len..)?);
    *rest = tail;
    Some(head)
}

/// Parses an index. `None` when it is not one, was built with another [`EVERY`], is
/// cut short or too long, or holds a checkpoint no walk could have made.
pub(crate) fn parse(bytes: &[u8]) -> Option<Vec<TrackMarks<'_>>> {
    let (body, sum) = bytes.split_at_checked(bytes.len().checked_sub(8)?)?;
    if le64(sum, 0)? != digest(body) {
        return None;
    }
    let mut rest = body;
    let head = take(&mut rest, 16)?;
    if &head[..8] != MAGIC || le32(head, 8)? != EVERY {
        return None;
    }
    let tracks = le32(head, 12)?;
    // Each track takes at least its head: bound the count by the bytes present.
    if u64::from(tracks) * TRACK_HEAD as u64 > rest.len() as u64 {
        return None;
    }
    let out = (0..tracks)
        .map(|_| track(&mut rest))
        .collect::<Option<Vec<_>>>()?;
    rest.is_empty().then_some(out)
}

/// One track's head and arrays, checked.
fn track<'a>(rest: &mut &'a [u8]) -> Option<TrackMarks<'a>> {
    let h = take(rest, TRACK_HEAD as u64)?;
    let (samples, chunks, ctts, stsc_entries, flags) = (
        le32(h, 0)?,
        le32(h, 4)?,
        le32(h, 8)?,
        le32(h, 12)?,
        le32(h, 16)?,
    );
    let (stsc_samples, max) = (le64(h, 24)?, le64(h, 32)? as i64);
    let (n, blocks) = (marks_for(samples), marks_for(chunks));
    let ctts_entries = (ctts != u32::MAX).then_some(ctts);
    let has = |f: u32| flags & f != 0;
    if has(HAS_CTTS) != ctts_entries.is_some() || max < 0 {
        return None;
    }
    let run = RunMarks {
        bytes: take(
            rest,
            if has(HAS_CTTS) {
                n * RUN_MARK as u64
            } else {
                0
            },
        )?,
        max,
    };
    let walk = WalkMarks {
        bytes: take(rest, n * WALK_MARK as u64)?,
    };
    let sum = SumMarks {
        bytes: take(
            rest,
            if has(HAS_SUMS) {
                (n + 1) * SUM_MARK as u64
            } else {
                0
            },
        )?,
    };
    let span = SpanMarks {
        bytes: take(rest, blocks * SPAN_MARK as u64)?,
    };
    let t = TrackMarks {
        samples,
        chunks,
        ctts_entries,
        stsc_entries,
        stsc_samples,
        run,
        walk,
        sum,
        span,
    };
    sound(&t, n, blocks).then_some(t)
}

/// True when every checkpoint of `t` is one a walk could have made: places within
/// their tables and not past their sample, in order; sums not decreasing from 0; each
/// block's lowest offset at most its highest.
fn sound(t: &TrackMarks<'_>, n: u64, blocks: u64) -> bool {
    let mut prev = (0u32, 0u64);
    for k in 0..n {
        let at = k * u64::from(EVERY);
        if let (Some(r), Some(entries)) = (t.run.before(at), t.ctts_entries) {
            if r.entry > entries || r.start > at || (r.entry, r.start) < prev {
                return false;
            }
            prev = (r.entry, r.start);
        }
    }
    let walks_ok = (0..n).all(|k| {
        let at = k * u64::from(EVERY);
        t.walk.before(at).is_some_and(|w| {
            w.entry < t.stsc_entries && w.chunk.index < t.chunks && w.chunk.first_sample <= at
        })
    });
    let sums =
        (0..t.sum.bytes.len() as u64 / SUM_MARK as u64).map(|k| t.sum.at(k).unwrap_or(u64::MAX));
    let sums_ok =
        t.sum.at(0).is_none_or(|s| s == 0) && sums.clone().zip(sums.skip(1)).all(|(a, b)| a <= b);
    let spans_ok = (0..blocks).all(|k| t.span.block(k).is_some_and(|(l, h)| l <= h));
    walks_ok && sums_ok && spans_ok
}

/// Builds the index of `movie` (parsed without one) from its whole tables: one walk
/// of each. `None` when a table does not place every sample (such a file is planned
/// without an index).
pub(crate) fn build(movie: &Movie<'_>) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(4096);
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&EVERY.to_le_bytes());
    out.extend_from_slice(&u32::try_from(movie.tracks.len()).ok()?.to_le_bytes());
    for t in &movie.tracks {
        build_track(t, &mut out)?;
    }
    out.extend_from_slice(&digest(&out).to_le_bytes());
    Some(out)
}

/// A 64-bit digest of `bytes`, eight at a time (FNV-1a's constants on words, with a
/// rotation): it catches a damaged index (a torn write, a bad disk block) whose
/// lengths still add up. Not a defence against someone who can write the cache,
/// which only the streamers' user can.
pub(crate) fn digest(bytes: &[u8]) -> u64 {
    let mut h = 0xcbf2_9ce4_8422_2325u64;
    for c in bytes.chunks(8) {
        let mut w = [0u8; 8];
        w[..c.len()].copy_from_slice(c);
        h = (h ^ u64::from_le_bytes(w))
            .wrapping_mul(0x0100_0000_01b3)
            .rotate_left(29);
    }
    h ^ bytes.len() as u64
}

/// Appends one track's head and arrays.
fn build_track(t: &Track<'_>, out: &mut Vec<u8>) -> Option<()> {
    let sums = matches!(t.sizes, Sizes::Table { .. });
    let flags = if t.ctts.is_some() { HAS_CTTS } else { 0 } | if sums { HAS_SUMS } else { 0 };
    let max = t.ctts.map_or(0, |c| {
        (0..c.len())
            .map(|e| i64::from(c.get(e).1 as i32))
            .max()
            .unwrap_or(0)
            .max(0)
    });
    for v in [
        t.samples,
        t.chunks.count(),
        t.ctts.map_or(u32::MAX, |c| c.len()),
        t.stsc.entries.count,
        flags,
        0,
    ] {
        out.extend_from_slice(&v.to_le_bytes());
    }
    out.extend_from_slice(&t.stsc.samples.to_le_bytes());
    out.extend_from_slice(&max.to_le_bytes());
    let at = |k: u32| k * EVERY;
    let n = t.samples.div_ceil(EVERY);
    if let Some(c) = t.ctts {
        let mut pos = RunPos::default();
        for k in 0..n {
            pos = c.locate(pos, u64::from(at(k)));
            out.extend_from_slice(&pos.entry.to_le_bytes());
            out.extend_from_slice(&pos.start.to_le_bytes());
        }
    }
    walk_marks(t, n, out)?;
    if sums {
        let mut total = 0u64;
        out.extend_from_slice(&0u64.to_le_bytes());
        for k in 1..=n {
            total = total.checked_add(t.sizes.sum(at(k - 1), at(k).min(t.samples)))?;
            out.extend_from_slice(&total.to_le_bytes());
        }
    }
    let chunks = t.chunks.count();
    for k in 0..chunks.div_ceil(EVERY) {
        let (lo, hi) = t.chunks.min_max_entries(at(k), at(k + 1).min(chunks))?;
        out.extend_from_slice(&lo.to_le_bytes());
        out.extend_from_slice(&hi.to_le_bytes());
    }
    Some(())
}

/// Appends the `stsc` checkpoints of `t`'s `n` marked samples: one chunk walk, which
/// stays on a chunk holding more than [`EVERY`] samples.
fn walk_marks(t: &Track<'_>, n: u32, out: &mut Vec<u8>) -> Option<()> {
    let mut walk = ChunkWalk::new(&t.stsc, t.chunks.count());
    let mut last: Option<WalkPlace> = None;
    for k in 0..n {
        let s = u64::from(k * EVERY);
        let holds = |p: &WalkPlace| {
            p.chunk.first_sample <= s && s < p.chunk.first_sample + u64::from(p.chunk.samples)
        };
        let place = match last.filter(holds) {
            Some(p) => p,
            None => {
                walk.skip_to_sample(s);
                let c = walk.next()?;
                let p = walk.place_of(c);
                holds(&p).then_some(p)?
            }
        };
        out.extend_from_slice(&place.entry.to_le_bytes());
        out.extend_from_slice(&place.chunk.index.to_le_bytes());
        out.extend_from_slice(&place.chunk.first_sample.to_le_bytes());
        last = Some(place);
    }
    Some(())
}
