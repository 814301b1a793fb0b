use super::*;
use std::time::{Duration, UNIX_EPOCH};

/// RFC 9110 §5.6.7's example: Sun, 06 Nov 1994 08:49:37 GMT.
const EXAMPLE: u64 = 784_111_777;

#[test]
fn formats_imf_fixdate() {
    let cases: &[(u64, &str)] = &[
        (0, "Thu, 01 Jan 1970 00:00:00 GMT"),
        (EXAMPLE, "Sun, 06 Nov 1994 08:49:37 GMT"),
        (951_782_400, "Tue, 29 Feb 2000 00:00:00 GMT"),
        (4_107_542_399, "Sun, 28 Feb 2100 23:59:59 GMT"),
        (4_107_542_400, "Mon, 01 Mar 2100 00:00:00 GMT"),
        (MAX_SECONDS, "Fri, 31 Dec 9999 23:59:59 GMT"),
        (u64::MAX, "Fri, 31 Dec 9999 23:59:59 GMT"),
    ];
    for (secs, text) in cases {
        assert_eq!(format_imf_fixdate(*secs), *text, "{secs}");
    }
}

#[test]
fn parses_the_three_formats() {
    let cases: &[(&str, Option<u64>)] = &[
        // RFC 9110 §5.6.7's examples.
        ("Sun, 06 Nov 1994 08:49:37 GMT", Some(EXAMPLE)),
        ("Sunday, 06-Nov-94 08:49:37 GMT", Some(EXAMPLE)),
        ("Sun Nov  6 08:49:37 1994", Some(EXAMPLE)),
        ("Sun Nov 06 08:49:37 1994", Some(EXAMPLE)),
        ("  Sun, 06 Nov 1994 08:49:37 GMT\t\r\n", Some(EXAMPLE)),
        ("Thu, 01 Jan 1970 00:00:00 GMT", Some(0)),
        ("Fri, 31 Dec 9999 23:59:59 GMT", Some(MAX_SECONDS)),
        ("Tue, 29 Feb 2000 00:00:00 GMT", Some(951_782_400)),
        // RFC 850 two-digit years: 70..99 are 19xx, 00..69 are 20xx.
        ("Thursday, 01-Jan-70 00:00:00 GMT", Some(0)),
        ("Thursday, 01-Jan-60 00:00:00 GMT", Some(2_840_140_800)),
        // Days that do not exist, wrong weekdays, fields out of range.
        ("Mon, 29 Feb 2100 00:00:00 GMT", None),
        ("Sat, 31 Apr 2021 00:00:00 GMT", None),
        ("Mon, 06 Nov 1994 08:49:37 GMT", None),
        ("Monday, 06-Nov-94 08:49:37 GMT", None),
        ("Mon Nov  6 08:49:37 1994", None),
        ("Sun, 06 Nov 1994 24:00:00 GMT", None),
        ("Sun, 06 Nov 1994 08:60:37 GMT", None),
        ("Sun, 06 Nov 1994 08:49:60 GMT", None),
        ("Sun, 00 Nov 1994 08:49:37 GMT", None),
        ("Sun, 32 Nov 1994 08:49:37 GMT", None),
        ("Sun, 06 Foo 1994 08:49:37 GMT", None),
        ("Wed, 31 Dec 1969 23:59:59 GMT", None),
        // Shapes that are none of the formats.
        ("", None),
        ("   ", None),
        ("yesterday", None),
        ("Sun, 06 Nov 1994 08:49:37", None),
        ("Sun, 06 Nov 1994 08:49:37 UTC", None),
        ("sun, 06 nov 1994 08:49:37 gmt", None),
        ("Sun, 6 Nov 1994 08:49:37 GMT", None),
        ("Sun, 06 Nov 1994 8:49:37 GMT", None),
        ("Sun,06 Nov 1994 08:49:37 GMT ", None),
        ("Sun, +6 Nov 1994 08:49:37 GMT", None),
        ("Sunday, 06-Nov-1994 08:49:37 GMT", None),
        ("Sundays, 06-Nov-94 08:49:37 GMT", None),
        ("Sunday, 06-Nov-94X08:49:37 GMT", None),
        ("Sun Nov 6  08:49:37 1994", None),
        ("Sun Nov  6 08:49:37 94", None),
        ("Sun, 06 Nov 1994 08:49:37 GMT\u{a0}", None),
    ];
    for (text, want) in cases {
        assert_eq!(parse(text.as_bytes()), *want, "{text:?}");
    }
    assert_eq!(parse(b"\xff\xfe"), None);
}

