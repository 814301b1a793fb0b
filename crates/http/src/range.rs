//! The `Range` request header for one representation (RFC 9110 §14.1.2, §14.2).

/// What to send for a `Range` header on a representation of known length.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RangeOutcome {
    /// No usable range: send the whole representation with `200`.
    Full,
    /// Send bytes `first..=last` with `206` (both inclusive, `last < len`).
    Partial {
        /// First byte offset.
        first: u64,
        /// Last byte offset, inclusive.
        last: u64,
    },
    /// A valid `bytes` range that does not overlap the representation: `416`.
    NotSatisfiable,
}

/// Resolves a `Range` field value against a representation of `len` bytes.
///
/// `ranges-specifier = range-unit "=" range-set` (RFC 9110 §14.1.1); only the
/// `bytes` unit (case-insensitive) is understood. Anything we do not use gives
/// [`RangeOutcome::Full`], which RFC 9110 §14.2 allows ("a server MAY ignore the
/// Range header field"): no header, another unit, invalid syntax, an empty set,
/// and more than one range-spec. Within one spec (RFC 9110 §14.1.2):
/// - `first-last`: `last < first` is invalid (`Full`); `last` is clamped to `len - 1`;
/// - `first-`: to the end;
/// - `-suffix`: the last `suffix` bytes; `0` is unsatisfiable; `suffix >= len` is
///   the whole representation;
/// - `first >= len` (so any range when `len == 0`) is unsatisfiable.
///
/// Numbers too large for `u64` saturate: a huge `first` is unsatisfiable, a huge
/// `last` is clamped. Never panics.
pub fn resolve_range(header: Option<&[u8]>, len: u64) -> RangeOutcome {
    let Some(spec) = header.and_then(single_byte_range) else {
        return RangeOutcome::Full;
    };
    // `end` is the last byte offset; an empty representation has none.
    let Some(end) = len.checked_sub(1) else {
        return RangeOutcome::NotSatisfiable;
    };
    match spec {
        Spec::Suffix(0) => RangeOutcome::NotSatisfiable,
        Spec::Suffix(n) => RangeOutcome::Partial {
            first: len.saturating_sub(n),
            last: end,
        },
        Spec::From(first, _) if first > end => RangeOutcome::NotSatisfiable,
        Spec::From(first, last) => RangeOutcome::Partial {
            first,
            last: last.map_or(end, |l| l.min(end)),
        },
    }
}

/// One parsed `range-spec`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Spec {
    /// `int-range = first-pos "-" [ last-pos ]`, already checked `last >= first`.
    From(u64, Option<u64>),
    /// `suffix-range = "-" suffix-length`.
    Suffix(u64),
}

/// The only range-spec of a `bytes=` value, or `None` if there is not exactly one
/// valid spec.
fn single_byte_range(value: &[u8]) -> Option<Spec> {
    let eq = value.iter().position(|&b| b == b'=')?;
    let (unit, set) = (&value[..eq], &value[eq + 1..]);
    if !unit.eq_ignore_ascii_case(b"bytes") {
        return None;
    }
    // `1#range-spec` (RFC 9110 §5.6.1): OWS around commas, empty elements allowed.
    let mut specs = set
        .split(|&b| b == b',')
        .map(trim_ows)
        .filter(|s| !s.is_empty());
    let only = specs.next()?;
    if specs.next().is_some() {
        return None;
    }
    parse_spec(only)
}

fn parse_spec(spec: &[u8]) -> Option<Spec> {
    let dash = spec.iter().position(|&b| b == b'-')?;
    let (first, last) = (&spec[..dash], &spec[dash + 1..]);
    if first.is_empty() {
        return digits(last).map(Spec::Suffix);
    }
    let first = digits(first)?;
    if last.is_empty() {
        return Some(Spec::From(first, None));
    }
    let last = digits(last)?;
    (last >= first).then_some(Spec::From(first, Some(last)))
}

/// `1*DIGIT`, saturating at `u64::MAX`.
fn digits(text: &[u8]) -> Option<u64> {
    if text.is_empty() || !text.iter().all(u8::is_ascii_digit) {
        return None;
    }
    Some(text.iter().fold(0u64, |acc, d| {
        acc.saturating_mul(10).saturating_add(u64::from(d - b'0'))
    }))
}

