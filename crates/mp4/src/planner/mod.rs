//! Planning a response body: which of the three shapes a request gets (the file as
//! stored, `moov` moved first, or a cut), with the sample index when one is given.

mod cut;
pub(crate) mod segmented;
mod stored;

use crate::api::{Planned, Seek, Shape, Timing};
use crate::error::{bad_seek, Result};
use crate::index::build::build as build_index;
use crate::index::{format, MIN_MOOV_FOR_INDEX};
use crate::parse::{movie, top};
use loomiere_plan::{Plan, TimeMap};

/// Plans the response body for `file` (the whole file, usually memory-mapped), with
/// its time map. See [`plan_body`].
///
/// Errors: as [`plan_body`].
pub fn plan(file: &[u8], seek: Seek) -> Result<Planned> {
    plan_body(file, seek, Timing::Map)
}

/// Plans the response body for `file`; `timing` says whether to build the time map
/// (without it, a moov-first file with no seek is not even parsed).
///
/// Errors: [`crate::Mp4Error::BadSeek`] for a start at or past the duration, an end
/// not after the start, or a seek on a fragmented file; [`crate::Mp4Error::Defect`]
/// for a malformed file, naming the defect.
pub fn plan_body(file: &[u8], seek: Seek, timing: Timing) -> Result<Planned> {
    plan_indexed(file, seek, timing, None, false)
}

/// [`plan_body`] with a sample index: `index`, one that planning this very file (same
/// bytes: the caller keys it by the file's identity) returned before, lets a cut read a
/// few pages of each sample table instead of all of them (about 3 MB for a 2-hour film).
/// An index that does not parse or does not fit the file's tables is not used. With
/// `build` and no usable index, a cut of a file whose `moov` is at least
/// [`MIN_MOOV_FOR_INDEX`] bytes builds one (one more walk of every table) and returns it
/// in [`Planned::new_index`]. The body is the same with or without an index.
///
/// Errors: as [`plan_body`].
pub fn plan_indexed(
    file: &[u8],
    seek: Seek,
    timing: Timing,
    index: Option<&[u8]>,
    build: bool,
) -> Result<Planned> {
    let len = file.len() as u64;
    let top = top::scan(file);
    if seek.is_none() {
        match &top {
            Ok(i) if !i.moov_first() => {}
            // moov first, or not an MP4 we understand: the stored bytes are the answer.
            _ => {
                return stored::as_stored(
                    top.ok().map(|i| i.moov).filter(|_| timing == Timing::Map),
                    len,
                )
            }
        }
    }
    let top = top?;
    let checkpoints = index.and_then(format::parse);
    let movie = movie::parse(top.moov, checkpoints.as_deref())?;
    if movie.fragmented {
        if seek.is_none() {
            return Ok(Planned {
                plan: Plan::whole_file(0, len)?,
                shape: Shape::AsStored,
                start_ms: None,
                time_map: TimeMap::new(),
                new_index: None,
            });
        }
        return Err(bad_seek!("fragmented MP4 (moof) cannot be cut by time"));
    }
    let prefix = match &top.ftyp {
        Some(f) => Plan::whole_file(f.offset, f.len())?,
        None => Plan::new(),
    };
    if seek.is_none() {
        return stored::relocated(&top, &movie, prefix, len, timing);
    }
    let worth = build && !movie.indexed && top.moov.len() >= MIN_MOOV_FOR_INDEX;
    let new_index = if worth { build_index(&movie) } else { None };
    Ok(Planned {
        new_index,
        ..cut::cut(&movie, prefix, seek, len, timing)?
    })
}
