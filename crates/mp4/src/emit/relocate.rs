//! Moving `moov` in front of `mdat` without a seek (ISO/IEC 14496-12 §8.7.5): only the
//! chunk offsets change; every other box goes out as stored.

use crate::emit::assemble::{assemble, Pieces, TrackChunks};
use crate::emit::layout::Layout;
use crate::emit::offsets;
use crate::emit::out::{Out, Part};
use crate::emit::rebuild::{rebuild, Action};
use crate::error::Result;
use crate::parse::boxes::Bx;
use crate::parse::movie::Movie;
use crate::parse::top::TopLevel;
use crate::walk::chunk_range::ChunkRange;
use loomiere_plan::Plan;
use std::sync::Arc;

/// The body of a `len`-byte file with `moov` moved first: `prefix` (the `ftyp`), the
/// new `moov`, then the file minus `ftyp` and `moov`, in order. With it, the body
/// offset where that data starts and the layout it follows. Errors: a chunk offset
/// outside the data.
pub(crate) fn relocate(
    top: &TopLevel<'_>,
    movie: &Movie<'_>,
    prefix: Plan,
    len: u64,
) -> Result<(Plan, u64, Arc<Layout>)> {
    let mut holes: Vec<(u64, u64)> = top
        .ftyp
        .iter()
        .chain([&top.moov])
        .map(|b| (b.offset, b.len()))
        .collect();
    holes.sort_unstable();
    let mut ranges = Vec::new();
    let mut at = 0u64;
    for (offset, size) in holes {
        ranges.push((at, offset - at));
        at = offset + size;
    }
    ranges.push((at, len - at));
    let layout = Arc::new(Layout::in_order(ranges.into_iter().filter(|r| r.1 > 0))?);
    let tracks = movie
        .tracks
        .iter()
        .map(|t| {
            let range = ChunkRange::all(&t.chunks);
            Ok(TrackChunks {
                table: t.chunks,
                range,
                max: offsets::check(&t.chunks, range, &layout)?,
            })
        })
        .collect::<Result<Vec<_>>>()?;
    let widths = movie.tracks.iter().map(|t| t.chunks.width).collect();
    let pieces = Pieces {
        prefix,
        layout: Arc::clone(&layout),
        tracks,
        new_mdat: false,
    };
    let (plan, base) = assemble(pieces, widths, |w| moov_out(movie, w))?;
    Ok((plan, base, layout))
}

/// Builds the relocated `moov`; `widths[i]` is the chunk-offset width of track `i`.
fn moov_out(movie: &Movie<'_>, widths: &[usize]) -> Result<Out> {
    let mut trak_no = 0usize;
    rebuild(&movie.moov, &mut |b: &Bx<'_>, parent: &[u8; 4]| {
        Ok(match (parent, &b.typ) {
            (b"moov", b"trak") => {
                trak_no += 1;
                Action::Descend
            }
            (b"trak", b"mdia") | (b"mdia", b"minf") | (b"minf", b"stbl") => Action::Descend,
            (b"stbl", b"stco" | b"co64") => {
                let track = trak_no - 1;
                let entries = movie.tracks[track].chunks.count();
                let mut o = Out::default();
                o.push(Part::Offsets {
                    track,
                    width: widths[track],
                    entries,
                });
                Action::Replace(o)
            }
            _ => Action::Copy,
        })
    })
}