fn trim_ows(v: &[u8]) -> &[u8] {
    let is_ows = |b: &u8| *b == b' ' || *b == b'\t';
    let start = v.iter().position(|b| !is_ows(b)).unwrap_or(v.len());
    let end = v.iter().rposition(|b| !is_ows(b)).map_or(start, |p| p + 1);
    &v[start..end]
}

#[cfg(test)]
mod tests {
    use super::RangeOutcome::{Full, NotSatisfiable, Partial};
    use super::*;

    fn p(first: u64, last: u64) -> RangeOutcome {
        Partial { first, last }
    }

    #[test]
    fn rfc9110_examples_on_10000_bytes() {
        // RFC 9110 §14.1.2.
        let table: &[(&str, RangeOutcome)] = &[
            ("bytes=0-499", p(0, 499)),
            ("bytes=500-999", p(500, 999)),
            ("bytes=-500", p(9500, 9999)),
            ("bytes=9500-", p(9500, 9999)),
            ("bytes=0-0", p(0, 0)),
            ("bytes=-1", p(9999, 9999)),
            // Multiple ranges: we answer with the full representation.
            ("bytes=0-0,-1", Full),
            ("bytes=500-600,601-999", Full),
            ("bytes=500-700,601-999", Full),
        ];
        for (value, want) in table {
            assert_eq!(
                resolve_range(Some(value.as_bytes()), 10_000),
                *want,
                "{value:?}"
            );
        }
    }

    #[test]
    fn range_table() {
        let max = u64::MAX;
        let table: &[(&str, u64, RangeOutcome)] = &[
            ("bytes=0-", 10, p(0, 9)),
            ("bytes=5-100", 10, p(5, 9)),
            ("bytes=9-9", 10, p(9, 9)),
            ("bytes=10-", 10, NotSatisfiable),
            ("bytes=10-20", 10, NotSatisfiable),
            ("bytes=-10", 10, p(0, 9)),
            ("bytes=-11", 10, p(0, 9)),
            ("bytes=-0", 10, NotSatisfiable),
            ("bytes=0-0", 0, NotSatisfiable),
            ("bytes=0-", 0, NotSatisfiable),
            ("bytes=-5", 0, NotSatisfiable),
            ("BYTES=1-2", 10, p(1, 2)),
            ("Bytes=1-2", 10, p(1, 2)),
            // Overflow: saturate, never panic.
            ("bytes=0-18446744073709551615", 10, p(0, 9)),
            ("bytes=0-18446744073709551615", max, p(0, max - 1)),
            ("bytes=0-99999999999999999999999", 10, p(0, 9)),
            ("bytes=99999999999999999999999-", 10, NotSatisfiable),
            (
                "bytes=18446744073709551615-18446744073709551615",
                max,
                NotSatisfiable,
            ),
            ("bytes=-99999999999999999999999", 10, p(0, 9)),
            ("bytes=18446744073709551614-", max, p(max - 1, max - 1)),
            // OWS and empty list elements (RFC 9110 §5.6.1).
            ("bytes= 1-2", 10, p(1, 2)),
            ("bytes=1-2 ", 10, p(1, 2)),
            ("bytes=\t1-2\t", 10, p(1, 2)),
            ("bytes=,1-2", 10, p(1, 2)),
            ("bytes=1-2,", 10, p(1, 2)),
            ("bytes= , 1-2 ,, ", 10, p(1, 2)),
            ("bytes=1-2, 3-4", 10, Full),
            // Invalid syntax or unit: ignore the header.
            ("bytes=5-4", 10, Full),
            ("bytes=", 10, Full),
            ("bytes=,", 10, Full),
            ("bytes=-", 10, Full),
            ("bytes=1", 10, Full),
            ("bytes=a-b", 10, Full),
            ("bytes=1-2-3", 10, Full),
            ("bytes=+1-2", 10, Full),
            ("bytes=1 - 2", 10, Full),
            ("bytes =1-2", 10, Full),
            ("bytes", 10, Full),
            ("items=1-2", 10, Full),
            ("", 10, Full),
            ("=1-2", 10, Full),
        ];
        for (value, len, want) in table {
            assert_eq!(
                resolve_range(Some(value.as_bytes()), *len),
                *want,
                "{value:?} len {len}"
            );
        }
    }

    #[test]
    fn no_header_is_full() {
        assert_eq!(resolve_range(None, 10), Full);
        assert_eq!(resolve_range(None, 0), Full);
    }
}