/// Seconds spread over the whole range: every day of 1970-1972 and 1999-2001 at
/// an odd time, then a large prime stride to the end of 9999, and the edges.
fn sample_seconds() -> Vec<u64> {
    let mut all: Vec<u64> = (0..3 * 366).map(|d| d * DAY + 12_345).collect();
    all.extend((0..3 * 366).map(|d| 915_148_800 + d * DAY + 86_399));
    all.extend((0..MAX_SECONDS).step_by(7_919_993).take(40_000));
    all.extend([0, 1, 59, 60, DAY - 1, DAY, MAX_SECONDS - 1, MAX_SECONDS]);
    all
}

#[test]
fn agrees_with_httpdate() {
    for secs in sample_seconds() {
        let t = UNIX_EPOCH + Duration::from_secs(secs);
        let text = httpdate::fmt_http_date(t);
        assert_eq!(format_imf_fixdate(secs), text, "{secs}");
        assert_eq!(parse(text.as_bytes()), Some(secs), "{text}");
        // The same instant in the two obsolete formats, parsed by both.
        let c = civil_from_seconds(secs);
        let (name, month) = (
            DAY_NAMES[weekday(secs)],
            std::str::from_utf8(MONTHS[(c.month - 1) as usize]).unwrap(),
        );
        let (h, m, s) = (c.time / 3600, c.time / 60 % 60, c.time % 60);
        let asc = format!(
            "{} {month} {:>2} {h:02}:{m:02}:{s:02} {}",
            &name[..3],
            c.day,
            c.year
        );
        let rfc850 = format!(
            "{name}, {:02}-{month}-{:02} {h:02}:{m:02}:{s:02} GMT",
            c.day,
            c.year % 100
        );
        let theirs = |text: &str| {
            httpdate::parse_http_date(text)
                .ok()
                .map(|t| t.duration_since(UNIX_EPOCH).unwrap().as_secs())
        };
        assert_eq!(parse(asc.as_bytes()), theirs(&asc), "{asc}");
        assert_eq!(parse(asc.as_bytes()), Some(secs), "{asc}");
        assert_eq!(parse(rfc850.as_bytes()), theirs(&rfc850), "{rfc850}");
    }
}

#[test]
fn refuses_what_httpdate_refuses() {
    // Every weekday against one date, and days 28 to 31 of every month of a leap
    // year, a plain year, and a century that is not a leap year.
    let mut texts = Vec::new();
    for name in DAY_NAMES {
        texts.push(format!("{}, 06 Nov 1994 08:49:37 GMT", &name[..3]));
        texts.push(format!("{name}, 06-Nov-94 08:49:37 GMT"));
    }
    for year in [1996, 1997, 2000, 2100] {
        for month in MONTHS {
            let month = std::str::from_utf8(month).unwrap();
            for day in 28..=31 {
                for name in DAY_NAMES {
                    texts.push(format!("{}, {day} {month} {year} 00:00:00 GMT", &name[..3]));
                }
            }
        }
    }
    for text in texts {
        let theirs = httpdate::parse_http_date(&text)
            .ok()
            .map(|t| t.duration_since(UNIX_EPOCH).unwrap().as_secs());
        assert_eq!(parse(text.as_bytes()), theirs, "{text}");
    }
}
