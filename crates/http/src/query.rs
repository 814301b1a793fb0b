//! Query parameters (`?start=62.5&end=120`) and the seconds they carry.

use std::borrow::Cow;

use crate::percent::percent_decode;
use crate::refusal::Refusal;

/// The value of the first `name=value` pair in `query` (pairs split on `&`).
///
/// The name is compared raw and case-sensitively; a bare `name` (no `=`) has the
/// value `""`. The value is percent-decoded once with `+` as a space
/// (`application/x-www-form-urlencoded`). `None` if the name is absent;
/// `Some(Err)` with `400` for a bad escape or a value that is not UTF-8.
pub fn query_param<'a>(query: &'a str, name: &str) -> Option<Result<Cow<'a, str>, Refusal>> {
    let raw = query.split('&').find_map(|pair| {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        (key == name).then_some(value)
    })?;
    Some(decode_value(raw))
}

fn decode_value(raw: &str) -> Result<Cow<'_, str>, Refusal> {
    let bad = || Refusal::new(400, "invalid percent escape in query");
    match percent_decode(raw.as_bytes(), true).map_err(|_| bad())? {
        Cow::Borrowed(_) => Ok(Cow::Borrowed(raw)),
        Cow::Owned(bytes) => String::from_utf8(bytes)
            .map(Cow::Owned)
            .map_err(|_| Refusal::new(400, "query value is not UTF-8")),
    }
}

/// Parses a time in seconds (`"62.5"`) into milliseconds (`62500`), the way nginx's
/// `ngx_http_mp4_module` reads `start=` and `end=` (`ngx_atofp(value, len, 3)`).
///
/// Grammar: `[digits] ["." [digits]]` with at least one digit. Only the first
/// three fraction digits count; further digits are accepted and ignored
/// (`"1.23456"` -> `1234`). Examples: `"7"` -> 7000, `"7."` -> 7000, `".5"` -> 500.
///
/// Errors (`400`): empty, a sign, an exponent, `nan`/`inf`, spaces or any other
/// character, no digit at all, milliseconds that overflow `u64`.
pub fn parse_seconds_ms(value: &str) -> Result<u64, Refusal> {
    let bad = |why: &str| Refusal::new(400, format!("invalid seconds value: {why}"));
    if value.is_empty() {
        return Err(bad("empty"));
    }
    if let Some(why) = first_problem(value) {
        return Err(bad(why));
    }
    let (int_part, frac_part) = value.split_once('.').unwrap_or((value, ""));
    if int_part.is_empty() && frac_part.is_empty() {
        return Err(bad("no digits"));
    }
    let too_large = || bad("too large");
    let seconds = int_part.bytes().try_fold(0u64, |acc, d| {
        acc.checked_mul(10)?.checked_add(u64::from(d - b'0'))
    });
    // Three digits at most, so this stays below 1000.
    let millis = frac_part
        .bytes()
        .chain(std::iter::repeat(b'0'))
        .take(3)
        .fold(0u64, |acc, d| acc * 10 + u64::from(d - b'0'));
    seconds
        .and_then(|s| s.checked_mul(1000))
        .and_then(|ms| ms.checked_add(millis))
        .ok_or_else(too_large)
}

/// Names the first thing that makes `value` not `digits ["." digits]`.
fn first_problem(value: &str) -> Option<&'static str> {
    let mut dots = 0usize;
    for c in value.chars() {
        let why = match c {
            '0'..='9' => continue,
            '.' if dots == 0 => {
                dots = 1;
                continue;
            }
            '.' => "more than one '.'",
            '+' | '-' => "sign not allowed",
            'e' | 'E' => "exponent not allowed",
            c if c.is_whitespace() => "space not allowed",
            _ => "not a decimal number",
        };
        return Some(why);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_param_table() {
        type Want = Option<Result<&'static str, u16>>;
        let table: &[(&str, &str, Want)] = &[
            ("start=62.5", "start", Some(Ok("62.5"))),
            ("a=1&start=2&start=3", "start", Some(Ok("2"))),
            ("starter=1&start=2", "start", Some(Ok("2"))),
            ("Start=1", "start", None),
            ("", "start", None),
            ("x=1", "start", None),
            ("start", "start", Some(Ok(""))),
            ("start=", "start", Some(Ok(""))),
            ("start=a+b%20c", "start", Some(Ok("a b c"))),
            ("start=a%2Bb", "start", Some(Ok("a+b"))),
            ("start=1=2", "start", Some(Ok("1=2"))),
            ("start=%zz", "start", Some(Err(400))),
            ("start=%4", "start", Some(Err(400))),
            ("start=%ff", "start", Some(Err(400))),
            ("start=%zz&end=1", "end", Some(Ok("1"))),
        ];
        for (query, name, want) in table {
            let got = query_param(query, name);
            let got = got.map(|r| r.map_err(|e| e.status));
            let want = want.map(|r| r.map(Cow::Borrowed));
            assert_eq!(got, want, "{query:?} {name:?}");
        }
    }

    #[test]
    fn undecoded_values_borrow() {
        assert!(matches!(
            query_param("start=62.5", "start"),
            Some(Ok(Cow::Borrowed("62.5")))
        ));
    }

    #[test]
    fn seconds_table() {
        let table: &[(&str, Result<u64, ()>)] = &[
            ("62.5", Ok(62_500)),
            ("1.23456", Ok(1_234)),
            ("7", Ok(7_000)),
            ("7.", Ok(7_000)),
            (".5", Ok(500)),
            ("0", Ok(0)),
            ("0.001", Ok(1)),
            ("0.0009", Ok(0)),
            ("000012.120", Ok(12_120)),
            ("18446744073709551", Ok(18_446_744_073_709_551_000)),
            ("18446744073709551.615", Ok(u64::MAX)),
            ("18446744073709551.6159", Ok(u64::MAX)),
            ("18446744073709551.616", Err(())),
            ("18446744073709552", Err(())),
            ("99999999999999999999999", Err(())),
            ("", Err(())),
            (".", Err(())),
            ("+1", Err(())),
            ("-1", Err(())),
            ("1e3", Err(())),
            ("1E3", Err(())),
            ("NaN", Err(())),
            ("nan", Err(())),
            ("inf", Err(())),
            ("infinity", Err(())),
            (" 1", Err(())),
            ("1 ", Err(())),
            ("1.2.3", Err(())),
            ("1,5", Err(())),
            ("0x10", Err(())),
            ("\u{661}", Err(())),
        ];
        for (value, want) in table {
            let got = parse_seconds_ms(value);
            if let Err(r) = &got {
                assert_eq!(r.status, 400, "{value:?}");
            }
            assert_eq!(got.map_err(|_| ()), *want, "{value:?}");
        }
    }

    #[test]
    fn seconds_reasons_say_what_is_wrong() {
        let reason = |v: &str| parse_seconds_ms(v).map_err(|r| r.reason).unwrap_err();
        assert!(reason("-1").contains("sign"), "{}", reason("-1"));
        assert!(reason("1e3").contains("exponent"));
        assert!(reason("").contains("empty"));
        assert!(reason("1 ").contains("space"));
        assert!(reason("99999999999999999999").contains("too large"));
    }
}
