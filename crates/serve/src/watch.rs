//! The scoreboard slot of this process ([`loomiere_scoreboard`]): claimed at
//! start-up, told each phase of the exchange, counted and freed at its end. Without
//! one (`scoreboard = off`, or a file that cannot be used: a log note) every call
//! here does nothing.

use loomiere_config::Config;
use loomiere_connection::send::{End, Watch};
use loomiere_scoreboard::{names, EndReason, Outcome, Slot, State};
use std::time::{SystemTime, UNIX_EPOCH};

/// The environment variable in which the front names its slot to the streamer it
/// execs (the pid stays the same across execve(2), so the streamer adopts it).
pub const SLOT_ENV: &str = "LOOMIERE_SCOREBOARD_SLOT";

/// This process's slot, if it has one.
#[derive(Default)]
pub struct Watcher {
    slot: Option<Slot>,
}

impl Watcher {
    /// Claims a slot for `program` in the configured scoreboard, in state reading,
    /// with the client address `remote`. A scoreboard that cannot be used is a note
    /// on stderr (`program: note: scoreboard PATH: reason`), never an error.
    pub fn claim(config: &Config, program: &str, remote: &str) -> Watcher {
        let Some(path) = &config.scoreboard else {
            return Watcher::default();
        };
        let hint = std::env::var_os(SLOT_ENV).and_then(|v| v.to_str()?.parse().ok());
        let now_ms = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_secs() * 1000 + u64::from(d.subsec_millis()));
        let streamer = names::streamer_index(program);
        let claimed = loomiere_scoreboard::claim(
            path,
            config.scoreboard_slots,
            hint,
            streamer,
            now_ms,
            remote,
        );
        let slot = claimed
            .map_err(|e| {
                let why = format!("scoreboard {}: {e} (streams not recorded)", path.display());
                loomiere_log::note(program, &why);
            })
            .ok();
        Watcher { slot }
    }

    /// The exchange is `program`'s from now on (the front serving a plain file itself,
    /// as that streamer after an exec would adopt the slot).
    pub fn serve_as(&mut self, program: &str) {
        if let Some(s) = &mut self.slot {
            s.set_streamer(names::streamer_index(program));
        }
    }

    /// The slot's number, for [`SLOT_ENV`].
    pub fn index(&self) -> Option<usize> {
        self.slot.as_ref().map(Slot::index)
    }

    /// The request line is known: its virtual host and target; now planning.
    pub fn request(&self, host: &[u8], target: &[u8]) {
        if let Some(s) = &self.slot {
            s.set_request(host, target);
            s.set_state(State::Planning);
        }
    }

    /// The answer is planned: its status and body bytes; now bursting.
    pub fn answering(&self, status: u16, planned: u64) {
        if let Some(s) = &self.slot {
            s.set_answer(status, planned);
            s.set_state(State::Bursting);
        }
    }

    /// Sending is over: the lingering close.
    pub fn draining(&self) {
        if let Some(s) = &self.slot {
            s.set_state(State::Draining);
        }
    }

    /// Counts the end of the exchange: `status` (0: no request), body bytes
    /// `planned` and `sent`, and how sending ended.
    pub fn finish(&self, status: u16, planned: u64, sent: u64, end: Option<&End>) {
        let Some(s) = &self.slot else {
            return;
        };
        let end = match end {
            Some(End::ClientClosed) => Some(EndReason::ClientClosed),
            Some(End::Timeout) => Some(EndReason::SendTimeout),
            _ if status == 408 => Some(EndReason::RequestTimeout),
            _ => None,
        };
        s.finish(&Outcome {
            status,
            planned,
            sent,
            end,
        });
    }
}

/// The sender's reports go to the slot: bytes sent, and throttled once paced.
impl Watch for &Watcher {
    fn progress(&mut self, body_bytes: u64, paced: bool) {
        if let Some(s) = &self.slot {
            s.set_sent(body_bytes);
            if paced {
                s.set_state(State::Throttled);
            }
        }
    }
}
