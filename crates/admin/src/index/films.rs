//! The films to index: every file under the directories given that the config
//! routes to `loomiere-mp4`, and every file named, each inode once.

use crate::runtime::Loaded;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};

/// The films, in walk order, and the problems met on the way (unreadable
/// directories, missing paths), as `PATH: why` lines.
pub fn collect(paths: &[PathBuf], loaded: &Loaded) -> (Vec<PathBuf>, Vec<String>) {
    let mut films = Vec::new();
    let mut problems = Vec::new();
    let mut seen = std::collections::BTreeSet::new();
    let mut keep = |path: PathBuf, m: &std::fs::Metadata| {
        if seen.insert((m.dev(), m.ino())) {
            films.push(path);
        }
    };
    for path in paths {
        match std::fs::metadata(path) {
            Err(e) => problems.push(format!("{}: {e}", path.display())),
            Ok(m) if m.is_file() => keep(path.clone(), &m),
            Ok(_) => walk(path, loaded, &mut keep, &mut problems),
        }
    }
    (films, problems)
}

/// Walks `dir` without following directory links and without entering dot-files
/// (the streamers never serve them); keeps the MP4 films, symbolic links to
/// files included.
fn walk(
    dir: &Path,
    loaded: &Loaded,
    keep: &mut impl FnMut(PathBuf, &std::fs::Metadata),
    problems: &mut Vec<String>,
) {
    let entries = walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !e.file_name().to_string_lossy().starts_with('.'));
    for entry in entries {
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                problems.push(e.to_string());
                continue;
            }
        };
        let is_mp4 = entry
            .path()
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| loaded.is_mp4(e));
        if !is_mp4 || entry.file_type().is_dir() {
            continue;
        }
        match std::fs::metadata(entry.path()) {
            Ok(m) if m.is_file() => keep(entry.into_path(), &m),
            Ok(_) => {}
            Err(e) => problems.push(format!("{}: {e}", entry.path().display())),
        }
    }
}
