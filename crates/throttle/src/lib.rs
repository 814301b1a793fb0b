//! Throttling: when each body byte may be sent, as a pure schedule of wall time.
//!
//! Loomiere's rule: send the first `throttle` seconds of media at full speed (the
//! burst), then stay `throttle` seconds of media ahead of the player's play head, which
//! advances at `throttle_rate` times real time from where the response starts. The
//! media's own time line comes from the body's [`TimeMap`](loomiere_plan::TimeMap) (a
//! byte is due when the earliest sample it carries is due), so a quiet scene costs few
//! bytes and a busy one many: variable bitrate is followed exactly, never averaged.
//!
//! A [`Schedule`] answers "how many bytes may have been sent after this much wall time"
//! and "when does that next grow"; it does no I/O and reads no clock, so it is tested
//! with made-up times. The sender (`loomiere_connection::send::send_throttled`) rests
//! on the clock between its steps.
//!
//! - [`rate`]: [`Rate`], the play-head speed.
//! - [`schedule`]: [`Schedule`], one body's pacing.
//! - [`settings`]: [`Settings`], the three configuration keys, and [`schedule_for`].
//! - [`exempt`]: the clients never throttled (`throttle_exempt`, [`is_exempt`]).

pub mod exempt;
pub mod rate;
pub mod schedule;
pub mod settings;

#[cfg(test)]
mod tests;

pub use exempt::is_exempt;
pub use rate::Rate;
pub use schedule::{Schedule, RAMP_MS};
pub use settings::{schedule_for, Settings};
