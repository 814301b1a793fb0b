//! Final assembly: `ftyp`, the new `moov` with its chunk offsets filled in, then the
//! sample data. `stco` is upgraded to `co64` for any track whose shifted offsets no
//! longer fit in 32 bits (ISO/IEC 14496-12 §8.7.5).

use crate::boxes::header;
use crate::error::{add, Result};
use crate::layout::Layout;
use crate::out::{Out, Part};
use crate::write::offsets_box;
use loomiere_plan::Plan;

/// The pieces to assemble.
pub(crate) struct Pieces<'l> {
    /// What goes before `moov` (the `ftyp`, as a file range).
    pub prefix: Plan,
    /// The sample data and where each source byte lands.
    pub layout: &'l Layout,
    /// Source chunk offsets per track (empty for a dropped track).
    pub sources: Vec<Vec<u64>>,
    /// True when the data needs a new `mdat` header (a cut); false when the layout
    /// already holds the original boxes (a relocation).
    pub new_mdat: bool,
}

/// Builds the moov with `build(widths)`, starting from `widths`, widening tracks whose
/// offsets overflow 32 bits, and returns the whole response body with the output
/// offset of every chunk of every track.
pub(crate) fn assemble(p: Pieces<'_>, mut widths: Vec<usize>, build: impl Fn(&[usize]) -> Result<Out>) -> Result<(Plan, Vec<Vec<u64>>)> {
    loop {
        let moov = build(&widths)?;
        let mdat = if p.new_mdat { header(b"mdat", p.layout.len())? } else { Vec::new() };
        let data_start = add(add(p.prefix.len(), moov.len, "moov end")?, mdat.len() as u64, "data start")?;
        let finals = final_offsets(&p, data_start)?;
        let mut grew = false;
        for (w, offs) in widths.iter_mut().zip(&finals) {
            if *w == 4 && offs.iter().any(|&o| o > u64::from(u32::MAX)) {
                *w = 8;
                grew = true;
            }
        }
        if !grew {
            let plan = finish(p, moov, &finals, mdat)?;
            return Ok((plan, finals));
        }
    }
}

/// Output chunk offsets per track, given where the sample data starts.
fn final_offsets(p: &Pieces<'_>, data_start: u64) -> Result<Vec<Vec<u64>>> {
    p.sources.iter().map(|s| p.layout.map_all(s, data_start)).collect()
}

/// Concatenates prefix, moov (placeholders filled), mdat header and data.
fn finish(p: Pieces<'_>, moov: Out, finals: &[Vec<u64>], mdat: Vec<u8>) -> Result<Plan> {
    let mut plan = p.prefix;
    for part in moov.parts {
        match part {
            Part::Plan(x) => plan.append(x)?,
            Part::Offsets { track, width, .. } => plan.push_bytes(offsets_box(&finals[track], width)?)?,
        }
    }
    plan.push_bytes(mdat)?;
    plan.append(p.layout.to_plan()?)?;
    Ok(plan)
}
