//! The play-head speed (`throttle_rate`), kept exactly in thousandths of real time.

use std::time::Duration;

/// Nanoseconds per second, for the rate arithmetic.
const NANOS_PER_SEC: u128 = 1_000_000_000;
/// Thousandths in one.
const PER_MILLE: u128 = 1_000;

/// Play-head speed as a multiple of real time (`throttle_rate`), kept exactly in
/// thousandths: 1000 is real time, 20000 is twenty times real time.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Rate {
    per_mille: u32,
}

impl Rate {
    /// Real time: one second of media per second of wall time.
    pub const REAL_TIME: Rate = Rate { per_mille: 1_000 };
    /// The fastest rate accepted, in thousandths (1000 times real time).
    pub const MAX_PER_MILLE: u32 = 1_000_000;

    /// The rate `per_mille / 1000`; `None` unless `1 ..= MAX_PER_MILLE`.
    pub fn from_per_mille(per_mille: u32) -> Option<Rate> {
        (1..=Self::MAX_PER_MILLE)
            .contains(&per_mille)
            .then_some(Rate { per_mille })
    }

    /// The rate in thousandths.
    pub fn per_mille(self) -> u32 {
        self.per_mille
    }

    /// Milliseconds of media played in `elapsed` wall time, rounded down; saturates.
    pub fn media_ms(self, elapsed: Duration) -> u64 {
        let scaled = elapsed
            .as_nanos()
            .saturating_mul(u128::from(self.per_mille));
        u64::try_from(scaled / (PER_MILLE * 1_000_000)).unwrap_or(u64::MAX)
    }

    /// Wall time needed to play `media_ms` milliseconds of media, rounded up to the
    /// nanosecond, so `media_ms(wall_time(m)) >= m`; saturates at [`Duration::MAX`].
    pub fn wall_time(self, media_ms: u64) -> Duration {
        let scaled = u128::from(media_ms) * 1_000_000 * PER_MILLE;
        let nanos = scaled.div_ceil(u128::from(self.per_mille));
        let secs = u64::try_from(nanos / NANOS_PER_SEC);
        let sub = u32::try_from(nanos % NANOS_PER_SEC);
        match (secs, sub) {
            (Ok(s), Ok(n)) => Duration::new(s, n),
            _ => Duration::MAX,
        }
    }
}
