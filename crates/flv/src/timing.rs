//! The byte-to-time map of a planned FLV body: a tag's bytes are due at its timestamp
//! minus the timestamp the body starts at (Adobe FLV v10.1 §E.4.1: timestamps are in
//! milliseconds). Bytes before the first point (header, `onMetaData`, sequence
//! headers) are due at once.

use crate::error::Result;
use crate::meta::Index;
use crate::tag::{self, Walk};
use loomiere_plan::TimeMap;

/// Finest spacing of points from a tag walk, in ms of media: a point is kept only when
/// it is due at least this much after the last kept one. Bytes between points are due
/// a little early, never late; the map stays small (at most 10 points a second).
pub(crate) const GRAIN_MS: u64 = 100;

/// Most points a map keeps: past this, every second point is dropped and the spacing
/// doubles, so the map stays under 32 KiB for any length (an hour of tags at 100 ms
/// would be 36,000 points).
pub(crate) const MAX_POINTS: usize = 2048;

/// Adds a point, halving the map (and doubling `grain`) when it is full.
fn push_bounded(map: &mut TimeMap, offset: u64, due: u64, grain: &mut u64) -> Result<()> {
    map.push(offset, due)?;
    if map.len() > MAX_POINTS {
        map.halve();
        *grain = grain.saturating_mul(2).max(1);
    }
    Ok(())
}

/// Where the kept tags sit: file bytes `from..end` are body bytes from `body_base` on,
/// and `origin` (ms) is the timestamp due at 0.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Span {
    pub from: u64,
    pub end: u64,
    pub body_base: u64,
    pub origin: u64,
}

impl Span {
    /// Body offset of file offset `offset` (`from <= offset < end`, so the result is
    /// below the planned length and cannot overflow).
    fn body(&self, offset: u64) -> u64 {
        self.body_base + (offset - self.from)
    }
}

/// The map from the `keyframes` index: one point per indexed key frame in the span.
pub(crate) fn from_index(index: &Index, span: Span) -> Result<TimeMap> {
    let mut map = TimeMap::new();
    let (mut latest, mut grain) = (None, 0u64);
    for (&pos, &ms) in index.positions.iter().zip(&index.times_ms) {
        if pos < span.from || pos >= span.end {
            continue;
        }
        let due = ms.saturating_sub(span.origin);
        if latest.is_none_or(|l: u64| due > l.saturating_add(grain)) {
            push_bounded(&mut map, span.body(pos), due, &mut grain)?;
            latest = Some(due);
        }
    }
    Ok(map)
}

/// The map from the tag headers in the span, at most one point per [`GRAIN_MS`]. A
/// defective tag ends the map (the rest is due with the last point); its text comes
/// back with the map, for the log.
pub(crate) fn from_walk(file: &[u8], span: Span) -> Result<(TimeMap, Option<String>)> {
    let mut map = TimeMap::new();
    let (mut latest, mut grain): (Option<u64>, u64) = (None, GRAIN_MS);
    for t in Walk::from(file, span.from) {
        let t = match t {
            Ok(t) => t,
            Err(e) => return Ok((map, Some(e.to_string()))),
        };
        if t.offset >= span.end {
            break;
        }
        if !tag::role(file, &t).is_media() {
            continue;
        }
        let due = u64::from(t.ts).saturating_sub(span.origin);
        if latest.is_none_or(|l| due >= l.saturating_add(grain)) {
            push_bounded(&mut map, span.body(t.offset), due, &mut grain)?;
            latest = Some(due);
        }
    }
    Ok((map, None))
}
