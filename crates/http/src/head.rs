//! The request head: request-line and header fields (RFC 9112 §2 – §5).
//!
//! [`parse_head`] is zero-copy and incremental in the manner of httparse: it borrows
//! from the caller's buffer, answers [`Parsed::Partial`] while the head is not yet
//! complete, and refuses bad input as soon as the offending byte is seen. The
//! grammar is built from nom's *streaming* parsers, whose `Incomplete` result maps
//! to `Partial` and whose `Error` maps to a [`Refusal`].

use nom::branch::alt;
use nom::bytes::streaming::{tag, take_while, take_while1, take_while_m_n};
use nom::multi::many0_count;
use nom::{IResult, Parser};

use crate::refusal::Refusal;

/// Bounds on a request head, checked while parsing (httparse-style hard caps).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Most bytes the whole head may take, request-line through the final empty
    /// line (CRLF included). Beyond it: `431`, or `414` when the request-line alone
    /// is longer (see [`parse_head`]).
    pub max_head_bytes: usize,
    /// Most header field lines. Beyond it: `431`.
    pub max_header_lines: usize,
}

impl Default for Limits {
    /// 8192 bytes and 100 header lines (nginx's default buffer is 1 KiB, growing to 8 KiB).
    fn default() -> Limits {
        Limits {
            max_head_bytes: 8192,
            max_header_lines: 100,
        }
    }
}

/// The protocol versions we serve (RFC 9112 §2.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Version {
    /// `HTTP/1.0`
    Http10,
    /// `HTTP/1.1`
    Http11,
}

/// A parsed request head, borrowing from the input buffer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request<'a> {
    /// The method token, case-sensitive (RFC 9110 §9.1), e.g. `"GET"`.
    pub method: &'a str,
    /// The raw request-target (RFC 9112 §3.2); resolve it with [`crate::parse_target`].
    pub target: &'a str,
    /// The protocol version.
    pub version: Version,
    /// `(field-name, field-value)` in arrival order, values without leading or
    /// trailing OWS.
    headers: Vec<Field<'a>>,
}

impl<'a> Request<'a> {
    /// The value of the first field called `name` (ASCII case-insensitive,
    /// RFC 9110 §5.1), with surrounding OWS removed; `None` if absent.
    pub fn header(&self, name: &str) -> Option<&'a [u8]> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|&(_, v)| v)
    }

    /// How many field lines are called `name` (ASCII case-insensitive).
    pub fn header_count(&self, name: &str) -> usize {
        self.headers
            .iter()
            .filter(|(n, _)| n.eq_ignore_ascii_case(name))
            .count()
    }

    /// All `(field-name, field-value)` pairs in arrival order.
    pub fn headers(&self) -> impl Iterator<Item = (&'a str, &'a [u8])> + '_ {
        self.headers.iter().copied()
    }

    /// Whether the method is `HEAD` (the response then has no body, RFC 9110 §9.3.2).
    pub fn is_head(&self) -> bool {
        self.method == "HEAD"
    }
}

/// The result of [`parse_head`] when the input is acceptable so far.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Parsed<'a> {
    /// The head is complete; it took the first `head_len` bytes of the buffer
    /// (final empty line included). Bytes after it are not looked at.
    Complete {
        /// The request head.
        request: Request<'a>,
        /// Length of the head in bytes.
        head_len: usize,
    },
    /// Every byte so far is valid but the head is not finished: read more.
    Partial,
}

/// Parses an HTTP/1.x request head from the start of `buf` (RFC 9112 §2.1).
///
/// Accepts CRLF or a bare LF as line end (RFC 9112 §2.2) and skips empty lines
/// before the request-line. Errors (never panics):
/// - `431`: the head is longer than `limits.max_head_bytes` (also while still
///   partial), or has more than `limits.max_header_lines` field lines;
/// - `414`: the request-line alone is longer than `limits.max_head_bytes` (a huge
///   request-target, RFC 9112 §3); `501` if even the method is;
/// - `505`: a well-formed `HTTP/d.d` other than 1.0 and 1.1;
/// - `400`: anything else malformed: request-line shape, method or field-name not
///   a token, missing version (HTTP/0.9), NUL, bare CR or other control bytes,
///   whitespace before the colon (RFC 9112 §5.1), obs-fold lines (RFC 9112 §5.2),
///   a request-target that is not UTF-8.
pub fn parse_head<'a>(buf: &'a [u8], limits: &Limits) -> Result<Parsed<'a>, Refusal> {
    let view = &buf[..buf.len().min(limits.max_head_bytes)];
    match parse_view(view, limits.max_header_lines)? {
        Some((request, head_len)) => Ok(Parsed::Complete { request, head_len }),
        None if buf.len() > view.len() => Err(too_long(view)),
        None => Ok(Parsed::Partial),
    }
}

