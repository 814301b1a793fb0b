//! The `moov` box (ISO/IEC 14496-12 §8.2.1): `mvhd` plus its tracks.

use crate::error::{defect, Result};
use crate::parse::boxes::Bx;
use crate::parse::bytes::{u32_at, u64_at};
use crate::parse::checkpoints::TrackCheckpoints;
use crate::parse::track::{self, Track};

/// A parsed movie.
pub(crate) struct Movie<'a> {
    /// The whole `moov` box.
    pub moov: Bx<'a>,
    /// Movie timescale from `mvhd`, ticks per second (never 0).
    pub timescale: u32,
    /// Movie duration from `mvhd`, in movie ticks.
    pub duration: u64,
    /// True when `moov` holds `mvex`: a fragmented file (§8.8.1).
    pub fragmented: bool,
    /// Tracks in file order.
    pub tracks: Vec<Track<'a>>,
    /// True when every track took the checkpoints given (from a sample index).
    pub indexed: bool,
}

/// Parses `moov`, with `checkpoints` (one per track, in order, from a sample index)
/// where they fit. Errors: no `mvhd`, a zero timescale, any malformed track.
pub(crate) fn parse<'a>(
    moov: Bx<'a>,
    checkpoints: Option<&[TrackCheckpoints<'a>]>,
) -> Result<Movie<'a>> {
    let mvhd = moov.require(b"mvhd")?;
    let (timescale, duration) = mvhd_times(&mvhd)?;
    let fragmented = moov.child(b"mvex")?.is_some();
    let mut tracks = Vec::new();
    let mut indexed = checkpoints.is_some();
    if !fragmented {
        for c in moov.children() {
            let c = c?;
            if &c.typ == b"trak" {
                let (t, fits) = track::parse(c, checkpoints.and_then(|m| m.get(tracks.len())))?;
                indexed &= fits;
                tracks.push(t);
            }
        }
    }
    indexed &= checkpoints.is_some_and(|m| m.len() == tracks.len());
    Ok(Movie {
        moov,
        timescale,
        duration,
        fragmented,
        tracks,
        indexed,
    })
}

/// `mvhd` timescale and duration (§8.2.2).
fn mvhd_times(mvhd: &Bx<'_>) -> Result<(u32, u64)> {
    let p = mvhd.payload();
    let (ts, dur) = if mvhd.version()? == 1 {
        (
            u32_at(p, 20, "mvhd timescale")?,
            u64_at(p, 24, "mvhd duration")?,
        )
    } else {
        (
            u32_at(p, 12, "mvhd timescale")?,
            u64::from(u32_at(p, 16, "mvhd duration")?),
        )
    };
    if ts == 0 {
        return Err(defect!("mvhd timescale is zero"));
    }
    Ok((ts, dur))
}
