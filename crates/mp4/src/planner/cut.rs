//! Planning a `?start=`/`end=` cut: [`crate::cut`] decides what each track keeps,
//! [`crate::emit`] writes `ftyp`, the new `moov` and one `mdat` of exactly the kept
//! samples, with the time map.

use crate::api::{Planned, Seek, Shape, Timing};
use crate::cut::cut_track::cut_track;
use crate::cut::kept::Kept;
use crate::cut::request::check_request;
use crate::cut::snap::snap;
use crate::cut::span::{span, Span};
use crate::emit::assemble::{assemble, Pieces, TrackChunks};
use crate::emit::cut_moov::moov_out;
use crate::emit::placement::cut_layout;
use crate::emit::time_map::{time_map, TrackTiming};
use crate::error::{bad_seek, defect, Result};
use crate::parse::movie::Movie;
use crate::parse::sizes::Sizes;
use crate::walk::{duration, lookup};
use loomiere_plan::{Plan, TimeMap};
use std::sync::Arc;

/// A cut of `movie` (a file of `len` bytes) to `seek`; `prefix` is the `ftyp`.
pub(super) fn cut(
    movie: &Movie<'_>,
    prefix: Plan,
    seek: Seek,
    len: u64,
    timing: Timing,
) -> Result<Planned> {
    samples_fit(movie, len)?;
    let ts = movie.timescale;
    let (start_ns, end_ns) = check_request(
        duration::movie_ns(movie)?,
        seek.start_ms.unwrap_or(0),
        seek.end_ms,
    )?;
    let snapped = snap(&movie.tracks, ts, start_ns)?;
    let cut_ns = snapped.map_or(start_ns, |s| s.pts_ns);
    let span_ns = end_ns.map(|e| e - cut_ns);
    let mut kept: Vec<Kept<'_, '_>> = Vec::with_capacity(movie.tracks.len());
    for (i, t) in movie.tracks.iter().enumerate() {
        let c = cut_track(
            t,
            ts,
            cut_ns,
            end_ns,
            snapped.as_ref().filter(|s| s.track == i),
        )?;
        let s = if c.end > c.first {
            span(t, c.first, c.end, len)?
        } else {
            Span::default()
        };
        kept.push(Kept::new(t, c, s, ts, span_ns)?);
    }
    if kept.iter().all(Kept::is_empty) {
        return Err(bad_seek!("no samples left between start and end"));
    }
    let (layout, maxima) = cut_layout(&movie.tracks, &kept, len)?;
    let layout = Arc::new(layout);
    let tracks = kept
        .iter()
        .zip(maxima)
        .map(|(k, max)| TrackChunks {
            table: k.track.chunks,
            range: k.span.chunks,
            max,
        })
        .collect();
    let widths = movie.tracks.iter().map(|t| t.chunks.width).collect();
    let pieces = Pieces {
        prefix,
        layout: Arc::clone(&layout),
        tracks,
        new_mdat: true,
    };
    let (plan, base) = assemble(pieces, widths, |w| moov_out(movie, &kept, w))?;
    let start_ms = u64::try_from(cut_ns / 1_000_000).ok();
    if timing == Timing::Skip {
        return Ok(Planned {
            plan,
            shape: Shape::Cut,
            start_ms,
            time_map: TimeMap::new(),
            new_index: None,
        });
    }
    let timings = kept
        .iter()
        .map(|k| {
            Ok(TrackTiming {
                track: k.track,
                range: k.span.chunks,
                first_sample: k.cut.first,
                walk_from: k.span.first_chunk,
                layout: &layout,
                base,
                origin_dts: u128::from(lookup::dts(k.track, k.cut.first)?),
                media_time: k.cut.media_time,
                empty: k.cut.empty,
            })
        })
        .collect::<Result<Vec<TrackTiming<'_, '_>>>>()?;
    let out_ms = kept
        .iter()
        .map(|k| k.duration)
        .max()
        .unwrap_or(0)
        .saturating_mul(1000)
        / u64::from(ts);
    let time_map = time_map(&timings, ts, out_ms)?;
    Ok(Planned {
        plan,
        shape: Shape::Cut,
        start_ms,
        time_map,
        new_index: None,
    })
}

/// Checks that the samples of every track fit in the file. A constant `stsz` sample
/// size (ISO/IEC 14496-12 §8.7.3.2) lets a few bytes claim 2^32 samples, and a cut walks
/// samples one by one; this bounds every walk by the file size. (A size table bounds
/// them by its own bytes, all present in the file.)
fn samples_fit(movie: &Movie<'_>, len: u64) -> Result<()> {
    for (i, t) in movie
        .tracks
        .iter()
        .enumerate()
        .filter(|(_, t)| matches!(t.sizes, Sizes::Constant { .. }))
    {
        let bytes = lookup::bytes(t, 0, t.samples)?;
        if bytes > len {
            return Err(defect!(
                "track {}: {} samples of {bytes} bytes do not fit in the {len}-byte file",
                i + 1,
                t.samples
            ));
        }
    }
    Ok(())
}
