//! Parsers for the value types of the configuration file.
//!
//! Each returns the typed value or a message saying what was expected.

use nom::character::complete::{char, digit1, one_of};
use nom::combinator::{all_consuming, opt};
use nom::sequence::preceded;
use nom::Parser;
use std::path::PathBuf;
use std::time::Duration;

use loomiere_log::Quoted;
use loomiere_throttle::Rate;

/// The largest timeout accepted, in seconds (one day). Keeps `Instant + timeout`
/// far away from overflow.
pub(crate) const MAX_TIMEOUT_SECS: u64 = 86_400;

type NomErr<'a> = nom::error::Error<&'a str>;

/// A positive number of seconds with up to 9 decimals, like `10` or `2.5`,
/// at most [`MAX_TIMEOUT_SECS`].
pub(crate) fn seconds(value: &str) -> Result<Duration, String> {
    match seconds_or_zero(value)? {
        d if d.is_zero() => Err("must be more than 0 seconds".to_string()),
        d => Ok(d),
    }
}

/// Seconds as [`seconds`], within `min..=max` whole seconds.
pub(crate) fn seconds_within(value: &str, min: u64, max: u64) -> Result<Duration, String> {
    let d = seconds(value)?;
    if d < Duration::from_secs(min) || d > Duration::from_secs(max) {
        return Err(format!(
            "expected {min} to {max} seconds, got '{}'",
            Quoted(value)
        ));
    }
    Ok(d)
}

/// Like [`seconds`], but `0` is allowed (it turns a feature off).
pub(crate) fn seconds_or_zero(value: &str) -> Result<Duration, String> {
    let bad = || {
        format!(
            "expected seconds like '10' or '2.5', got '{}'",
            Quoted(value)
        )
    };
    let mut parser = all_consuming((digit1::<&str, NomErr>, opt(preceded(char('.'), digit1))));
    let (_, (whole, frac)) = parser.parse(value).map_err(|_| bad())?;
    let too_long = || format!("must be at most {MAX_TIMEOUT_SECS} seconds");
    let secs: u64 = whole.parse().map_err(|_| too_long())?;
    let nanos = match frac {
        None => 0,
        Some(f) if f.len() > 9 => return Err("at most 9 decimals are allowed".to_string()),
        Some(f) => {
            let digits: u32 = f.parse().map_err(|_| bad())?;
            let scale = 10u32.pow(9 - u32::try_from(f.len()).map_err(|_| bad())?);
            digits.checked_mul(scale).ok_or_else(bad)?
        }
    };
    let duration = Duration::new(secs, 0).checked_add(Duration::from_nanos(nanos.into()));
    match duration {
        Some(d) if d <= Duration::from_secs(MAX_TIMEOUT_SECS) => Ok(d),
        _ => Err(too_long()),
    }
}

/// A speed as a multiple of real time, like `1`, `1.0`, `0.5` or `20`: up to 3
/// decimals, from 0.001 to 1000.
pub(crate) fn rate(value: &str) -> Result<Rate, String> {
    let bad = || {
        format!(
            "expected a multiple like '1.0' or '20', got '{}'",
            Quoted(value)
        )
    };
    let range = || "must be between 0.001 and 1000".to_string();
    let mut parser = all_consuming((digit1::<&str, NomErr>, opt(preceded(char('.'), digit1))));
    let (_, (whole, frac)) = parser.parse(value).map_err(|_| bad())?;
    let whole: u32 = whole.parse().map_err(|_| range())?;
    let frac = frac.unwrap_or_default();
    if frac.len() > 3 {
        return Err("at most 3 decimals are allowed".to_string());
    }
    let thousandths: u32 = format!("{frac:0<3}").parse().map_err(|_| bad())?;
    let per_mille = whole
        .checked_mul(1000)
        .and_then(|w| w.checked_add(thousandths))
        .ok_or_else(range)?;
    Rate::from_per_mille(per_mille).ok_or_else(range)
}

/// A byte count like `8192` or `8k` (`k`/`K` = 1024 bytes), within `min..=max`.
pub(crate) fn bytes(value: &str, min: usize, max: usize) -> Result<usize, String> {
    let bad = || {
        format!(
            "expected a byte count like '8192' or '8k', got '{}'",
            Quoted(value)
        )
    };
    let range = || format!("must be between {min} and {max} bytes");
    let mut parser = all_consuming((digit1::<&str, NomErr>, opt(one_of("kK"))));
    let (_, (digits, suffix)) = parser.parse(value).map_err(|_| bad())?;
    let n: u64 = digits.parse().map_err(|_| range())?;
    let n = if suffix.is_some() {
        n.checked_mul(1024).ok_or_else(range)?
    } else {
        n
    };
    let n = usize::try_from(n).map_err(|_| range())?;
    if (min..=max).contains(&n) {
        Ok(n)
    } else {
        Err(range())
    }
}

