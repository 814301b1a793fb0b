//! Exact time conversions. Times are `i128` nanoseconds so that tick counts from any
//! timescale (ticks per second, ISO/IEC 14496-12 §8.4.2.3) can be compared without
//! floating point.

use crate::error::{defect, Result};

/// Nanoseconds per second.
pub(crate) const NS: i128 = 1_000_000_000;

/// `ticks` at `scale` ticks per second, in nanoseconds (rounded toward −∞).
pub(crate) fn ticks_to_ns(ticks: i128, scale: u32) -> Result<i128> {
    ticks
        .checked_mul(NS)
        .map(|v| v.div_euclid(i128::from(scale)))
        .ok_or_else(|| defect!("time overflows"))
}

/// Nanoseconds to ticks at `scale`, rounded to the nearest tick.
pub(crate) fn ns_to_ticks(ns: i128, scale: u32) -> Result<i128> {
    ns.checked_mul(i128::from(scale))
        .and_then(|v| v.checked_add(NS / 2))
        .map(|v| v.div_euclid(NS))
        .ok_or_else(|| defect!("time overflows"))
}

/// Nanoseconds to ticks at `scale`, rounded up.
pub(crate) fn ns_to_ticks_up(ns: i128, scale: u32) -> Result<i128> {
    ns.checked_mul(i128::from(scale))
        .and_then(|v| v.checked_add(NS - 1))
        .map(|v| v.div_euclid(NS))
        .ok_or_else(|| defect!("time overflows"))
}

/// Milliseconds to nanoseconds.
pub(crate) fn ms_to_ns(ms: u64) -> i128 {
    i128::from(ms) * 1_000_000
}

/// Converts a non-negative `i128` tick count to `u64`. Errors: negative or too large.
pub(crate) fn to_u64(v: i128, what: &str) -> Result<u64> {
    u64::try_from(v).map_err(|_| defect!("{what} {v} out of range"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_rounding() {
        assert_eq!(ticks_to_ns(62_500, 1000).unwrap(), 62_500_000_000);
        assert_eq!(
            ns_to_ticks(ticks_to_ns(1001, 30000).unwrap(), 30000).unwrap(),
            1001
        );
        assert_eq!(ns_to_ticks(500_000_000, 3).unwrap(), 2); // 1.5 ticks rounds up
        assert_eq!(ns_to_ticks_up(1, 1000).unwrap(), 1);
        assert_eq!(ticks_to_ns(-1, 3).unwrap(), -333_333_334);
        assert!(ticks_to_ns(i128::MAX / 2, 1).is_err());
    }
}
