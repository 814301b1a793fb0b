//! Segmented delivery of a plain MP4 file (HLS, RFC 8216; DASH, ISO/IEC 23009-1): the
//! public face of the `segment` stage, with the sample index when one is given.

use crate::error::{not_found, Result};
use crate::index::build::build as build_index;
use crate::index::{format, MIN_MOOV_FOR_INDEX};
use crate::parse::{movie, top};
use crate::segment::film::Film;
use loomiere_cmaf::names::Rendition;
use loomiere_plan::Plan;

/// A film opened for segmented delivery: its playlists, manifest, init segments and
/// media segments, every one computed from the `moov` alone.
pub struct Segmented<'a> {
    film: Film<'a>,
    /// Bytes of the `moov` box.
    moov_len: u64,
}

impl<'a> Segmented<'a> {
    /// Opens `file` (the whole MP4, usually mapped) for segments of `target_ms`
    /// milliseconds (1000 at least), with `index`, a sample index that planning this
    /// very file returned before (see [`crate::plan_indexed`]), if any: with it, a
    /// segment late in a long film reads a few pages of each table.
    ///
    /// Errors: [`crate::Mp4Error::NotFound`] when the top-level boxes hold no `moov`
    /// (not an MP4 film: it has no playlists); [`crate::Mp4Error::BadSeek`] for a
    /// fragmented file or one with no video or audio samples;
    /// [`crate::Mp4Error::Defect`] for a malformed `moov`.
    pub fn open(file: &'a [u8], index: Option<&'a [u8]>, target_ms: u64) -> Result<Self> {
        let top = top::scan(file).map_err(|e| not_found!("not an MP4 film ({e})"))?;
        let checkpoints = index.and_then(format::parse);
        let movie = movie::parse(top.moov, checkpoints.as_deref())?;
        let film = Film::new(movie, target_ms, file.len() as u64)?;
        Ok(Segmented {
            film,
            moov_len: top.moov.len(),
        })
    }

    /// A sample index of this file for the caller to keep (as [`crate::plan_indexed`]
    /// returns one), when it was opened without a usable one and its `moov` is at
    /// least [`MIN_MOOV_FOR_INDEX`] bytes; `None` otherwise.
    pub fn new_index(&self) -> Option<Vec<u8>> {
        let worth = !self.film.movie.indexed && self.moov_len >= MIN_MOOV_FOR_INDEX;
        worth.then(|| build_index(&self.film.movie)).flatten()
    }

    /// True when the film was opened with a sample index that fits it.
    pub fn indexed(&self) -> bool {
        self.film.movie.indexed
    }

    /// The renditions, videos first, in track order.
    pub fn renditions(&self) -> Vec<Rendition> {
        self.film.renditions()
    }

    /// The HLS multivariant playlist (RFC 8216 §4.3.4). Errors: a malformed table.
    pub fn master(&self) -> Result<String> {
        self.film.master()
    }

    /// The DASH MPD. Errors: a malformed table.
    pub fn mpd(&self) -> Result<String> {
        self.film.mpd()
    }

    /// The HLS media playlist of `r` (RFC 8216 §4.3.3). Errors:
    /// [`crate::Mp4Error::NotFound`] when the film has no such rendition; a malformed
    /// table.
    pub fn media_playlist(&self, r: Rendition) -> Result<String> {
        self.film.media_playlist(r)
    }

    /// The init segment of `r`. Errors: as [`Segmented::media_playlist`], or a
    /// malformed header box.
    pub fn init(&self, r: Rendition) -> Result<Vec<u8>> {
        self.film.init(r)
    }

    /// Media segment `n` (from 1) of `r`: its header and its samples' file ranges.
    /// Errors: [`crate::Mp4Error::NotFound`] when there is no such rendition or
    /// segment; a malformed table; a segment mixing sample descriptions.
    pub fn segment(&self, n: u32, r: Rendition) -> Result<Plan> {
        self.film.segment(n, r)
    }
}
