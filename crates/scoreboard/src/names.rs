//! The fixed tables the counters are indexed by: streamers, status codes, states and
//! end reasons. Their order is part of the file format ([`crate::layout::VERSION`]).

/// The streamers counted apart, as their program names without `loomiere-`; any other
/// program counts as the last entry, `other`.
pub const STREAMERS: [&str; 7] = ["stream", "mp4", "flv", "file", "hls", "monitor", "other"];

/// The status codes counted apart (RFC 9110 §15); any other counts as the last entry,
/// [`OTHER_CODE`].
pub const CODES: [u16; 15] = [
    200, 204, 206, 304, 400, 403, 404, 405, 408, 412, 413, 416, 431, 500, 503,
];

/// The number of code columns: [`CODES`] and "other".
pub const CODE_COLUMNS: usize = CODES.len() + 1;

/// The label of the "any other status" column.
pub const OTHER_CODE: &str = "other";

/// The index in [`STREAMERS`] of `program` (`loomiere-mp4`, a path to it, or `mp4`).
pub fn streamer_index(program: &str) -> usize {
    let base = program
        .bytes()
        .rposition(|b| b == b'/')
        .map_or(0, |i| i + 1);
    let name = program.get(base..).unwrap_or(program);
    let name = name.strip_prefix("loomiere-").unwrap_or(name);
    let last = STREAMERS.len() - 1;
    STREAMERS[..last]
        .iter()
        .position(|s| *s == name)
        .unwrap_or(last)
}

/// The column of `status`: its index in [`CODES`], or [`CODES`]`.len()` for any other.
pub fn code_index(status: u16) -> usize {
    CODES
        .iter()
        .position(|c| *c == status)
        .unwrap_or(CODES.len())
}

/// What an open stream is doing, in the order a streamer goes through them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum State {
    /// Reading the request head.
    Reading = 1,
    /// Checking the request, opening the file, planning the answer.
    Planning = 2,
    /// Sending at full speed (an unthrottled answer, or a throttled one's first burst).
    Bursting = 3,
    /// Sending paced by the throttle, resting in between.
    Throttled = 4,
    /// The lingering close after the last byte.
    Draining = 5,
}

/// Every [`State`], in order.
pub const STATES: [State; 5] = [
    State::Reading,
    State::Planning,
    State::Bursting,
    State::Throttled,
    State::Draining,
];

impl State {
    /// The state stored as `code` in a slot, if it is one.
    pub fn from_code(code: u64) -> Option<State> {
        STATES.into_iter().find(|s| *s as u64 == code)
    }

    /// Its label: `reading`, `planning`, `bursting`, `throttled`, `draining`.
    pub fn name(self) -> &'static str {
        match self {
            State::Reading => "reading",
            State::Planning => "planning",
            State::Bursting => "bursting",
            State::Throttled => "throttled",
            State::Draining => "draining",
        }
    }
}

/// Why a stream ended early, as the access log words it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EndReason {
    /// The client went away (EPIPE, ECONNRESET, a hang-up while resting).
    ClientClosed = 0,
    /// The client accepted no byte for `send_timeout`.
    SendTimeout = 1,
    /// The request head did not arrive within `request_timeout` (408).
    RequestTimeout = 2,
}

/// Every [`EndReason`], in the order of their counters.
pub const END_REASONS: [EndReason; 3] = [
    EndReason::ClientClosed,
    EndReason::SendTimeout,
    EndReason::RequestTimeout,
];

impl EndReason {
    /// Its label, the access log's word: `client-closed`, `send-timeout`,
    /// `request-timeout`.
    pub fn name(self) -> &'static str {
        match self {
            EndReason::ClientClosed => "client-closed",
            EndReason::SendTimeout => "send-timeout",
            EndReason::RequestTimeout => "request-timeout",
        }
    }
}

/// `n` bytes for a person, in binary units: `512 B`, `1.5 MiB` (for the status views).
pub fn human_bytes(n: u64) -> String {
    const UNITS: [&str; 5] = ["B", "KiB", "MiB", "GiB", "TiB"];
    let (mut v, mut unit) = (n as f64, 0);
    while v >= 1024.0 && unit + 1 < UNITS.len() {
        v /= 1024.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{n} B")
    } else {
        format!("{v:.1} {}", UNITS[unit])
    }
}
