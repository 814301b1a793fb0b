//! Every call into the MP4 planner (`loomiere_mp4`) is in this file, so that when its
//! shape changes only this file follows.

use loomiere_mp4::{plan_indexed, Mp4Error, Seek, Timing, SAMPLE_INDEX_VERSION};

/// The kind of the MP4 streamer's entries in `index_dir` (`INDEX_KIND` in the root
/// package's `src/sample_index.rs`; the `index` integration test fails when they differ).
pub const INDEX_KIND: [u8; 4] = *b"mp4 ";

/// The format version of the sample index the planner builds and accepts.
pub const INDEX_VERSION: u32 = SAMPLE_INDEX_VERSION;

/// What planning a cut of a film gave.
#[derive(Debug, PartialEq, Eq)]
pub enum Built {
    /// The sample index the streamer would keep for the film.
    Index(Vec<u8>),
    /// The film's `moov` is too small for an index: the streamer keeps none either.
    NotWorth,
    /// The film cannot be cut by time (fragmented), so it is never indexed; why.
    Uncuttable(String),
}

/// Builds the sample index of `film` (its whole bytes) exactly as the streamer does
/// on a film's first seek: by planning a cut from 0 s with building on.
///
/// Errors, in words: a defective film.
pub fn build_index(film: &[u8]) -> Result<Built, String> {
    let seek = Seek {
        start_ms: Some(0),
        end_ms: None,
    };
    match plan_indexed(film, seek, Timing::Skip, None, true) {
        Ok(planned) => Ok(planned.new_index.map_or(Built::NotWorth, Built::Index)),
        Err(Mp4Error::BadSeek(s) | Mp4Error::NotFound(s)) => Ok(Built::Uncuttable(s)),
        Err(Mp4Error::Defect(s)) => Err(format!("defective: {s}")),
    }
}
