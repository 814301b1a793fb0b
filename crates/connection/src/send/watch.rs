//! What a sender tells a watcher of the process (a scoreboard slot) while it sends.

use std::time::Duration;

/// Told the progress of a response now and then, never with a system call of its
/// own: every [`REPORT_BYTES`] handed to the kernel (counted anyway), and, once the
/// response is paced, at its first rest and then at most every [`REPORT_EVERY`]
/// (from the clock the pacing reads anyway).
pub trait Watch {
    /// `body_bytes` of the body have been handed to the kernel; `paced`: the
    /// response has rested at least once (it is throttled, past its first burst).
    fn progress(&mut self, body_bytes: u64, paced: bool);
}

/// No watcher.
impl Watch for () {
    fn progress(&mut self, _body_bytes: u64, _paced: bool) {}
}

/// Body bytes between two reports while sending at full speed: 4 MiB.
pub const REPORT_BYTES: u64 = 4 << 20;

/// The shortest time between two reports of a paced response: 250 ms.
pub const REPORT_EVERY: Duration = Duration::from_millis(250);
