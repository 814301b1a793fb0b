//! The reader's side: the open streams of every live slot, stale slots reclaimed on
//! the way.

use crate::layout::{Damage, Layout, HEADER_WORDS};
use crate::names::State;
use crate::slot::{self, META, PID, PLANNED, SENT, SEQ, STARTED};
use crate::text;
use std::sync::atomic::{fence, AtomicU64, Ordering};

/// One open stream, as its slot showed it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stream {
    /// The slot's number.
    pub slot: usize,
    /// The owner's process id.
    pub pid: u64,
    /// Start time, Unix milliseconds.
    pub started_ms: u64,
    /// Index in [`crate::STREAMERS`] (out-of-range values read as `other`).
    pub streamer: usize,
    /// What it is doing.
    pub state: State,
    /// The status answered, 0 before it is known.
    pub status: u16,
    /// Body bytes planned (0 before planning ends).
    pub planned: u64,
    /// Body bytes sent (updated at most every 250 ms while throttled).
    pub sent: u64,
    /// Client address as the access log shows it.
    pub remote: String,
    /// Virtual host (the request's `Host`), possibly empty.
    pub vhost: String,
    /// Request target, cut to 224 bytes.
    pub target: String,
}

/// What a scan found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Scan {
    /// Every open stream, by slot number.
    pub streams: Vec<Stream>,
    /// Slots whose owner was gone, freed by this scan (or, read-only, skipped).
    pub reclaimed: usize,
    /// Slots free.
    pub free: usize,
    /// Slots of live processes caught while claiming or rewriting them.
    pub busy: usize,
}

/// Checks `words` (a whole file, read or mapped) as a scoreboard: its header against
/// its own length. Errors: the [`Damage`].
pub fn check(words: &[AtomicU64]) -> Result<Layout, Damage> {
    let header: Vec<u64> = words
        .iter()
        .take(HEADER_WORDS)
        .map(|w| w.load(Ordering::Relaxed))
        .collect();
    Layout::check(&header, words.len() as u64 * 8)
}

/// Reads every slot of `words` (checked: `layout` from [`check`] on these words).
/// A slot whose owner `alive` denies is not listed, and freed when `reclaim`.
pub fn scan(
    words: &[AtomicU64],
    layout: Layout,
    alive: &dyn Fn(u64) -> bool,
    reclaim: bool,
) -> Scan {
    let mut out = Scan::default();
    for i in 0..layout.slots {
        let w = slot::words(words, layout, i);
        let pid = w[PID].load(Ordering::Acquire);
        if pid == 0 {
            out.free += 1;
        } else if !alive(pid) {
            // Gone even while writing its texts (an odd sequence): freed all the same.
            if reclaim {
                slot::reclaim(w, pid);
            }
            out.reclaimed += 1;
        } else if let Some(mut s) = read_slot(w) {
            s.slot = i;
            out.streams.push(s);
        } else {
            out.busy += 1;
        }
    }
    out
}

/// One consistent reading of slot `w`, `None` when it is free or being (re)written
/// for more than a few tries.
fn read_slot(w: &[AtomicU64]) -> Option<Stream> {
    for _ in 0..4 {
        // Free (a slot never used has sequence 0), or being claimed or rewritten.
        if w[PID].load(Ordering::Acquire) == 0 {
            return None;
        }
        let seq = w[SEQ].load(Ordering::Acquire);
        if seq & 1 == 1 {
            std::hint::spin_loop();
            continue;
        }
        let stream = load(w);
        fence(Ordering::Acquire);
        if w[SEQ].load(Ordering::Relaxed) == seq {
            return Some(stream).filter(|s| s.pid != 0);
        }
    }
    None
}

/// The slot's words as a [`Stream`] (not yet known consistent).
fn load(w: &[AtomicU64]) -> Stream {
    let get = |i: usize| w[i].load(Ordering::Relaxed);
    let (streamer, state, status) = slot::unmeta(get(META));
    Stream {
        slot: 0,
        pid: get(PID),
        started_ms: get(STARTED),
        streamer: streamer.min(crate::STREAMERS.len() - 1),
        state: State::from_code(state).unwrap_or(State::Reading),
        status,
        planned: get(PLANNED),
        sent: get(SENT),
        remote: text::load(&w[slot::REMOTE]),
        vhost: text::load(&w[slot::VHOST]),
        target: text::load(&w[slot::TARGET]),
    }
}
