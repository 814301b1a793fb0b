//! What every page shows, read once from the scoreboard: the counters, the open
//! streams (stale slots reclaimed on the way) and the slots' use.

use loomiere_scoreboard::{Board, Counters, Stream, STATES, STREAMERS};

/// The scoreboard at one moment.
pub struct View {
    /// The global counters.
    pub counters: Counters,
    /// Every open stream, by slot.
    pub streams: Vec<Stream>,
    /// Slots in the file.
    pub slots: usize,
    /// Wall time of the reading, Unix milliseconds.
    pub now_ms: u64,
}

/// This build's version (`loomiere_build_info{version}`).
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

impl View {
    /// Reads `board` now: counters first, then a scan (which reclaims stale slots).
    pub fn now(board: &Board) -> View {
        let counters = board.counters();
        let scan = board.scan();
        View {
            counters,
            streams: scan.streams,
            slots: board.slots(),
            now_ms: now_ms(),
        }
    }

    /// Open streams by `[streamer][state]` (indexes of [`STREAMERS`] and [`STATES`]).
    pub fn open_by_state(&self) -> [[u64; STATES.len()]; STREAMERS.len()] {
        let mut n = [[0u64; STATES.len()]; STREAMERS.len()];
        for s in &self.streams {
            let state = STATES.iter().position(|x| *x == s.state).unwrap_or(0);
            n[s.streamer.min(STREAMERS.len() - 1)][state] += 1;
        }
        n
    }

    /// Requests counted so far, every streamer and status.
    pub fn requests(&self) -> u64 {
        self.counters.requests.iter().flatten().sum()
    }
}

/// Wall time now, Unix milliseconds.
pub fn now_ms() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as u64)
}

/// `ms` Unix milliseconds as seconds with three decimals (`1700000000.123`).
pub fn seconds(ms: u64) -> String {
    format!("{}.{:03}", ms / 1000, ms % 1000)
}

/// The label of status column `col` (`200`, ..., `other`).
pub fn code_label(col: usize) -> String {
    loomiere_scoreboard::CODES.get(col).map_or_else(
        || loomiere_scoreboard::OTHER_CODE.to_owned(),
        u16::to_string,
    )
}
