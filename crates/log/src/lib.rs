//! The access log: one line per request on stderr, for `svlogd`.
//!
//! ```text
//! REMOTE "METHOD TARGET" STATUS BYTES DURms NOTE...
//! 127.0.0.1 "GET /a.mp4?start=10" 200 52341 3ms complete
//! ```
//!
//! Every line is written with a single `write(2)` of at most [`MAX_LINE`] bytes
//! (`PIPE_BUF`), so lines of concurrent processes sharing one log pipe never
//! interleave.
//!
//! [`note_crashes`] makes a process that dies on a trap (a panic in the static
//! builds) leave one `PROGRAM: fatal: ...` line as well.

mod crash;
pub use crash::note_crashes;

use nix::sys::socket::{getpeername, SockaddrStorage};
use std::fmt::{Display, Write as _};
use std::net::IpAddr;
use std::time::Duration;

/// The longest line written, newline included, in bytes: `PIPE_BUF` on Linux, the
/// largest write to a pipe that POSIX guarantees to be atomic.
pub const MAX_LINE: usize = 4096;

/// Longest escaped request-target kept, in bytes, before `...`.
const MAX_TARGET: usize = 1024;
/// Longest escaped method kept, in bytes, before `...`.
const MAX_METHOD: usize = 32;
/// Longest escaped remote address or note kept, in bytes, before `...`.
const MAX_FIELD: usize = 256;

/// The client's IP address for the log.
///
/// The first of these that parses as an IP address: `TCPREMOTEIP` (set by tcpsvd,
/// see tcp-environ(5)); `REMOTE_HOST` (set by stunnel in exec mode, stunnel(8),
/// whose connection to us is its own loopback socket, so the peer of stdin is
/// stunnel and not the client; an IPv6 address may come in brackets); the peer of
/// the socket on stdin (`getpeername(0)`: systemd, inetd). Else `-`. IPv4-mapped
/// IPv6 addresses (`::ffff:1.2.3.4`) are shown as IPv4.
pub fn remote_addr() -> String {
    let from_env = ["TCPREMOTEIP", "REMOTE_HOST"]
        .iter()
        .find_map(|name| env_ip(&std::env::var(name).ok()?));
    show_ip(from_env.or_else(peer_of_stdin))
}

/// `value` as an IP address, an IPv6 one with or without brackets; `None` when it
/// is not one (a host name, say: never looked up).
fn env_ip(value: &str) -> Option<IpAddr> {
    let bare = value
        .strip_prefix('[')
        .and_then(|v| v.strip_suffix(']'))
        .unwrap_or(value);
    bare.parse().ok()
}

fn show_ip(ip: Option<IpAddr>) -> String {
    ip.map_or_else(|| "-".to_string(), |ip| ip.to_canonical().to_string())
}

/// The IP address of the peer of fd 0 if it is an internet socket.
fn peer_of_stdin() -> Option<IpAddr> {
    let addr: SockaddrStorage = getpeername(0).ok()?;
    if let Some(v4) = addr.as_sockaddr_in() {
        return Some(IpAddr::V4(v4.ip()));
    }
    addr.as_sockaddr_in6().map(|v6| IpAddr::V6(v6.ip()))
}

/// One request as it goes into the access log.
#[derive(Debug, Clone, Copy)]
pub struct AccessLine<'a> {
    /// Client address, usually from [`remote_addr`].
    pub remote: &'a str,
    /// Request method as sent by the client (untrusted).
    pub method: &'a str,
    /// Request-target as sent by the client (untrusted), RFC 9112 §3.2.
    pub target: &'a str,
    /// Response status code.
    pub status: u16,
    /// Body bytes actually sent.
    pub bytes: u64,
    /// Time from start to the end of the response.
    pub duration: Duration,
    /// Short words about the outcome (`complete`, `client-gone`, a refusal reason).
    pub notes: &'a [&'a str],
}