/// The refusal for a valid but unfinished head that fills the whole size limit
/// (`view`): when the request-line itself does not fit, `414` if the method did
/// (RFC 9112 §3: a request-target longer than we parse MUST get 414), else `501`
/// (§3: SHOULD, for a method longer than any we implement); otherwise `431`.
fn too_long(view: &[u8]) -> Refusal {
    let start = view
        .iter()
        .position(|&b| b != b'\r' && b != b'\n')
        .unwrap_or(view.len());
    let line = &view[start..];
    if line.is_empty() || line.contains(&b'\n') {
        Refusal::new(431, "request head too large")
    } else if line.contains(&b' ') {
        Refusal::new(414, "request-line too long")
    } else {
        Refusal::new(501, "method too long")
    }
}

type Res<'a, O> = IResult<&'a [u8], O>;

/// Unwraps a nom result: `Incomplete` -> `Ok(None)` from the caller, `Error` -> 400.
macro_rules! step {
    ($res:expr, $reason:expr) => {
        match $res {
            Ok(done) => done,
            Err(nom::Err::Incomplete(_)) => return Ok(None),
            Err(_) => return Err(Refusal::new(400, $reason)),
        }
    };
}

/// The whole head; `Ok(None)` means partial.
fn parse_view(buf: &[u8], max_lines: usize) -> Result<Option<(Request<'_>, usize)>, Refusal> {
    let (rest, _) = step!(
        many0_count(line_end).parse(buf),
        "malformed leading empty lines"
    );
    let Some((mut rest, (method, target, version))) = request_line(rest)? else {
        return Ok(None);
    };
    let mut headers = Vec::new();
    loop {
        match line_end(rest) {
            Ok((after, _)) => {
                let request = Request {
                    method,
                    target,
                    version,
                    headers,
                };
                return Ok(Some((request, buf.len() - after.len())));
            }
            Err(nom::Err::Incomplete(_)) => return Ok(None),
            Err(_) => {}
        }
        if headers.len() >= max_lines {
            return Err(Refusal::new(431, "too many header lines"));
        }
        let Some((after, field)) = field_line(rest)? else {
            return Ok(None);
        };
        headers.push(field);
        rest = after;
    }
}

type RequestLine<'a> = (&'a str, &'a str, Version);

/// `request-line = method SP request-target SP HTTP-version` (RFC 9112 §3).
fn request_line(i: &[u8]) -> Result<Option<(&[u8], RequestLine<'_>)>, Refusal> {
    let (i, method) = step!(token(i), "invalid method token");
    let (i, _) = step!(sp(i), "malformed request-line after method");
    let (i, target) = step!(target_bytes(i), "invalid request-target");
    if step!(opt_line_end(i), "bare CR after request-target").1 {
        return Err(Refusal::new(400, "missing HTTP version (HTTP/0.9 request)"));
    }
    let (i, _) = step!(sp(i), "malformed request-line after request-target");
    let (i, (major, minor)) = step!(http_version(i), "malformed HTTP version");
    let (i, _) = step!(line_end(i), "malformed request-line after HTTP version");
    let version = match (major, minor) {
        (b'1', b'0') => Version::Http10,
        (b'1', b'1') => Version::Http11,
        _ => return Err(Refusal::new(505, "unsupported HTTP version")),
    };
    let method = ascii_str(method, "invalid method token")?;
    let target = std::str::from_utf8(target)
        .map_err(|_| Refusal::new(400, "request-target is not UTF-8"))?;
    Ok(Some((i, (method, target, version))))
}

/// `(field-name, field-value)`
type Field<'a> = (&'a str, &'a [u8]);

/// `field-line = field-name ":" OWS field-value OWS` (RFC 9112 §5), then a line end.
fn field_line(i: &[u8]) -> Result<Option<(&[u8], Field<'_>)>, Refusal> {
    if matches!(i.first(), Some(b' ' | b'\t')) {
        return Err(Refusal::new(400, "line starts with whitespace (obs-fold)"));
    }
    let (i, name) = step!(token(i), "invalid header field name");
    let i = match i.split_first() {
        None => return Ok(None),
        Some((b':', after)) => after,
        Some((b' ' | b'\t', _)) => {
            return Err(Refusal::new(400, "whitespace between field name and colon"))
        }
        Some(_) => return Err(Refusal::new(400, "invalid header field name")),
    };
    let (i, value) = step!(field_value(i), "invalid byte in header field value");
    let (i, _) = step!(line_end(i), "invalid byte in header field value");
    let name = ascii_str(name, "invalid header field name")?;
    Ok(Some((i, (name, trim_ows(value)))))
}

