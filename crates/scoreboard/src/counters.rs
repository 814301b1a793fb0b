//! The global counters: atomic 64-bit words that every process adds to and none
//! resets, so they survive every process (Prometheus counters, reset only when the
//! file is made anew).
//!
//! | counter word | what |
//! |--------------|------|
//! | `s * 16 + c` | requests answered by streamer `s` ([`STREAMERS`]) with status column `c` ([`crate::names::code_index`]) |
//! | 112 | body bytes sent, by every process |
//! | 113 | body bytes saved: planned but never sent because the viewer left |
//! | 114 + r | ends by [`EndReason`] `r` (client-closed, send-timeout, request-timeout) |

use crate::layout::HEADER_WORDS;
use crate::names::{EndReason, CODE_COLUMNS, END_REASONS, STREAMERS};
use std::sync::atomic::{AtomicU64, Ordering};

const REQUESTS: usize = HEADER_WORDS;
const SENT: usize = REQUESTS + STREAMERS.len() * CODE_COLUMNS;
const SAVED: usize = SENT + 1;
const ENDS: usize = SAVED + 1;

/// The counters' values at one moment (each word read atomically on its own).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Counters {
    /// Requests by `[streamer][code column]`.
    pub requests: [[u64; CODE_COLUMNS]; STREAMERS.len()],
    /// Body bytes sent.
    pub sent_bytes: u64,
    /// Body bytes planned but never sent because the viewer left.
    pub saved_bytes: u64,
    /// Ends by [`EndReason`], in the order of [`END_REASONS`].
    pub ends: [u64; END_REASONS.len()],
}

/// Reads the counters of a checked file's `words`.
pub fn read(words: &[AtomicU64]) -> Counters {
    let get = |i: usize| words[i].load(Ordering::Relaxed);
    let mut c = Counters::default();
    for (s, row) in c.requests.iter_mut().enumerate() {
        for (col, n) in row.iter_mut().enumerate() {
            *n = get(REQUESTS + s * CODE_COLUMNS + col);
        }
    }
    c.sent_bytes = get(SENT);
    c.saved_bytes = get(SAVED);
    for (r, n) in c.ends.iter_mut().enumerate() {
        *n = get(ENDS + r);
    }
    c
}

/// Adds one request of `streamer` (index in [`STREAMERS`]) answered in code column `col`.
pub(crate) fn add_request(words: &[AtomicU64], streamer: usize, col: usize) {
    let at =
        REQUESTS + streamer.min(STREAMERS.len() - 1) * CODE_COLUMNS + col.min(CODE_COLUMNS - 1);
    words[at].fetch_add(1, Ordering::Relaxed);
}

/// Adds `n` body bytes sent.
pub(crate) fn add_sent(words: &[AtomicU64], n: u64) {
    words[SENT].fetch_add(n, Ordering::Relaxed);
}

/// Adds `n` body bytes saved.
pub(crate) fn add_saved(words: &[AtomicU64], n: u64) {
    words[SAVED].fetch_add(n, Ordering::Relaxed);
}

/// Counts one end for `reason`.
pub(crate) fn add_end(words: &[AtomicU64], reason: EndReason) {
    words[ENDS + reason as usize].fetch_add(1, Ordering::Relaxed);
}

#[cfg(test)]
#[test]
fn the_counters_fit_their_reserved_words() {
    assert!(ENDS + END_REASONS.len() <= crate::layout::SLOTS_AT);
}