/// Appends `text` to `out`, escaping every byte outside printable ASCII, `"` and
/// `\` as `\xNN`; when the escaped text would exceed `cap` bytes, stops at a whole
/// escape and appends `...`. Empty text is shown as `-`.
fn push_escaped(out: &mut String, text: &str, cap: usize) {
    if text.is_empty() {
        out.push('-');
        return;
    }
    let mut used = 0usize;
    for &b in text.as_bytes() {
        let plain = plain(b);
        let width = if plain { 1 } else { 4 };
        used = used.saturating_add(width);
        if used > cap {
            out.push_str("...");
            return;
        }
        if plain {
            out.push(char::from(b));
        } else {
            // Writing to a String cannot fail.
            let _ = write!(out, "\\x{b:02x}");
        }
    }
}

/// True for the bytes logged as they are: printable ASCII except `"` and `\`.
fn plain(b: u8) -> bool {
    (0x20..0x7f).contains(&b) && b != b'"' && b != b'\\'
}

/// A value quoted in a message (`'{}'`), shown as the log shows fields: printable
/// ASCII as it is, every other byte and `'`, `"`, `\` as `\xNN`, so the value can
/// neither end its quotes nor carry control bytes into the log.
pub struct Quoted<'a>(pub &'a str);

impl Display for Quoted<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for &b in self.0.as_bytes() {
            if plain(b) && b != b'\'' {
                f.write_char(char::from(b))?;
            } else {
                write!(f, "\\x{b:02x}")?;
            }
        }
        Ok(())
    }
}

/// Appends one note: escaped, and in double quotes when empty or containing a space.
fn push_note(out: &mut String, note: &str) {
    if note.is_empty() || note.contains(' ') {
        out.push('"');
        if !note.is_empty() {
            push_escaped(out, note, MAX_FIELD);
        }
        out.push('"');
    } else {
        push_escaped(out, note, MAX_FIELD);
    }
}

/// Formats one access-log line, newline included, at most [`MAX_LINE`] bytes.
///
/// Duration is in whole milliseconds, rounded down. All text fields are escaped
/// (see the module doc) so the line is printable ASCII; an empty remote, method or
/// target is shown as `-`; the target is cut to 1024 escaped bytes, the method to
/// 32 and each note to 256, followed by `...`. A line still longer than
/// [`MAX_LINE`] is cut and ends in `...`.
pub fn format_access_line(line: &AccessLine<'_>) -> String {
    let mut out = String::with_capacity(128);
    push_escaped(&mut out, line.remote, MAX_FIELD);
    out.push_str(" \"");
    push_escaped(&mut out, line.method, MAX_METHOD);
    out.push(' ');
    push_escaped(&mut out, line.target, MAX_TARGET);
    let millis = line.duration.as_millis();
    let _ = write!(out, "\" {} {} {millis}ms", line.status, line.bytes);
    for note in line.notes {
        out.push(' ');
        push_note(&mut out, note);
    }
    // Everything above is ASCII, so any byte index is a char boundary.
    if out.len() >= MAX_LINE {
        out.truncate(MAX_LINE.saturating_sub(4));
        out.push_str("...");
    }
    out.push('\n');
    out
}

/// Writes the access line for one request to stderr with a single `write(2)`.
/// Errors (stderr closed, a full pipe) are ignored: logging never fails a request.
pub fn write_access_line(line: &AccessLine<'_>) {
    write_stderr(format_access_line(line).as_bytes());
}

/// Writes `program: fatal: reason` to stderr (runit convention), one `write(2)`.
pub fn fatal(program: &str, reason: &dyn Display) {
    write_stderr(format!("{program}: fatal: {reason}\n").as_bytes());
}

/// Writes `program: note: reason` to stderr, one `write(2)`: something that costs
/// nothing but a feature (no scoreboard, say), never a failed request.
pub fn note(program: &str, reason: &dyn Display) {
    write_stderr(format!("{program}: note: {reason}\n").as_bytes());
}

/// Writes all of `bytes` to fd 2, retrying on `EINTR`; a short write (only
/// possible past `PIPE_BUF` or on a signal) is continued; other errors are dropped.
fn write_stderr(mut bytes: &[u8]) {
    let stderr = std::io::stderr();
    while !bytes.is_empty() {
        match nix::unistd::write(&stderr, bytes) {
            Ok(0) => return,
            Ok(n) => bytes = bytes.get(n..).unwrap_or_default(),
            Err(nix::errno::Errno::EINTR) => continue,
            Err(_) => return,
        }
    }
}

#[cfg(test)]
mod tests;
