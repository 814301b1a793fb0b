//! The `keyframes` index a planner may use, and the time map of a span of the file
//! from that index or from the tags.

use crate::error::Result;
use crate::head::Head;
use crate::meta::{self, Index, Keyframes};
use crate::timing::{self, Span};
use loomiere_plan::TimeMap;

/// The `keyframes` index of the file's `onMetaData`, if any.
pub(crate) fn index_of(file: &[u8], head: &Head) -> Result<Keyframes> {
    match &head.meta {
        Some(m) => meta::keyframes(file, m, head.first_tag),
        None => Ok(Keyframes::Absent),
    }
}

/// The index when it can be used; why not, in `notes`, when it cannot.
pub(crate) fn usable<'k>(keyframes: &'k Keyframes, notes: &mut Vec<String>) -> Option<&'k Index> {
    match keyframes {
        Keyframes::Usable(i) => Some(i),
        Keyframes::Unusable(why) => {
            notes.push(format!("keyframes index unusable: {why}"));
            None
        }
        Keyframes::Absent => None,
    }
}

/// The time map of the span: from the index when there is one, else from the tags.
pub(crate) fn time_map(
    file: &[u8],
    index: Option<&Index>,
    span: Span,
    notes: &mut Vec<String>,
) -> Result<TimeMap> {
    if let Some(i) = index {
        return timing::from_index(i, span);
    }
    let (map, stopped) = timing::from_walk(file, span)?;
    if let Some(why) = stopped {
        notes.push(format!("time map stops early: {why}"));
    }
    Ok(map)
}
