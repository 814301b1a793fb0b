//! One `trak` (ISO/IEC 14496-12 §8.3.1) with the views the seek planner needs.

use crate::error::{defect, Result};
use crate::parse::boxes::Bx;
use crate::parse::bytes::{u32_at, u64_at};
use crate::parse::checkpoints::TrackCheckpoints;
use crate::parse::chunk_offsets::{chunk_offsets, ChunkOffsets};
use crate::parse::entries::{u32_list, Entries};
use crate::parse::runs::{runs, Runs};
use crate::parse::sizes::{sizes, Sizes};
use crate::parse::stsc::{stsc, Stsc};

/// The edit list (§8.6.6) reduced to what a seek needs: the leading empty edits and
/// the first media edit.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Edit {
    /// Total duration of leading empty edits (`media_time == -1`), in movie ticks.
    pub empty: u64,
    /// `media_time` of the first media edit, in media ticks (0 without an edit list).
    pub media_time: u64,
}

/// A parsed track. All tables borrow the mapped file.
pub(crate) struct Track<'a> {
    /// The whole `trak` box.
    pub trak: Bx<'a>,
    /// `hdlr` handler type, e.g. `*b"vide"`, `*b"soun"`, `*b"sbtl"`.
    pub handler: [u8; 4],
    /// Media timescale from `mdhd`, ticks per second (never 0).
    pub timescale: u32,
    /// The edit list summary.
    pub edit: Edit,
    /// Number of samples (from `stsz`/`stz2`).
    pub samples: u32,
    pub stts: Runs<'a>,
    pub ctts: Option<Runs<'a>>,
    pub stss: Option<Entries<'a>>,
    pub stsc: Stsc<'a>,
    pub sizes: Sizes<'a>,
    pub chunks: ChunkOffsets<'a>,
}

impl Track<'_> {
    /// True for a sound track (`hdlr` type `soun`).
    pub fn is_audio(&self) -> bool {
        &self.handler == b"soun"
    }

    /// True for a video track (`hdlr` type `vide`).
    pub fn is_video(&self) -> bool {
        &self.handler == b"vide"
    }
}

/// Parses a `trak`, with `checkpoints` when they were taken on tables of these sizes
/// (the second value says whether they were). Errors: a missing mandatory box, a zero
/// timescale, a table whose counts exceed its box, or tables that describe fewer
/// samples than `stsz`.
pub(crate) fn parse<'a>(
    trak: Bx<'a>,
    checkpoints: Option<&TrackCheckpoints<'a>>,
) -> Result<(Track<'a>, bool)> {
    let mdia = trak.require(b"mdia")?;
    let timescale = mdhd_timescale(&mdia.require(b"mdhd")?)?;
    let handler = handler_type(&mdia.require(b"hdlr")?)?;
    let stbl = mdia.require(b"minf")?.require(b"stbl")?;
    let sizes_box = match stbl.child(b"stsz")? {
        Some(b) => b,
        None => stbl.require(b"stz2")?,
    };
    let chunk_box = match stbl.child(b"stco")? {
        Some(b) => b,
        None => stbl.require(b"co64")?,
    };
    let mut sizes = sizes(&sizes_box)?;
    let mut chunks = chunk_offsets(&chunk_box)?;
    let mut ctts = stbl.child(b"ctts")?.map(|b| runs(&b)).transpose()?;
    let stsc_box = stbl.require(b"stsc")?;
    let stsc_entries = u32_at(stsc_box.payload(), 4, "stsc entry_count")?;
    let used = attach(
        checkpoints,
        &mut sizes,
        &mut chunks,
        &mut ctts,
        stsc_entries,
    );
    let track = Track {
        trak,
        handler,
        timescale,
        edit: edit(&trak)?,
        samples: sizes.count(),
        stts: runs(&stbl.require(b"stts")?)?,
        ctts,
        stss: stbl.child(b"stss")?.map(|b| u32_list(&b)).transpose()?,
        stsc: stsc(
            &stsc_box,
            chunks.count(),
            used.map(|c| (c.stsc_samples, c.stsc)),
        )?,
        sizes,
        chunks,
    };
    check_coverage(&track)?;
    Ok((track, used.is_some()))
}

