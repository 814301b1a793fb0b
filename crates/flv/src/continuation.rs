//! A continuation: the file's bytes from a byte offset on, exactly as stored, with no
//! FLV header, no re-sent `onMetaData` and sequence headers, and no snap to a key
//! frame.
//!
//! This is what flv.js asks for with `seekType: 'param'`: it seeks to a `keyframes`
//! file position, and after a lazy-load pause resumes from the byte after the last
//! one it received (any byte, often inside a tag), and it parses the answer as the
//! tag stream continuing from there (flv.js issue #300). Flash-era players instead
//! need the header a cut re-sends ([`crate::plan_body`]).

use crate::bytes::len;
use crate::error::{bad_seek, Result};
use crate::maps::{index_of, time_map, usable};
use crate::planned::{Planned, Shape, Timing};
use crate::timing::Span;
use crate::{head, seek};
use loomiere_plan::{Plan, TimeMap};

/// Plans `file[start..end]` (`end` exclusive, the end of the file when `None`), both
/// byte offsets taken exactly. The time map, with [`Timing::Map`], runs from the
/// first key-frame tag at or after `start` (found as [`crate::Units::Bytes`] seeks
/// find it); the bytes before it are due at once. Without such a tag the body has no
/// map (it is sent unthrottled) and the notes say why.
///
/// Errors: [`crate::FlvError::BadSeek`] for `start` at or past the end of the file,
/// or `end` not after `start`; [`crate::FlvError::Defect`] for a malformed head.
pub fn plan_continuation(
    file: &[u8],
    start: u64,
    end: Option<u64>,
    timing: Timing,
) -> Result<Planned> {
    let total = len(file);
    if start >= total {
        return Err(bad_seek!(
            "start {start} is at or past the end of the file ({total} bytes)"
        ));
    }
    let end = end.map_or(total, |e| e.min(total));
    let kept = end
        .checked_sub(start)
        .filter(|&k| k > 0)
        .ok_or_else(|| bad_seek!("end {end} is not after start {start}"))?;
    let plan = Plan::whole_file(start, kept)?;
    let mut notes = vec!["continuation".to_owned()];
    let time_map = match timing {
        Timing::Skip => TimeMap::new(),
        Timing::Map => continuation_map(file, start, end, &mut notes)?,
    };
    Ok(Planned {
        plan,
        time_map,
        shape: Shape::Cut,
        start: Some(start),
        start_ms: None,
        end: (end < total).then_some(end),
        notes,
    })
}

/// The time map of `file[start..end]` from its first key-frame tag on.
fn continuation_map(file: &[u8], start: u64, end: u64, notes: &mut Vec<String>) -> Result<TimeMap> {
    let head = head::parse(file)?;
    let first = match seek::byte_start(file, &head, start) {
        Ok(t) if t.offset < end => t,
        Ok(_) => {
            notes.push("no time map: no key frame before the end".to_owned());
            return Ok(TimeMap::new());
        }
        Err(e) => {
            notes.push(format!("no time map: {e}"));
            return Ok(TimeMap::new());
        }
    };
    let keyframes = index_of(file, &head)?;
    let index = usable(&keyframes, notes);
    // `start <= first.offset`: the search goes forward from `start`.
    let span = Span {
        from: first.offset,
        end,
        body_base: first.offset - start,
        origin: u64::from(first.ts),
    };
    time_map(file, index, span, notes)
}