/// A plain decimal count within `min..=max`.
pub(crate) fn count(value: &str, min: usize, max: usize) -> Result<usize, String> {
    let bad = || format!("expected a whole number, got '{}'", Quoted(value));
    let range = || format!("must be between {min} and {max}");
    let (_, digits) = all_consuming(digit1::<&str, NomErr>)
        .parse(value)
        .map_err(|_| bad())?;
    let n: usize = digits.parse().map_err(|_| range())?;
    if (min..=max).contains(&n) {
        Ok(n)
    } else {
        Err(range())
    }
}

/// An absolute path without control characters.
pub(crate) fn absolute_path(value: &str) -> Result<PathBuf, String> {
    if !value.starts_with('/') {
        return Err(format!(
            "expected an absolute path, got '{}'",
            Quoted(value)
        ));
    }
    if value.chars().any(char::is_control) {
        return Err("path contains a control character".to_string());
    }
    Ok(PathBuf::from(value))
}

/// An absolute path as [`absolute_path`], or `off` (`None`).
pub(crate) fn absolute_path_or_off(value: &str) -> Result<Option<PathBuf>, String> {
    match value {
        "off" => Ok(None),
        v if v.starts_with('/') => absolute_path(v).map(Some),
        v => Err(format!(
            "expected an absolute path or 'off', got '{}'",
            Quoted(v)
        )),
    }
}

/// A program: an absolute path, or a bare name (letters, digits, `._+-`, not
/// starting with `.`), which the front runs from its own directory, never from
/// `PATH` (see `loomiere_serve::route`).
pub(crate) fn program(value: &str) -> Result<String, String> {
    if value.starts_with('/') {
        return absolute_path(value).map(|_| value.to_string());
    }
    let name_char = |c: char| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '+' | '-');
    if value.len() <= 255 && !value.starts_with('.') && value.chars().all(name_char) {
        Ok(value.to_string())
    } else {
        Err(format!(
            "expected a program name or an absolute path, got '{}'",
            Quoted(value)
        ))
    }
}

/// `tchar` of RFC 9110 §5.6.2 (a byte of a UTF-8 text: none above 0x7f is one).
fn is_tchar(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b)
}

/// `token` of RFC 9110 §5.6.2: one or more `tchar`. Bytes, not `char`s: the same
/// answer without pulling `str::contains(char)`'s search code into every binary.
fn is_token(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(is_tchar)
}

/// A media type `type/subtype` without parameters (RFC 9110 §8.3.1); only token
/// characters, so it can be copied into a `Content-Type` header as it is.
pub(crate) fn media_type(value: &str) -> Result<String, String> {
    match value.split_once('/') {
        Some((kind, sub)) if is_token(kind) && is_token(sub) => Ok(value.to_string()),
        _ => Err(format!(
            "expected a media type like 'video/mp4', got '{}'",
            Quoted(value)
        )),
    }
}

/// A header field value (RFC 9110 §5.5): visible ASCII, spaces and tabs, not
/// empty, at most 1024 bytes, so it can be copied into a head as it is.
pub(crate) fn field_value(value: &str) -> Result<String, String> {
    let ok = |b: u8| b == b' ' || b == b'\t' || b.is_ascii_graphic();
    if !value.is_empty() && value.len() <= 1024 && value.bytes().all(ok) {
        Ok(value.to_string())
    } else {
        Err(format!(
            "expected a header field value (visible ASCII), got '{}'",
            Quoted(value)
        ))
    }
}

/// A file name extension: 1 to 16 ASCII letters, digits, `_` or `-`; returned in
/// lower case.
pub(crate) fn extension(ext: &str) -> Result<String, String> {
    let ok = (1..=16).contains(&ext.len())
        && ext
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    if ok {
        Ok(ext.to_ascii_lowercase())
    } else {
        Err(format!("bad extension '{}'", Quoted(ext)))
    }
}

/// One of two words: `yes` (`true`) or `no` (`false`), or the pair given.
pub(crate) fn flag(value: &str, yes: &str, no: &str) -> Result<bool, String> {
    match value {
        v if v == yes => Ok(true),
        v if v == no => Ok(false),
        _ => Err(format!(
            "expected '{yes}' or '{no}', got '{}'",
            Quoted(value)
        )),
    }
}