/// `checkpoints` when they were taken on tables of these sizes, attached to the views
/// they serve; `None` (nothing attached) otherwise.
fn attach<'a>(
    checkpoints: Option<&TrackCheckpoints<'a>>,
    sizes: &mut Sizes<'a>,
    chunks: &mut ChunkOffsets<'a>,
    ctts: &mut Option<Runs<'a>>,
    stsc_entries: u32,
) -> Option<TrackCheckpoints<'a>> {
    let fits = (
        sizes.count(),
        chunks.count(),
        ctts.map(|c| c.len()),
        stsc_entries,
    );
    let taken_on =
        |c: &&TrackCheckpoints<'a>| (c.samples, c.chunks, c.ctts_entries, c.stsc_entries) == fits;
    let c = *checkpoints.filter(taken_on)?;
    chunks.checkpoints = c.offsets;
    if let Some(r) = ctts.as_mut() {
        r.checkpoints = c.ctts;
    }
    if let Sizes::Table { checkpoints, .. } = sizes {
        *checkpoints = c.sizes;
    }
    Some(c)
}

/// `mdhd` timescale (§8.4.2). Errors: zero, or the box is too short.
fn mdhd_timescale(mdhd: &Bx<'_>) -> Result<u32> {
    let at = if mdhd.version()? == 1 { 20 } else { 12 };
    let ts = u32_at(mdhd.payload(), at, "mdhd timescale")?;
    if ts == 0 {
        return Err(defect!("mdhd timescale is zero"));
    }
    Ok(ts)
}

/// `hdlr` handler_type (§8.4.3).
fn handler_type(hdlr: &Bx<'_>) -> Result<[u8; 4]> {
    Ok(u32_at(hdlr.payload(), 8, "hdlr handler_type")?.to_be_bytes())
}

/// Reads `edts/elst` (§8.6.6): leading empty edits, then the first media edit.
fn edit(trak: &Bx<'_>) -> Result<Edit> {
    let mut out = Edit {
        empty: 0,
        media_time: 0,
    };
    let Some(elst) = trak
        .child(b"edts")?
        .map(|e| e.child(b"elst"))
        .transpose()?
        .flatten()
    else {
        return Ok(out);
    };
    let wide = elst.version()? == 1;
    let size = if wide { 20 } else { 12 };
    let entries = Entries::after_count(&elst, 4, size)?;
    for i in 0..entries.count {
        let (duration, media_time) = edit_entry(&entries, i, wide)?;
        if media_time == -1 {
            out.empty = out
                .empty
                .checked_add(duration)
                .ok_or_else(|| defect!("elst empty edits overflow"))?;
            continue;
        }
        out.media_time = u64::try_from(media_time)
            .map_err(|_| defect!("elst media_time {media_time} is negative"))?;
        break;
    }
    Ok(out)
}

/// Entry `i` of an `elst` as `(segment_duration, media_time)`.
fn edit_entry(e: &Entries<'_>, i: u32, wide: bool) -> Result<(u64, i64)> {
    let at = i as usize * if wide { 20 } else { 12 };
    if wide {
        let d = u64_at(e.bytes, at, "elst segment_duration")?;
        let t = u64_at(e.bytes, at + 8, "elst media_time")? as i64;
        Ok((d, t))
    } else {
        let d = u64::from(u32_at(e.bytes, at, "elst segment_duration")?);
        let t = i64::from(u32_at(e.bytes, at + 4, "elst media_time")? as i32);
        Ok((d, t))
    }
}

/// Checks that `stts`, `stsc` and the chunk table describe at least every sample of
/// `stsz`, so later walks cannot step past the end of a table.
fn check_coverage(t: &Track<'_>) -> Result<()> {
    let n = u64::from(t.samples);
    let timed = t.stts.total();
    if timed < n {
        return Err(defect!("stts covers {timed} samples but stsz has {n}"));
    }
    let chunked = t.stsc.samples;
    if chunked < n {
        return Err(defect!(
            "stsc/stco describe {chunked} samples but stsz has {n}"
        ));
    }
    Ok(())
}
