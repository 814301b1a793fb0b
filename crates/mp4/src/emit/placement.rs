//! Where a cut's kept samples go in the new `mdat`: one stretch of the file from the
//! first kept byte to the last, as nginx's mp4 module sends it, when that holds every
//! kept chunk and next to nothing else (see [`single_stretch`]); else every kept
//! chunk's samples packed in file order. With the layout come each track's largest
//! output chunk offset (`stco`/`co64`, ISO/IEC 14496-12 §8.7.5).

use crate::cut::kept::Kept;
use crate::cut::span::Span;
use crate::emit::layout::Layout;
use crate::emit::offsets::check;
use crate::error::Result;
use crate::parse::track::Track;
use crate::walk::chunk_range::ChunkRange;
use crate::walk::lookup::file_ranges;

/// Most bytes of dropped samples a single stretch may carry, as a fraction of its
/// length: 1/1024. Muxers interleave by decode time, so the audio frame or two just
/// before a cut often lies after the key frame's chunk (132 bytes of 69.6 MB in a
/// 2-hour film); packing them out would cost a walk over every kept chunk.
const WASTE_DIVISOR: u64 = 1024;

/// The layout of the kept samples of `kept` (one per track, in `trak` order) in a
/// file of `len` bytes, with each track's largest output chunk offset. Errors: a kept
/// chunk past the end of the file or outside the packed data.
pub(crate) fn cut_layout(
    tracks: &[Track<'_>],
    kept: &[Kept<'_, '_>],
    len: u64,
) -> Result<(Layout, Vec<Option<u64>>)> {
    let spans: Vec<Option<Span>> = kept
        .iter()
        .map(|k| (!k.is_empty()).then(|| k.span.clone()))
        .collect();
    if let Some(found) = single_stretch(tracks, &spans)? {
        return Ok(found);
    }
    let mut lists = Vec::with_capacity(kept.len());
    for k in kept {
        let ranges = if k.is_empty() {
            Vec::new()
        } else {
            file_ranges(k.track, k.cut.first, k.cut.end, len)?
        };
        lists.push(ranges);
    }
    let layout = Layout::packed(&lists.iter().map(Vec::as_slice).collect::<Vec<_>>())?;
    let maxima = kept
        .iter()
        .map(|k| check(&k.track.chunks, k.span.chunks, &layout))
        .collect::<Result<Vec<_>>>()?;
    Ok((layout, maxima))
}

/// The single stretch from the first kept byte of any track to the last, when it
/// holds every kept chunk of every track and at most 1/[`WASTE_DIVISOR`] of it is
/// bytes of no kept sample; `None` otherwise (the caller then packs chunk by chunk).
/// `spans` is parallel to `tracks` (`None`: nothing kept). With the layout come the
/// tracks' largest output chunk offsets, as [`check`] gives them.
pub(crate) fn single_stretch(
    tracks: &[Track<'_>],
    spans: &[Option<Span>],
) -> Result<Option<(Layout, Vec<Option<u64>>)>> {
    let kept = || spans.iter().flatten();
    let (Some(start), Some(end)) = (kept().map(|s| s.start).min(), kept().map(|s| s.end).max())
    else {
        return Ok(None);
    };
    let bytes = kept().try_fold(0u64, |acc, s| acc.checked_add(s.bytes));
    let len = end - start;
    if bytes.is_none_or(|b| b > len || len - b > len / WASTE_DIVISOR) {
        return Ok(None);
    }
    let layout = Layout::single(start, end - start)?;
    let mut maxima = Vec::with_capacity(spans.len());
    for (t, s) in tracks.iter().zip(spans) {
        let range = s.as_ref().map_or_else(ChunkRange::default, |s| s.chunks);
        match check(&t.chunks, range, &layout) {
            Ok(max) => maxima.push(max),
            Err(_) => return Ok(None),
        }
    }
    Ok(Some((layout, maxima)))
}
