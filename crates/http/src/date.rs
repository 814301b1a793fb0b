//! HTTP-dates (RFC 9110 §5.6.7) as whole seconds since the Unix epoch: IMF-fixdate
//! out; IMF-fixdate, RFC 850 and asctime in.
//!
//! ```text
//! IMF-fixdate  Sun, 06 Nov 1994 08:49:37 GMT
//! RFC 850      Sunday, 06-Nov-94 08:49:37 GMT
//! asctime      Sun Nov  6 08:49:37 1994
//! ```
//!
//! Dates run from 1970-01-01 to 9999-12-31 (what a 4-digit year and the epoch
//! allow). A parsed date must exist (no 31 April, 29 February only in leap years)
//! and name its own weekday, as the `httpdate` crate required. Day counts use the
//! proleptic Gregorian calendar (Howard Hinnant's `days_from_civil` and
//! `civil_from_days`, re-derived here). Every input is range-checked before any
//! arithmetic, so nothing here can overflow.

/// Weekday names from Sunday; 1970-01-01 was a Thursday (index 4).
const DAY_NAMES: [&str; 7] = [
    "Sunday",
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
];

/// Month names from January.
const MONTHS: [&[u8; 3]; 12] = [
    b"Jan", b"Feb", b"Mar", b"Apr", b"May", b"Jun", b"Jul", b"Aug", b"Sep", b"Oct", b"Nov", b"Dec",
];

/// Seconds in a day.
const DAY: u64 = 86_400;

/// The last second a 4-digit year can carry: 9999-12-31T23:59:59Z.
pub(crate) const MAX_SECONDS: u64 = 253_402_300_799;

/// A calendar date and time of day, as read or about to be written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Civil {
    year: u64,
    /// 1 to 12.
    month: u64,
    /// 1 to 31.
    day: u64,
    /// Seconds into the day, 0 to 86 399.
    time: u64,
}

/// Days since 1970-01-01 of a date from 1970 on; `None` before 1970 or for a month
/// outside 1 to 12. The day is not checked against the month's length.
fn days_from_civil(year: u64, month: u64, day: u64) -> Option<u64> {
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) || !(1970..=9999).contains(&year) {
        return None;
    }
    // Years start on 1 March, so a leap day is the last day of its year.
    let (y, m) = if month <= 2 {
        (year - 1, month + 9)
    } else {
        (year, month - 3)
    };
    let (era, yoe) = (y / 400, y % 400);
    let doy = (153 * m + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    (era * 146_097 + doe).checked_sub(719_468)
}

/// The date and time of `secs` seconds since the epoch (at most [`MAX_SECONDS`]).
fn civil_from_seconds(secs: u64) -> Civil {
    let secs = secs.min(MAX_SECONDS);
    let z = secs / DAY + 719_468;
    let (era, doe) = (z / 146_097, z % 146_097);
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + u64::from(month <= 2);
    Civil {
        year,
        month,
        day,
        time: secs % DAY,
    }
}

/// The weekday of `secs` seconds since the epoch: 0 for Sunday.
fn weekday(secs: u64) -> usize {
    // 7 values: the conversion cannot fail.
    usize::try_from((secs / DAY + 4) % 7).unwrap_or(0)
}

/// Formats `secs` (clamped to [`MAX_SECONDS`]) as an IMF-fixdate.
pub(crate) fn format_imf_fixdate(secs: u64) -> String {
    let secs = secs.min(MAX_SECONDS);
    let c = civil_from_seconds(secs);
    let mut out = String::with_capacity(29);
    out.push_str(
        DAY_NAMES
            .get(weekday(secs))
            .map_or("???", |name| name.get(..3).unwrap_or(name)),
    );
    out.push_str(", ");
    push_digits(&mut out, c.day, 2);
    out.push(' ');
    let month = usize::try_from(c.month - 1)
        .ok()
        .and_then(|m| MONTHS.get(m));
    out.extend(
        month
            .map_or(&[b'?'; 3], |m| *m)
            .iter()
            .map(|&b| char::from(b)),
    );
    out.push(' ');
    push_digits(&mut out, c.year, 4);
    out.push(' ');
    push_digits(&mut out, c.time / 3_600, 2);
    out.push(':');
    push_digits(&mut out, c.time / 60 % 60, 2);
    out.push(':');
    push_digits(&mut out, c.time % 60, 2);
    out.push_str(" GMT");
    out
}

/// Appends the last `width` decimal digits of `n`, zero-padded.
fn push_digits(out: &mut String, n: u64, width: u32) {
    for place in (0..width).rev() {
        let digit = n / 10u64.pow(place) % 10;
        out.push(char::from(b'0' + u8::try_from(digit).unwrap_or(0)));
    }
}

