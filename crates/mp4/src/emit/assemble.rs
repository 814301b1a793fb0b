//! Final assembly: `ftyp`, the new `moov` with its chunk offsets filled in, then the
//! sample data. `stco` is upgraded to `co64` for any track whose shifted offsets no
//! longer fit in 32 bits (ISO/IEC 14496-12 §8.7.5).

use crate::emit::layout::Layout;
use crate::emit::offsets::OffsetTable;
use crate::emit::out::{Out, Part};
use crate::error::{add, defect, Result};
use crate::parse::boxes::header;
use crate::parse::chunk_offsets::ChunkOffsets;
use crate::walk::chunk_range::ChunkRange;
use loomiere_plan::Plan;
use std::sync::Arc;

/// The chunks one output track takes from its source table.
pub(crate) struct TrackChunks<'a> {
    pub table: ChunkOffsets<'a>,
    pub range: ChunkRange,
    /// The largest output offset of those chunks, relative to the layout (`None`:
    /// no chunk), as [`crate::emit::offsets::check`] found it.
    pub max: Option<u64>,
}

/// The pieces to assemble.
pub(crate) struct Pieces<'a> {
    /// What goes before `moov` (the `ftyp`, as a file range).
    pub prefix: Plan,
    /// The sample data and where each source byte lands.
    pub layout: Arc<Layout>,
    /// Per track, in `trak` order.
    pub tracks: Vec<TrackChunks<'a>>,
    /// True when the data needs a new `mdat` header (a cut); false when the layout
    /// already holds the original boxes (a relocation).
    pub new_mdat: bool,
}

/// Builds the moov with `build(widths)`, starting from `widths`, widening tracks whose
/// offsets overflow 32 bits, and returns the whole response body with the body offset
/// where the layout's data starts.
pub(crate) fn assemble(
    p: Pieces<'_>,
    mut widths: Vec<usize>,
    build: impl Fn(&[usize]) -> Result<Out>,
) -> Result<(Plan, u64)> {
    loop {
        let moov = build(&widths)?;
        let mdat = if p.new_mdat {
            header(b"mdat", p.layout.len())?
        } else {
            Vec::new()
        };
        let data_start = add(
            add(p.prefix.len(), moov.len, "moov end")?,
            mdat.len() as u64,
            "data start",
        )?;
        let mut grew = false;
        for (w, t) in widths.iter_mut().zip(&p.tracks) {
            let last = t
                .max
                .map(|m| add(m, data_start, "chunk offset"))
                .transpose()?;
            if *w == 4 && last.is_some_and(|o| o > u64::from(u32::MAX)) {
                *w = 8;
                grew = true;
            }
        }
        if !grew {
            let plan = finish(p, moov, mdat, data_start)?;
            return Ok((plan, data_start));
        }
    }
}

/// Concatenates prefix, moov (chunk-offset tables as generators), mdat header and data.
fn finish(p: Pieces<'_>, moov: Out, mdat: Vec<u8>, data_start: u64) -> Result<Plan> {
    let mut plan = p.prefix;
    for part in moov.parts {
        match part {
            Part::Plan(x) => plan.append(x)?,
            Part::Offsets {
                track,
                width,
                entries,
            } => {
                let t = p
                    .tracks
                    .get(track)
                    .ok_or_else(|| defect!("no chunks for track {}", track + 1))?;
                plan.push_bytes(offsets_header(width, entries)?)?;
                plan.push_gen(Arc::new(table(t, &p.layout, data_start, width)?))?;
            }
        }
    }
    plan.push_bytes(mdat)?;
    plan.append(p.layout.to_plan()?)?;
    Ok(plan)
}

/// The generator of one track's output entries.
fn table(
    t: &TrackChunks<'_>,
    layout: &Arc<Layout>,
    base: u64,
    width: usize,
) -> Result<OffsetTable> {
    let src_width = t.table.width as u64;
    let src = add(
        t.table.entries.offset,
        u64::from(t.range.first) * src_width,
        "stco entry",
    )?;
    // Widths are 4 or 8.
    Ok(OffsetTable {
        src,
        src_width: src_width as u8,
        range: t.range,
        layout: Arc::clone(layout),
        base,
        width: width as u8,
    })
}

/// Header, version/flags and entry count of `stco` (width 4) or `co64` (width 8).
fn offsets_header(width: usize, entries: u32) -> Result<Vec<u8>> {
    let typ = if width == 8 { b"co64" } else { b"stco" };
    let mut v = header(typ, 8 + width as u64 * u64::from(entries))?;
    v.extend_from_slice(&[0, 0, 0, 0]);
    v.extend_from_slice(&entries.to_be_bytes());
    Ok(v)
}
