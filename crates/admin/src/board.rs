//! Every call into the scoreboard crate (`loomiere_scoreboard`) is in this file: the
//! rest of `loomiere status` sees plain rows and totals.

use loomiere_scoreboard::{Board, END_REASONS, STREAMERS};

pub use loomiere_scoreboard::names::human_bytes as bytes;
use std::path::Path;

/// One open stream, for display.
pub struct Row {
    pub pid: u64,
    pub state: &'static str,
    pub status: u16,
    pub streamer: &'static str,
    pub planned: u64,
    pub sent: u64,
    /// Start time, Unix milliseconds.
    pub started_ms: u64,
    pub remote: String,
    pub vhost: String,
    pub target: String,
}

/// The scoreboard at one moment, for display.
pub struct Reading {
    pub slots: usize,
    pub rows: Vec<Row>,
    pub requests: u64,
    pub sent_bytes: u64,
    pub saved_bytes: u64,
    /// `(reason, count)` of the early ends.
    pub ends: Vec<(&'static str, u64)>,
    /// Slots of dead processes freed (or, read-only, skipped) by this reading.
    pub reclaimed: usize,
}

/// Reads the scoreboard at `path` (reclaiming stale slots when it may write it).
/// Errors: why it cannot be read (missing, unreadable, damaged), in words.
pub fn read(path: &Path) -> Result<Reading, String> {
    let board = Board::open(path).map_err(|e| e.to_string())?;
    let counters = board.counters();
    let scan = board.scan();
    let rows = scan
        .streams
        .into_iter()
        .map(|s| Row {
            pid: s.pid,
            state: s.state.name(),
            status: s.status,
            streamer: STREAMERS[s.streamer.min(STREAMERS.len() - 1)],
            planned: s.planned,
            sent: s.sent,
            started_ms: s.started_ms,
            remote: s.remote,
            vhost: s.vhost,
            target: s.target,
        })
        .collect();
    Ok(Reading {
        slots: board.slots(),
        rows,
        requests: counters.requests.iter().flatten().sum(),
        sent_bytes: counters.sent_bytes,
        saved_bytes: counters.saved_bytes,
        ends: END_REASONS
            .iter()
            .map(|r| r.name())
            .zip(counters.ends)
            .collect(),
        reclaimed: scan.reclaimed,
    })
}
