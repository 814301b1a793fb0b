//! Response heads: the conditional/range answer for one representation, and
//! complete error responses.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use crate::conditional::{evaluate, if_range_allows, Precondition};
use crate::head::{Request, ALLOW};
use crate::range::{resolve_range, RangeOutcome};
use crate::refusal::reason_phrase;
use crate::validators::{format_http_date, http_seconds};

/// The `Server` field value (RFC 9110 §10.2.4).
const SERVER: &str = "loomiere";

/// One representation (RFC 9110 §3.2) the request selected, fully planned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Representation<'a> {
    /// Exact length in bytes.
    pub len: u64,
    /// `Content-Type` value, e.g. `"video/mp4"`.
    pub content_type: &'a str,
    /// Strong entity-tag, quotes included (see [`crate::strong_etag`]).
    pub etag: &'a str,
    /// Modification time of the source; sent as `Last-Modified` in whole seconds,
    /// never later than `now` (RFC 9110 §8.8.2.1).
    pub last_modified: SystemTime,
    /// More header fields, `(name, value)`, sent in order with 200, 206 and 304
    /// (e.g. `Cache-Control`, which RFC 9110 §15.4.5 asks a 304 to repeat); empty
    /// for none.
    pub fields: &'a [(&'a str, &'a str)],
}

/// What to send: status, the complete head, and which representation bytes follow.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answer {
    /// Status code: 200, 206, 304, 412 or 416.
    pub status: u16,
    /// Status line, header fields and the final empty line. For 412 and 416 it
    /// also holds the short `text/plain` error body (except for `HEAD`), exactly
    /// like [`error_head`].
    pub head: Vec<u8>,
    /// Representation bytes `start..end` (end exclusive) to send after `head`;
    /// `None` = nothing more (HEAD, 304, 412, 416).
    pub body: Option<(u64, u64)>,
}

/// Answers a `GET` or `HEAD` for `rep` (call [`crate::check_request`] first).
///
/// Preconditions in RFC 9110 §13.2.2 order: `If-Match` (strong; false -> 412),
/// `If-Unmodified-Since` (only without `If-Match`; false -> 412), `If-None-Match`
/// (weak, `*` matches; match -> 304), `If-Modified-Since` (only without
/// `If-None-Match`; not modified -> 304); unparsable dates are ignored. Then
/// `Range` ([`resolve_range`]) unless `If-Range` forbids it (RFC 9110 §13.1.5):
/// 206 with `Content-Range: bytes first-last/len`, or 416 with
/// `Content-Range: bytes */len`, or 200.
///
/// 200/206 carry `Date`, `Server`, `Content-Type`, `Content-Length`,
/// `Accept-Ranges: bytes`, `ETag`, `Last-Modified`, (`Content-Range`) and
/// `Connection: close`; 304 carries `Date`, `Server`, `ETag`, `Last-Modified`,
/// `Connection: close`, with [`Representation::fields`] before `Connection`
/// on 200, 206 and 304. For `HEAD` the head is byte for byte the `GET` head and
/// `body` is `None`.
pub fn answer(req: &Request, rep: &Representation, now: SystemTime) -> Answer {
    let now_secs = http_seconds(now);
    let last_modified = http_seconds(rep.last_modified).min(now_secs);
    let is_head = req.is_head();
    match evaluate(req, rep.etag, last_modified) {
        Precondition::Failed => return error_answer(412, &[], is_head, now),
        Precondition::NotModified => return not_modified(rep, last_modified, now),
        Precondition::Proceed => {}
    }
    let range = if req.header_count("range") == 1
        && if_range_allows(req, rep.etag, last_modified, now_secs)
    {
        resolve_range(req.header("range"), rep.len)
    } else {
        RangeOutcome::Full
    };
    let (status, start, end, content_range) = match range {
        RangeOutcome::Full => (200, 0, rep.len, None),
        RangeOutcome::Partial { first, last } => {
            // `last < len`, so `last + 1` cannot overflow; saturate anyway.
            let end = last.saturating_add(1);
            let content_range = format!("bytes {first}-{last}/{}", rep.len);
            (206, first, end, Some(content_range))
        }
        RangeOutcome::NotSatisfiable => {
            let content_range = format!("bytes */{}", rep.len);
            return error_answer(416, &[("Content-Range", &content_range)], is_head, now);
        }
    };
    let mut head = HeadWriter::new(status, now);
    head.field("Content-Type", rep.content_type);
    head.field("Content-Length", &end.saturating_sub(start).to_string());
    if let Some(content_range) = &content_range {
        head.field("Content-Range", content_range);
    }
    head.field("Accept-Ranges", "bytes");
    head.validators(rep.etag, last_modified);
    head.fields(rep.fields);
    let body = (!is_head).then_some((start, end));
    Answer {
        status,
        head: head.finish(),
        body,
    }
}

