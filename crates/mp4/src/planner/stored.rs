//! A body without a seek: the file as stored, or with `moov` moved first; with the
//! time map of all its samples.

use crate::api::{Planned, Shape, Timing};
use crate::emit::layout::Layout;
use crate::emit::relocate::relocate;
use crate::emit::time_map::{time_map, TrackTiming};
use crate::error::Result;
use crate::parse::boxes::Bx;
use crate::parse::movie::{self, Movie};
use crate::parse::top::TopLevel;
use crate::walk::chunk_range::ChunkRange;
use crate::walk::chunks::WalkPlace;
use crate::walk::duration;
use loomiere_plan::{Plan, TimeMap};

/// The stored file, with its time map when its `moov` parses (else none: a body we do
/// not understand is sent unthrottled).
pub(super) fn as_stored(moov: Option<Bx<'_>>, len: u64) -> Result<Planned> {
    let plan = Plan::whole_file(0, len)?;
    let movie = moov
        .and_then(|m| movie::parse(m, None).ok())
        .filter(|m| !m.fragmented);
    let time_map = match &movie {
        Some(m) => whole_time_map(m, &Layout::single(0, len)?, 0).unwrap_or_default(),
        None => TimeMap::new(),
    };
    Ok(Planned {
        plan,
        shape: Shape::AsStored,
        start_ms: None,
        time_map,
        new_index: None,
    })
}

/// `moov` moved first: the body is `prefix`, the new `moov`, then the file minus
/// `ftyp` and `moov`, in order.
pub(super) fn relocated(
    top: &TopLevel<'_>,
    movie: &Movie<'_>,
    prefix: Plan,
    len: u64,
    timing: Timing,
) -> Result<Planned> {
    let (plan, base, layout) = relocate(top, movie, prefix, len)?;
    let time_map = if timing == Timing::Map {
        whole_time_map(movie, &layout, base)?
    } else {
        TimeMap::new()
    };
    Ok(Planned {
        plan,
        shape: Shape::MoovFirst,
        start_ms: None,
        time_map,
        new_index: None,
    })
}

/// The time map of a whole movie whose sample data lands through `layout` at body
/// offset `base`.
fn whole_time_map(movie: &Movie<'_>, layout: &Layout, base: u64) -> Result<TimeMap> {
    let timings: Vec<TrackTiming<'_, '_>> = movie
        .tracks
        .iter()
        .map(|t| TrackTiming {
            track: t,
            range: ChunkRange::all(&t.chunks),
            first_sample: 0,
            walk_from: WalkPlace::default(),
            layout,
            base,
            origin_dts: 0,
            media_time: t.edit.media_time,
            empty: t.edit.empty,
        })
        .collect();
    let span_ms = u64::try_from(duration::movie_ns(movie)? / 1_000_000).unwrap_or(u64::MAX);
    time_map(&timings, movie.timescale, span_ms)
}
