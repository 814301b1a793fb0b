//! The schedule of one response body: how many bytes may have left after so much wall
//! time, and when that next grows.

use crate::rate::Rate;
use loomiere_plan::TimeMap;
use std::time::Duration;

/// Shortest rest between two sending steps: bounds the wake-ups of a dense map.
const MIN_STEP: Duration = Duration::from_millis(10);
/// Longest rest the step rule asks for (a later due point may still ask for more).
const MAX_STEP: Duration = Duration::from_millis(250);
/// Longest ramp, in ms of media: a step's bytes start to leave at most this long
/// before they are due (see [`Schedule::allowed`]). Above the coarsest MP4 map
/// granule (3.5 s for a 1-hour body) and a usual FLV key-frame interval.
pub const RAMP_MS: u64 = 4_000;

/// When each byte of one response body may leave: bytes `start..end` (body offsets),
/// following a [`TimeMap`], `ahead` of media in front of a play head moving at `rate`.
///
/// The play head starts at the earliest due time among the points that cover the
/// range: 0 for a whole body or a `?start=` seek (whose map counts from the snapped
/// start), the position of its first bytes for a `Range` that begins mid-body.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Schedule {
    start: u64,
    end: u64,
    /// Media time (ms on the map's time line) where the play head starts.
    origin_ms: u64,
    /// Media kept in front of the play head, in ms.
    ahead_ms: u64,
    rate: Rate,
    /// `(body offset, due ms)` where the earliest due time of the bytes not yet
    /// allowed rises: strictly increasing in both, offsets in `start..end`. The bytes
    /// before a step's offset may all go once that step's time is not yet due.
    steps: Vec<(u64, u64)>,
}

impl Schedule {
    /// The schedule for body bytes `start..end_excl` of a body whose map is `map`.
    ///
    /// `None` when nothing would ever wait: an empty range, no point of the map
    /// covers the range, or the whole range is due within the burst.
    pub fn new(map: &TimeMap, range: (u64, u64), ahead: Duration, rate: Rate) -> Option<Schedule> {
        Self::from_map(map.clone(), range, ahead, rate)
    }

    /// [`Schedule::new`] taking the map: its points become the steps in place, so a
    /// streamer holds them once.
    pub fn from_map(
        map: TimeMap,
        (start, end): (u64, u64),
        ahead: Duration,
        rate: Rate,
    ) -> Option<Schedule> {
        let mut steps = covering(map.into_points(), start, end);
        let origin_ms = steps.iter().map(|p| p.1).min()?;
        let mut last: Option<u64> = None;
        steps.retain(|&(_, due)| {
            let rises = last.is_none_or(|l| due > l);
            if rises {
                last = Some(due);
            }
            rises
        });
        let ahead_ms = u64::try_from(ahead.as_millis()).unwrap_or(u64::MAX);
        let schedule = Schedule {
            start,
            end,
            origin_ms,
            ahead_ms,
            rate,
            steps,
        };
        (schedule.allowed(Duration::ZERO) < end).then_some(schedule)
    }

    /// The body bytes `(start, end_excl)` this schedule sends.
    pub fn range(&self) -> (u64, u64) {
        (self.start, self.end)
    }

    /// The media time (ms) the play head has reached after `elapsed` wall time, plus
    /// what is kept ahead of it: every byte due no later than this may be sent.
    pub fn horizon_ms(&self, elapsed: Duration) -> u64 {
        self.origin_ms
            .saturating_add(self.rate.media_ms(elapsed))
            .saturating_add(self.ahead_ms)
    }

    /// The body offset up to which (exclusive) bytes may have been sent after
    /// `elapsed` wall time since the response began: `allowed(ZERO)` ends the burst.
    /// A step's bytes leave in proportion to time over the [`RAMP_MS`] before it is
    /// due (or since the step before, when that is shorter): at most that early, and a
    /// coarse map (a key frame every 2 s, a long film's capped map) gives a steady
    /// flow rather than a burst and a silence per step. Never decreases as `elapsed`
    /// grows; at most `end`.
    pub fn allowed(&self, elapsed: Duration) -> u64 {
        let horizon = self.horizon_ms(elapsed);
        let next = self.steps.partition_point(|s| s.1 <= horizon);
        let Some(&(to, due)) = self.steps.get(next) else {
            return self.end;
        };
        let Some(ramp) = self.ramp(next) else {
            return to;
        };
        if horizon < ramp.0 {
            return to;
        }
        let segment_end = self.steps.get(next + 1).map_or(self.end, |s| s.0);
        // ramp.0 <= horizon < due, and ramp.0 < due.
        let share =
            u128::from(segment_end - to) * u128::from(horizon - ramp.0) / u128::from(due - ramp.0);
        to + u64::try_from(share).unwrap_or(0)
    }

    /// The ramp of step `i`: `(media ms where its bytes start to leave, its due ms)`;
    /// `None` for the first step (its bytes wait until due).
    fn ramp(&self, i: usize) -> Option<(u64, u64)> {
        let since = self.steps.get(i.checked_sub(1)?)?.1;
        let due = self.steps.get(i)?.1;
        Some((due - (due - since).min(RAMP_MS), due))
    }

    /// The least wall time after which [`Schedule::allowed`] may be larger than it is
    /// at `elapsed` (`elapsed` itself while a ramp is under way: the caller then rests
    /// [`Schedule::step`]), or `None` when everything is allowed already.
    pub fn next_change(&self, elapsed: Duration) -> Option<Duration> {
        let horizon = self.horizon_ms(elapsed);
        let next_i = self.steps.partition_point(|s| s.1 <= horizon);
        let next = self.steps.get(next_i)?;
        let starts = self.ramp(next_i).map_or(next.1, |r| r.0);
        if starts <= horizon {
            return Some(elapsed);
        }
        let media = starts
            .saturating_sub(self.origin_ms)
            .saturating_sub(self.ahead_ms);
        Some(self.rate.wall_time(media).max(elapsed))
    }

    /// The shortest rest between two sending steps: a quarter of the time the play
    /// head needs to cross `ahead`, within 10 ms ..= 250 ms. The player's buffer thus
    /// stays above three quarters of `ahead` while the wake-ups stay few.
    pub fn step(&self) -> Duration {
        let quarter = self.rate.wall_time(self.ahead_ms) / 4;
        quarter.clamp(MIN_STEP, MAX_STEP)
    }
}

/// The points of `points` that carry bytes of `start..end`, in order: the one in
/// effect at `start` (moved to `start`), then those inside the range. Bytes before the
/// first point are due at once and need no point. Works in place.
fn covering(mut points: Vec<(u64, u64)>, start: u64, end: u64) -> Vec<(u64, u64)> {
    if start >= end {
        return Vec::new();
    }
    let first_after = points.partition_point(|p| p.0 <= start);
    let inside_end = points.partition_point(|p| p.0 < end).max(first_after);
    points.truncate(inside_end);
    points.drain(..first_after.saturating_sub(1));
    if first_after > 0 {
        points[0].0 = start;
    }
    points
}
