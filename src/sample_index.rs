//! The MP4 sample indexes the streamers keep in `index_dir` (see
//! [`loomiere_index_cache`]): one entry per film, shared by the `?start=` streamer
//! ([`crate::mp4`]) and the segmenter ([`crate::hls`]), which plan from the same
//! sample tables.

use loomiere_http::FileIdentity;
use loomiere_index_cache as index_cache;
use loomiere_mp4::SAMPLE_INDEX_VERSION;
use std::path::Path;

/// Kind of the sample indexes in `index_dir`.
pub const INDEX_KIND: [u8; 4] = *b"mp4 ";

/// The sample index to plan `film` with, when `index_dir` is `dir`.
pub struct ToUse {
    /// The film's kept index, if any (the planner checks that it fits).
    pub kept: Option<index_cache::Payload>,
    /// Whether a new index may be built: only when the kept one is missing or
    /// unusable, and without one kept only when the directory can take it (building
    /// an index nobody can keep would cost every request a walk of every table).
    pub build: bool,
    /// A log note when the directory cannot be used.
    pub note: Option<String>,
}

/// What to plan `film` with. `dir` `None`: no index, none built.
pub fn to_use(dir: Option<&Path>, film: &FileIdentity) -> ToUse {
    let none = ToUse {
        kept: None,
        build: false,
        note: None,
    };
    let Some(dir) = dir else {
        return none;
    };
    if let Some(kept) = index_cache::load(dir, film, INDEX_KIND, SAMPLE_INDEX_VERSION) {
        return ToUse {
            kept: Some(kept),
            build: true,
            ..none
        };
    }
    match index_cache::writable(dir) {
        Ok(()) => ToUse {
            build: true,
            ..none
        },
        Err(e) => ToUse {
            note: Some(format!("index-dir-unusable: {e}")),
            ..none
        },
    }
}

/// Keeps `built`, a new index of `film`, in `dir`; the log note saying how it went
/// (`index-built`, or `index-not-stored: <reason>`: never an error for the request).
pub fn keep(dir: &Path, film: &FileIdentity, built: &[u8]) -> String {
    match index_cache::store(dir, film, INDEX_KIND, SAMPLE_INDEX_VERSION, built) {
        Ok(()) => "index-built".to_owned(),
        Err(e) => format!("index-not-stored: {e}"),
    }
}
