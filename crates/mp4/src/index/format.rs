//! The file format of a sample index, and its parser.
//!
//! Layout, little-endian: magic `LMP4MRK2` (the "MRK" is from when checkpoints were
//! called marks; the format has not changed since), `u32` [`EVERY`], `u32` track
//! count; then per track a 40-byte head (`u32` samples, chunks, `ctts` entries
//! (`u32::MAX`: none), `stsc` entries, flags (bit 0: `ctts` checkpoints, bit 1: `stsz`
//! sums), `u32` 0, `u64` samples placed by `stsc`, `i64` largest composition offset)
//! and its arrays of checkpoint records (laid out in
//! [`crate::parse::checkpoints`]): `ctts` and `stsc` checkpoints (one per [`EVERY`]
//! samples), `stsz` sums (one more, the total), chunk offset blocks (one per
//! [`EVERY`] chunks); last, a `u64` digest of all the bytes before it ([`digest`]).
//! Parsing checks the digest, every length and every value a walk relies on, so a
//! damaged index is refused, never followed off a table.

use crate::parse::bytes::{le32, le64};
use crate::parse::checkpoints::{
    CttsCheckpoints, OffsetCheckpoints, SizeCheckpoints, StscCheckpoints, TrackCheckpoints, EVERY,
};

/// Version of the sample index format: a kept index of another version is not used.
pub const SAMPLE_INDEX_VERSION: u32 = 2;

/// First bytes of an index.
pub(crate) const MAGIC: &[u8; 8] = b"LMP4MRK2";
/// Bytes of a track's head.
pub(crate) const TRACK_HEAD: usize = 40;
/// Flag: the track has `ctts` checkpoints.
pub(crate) const HAS_CTTS: u32 = 1;
/// Flag: the track has `stsz` sums (a size table, not one constant size).
pub(crate) const HAS_SUMS: u32 = 2;

/// Checkpoints for `n` items: one per [`EVERY`].
fn checkpoints_for(n: u32) -> u64 {
    u64::from(n.div_ceil(EVERY))
}

/// Splits `len` bytes off the front of `rest`.
fn take<'a>(rest: &mut &'a [u8], len: u64) -> Option<&'a [u8]> {
    let len = usize::try_from(len).ok()?;
    let (head, tail) = (rest.get(..len)?, rest.get(len..)?);
    *rest = tail;
    Some(head)
}

/// Parses an index: one [`TrackCheckpoints`] per track, in `trak` order. `None` when
/// it is not one, was built with another [`EVERY`], is truncated or too long, or holds
/// a checkpoint no walk could have made.
pub(crate) fn parse(bytes: &[u8]) -> Option<Vec<TrackCheckpoints<'_>>> {
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
fn track<'a>(rest: &mut &'a [u8]) -> Option<TrackCheckpoints<'a>> {
    let h = take(rest, TRACK_HEAD as u64)?;
    let (samples, chunks, ctts, stsc_entries, flags) = (
        le32(h, 0)?,
        le32(h, 4)?,
        le32(h, 8)?,
        le32(h, 12)?,
        le32(h, 16)?,
    );
    let (stsc_samples, max) = (le64(h, 24)?, le64(h, 32)? as i64);
    let (n, blocks) = (checkpoints_for(samples), checkpoints_for(chunks));
    let ctts_entries = (ctts != u32::MAX).then_some(ctts);
    let has = |f: u32| flags & f != 0;
    if has(HAS_CTTS) != ctts_entries.is_some() || max < 0 {
        return None;
    }
    let ctts_len = if has(HAS_CTTS) { n } else { 0 };
    let ctts = CttsCheckpoints {
        bytes: take(rest, ctts_len * CttsCheckpoints::RECORD as u64)?,
        max,
    };
    let stsc = StscCheckpoints {
        bytes: take(rest, n * StscCheckpoints::RECORD as u64)?,
    };
    let sums_len = if has(HAS_SUMS) { n + 1 } else { 0 };
    let sizes = SizeCheckpoints {
        bytes: take(rest, sums_len * SizeCheckpoints::RECORD as u64)?,
    };
    let offsets = OffsetCheckpoints {
        bytes: take(rest, blocks * OffsetCheckpoints::RECORD as u64)?,
    };
    let t = TrackCheckpoints {
        samples,
        chunks,
        ctts_entries,
        stsc_entries,
        stsc_samples,
        ctts,
        stsc,
        sizes,
        offsets,
    };
    sound(&t, n, blocks).then_some(t)
}

/// True when every checkpoint of `t` is one a walk could have made: places within
/// their tables and not past their sample, in order; sums not decreasing from 0; each
/// block's lowest offset at most its highest.
fn sound(t: &TrackCheckpoints<'_>, n: u64, blocks: u64) -> bool {
    let mut prev = (0u32, 0u64);
    for k in 0..n {
        let at = k * u64::from(EVERY);
        if let (Some((entry, start)), Some(entries)) = (t.ctts.before(at), t.ctts_entries) {
            if entry > entries || start > at || (entry, start) < prev {
                return false;
            }
            prev = (entry, start);
        }
    }
    let stsc_ok = (0..n).all(|k| {
        let at = k * u64::from(EVERY);
        t.stsc
            .before(at)
            .is_some_and(|c| c.entry < t.stsc_entries && c.chunk < t.chunks && c.first_sample <= at)
    });
    let records = t.sizes.bytes.len() as u64 / SizeCheckpoints::RECORD as u64;
    let sums = (0..records).map(|k| t.sizes.at(k).unwrap_or(u64::MAX));
    let sums_ok =
        t.sizes.at(0).is_none_or(|s| s == 0) && sums.clone().zip(sums.skip(1)).all(|(a, b)| a <= b);
    let blocks_ok = (0..blocks).all(|k| t.offsets.block(k).is_some_and(|(l, h)| l <= h));
    stsc_ok && sums_ok && blocks_ok
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
