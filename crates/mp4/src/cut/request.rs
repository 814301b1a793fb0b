//! A `?start=S&end=E` request checked against the movie (milliseconds in, nanoseconds
//! of presentation time out): the start must lie before the duration and the end after
//! the start.

use crate::error::{bad_seek, Result};
use crate::time::ms_to_ns;

/// Start and end of a request, in ns of the movie's presentation timeline; an end at
/// or past the duration is none. Errors: [`crate::Mp4Error::BadSeek`] for a start at or
/// past `duration_ns`, or an end not after the start.
pub(crate) fn check_request(
    duration_ns: i128,
    start_ms: u64,
    end_ms: Option<u64>,
) -> Result<(i128, Option<i128>)> {
    let start = ms_to_ns(start_ms);
    if start >= duration_ns {
        return Err(bad_seek!(
            "start {} s is at or past the duration {} s",
            secs(start),
            secs(duration_ns)
        ));
    }
    let end = match end_ms.map(ms_to_ns) {
        Some(e) if e <= start => {
            return Err(bad_seek!(
                "end {} s is not after start {} s",
                secs(e),
                secs(start)
            ))
        }
        Some(e) if e >= duration_ns => None,
        other => other,
    };
    Ok((start, end))
}

/// Nanoseconds as seconds with millisecond precision, for messages.
fn secs(ns: i128) -> String {
    // Formatted as i64: the binary then carries no 128-bit integer formatting.
    let whole = i64::try_from(ns / 1_000_000_000).unwrap_or(i64::MAX);
    let ms = i64::try_from((ns % 1_000_000_000) / 1_000_000).unwrap_or(0);
    format!("{whole}.{ms:03}")
}
