//! The three throttle settings of the configuration file, and the schedule they give a
//! response.

use crate::rate::Rate;
use crate::schedule::Schedule;
use loomiere_plan::TimeMap;
use std::time::Duration;

/// How responses are throttled: the `throttle`, `throttle_rate` and
/// `throttle_min_size` keys of the configuration file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Settings {
    /// Media kept ahead of the player's play head (`throttle`); zero turns throttling
    /// off.
    pub ahead: Duration,
    /// Speed of the play head (`throttle_rate`).
    pub rate: Rate,
    /// Responses with fewer body bytes than this are never throttled
    /// (`throttle_min_size`), in bytes.
    pub min_size: u64,
}

impl Default for Settings {
    /// 20 s of media ahead, at real time, for bodies of 1 MiB or more.
    fn default() -> Settings {
        Settings {
            ahead: Duration::from_secs(20),
            rate: Rate::REAL_TIME,
            min_size: 1 << 20,
        }
    }
}

impl Settings {
    /// True when throttling is off (`throttle = 0`): planners then skip the time map.
    pub fn is_off(&self) -> bool {
        self.ahead.is_zero()
    }
}

/// The schedule for answering with body bytes `body` (`None`: no body, e.g. HEAD)
/// of a body mapped by `map`, under `settings`: `None` (send at full speed) when
/// throttling is off, the range is shorter than `min_size` bytes, or
/// [`Schedule::new`] finds nothing to wait for (images, a clip shorter than the burst).
pub fn schedule_for(
    settings: &Settings,
    map: TimeMap,
    body: Option<(u64, u64)>,
) -> Option<Schedule> {
    let (start, end) = body?;
    if settings.is_off() || end.saturating_sub(start) < settings.min_size {
        return None;
    }
    Schedule::from_map(map, (start, end), settings.ahead, settings.rate)
}
