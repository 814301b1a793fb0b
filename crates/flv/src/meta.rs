//! The `keyframes` index in `onMetaData`, as written by yamdi, flvtool2 and ffmpeg
//! (`-flvflags add_keyframe_index`): an object holding two strict arrays of numbers,
//! `filepositions` (byte offsets of key-frame video tags) and `times` (seconds).

use crate::amf::{marker, Amf, AmfError};
use crate::bytes::{len, slice};
use crate::error::{defect, Result};
use crate::tag::Tag;

/// Largest index time accepted, in seconds: the largest 32-bit FLV timestamp.
const MAX_SECONDS: f64 = u32::MAX as f64 / 1000.0;

/// A checked index: `positions[i]` is the file offset of a key frame tag at
/// `times_ms[i]`; positions strictly increase, times never decrease.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Index {
    pub positions: Vec<u64>,
    pub times_ms: Vec<u64>,
}

/// What `onMetaData` says about key frames.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Keyframes {
    /// No `keyframes` entry.
    Absent,
    /// An entry that cannot be trusted, and why (the planner scans instead).
    Unusable(String),
    Usable(Index),
}

/// Reads the `keyframes` index of the `onMetaData` tag `meta`. Entries must point at
/// or after `first_tag` and inside the file.
///
/// Errors: a malformed AMF0 structure (a count larger than the bytes present, a value
/// cut short, nesting deeper than 32, an unknown type marker), naming the tag's byte.
pub(crate) fn keyframes(file: &[u8], meta: &Tag, first_tag: u64) -> Result<Keyframes> {
    let data = slice(file, meta.data(), meta.size).unwrap_or_default();
    let (positions, times) =
        raw_arrays(data).map_err(|e| defect!("onMetaData at byte {}: {e}", meta.offset))?;
    Ok(match (positions, times) {
        (Found::No, Found::No) => Keyframes::Absent,
        (Found::Numbers(p), Found::Numbers(t)) => checked(&p, &t, first_tag, len(file)),
        _ => Keyframes::Unusable(
            "keyframes lacks a filepositions or times array of numbers".to_owned(),
        ),
    })
}

/// One array of the index as found in the data.
enum Found {
    No,
    NotNumbers,
    Numbers(Vec<f64>),
}

/// `filepositions` and `times` from the `keyframes` entry of the `onMetaData` value.
fn raw_arrays(data: &[u8]) -> std::result::Result<(Found, Found), AmfError> {
    let mut a = Amf::new(data);
    let mut out = (Found::No, Found::No);
    a.skip(0)?; // the name, "onMetaData"
    if a.left() == 0 {
        return Ok(out);
    }
    let m = a.u8("onMetaData value marker")?;
    if m == marker::ECMA_ARRAY {
        a.ecma_count()?;
    } else if m != marker::OBJECT {
        a.skip_body(m, 0)?;
        return Ok(out);
    }
    let mut seen = false;
    a.properties(0, |name, a, depth| {
        if name != b"keyframes" || seen {
            return a.skip(depth);
        }
        seen = true;
        out = index_arrays(a, depth)?;
        Ok(())
    })?;
    Ok(out)
}

/// The two arrays inside the `keyframes` value.
fn index_arrays(a: &mut Amf<'_>, depth: u32) -> std::result::Result<(Found, Found), AmfError> {
    let mut out = (Found::NotNumbers, Found::NotNumbers);
    let m = a.u8("keyframes marker")?;
    if m == marker::ECMA_ARRAY {
        a.ecma_count()?;
    } else if m != marker::OBJECT {
        a.skip_body(m, depth)?;
        return Ok(out);
    }
    a.properties(depth, |name, a, depth| {
        let slot = match name {
            b"filepositions" => &mut out.0,
            b"times" => &mut out.1,
            _ => return a.skip(depth),
        };
        let m = a.u8("array marker")?;
        *slot = match m {
            marker::STRICT_ARRAY => a.numbers(depth)?.map_or(Found::NotNumbers, Found::Numbers),
            _ => {
                a.skip_body(m, depth)?;
                Found::NotNumbers
            }
        };
        Ok(())
    })?;
    Ok(out)
}

/// Checks the arrays against each other and the file.
fn checked(positions: &[f64], times: &[f64], first_tag: u64, file_len: u64) -> Keyframes {
    let bad = |why: String| Keyframes::Unusable(why);
    if positions.len() != times.len() {
        return bad(format!(
            "{} filepositions but {} times",
            positions.len(),
            times.len()
        ));
    }
    if positions.is_empty() {
        return bad("no entries".to_owned());
    }
    let mut index = Index {
        positions: Vec::with_capacity(positions.len()),
        times_ms: Vec::with_capacity(times.len()),
    };
    for (i, (&p, &t)) in positions.iter().zip(times).enumerate() {
        let Some(pos) = position(p, first_tag, file_len) else {
            return bad(format!(
                "filepositions[{i}] = {p} is not a byte offset of a tag in the file"
            ));
        };
        let Some(ms) = millis(t) else {
            return bad(format!("times[{i}] = {t} is not a time in seconds"));
        };
        if index.positions.last().is_some_and(|&last| pos <= last) {
            return bad(format!("filepositions[{i}] = {pos} does not increase"));
        }
        if index.times_ms.last().is_some_and(|&last| ms < last) {
            return bad(format!("times[{i}] = {t} goes back in time"));
        }
        index.positions.push(pos);
        index.times_ms.push(ms);
    }
    Keyframes::Usable(index)
}

/// A whole byte offset in `first_tag..file_len`.
fn position(p: f64, first_tag: u64, file_len: u64) -> Option<u64> {
    if !(p.is_finite() && p >= 0.0 && p.fract() == 0.0 && p < file_len as f64) {
        return None;
    }
    // A whole number in 0..file_len (< 2^63) converts exactly.
    let pos = p as u64;
    (pos >= first_tag && pos < file_len).then_some(pos)
}

/// Seconds to whole milliseconds (rounded), for times in `0..=MAX_SECONDS`.
fn millis(t: f64) -> Option<u64> {
    if !(t.is_finite() && (0.0..=MAX_SECONDS).contains(&t)) {
        return None;
    }
    // In range (checked above), so the conversion neither saturates nor truncates.
    Some((t * 1000.0).round() as u64)
}