/// Parses an HTTP-date in any of the three formats into seconds since the epoch.
///
/// Surrounding ASCII whitespace is ignored. `None`: not ASCII, none of the formats,
/// a field out of range, a date that does not exist, or the wrong weekday.
pub(crate) fn parse(value: &[u8]) -> Option<u64> {
    let is_space = |b: &u8| matches!(b, b'\t'..=b'\r' | b' ');
    let start = value.iter().position(|b| !is_space(b))?;
    let end = value.iter().rposition(|b| !is_space(b))?;
    let text = value.get(start..=end)?;
    if !text.is_ascii() {
        return None;
    }
    let (weekday_name, civil) = imf_fixdate(text)
        .or_else(|| rfc850(text))
        .or_else(|| asctime(text))?;
    let days = days_from_civil(civil.year, civil.month, civil.day)?;
    let secs = days.checked_mul(DAY)?.checked_add(civil.time)?;
    // The date must exist (31 April would come back as 1 May) and be that weekday.
    let exists = civil_from_seconds(secs) == civil;
    let named = DAY_NAMES
        .get(weekday(secs))
        .is_some_and(|name| name.as_bytes().starts_with(weekday_name));
    (exists && named && secs <= MAX_SECONDS).then_some(secs)
}

/// `Sun, 06 Nov 1994 08:49:37 GMT`: the weekday as written, and the date.
fn imf_fixdate(s: &[u8]) -> Option<(&[u8], Civil)> {
    let [w0, w1, w2, b',', b' ', d0, d1, b' ', m0, m1, m2, b' ', y0, y1, y2, y3, b' ', rest @ ..] =
        s
    else {
        return None;
    };
    let [h0, h1, b':', n0, n1, b':', s0, s1, b' ', b'G', b'M', b'T'] = rest else {
        return None;
    };
    let weekday: &[u8] = &[*w0, *w1, *w2];
    let date = civil(
        digits(&[*y0, *y1, *y2, *y3])?,
        month(&[*m0, *m1, *m2])?,
        digits(&[*d0, *d1])?,
        [*h0, *h1, *n0, *n1, *s0, *s1],
    )?;
    Some((weekday_of(weekday)?, date))
}

/// `Sunday, 06-Nov-94 08:49:37 GMT` (years 70 to 99 are 19xx, 00 to 69 are 20xx).
fn rfc850(s: &[u8]) -> Option<(&[u8], Civil)> {
    let comma = s.iter().position(|&b| b == b',')?;
    let (name, rest) = s.split_at(comma);
    if !DAY_NAMES.iter().any(|full| full.as_bytes() == name) {
        return None;
    }
    let [b',', b' ', d0, d1, b'-', m0, m1, m2, b'-', y0, y1, b' ', h0, h1, b':', n0, n1, b':', s0, s1, b' ', b'G', b'M', b'T'] =
        rest
    else {
        return None;
    };
    let yy = digits(&[*y0, *y1])?;
    let year = if yy < 70 { 2000 + yy } else { 1900 + yy };
    let date = civil(
        year,
        month(&[*m0, *m1, *m2])?,
        digits(&[*d0, *d1])?,
        [*h0, *h1, *n0, *n1, *s0, *s1],
    )?;
    Some((name, date))
}

/// `Sun Nov  6 08:49:37 1994` (the day may also be written `06`).
fn asctime(s: &[u8]) -> Option<(&[u8], Civil)> {
    let [w0, w1, w2, b' ', m0, m1, m2, b' ', d0, d1, b' ', h0, h1, b':', n0, n1, b':', s0, s1, b' ', y0, y1, y2, y3] =
        s
    else {
        return None;
    };
    let day = if *d0 == b' ' {
        digits(&[*d1])?
    } else {
        digits(&[*d0, *d1])?
    };
    let weekday: &[u8] = &[*w0, *w1, *w2];
    let date = civil(
        digits(&[*y0, *y1, *y2, *y3])?,
        month(&[*m0, *m1, *m2])?,
        day,
        [*h0, *h1, *n0, *n1, *s0, *s1],
    )?;
    Some((weekday_of(weekday)?, date))
}

/// The 3-letter weekday `name` as one of [`DAY_NAMES`] starts, borrowed from it.
fn weekday_of(name: &[u8]) -> Option<&'static [u8]> {
    DAY_NAMES
        .iter()
        .find_map(|full| full.as_bytes().get(..3).filter(|short| *short == name))
}

/// The month number (1 to 12) of a 3-letter English month name.
fn month(name: &[u8; 3]) -> Option<u64> {
    let index = MONTHS.iter().position(|m| *m == name)?;
    u64::try_from(index).ok()?.checked_add(1)
}

/// The value of 1 to 4 ASCII digits.
fn digits(bytes: &[u8]) -> Option<u64> {
    bytes.iter().try_fold(0u64, |n, &b| {
        let digit = b.checked_sub(b'0').filter(|d| *d < 10)?;
        n.checked_mul(10)?.checked_add(u64::from(digit))
    })
}

/// A date from its fields, the time given as the 6 digits of `HH:MM:SS`.
/// `None` when the hour, minute or second is out of range.
fn civil(year: u64, month: u64, day: u64, hms: [u8; 6]) -> Option<Civil> {
    let [h0, h1, m0, m1, s0, s1] = hms;
    let (hour, minute, second) = (digits(&[h0, h1])?, digits(&[m0, m1])?, digits(&[s0, s1])?);
    if hour > 23 || minute > 59 || second > 59 {
        return None;
    }
    Some(Civil {
        year,
        month,
        day,
        time: hour * 3_600 + minute * 60 + second,
    })
}

#[cfg(test)]
mod tests;