/// `CRLF` or a bare `LF` (RFC 9112 §2.2). A CR not followed by LF is an error.
fn line_end(i: &[u8]) -> Res<'_, &[u8]> {
    alt((tag("\r\n"), tag("\n"))).parse(i)
}

/// `Ok(true)` and nothing consumed if a line end starts here, `Ok(false)` if not.
fn opt_line_end(i: &[u8]) -> Res<'_, bool> {
    match line_end(i) {
        Ok(_) => Ok((i, true)),
        Err(nom::Err::Error(_)) if i.first() != Some(&b'\r') => Ok((i, false)),
        Err(e) => Err(e),
    }
}

fn sp(i: &[u8]) -> Res<'_, &[u8]> {
    tag(" ")(i)
}

/// `token = 1*tchar` (RFC 9110 §5.6.2): method and field-name.
fn token(i: &[u8]) -> Res<'_, &[u8]> {
    take_while1(is_tchar)(i)
}

fn target_bytes(i: &[u8]) -> Res<'_, &[u8]> {
    take_while1(is_target_byte)(i)
}

fn field_value(i: &[u8]) -> Res<'_, &[u8]> {
    take_while(is_value_byte)(i)
}

/// `HTTP-version = "HTTP" "/" DIGIT "." DIGIT`, case-sensitive (RFC 9112 §2.3).
fn http_version(i: &[u8]) -> Res<'_, (u8, u8)> {
    let digit = || take_while_m_n(1, 1, |b: u8| b.is_ascii_digit());
    let (i, (_, major, _, minor)) = (tag("HTTP/"), digit(), tag("."), digit()).parse(i)?;
    Ok((i, (major[0], minor[0])))
}

/// `tchar` (RFC 9110 §5.6.2).
fn is_tchar(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b)
}

/// Visible bytes: ASCII `%x21-7E`, plus `%x80-FF` (checked for UTF-8 later).
fn is_target_byte(b: u8) -> bool {
    matches!(b, 0x21..=0x7e | 0x80..=0xff)
}

/// `field-vchar / SP / HTAB` with obs-text (RFC 9110 §5.5). Excludes NUL, CR, LF,
/// other controls and DEL.
fn is_value_byte(b: u8) -> bool {
    matches!(b, b'\t' | b' ' | 0x21..=0x7e | 0x80..=0xff)
}

fn trim_ows(v: &[u8]) -> &[u8] {
    let is_ows = |b: &u8| *b == b' ' || *b == b'\t';
    let start = v.iter().position(|b| !is_ows(b)).unwrap_or(v.len());
    let end = v.iter().rposition(|b| !is_ows(b)).map_or(start, |p| p + 1);
    &v[start..end]
}

fn ascii_str<'a>(bytes: &'a [u8], reason: &str) -> Result<&'a str, Refusal> {
    std::str::from_utf8(bytes).map_err(|_| Refusal::new(400, reason))
}

/// The methods we serve: the `Allow` field value of a `405` and of the answer to
/// `OPTIONS` (RFC 9110 §10.2.1, §9.3.7, §15.5.6).
pub const ALLOW: &str = "GET, HEAD, OPTIONS";

/// Methods this server knows but does not allow on any target: the rest of RFC 9110
/// §9.3 and `PATCH` (RFC 5789).
const KNOWN_METHODS: [&str; 6] = ["POST", "PUT", "DELETE", "CONNECT", "TRACE", "PATCH"];

/// Checks what [`parse_head`] cannot: the method and `Host` (RFC 9112 §3.2).
///
/// Errors (method names are case-sensitive, RFC 9110 §9.1): `405` for a known method
/// other than `GET`, `HEAD` and `OPTIONS` (answer with `Allow: ` [`ALLOW`],
/// §15.5.6); `501` for a method it does not know (§15.6.2); `400` for HTTP/1.1
/// without `Host`, more than one `Host`, or a `Host` that is not
/// `uri-host [":" port]`.
pub fn check_request(req: &Request) -> Result<(), Refusal> {
    if !matches!(req.method, "GET" | "HEAD" | "OPTIONS") {
        let shown: String = req.method.chars().take(20).collect();
        if KNOWN_METHODS.contains(&req.method) {
            return Err(Refusal::new(405, format!("method {shown} not allowed")));
        }
        return Err(Refusal::new(501, format!("method {shown} not implemented")));
    }
    match req.header_count("host") {
        0 if req.version == Version::Http11 => Err(Refusal::new(400, "missing Host header")),
        0 => Ok(()),
        1 => match req.header("host") {
            Some(v) if crate::host::is_valid_authority(v) => Ok(()),
            _ => Err(Refusal::new(400, "invalid Host header")),
        },
        _ => Err(Refusal::new(400, "more than one Host header")),
    }
}

#[cfg(test)]
mod tests;
