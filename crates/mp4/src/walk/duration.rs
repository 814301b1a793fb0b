//! Presentation durations from the sample tables and the edit list (ISO/IEC 14496-12
//! §8.6.1.2 `stts`, §8.6.6 `elst`): more reliable than `mvhd`, which muxers sometimes
//! leave at 0.

use crate::error::Result;
use crate::parse::movie::Movie;
use crate::parse::track::Track;
use crate::time::ticks_to_ns;
use crate::walk::lookup::dts;

/// Presentation duration of the movie in ns: the longest track, from its samples and
/// edit list, or `mvhd`'s duration when that is longer. Errors: a time past `i128` ns.
pub(crate) fn movie_ns(movie: &Movie<'_>) -> Result<i128> {
    let mut longest = ticks_to_ns(i128::from(movie.duration), movie.timescale)?;
    for t in movie.tracks.iter().filter(|t| t.samples > 0) {
        longest = longest.max(track_ns(t, movie.timescale)?);
    }
    Ok(longest)
}

/// Presentation duration of track `t` in ns: its leading empty edits (in ticks of
/// `movie_ts`, the `mvhd` timescale) plus its samples' total decode time less the
/// first edit's media time. Errors: a time past `i128` ns.
pub(crate) fn track_ns(t: &Track<'_>, movie_ts: u32) -> Result<i128> {
    let total = dts(t, t.samples)?;
    let media = i128::from(total) - i128::from(t.edit.media_time);
    Ok(ticks_to_ns(i128::from(t.edit.empty), movie_ts)? + ticks_to_ns(media, t.timescale)?)
}
