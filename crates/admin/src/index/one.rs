//! One film: its entry is up to date, or its index is built and stored.

use crate::mp4::{build_index, Built};
use crate::runtime::IndexCache;
use std::path::Path;

/// How indexing one film ended.
#[derive(Debug, PartialEq, Eq)]
pub enum Outcome {
    /// A new entry was stored.
    Indexed,
    /// The streamers would load the entry already there.
    UpToDate,
    /// Its `moov` is too small to be worth an index (the streamer keeps none).
    Small,
    /// It cannot be cut by time (fragmented), so it never has an index; why.
    Uncuttable(String),
    /// It could not be read, planned or stored; why.
    Failed(String),
}

/// Indexes the film at `path` into `cache` unless its entry is up to date.
pub fn index_one(cache: &IndexCache<'_>, path: &Path) -> Outcome {
    let file = match std::fs::File::open(path) {
        Ok(f) => f,
        Err(e) => return Outcome::Failed(e.to_string()),
    };
    // The identity of the open file, as the streamer takes it (fstat(2)).
    let meta = match file.metadata() {
        Ok(m) if m.len() > 0 => m,
        Ok(_) => return Outcome::Failed("empty file".into()),
        Err(e) => return Outcome::Failed(e.to_string()),
    };
    if cache.has(&meta) {
        return Outcome::UpToDate;
    }
    // SAFETY: read-only and private; a film truncated meanwhile raises SIGBUS, which
    // crate::film::catch_sigbus turns into a message and exit status 1.
    let map = match unsafe { memmap2::Mmap::map(&file) } {
        Ok(m) => m,
        Err(e) => return Outcome::Failed(format!("mmap: {e}")),
    };
    match build_index(&map) {
        Ok(Built::Index(index)) => match cache.store(&meta, &index) {
            Ok(()) => Outcome::Indexed,
            Err(e) => Outcome::Failed(format!("cannot store its index: {e}")),
        },
        Ok(Built::NotWorth) => Outcome::Small,
        Ok(Built::Uncuttable(why)) => Outcome::Uncuttable(format!("not indexed: {why}")),
        Err(why) => Outcome::Failed(why),
    }
}
