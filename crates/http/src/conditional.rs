//! Conditional requests (RFC 9110 §13): entity-tag lists, dates, `If-Range`.

use crate::head::Request;
use crate::validators::{http_seconds, parse_http_date};

/// What the preconditions say, in the order of RFC 9110 §13.2.2.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Precondition {
    /// All true (or absent): go on with `Range` and the representation.
    Proceed,
    /// `If-None-Match` or `If-Modified-Since` says the client's copy is current: `304`.
    NotModified,
    /// `If-Match` or `If-Unmodified-Since` is false: `412`.
    Failed,
}

/// Evaluates the preconditions of a `GET` or `HEAD` (RFC 9110 §13.2.2, steps 1-4)
/// against our strong `etag` (quotes included) and `last_modified` (whole seconds
/// since the epoch, as sent in `Last-Modified`).
pub(crate) fn evaluate(req: &Request, etag: &str, last_modified: u64) -> Precondition {
    if has(req, "if-match") {
        if !list_matches(req, "if-match", etag, Compare::Strong) {
            return Precondition::Failed;
        }
    } else if let Some(date) = date_field(req, "if-unmodified-since") {
        if last_modified > date {
            return Precondition::Failed;
        }
    }
    if has(req, "if-none-match") {
        if list_matches(req, "if-none-match", etag, Compare::Weak) {
            return Precondition::NotModified;
        }
    } else if let Some(date) = date_field(req, "if-modified-since") {
        if last_modified <= date {
            return Precondition::NotModified;
        }
    }
    Precondition::Proceed
}

/// Whether `Range` may be honoured given `If-Range` (RFC 9110 §13.1.5): yes when
/// absent; an entity-tag must match ours strongly; a date must equal
/// `last_modified` exactly and that date must be strong, i.e. earlier than `now`
/// (RFC 9110 §8.8.2.2). Anything else, including garbage: no (send `200`).
pub(crate) fn if_range_allows(req: &Request, etag: &str, last_modified: u64, now: u64) -> bool {
    let Some(value) = req.header("if-range") else {
        return true;
    };
    if req.header_count("if-range") > 1 {
        return false;
    }
    if value.starts_with(b"\"") || value.starts_with(b"W/") {
        return match (entity_tag(value), entity_tag(etag.as_bytes())) {
            (Some((theirs, [])), Some((ours, []))) => Compare::Strong.eq(&theirs, &ours),
            _ => false,
        };
    }
    parse_http_date(value).map(http_seconds) == Some(last_modified) && last_modified < now
}

/// Entity-tag comparison (RFC 9110 §8.8.3.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Compare {
    /// Both strong and identical.
    Strong,
    /// Identical opaque-tags, weakness ignored.
    Weak,
}

impl Compare {
    fn eq(self, a: &EntityTag, b: &EntityTag) -> bool {
        a.opaque == b.opaque && (self == Compare::Weak || (!a.weak && !b.weak))
    }
}

/// `entity-tag = [ weak ] opaque-tag` (RFC 9110 §8.8.3); `opaque` keeps its quotes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct EntityTag<'a> {
    weak: bool,
    opaque: &'a [u8],
}

fn has(req: &Request, name: &str) -> bool {
    req.header_count(name) > 0
}

/// Whether any field line `name` (`"*" / #entity-tag`) matches our `etag`.
/// A malformed list matches nothing.
fn list_matches(req: &Request, name: &str, etag: &str, compare: Compare) -> bool {
    let Some((ours, [])) = entity_tag(etag.as_bytes()) else {
        return false;
    };
    req.headers()
        .filter(|(n, _)| n.eq_ignore_ascii_case(name))
        .any(|(_, value)| value == b"*" || tags_match(value, &ours, compare))
}

/// Walks `#entity-tag` (RFC 9110 §5.6.1: OWS and empty elements allowed).
fn tags_match(mut list: &[u8], ours: &EntityTag, compare: Compare) -> bool {
    loop {
        list = skip(list, |b| matches!(b, b' ' | b'\t' | b','));
        if list.is_empty() {
            return false;
        }
        let Some((tag, rest)) = entity_tag(list) else {
            return false;
        };
        if compare.eq(&tag, ours) {
            return true;
        }
        list = skip(rest, |b| matches!(b, b' ' | b'\t'));
        if !(list.is_empty() || list.starts_with(b",")) {
            return false;
        }
    }
}

/// One entity-tag at the start of `i`, and what follows it.
fn entity_tag(i: &[u8]) -> Option<(EntityTag<'_>, &[u8])> {
    let (weak, i) = match i.strip_prefix(b"W/") {
        Some(rest) => (true, rest),
        None => (false, i),
    };
    let body = i.strip_prefix(b"\"")?;
    let close = body.iter().position(|&b| b == b'"')?;
    if !body[..close].iter().all(|&b| is_etagc(b)) {
        return None;
    }
    let (opaque, rest) = i.split_at(close.checked_add(2)?);
    Some((EntityTag { weak, opaque }, rest))
}

/// `etagc = %x21 / %x23-7E / obs-text`
fn is_etagc(b: u8) -> bool {
    matches!(b, 0x21 | 0x23..=0x7e | 0x80..=0xff)
}

fn skip(i: &[u8], what: impl Fn(u8) -> bool) -> &[u8] {
    let n = i.iter().position(|&b| !what(b)).unwrap_or(i.len());
    &i[n..]
}

/// A date field, if present exactly once and a valid HTTP-date (RFC 9110 §13.1.3,
/// §13.1.4: otherwise it is ignored), as whole seconds since the epoch.
fn date_field(req: &Request, name: &str) -> Option<u64> {
    if req.header_count(name) != 1 {
        return None;
    }
    req.header(name).and_then(parse_http_date).map(http_seconds)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tag(text: &str) -> Option<(bool, &str, &str)> {
        entity_tag(text.as_bytes()).map(|(t, rest)| {
            let opaque = std::str::from_utf8(t.opaque).unwrap_or("?");
            (t.weak, opaque, std::str::from_utf8(rest).unwrap_or("?"))
        })
    }

    #[test]
    fn entity_tag_table() {
        assert_eq!(tag("\"abc\""), Some((false, "\"abc\"", "")));
        assert_eq!(tag("W/\"abc\", x"), Some((true, "\"abc\"", ", x")));
        assert_eq!(tag("\"\""), Some((false, "\"\"", "")));
        assert_eq!(tag("\"a,b\""), Some((false, "\"a,b\"", "")));
        assert_eq!(tag("abc"), None);
        assert_eq!(tag("\"abc"), None);
        assert_eq!(tag("w/\"abc\""), None);
        assert_eq!(tag("\"a b\""), None);
        assert_eq!(tag(""), None);
    }

    #[test]
    fn list_table() {
        let ours = EntityTag {
            weak: false,
            opaque: b"\"x\"",
        };
        let table: &[(&str, Compare, bool)] = &[
            ("\"x\"", Compare::Strong, true),
            ("W/\"x\"", Compare::Strong, false),
            ("W/\"x\"", Compare::Weak, true),
            ("\"a\", \"x\"", Compare::Strong, true),
            (" , \"a\" ,, \"x\" , ", Compare::Strong, true),
            ("\"a\",\"b\"", Compare::Weak, false),
            ("\"a\" \"x\"", Compare::Weak, false),
            ("x", Compare::Weak, false),
            ("", Compare::Weak, false),
            ("\"a,\"x\"", Compare::Weak, false),
        ];
        for (list, compare, want) in table {
            assert_eq!(
                tags_match(list.as_bytes(), &ours, *compare),
                *want,
                "{list:?} {compare:?}"
            );
        }
    }
}