fn not_modified(rep: &Representation, last_modified: u64, now: SystemTime) -> Answer {
    let mut head = HeadWriter::new(304, now);
    head.validators(rep.etag, last_modified);
    head.fields(rep.fields);
    Answer {
        status: 304,
        head: head.finish(),
        body: None,
    }
}

fn error_answer(status: u16, extra: &[(&str, &str)], is_head: bool, now: SystemTime) -> Answer {
    let head = error_head(status, extra, is_head, now);
    Answer {
        status,
        head,
        body: None,
    }
}

/// A complete error response: head and, unless `is_head`, a short `text/plain`
/// body such as `"404 Not Found\n"`.
///
/// Fields: `Date`, `Server`, `Content-Type: text/plain; charset=utf-8`, the exact
/// `Content-Length` of that body (also for `HEAD`, RFC 9110 §9.3.2), each of
/// `extra` in order (e.g. `("Allow", ALLOW)` for 405, `("Content-Range",
/// "bytes */len")` for 416), then `Connection: close`.
pub fn error_head(status: u16, extra: &[(&str, &str)], is_head: bool, now: SystemTime) -> Vec<u8> {
    let body = format!("{status} {}\n", reason_phrase(status));
    let mut head = HeadWriter::new(status, now);
    head.field("Content-Type", "text/plain; charset=utf-8");
    head.field("Content-Length", &body.len().to_string());
    head.fields(extra);
    let mut out = head.finish();
    if !is_head {
        out.extend_from_slice(body.as_bytes());
    }
    out
}

/// The answer to `OPTIONS` (RFC 9110 §9.3.7): `204 No Content` with `Date`,
/// `Server`, `Allow: ` [`ALLOW`], each of `extra` in order (a CORS preflight's
/// fields), then `Connection: close`. No `Content-Length` and no body (§8.6, §15.3.5).
pub fn options_head(extra: &[(&str, &str)], now: SystemTime) -> Vec<u8> {
    let mut head = HeadWriter::new(204, now);
    head.field("Allow", ALLOW);
    for (name, value) in extra {
        head.field(name, value);
    }
    head.finish()
}

/// Adds `fields` to a head made by this module ([`Answer::head`], [`error_head`],
/// [`options_head`]): they go in order before its closing `Connection: close` (or
/// before the final empty line when the head has none); a body after the head (412,
/// 416, error bodies) stays as it is.
/// Used for fields that depend on the request rather than on the representation,
/// such as CORS's. Control bytes are dropped as in every field (RFC 9110 §5.5). A
/// `head` without an empty line is left unchanged.
pub fn add_fields(head: &mut Vec<u8>, fields: &[(&str, &str)]) {
    let Some(end) = head.windows(4).position(|w| w == b"\r\n\r\n") else {
        return;
    };
    let mut lines = HeadWriter(Vec::new());
    for (name, value) in fields {
        lines.field(name, value);
    }
    // After the CRLF of the last field line, before the empty line's CRLF; before
    // the closing `Connection: close` when it is the last field.
    let close = b"\r\nConnection: close";
    let at = if head[..end].ends_with(close) {
        end - (close.len() - 2)
    } else {
        end + 2
    };
    let tail = head.split_off(at);
    head.extend_from_slice(&lines.0);
    head.extend_from_slice(&tail);
}

/// Builds `HTTP/1.1 <code> <phrase>`, `Date`, `Server`, ..., `Connection: close`.
struct HeadWriter(Vec<u8>);

impl HeadWriter {
    fn new(status: u16, now: SystemTime) -> HeadWriter {
        let line = format!("HTTP/1.1 {status} {}\r\n", reason_phrase(status));
        let mut writer = HeadWriter(line.into_bytes());
        writer.field("Date", &format_http_date(now));
        writer.field("Server", SERVER);
        writer
    }

    /// `ETag` and `Last-Modified` (`last_modified` in seconds since the epoch).
    fn validators(&mut self, etag: &str, last_modified: u64) {
        self.field("ETag", etag);
        let date = UNIX_EPOCH + Duration::from_secs(last_modified);
        self.field("Last-Modified", &format_http_date(date));
    }

    /// Each of `fields` as a field line, in order.
    fn fields(&mut self, fields: &[(&str, &str)]) {
        for (name, value) in fields {
            self.field(name, value);
        }
    }

    /// One field line. Control bytes (CR, LF, NUL, ...) are dropped from both name
    /// and value: a caller's mistake must not split the head (RFC 9110 §5.5).
    fn field(&mut self, name: &str, value: &str) {
        let safe = |b: &&u8| **b == b'\t' || !(b.is_ascii_control());
        self.0.extend(name.as_bytes().iter().filter(safe));
        self.0.extend_from_slice(b": ");
        self.0.extend(value.as_bytes().iter().filter(safe));
        self.0.extend_from_slice(b"\r\n");
    }

    fn finish(mut self) -> Vec<u8> {
        self.field("Connection", "close");
        self.0.extend_from_slice(b"\r\n");
        self.0
    }
}

#[cfg(test)]
mod tests;
