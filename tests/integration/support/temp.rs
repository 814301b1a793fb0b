//! Per-test temporary directories under `std::env::temp_dir()`, removed on drop.

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU32, Ordering};

static NEXT: AtomicU32 = AtomicU32::new(0);

/// A fresh directory owned by one test; removed with everything in it on drop.
pub struct TempDir {
    path: PathBuf,
}

impl TempDir {
    /// Creates `<tmp>/loomiere-it-<pid>-<n>-<name>`.
    pub fn new(name: &str) -> TempDir {
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let path =
            std::env::temp_dir().join(format!("loomiere-it-{}-{n}-{name}", std::process::id()));
        // A leftover of an earlier run with the same pid is stale.
        let _ = fs::remove_dir_all(&path);
        fs::create_dir_all(&path).unwrap_or_else(|e| panic!("create {}: {e}", path.display()));
        TempDir { path }
    }

    pub fn join(&self, rel: &str) -> PathBuf {
        self.path.join(rel)
    }

    /// Writes `contents` to `rel` (parents created) and returns its path.
    pub fn write(&self, rel: &str, contents: impl AsRef<[u8]>) -> PathBuf {
        let path = self.join(rel);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent)
                .unwrap_or_else(|e| panic!("mkdir {}: {e}", parent.display()));
        }
        fs::write(&path, contents).unwrap_or_else(|e| panic!("write {}: {e}", path.display()));
        path
    }

    /// Writes a config file `rel` with `root = ROOT` (when given) and `extra` lines,
    /// by writing a sibling and renaming it, so a reader never sees half a file.
    /// Throttling is off (`throttle = 0`) unless `extra` sets `throttle`: other tests
    /// judge bytes, not pacing, and a throttled film takes its own length to arrive.
    /// `allow_root = yes` is added unless `extra` sets `allow_root`: the tests may run
    /// as root, and the programs refuse to serve as root without it.
    /// `scoreboard = <rel>.scoreboard` beside it (64 slots) is added unless `extra`
    /// sets `scoreboard`: every test then runs with a scoreboard of its own.
    pub fn config(&self, rel: &str, root: Option<&Path>, extra: &str) -> PathBuf {
        let mut text = String::new();
        if let Some(root) = root {
            text.push_str(&format!("root = {}\n", root.display()));
        }
        text.push_str(extra);
        let sets = |key: &str| {
            extra
                .lines()
                .any(|l| l.split('=').next().map(str::trim) == Some(key))
        };
        if !text.is_empty() && !text.ends_with('\n') {
            text.push('\n');
        }
        if !sets("throttle") {
            text.push_str("throttle = 0\n");
        }
        if !sets("allow_root") {
            text.push_str("allow_root = yes\n");
        }
        if !sets("scoreboard") {
            let board = self.join(&format!("{rel}.scoreboard"));
            text.push_str(&format!("scoreboard = {}\n", board.display()));
        }
        if !sets("scoreboard_slots") {
            text.push_str("scoreboard_slots = 64\n");
        }
        let tmp = self.write(&format!("{rel}.new"), text);
        let path = self.join(rel);
        fs::rename(&tmp, &path).unwrap_or_else(|e| panic!("rename to {}: {e}", path.display()));
        path
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.path);
    }
}
