//! The scoreboard: one fixed-size file, memory-mapped by every Loomiere process, that
//! shows the open streams and keeps the global counters (Apache's scoreboard, in a
//! file because our processes have no common parent).
//!
//! - [`layout`]: the format, the header a reader checks ([`Layout::check`]).
//! - [`names`]: the fixed tables counters are indexed by (streamers, status codes,
//!   states, end reasons).
//! - [`map`]: the file, made atomically with mode 0600, and its shared mapping.
//! - [`counters`]: the global counters (requests, bytes sent, bytes saved, ends).
//! - [`Slot`]: a process's own slot, claimed by compare-and-swap on its pid, written by
//!   it alone, freed on drop.
//! - [`scan()`]: the readers' view of every slot; a slot whose pid is gone (SIGKILL,
//!   OOM) is reclaimed there.
//!
//! [`Board`] puts these together for a process.

pub mod counters;
pub mod layout;
pub mod map;
pub mod names;
mod scan;
mod slot;
mod text;
mod writer;

#[cfg(test)]
mod tests;

pub use counters::Counters;
pub use layout::{Damage, Layout};
pub use map::{Mapping, OpenError};
pub use names::{EndReason, State, CODES, END_REASONS, OTHER_CODE, STATES, STREAMERS};
pub use scan::{check, scan, Scan, Stream};
pub use slot::pid_alive;
pub use writer::{Outcome, Slot};

use std::path::Path;

/// The default path of the scoreboard (config key `scoreboard`).
pub const DEFAULT_PATH: &str = "/run/loomiere/scoreboard";
/// The default number of slots (config key `scoreboard_slots`).
pub const DEFAULT_SLOTS: u64 = 4096;

/// An open scoreboard, for a reader (the monitor, `loomiere status`).
pub struct Board {
    map: Mapping,
    writable: bool,
}

impl Board {
    /// Opens the existing scoreboard at `path`, writable when it can (a reader that
    /// can write reclaims stale slots), else read-only.
    ///
    /// Errors: [`OpenError`]: missing, unreadable, or damaged.
    pub fn open(path: &Path) -> Result<Board, OpenError> {
        match map::open(path, true) {
            Ok(map) => Ok(Board {
                map,
                writable: true,
            }),
            Err(OpenError::Io(_, e)) if e.raw_os_error() == Some(libc::EACCES) => {
                map::open(path, false).map(|map| Board {
                    map,
                    writable: false,
                })
            }
            Err(e) => Err(e),
        }
    }

    /// The global counters now.
    pub fn counters(&self) -> Counters {
        counters::read(self.map.words())
    }

    /// Every open stream now; stale slots reclaimed when the board is writable.
    pub fn scan(&self) -> Scan {
        scan(
            self.map.words(),
            self.map.layout(),
            &pid_alive,
            self.writable,
        )
    }

    /// The number of slots.
    pub fn slots(&self) -> usize {
        self.map.layout().slots
    }

    /// Counts the end of an exchange that held no slot (the monitor's own requests):
    /// as [`Slot::finish`], bytes sent included. Does nothing when read-only.
    pub fn count(&self, streamer: usize, outcome: &Outcome) {
        if self.writable {
            counters::add_sent(self.map.words(), outcome.sent);
            writer::count(self.map.words(), streamer, outcome);
        }
    }
}

/// Opens (making it when missing) the scoreboard at `path` with `slots` slots and
/// claims a slot for this process: see [`Slot::claim`] for `hint`, `streamer`,
/// `started_ms` and `remote`.
///
/// Errors: the [`OpenError`], [`OpenError::Full`] when every slot is taken.
pub fn claim(
    path: &Path,
    slots: u64,
    hint: Option<usize>,
    streamer: usize,
    started_ms: u64,
    remote: &str,
) -> Result<Slot, OpenError> {
    let map = map::create_or_open(path, slots)?;
    let n = map.layout().slots;
    Slot::claim(map, std::process::id(), hint, streamer, started_ms, remote)
        .ok_or(OpenError::Full(n))
}
