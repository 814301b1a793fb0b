//! Moving `moov` in front of `mdat` without a seek (ISO/IEC 14496-12 §8.7.5): only the
//! chunk offsets change; every other box goes out as stored.

use crate::boxes::Bx;
use crate::error::Result;
use crate::movie::Movie;
use crate::out::{Out, Part};
use crate::rebuild::{rebuild, Action};

/// Builds the relocated `moov`; `widths[i]` is the chunk-offset width of track `i`.
pub(crate) fn moov_out(movie: &Movie<'_>, widths: &[usize]) -> Result<Out> {
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
