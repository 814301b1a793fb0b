//! What a film is, for an operator (`loomiere probe`): where its `moov` is, whether
//! it is fragmented, and each track's handler, codec, language, duration, sample
//! count and key-frame spacing, read through the same parse and walk stages the
//! planner uses (nothing here reads a sample table by itself).

mod keys;

pub use keys::Spread;

use crate::cut::cut_track::presentation_end;
use crate::error::Result;
use crate::parse::movie::{self, Movie};
use crate::parse::runs::RunPos;
use crate::parse::top;
use crate::parse::track::Track;
use crate::segment::entry;
use crate::time::{ticks_to_ns, NS};
use crate::walk::{duration, lookup};
use loomiere_cmaf::{codecs, language};

/// The facts of one MP4 film (ISO/IEC 14496-12).
#[derive(Clone, Debug, PartialEq)]
pub struct Film {
    /// True when `moov` comes before every `mdat` (§6.2.2): a player can start at once.
    pub moov_first: bool,
    /// True when `moov` holds `mvex` (§8.8.1): the samples are in `moof` fragments, so
    /// the tracks' sample tables are empty and [`Film::tracks`] is empty too.
    pub fragmented: bool,
    /// Presentation duration in seconds: the longest track (tables and edit list), or
    /// `mvhd`'s duration when that is longer.
    pub duration_s: f64,
    /// The tracks, in file order (none for a fragmented film).
    pub tracks: Vec<TrackFacts>,
}

/// The facts of one track (`trak`, §8.3.1).
#[derive(Clone, Debug, PartialEq)]
pub struct TrackFacts {
    /// `hdlr` handler type (§8.4.3): `vide`, `soun`, `sbtl`, `text`, ...
    pub handler: [u8; 4],
    /// The first sample entry's four-character code (§8.5.2): `avc1`, `mp4a`, ...
    pub sample_entry: [u8; 4],
    /// RFC 6381 codec string (`avc1.64001e`, `mp4a.40.2`), when the entry's decoder
    /// configuration record gives one (`loomiere_cmaf::codecs`).
    pub codec: Option<String>,
    /// The language as stored: `elng`'s BCP 47 tag (§8.4.6), else `mdhd`'s ISO 639-2/T
    /// code (§8.4.2.3); `None` for `und`.
    pub language: Option<String>,
    /// [`TrackFacts::language`] as a BCP 47 tag with ISO 639-1 codes where they exist
    /// (`eng` → `en`), as HLS `LANGUAGE` and DASH `@lang` carry it.
    pub language_tag: Option<String>,
    /// Media timescale (`mdhd`), ticks per second.
    pub timescale: u32,
    /// Presentation duration in seconds: to the latest composition end of its samples
    /// (`stts` decode times with `ctts` offsets), with the edit list (`elst`: leading
    /// empty edits added, the first media edit's media time taken off).
    pub duration_s: f64,
    /// Number of samples (`stsz`/`stz2`).
    pub samples: u32,
    /// Number of sync samples (key frames): `stss` entries (§8.6.2), or every sample
    /// when the track has no `stss`.
    pub sync_samples: u32,
    /// True when the track has an `stss` box (without one, every sample is a sync
    /// sample).
    pub has_stss: bool,
    /// Seconds between the presentation times of consecutive sync samples; `None`
    /// with fewer than two sync samples.
    pub key_frame_interval: Option<Spread>,
}

impl TrackFacts {
    /// True for a video track (`hdlr` type `vide`).
    pub fn is_video(&self) -> bool {
        &self.handler == b"vide"
    }

    /// True for a sound track (`hdlr` type `soun`).
    pub fn is_audio(&self) -> bool {
        &self.handler == b"soun"
    }
}

/// Reads the facts of `file` (the whole MP4, usually mapped).
///
/// Errors: [`crate::Mp4Error::Defect`] for a file with no `moov`, a malformed box
/// header before it, a malformed `moov` or track (a missing mandatory box, a table
/// whose counts exceed its box, `stss` entries out of order), naming the defect.
pub fn facts(file: &[u8]) -> Result<Film> {
    let top = top::scan(file)?;
    let movie = movie::parse(top.moov, None)?;
    let tracks = movie
        .tracks
        .iter()
        .map(|t| track_facts(&movie, t))
        .collect::<Result<Vec<_>>>()?;
    Ok(Film {
        moov_first: top.moov_first(),
        fragmented: movie.fragmented,
        duration_s: seconds(duration::movie_ns(&movie)?),
        tracks,
    })
}

/// The facts of track `t` of `movie`.
fn track_facts(movie: &Movie<'_>, t: &Track<'_>) -> Result<TrackFacts> {
    let headers = entry::headers(t)?;
    let code = headers.entry.code;
    let keys = keys::key_frames(t)?;
    Ok(TrackFacts {
        handler: t.handler,
        sample_entry: code,
        codec: codecs::codec_string(&code, headers.entry.config),
        language_tag: headers.language.as_deref().map(language::bcp47),
        language: headers.language,
        timescale: t.timescale,
        duration_s: seconds(presented_ns(t, movie.timescale)?),
        samples: t.samples,
        sync_samples: keys.count,
        has_stss: t.stss.is_some(),
        key_frame_interval: keys.interval,
    })
}

/// How long track `t` presents, in ns: from its first media edit's start to the
/// latest composition end of its samples (`stts` with `ctts`), with its leading empty
/// edits (ticks of `movie_ts`) before. Errors: a time past `i128` ns.
fn presented_ns(t: &Track<'_>, movie_ts: u32) -> Result<i128> {
    let end = match t.ctts {
        Some(_) => presentation_end(t, 0, t.samples, RunPos::default())?.0,
        None => lookup::dts(t, t.samples)?,
    };
    let media = i128::from(end) - i128::from(t.edit.media_time);
    Ok(ticks_to_ns(i128::from(t.edit.empty), movie_ts)? + ticks_to_ns(media, t.timescale)?)
}

/// Nanoseconds as seconds.
fn seconds(ns: i128) -> f64 {
    ns as f64 / NS as f64
}
