//! Request intake: obtain the one request head of this process.
//!
//! A streamer serves exactly one request per process. Its head either arrives on stdin
//! (the supervisor's TCP socket, or a pipe/file in tests) or, when the front
//! `loomiere-stream` has already read it and execve()d the streamer, is handed over
//! in the environment variable [`REQUEST_ENV`] or, when it is long, in a descriptor
//! named by [`REQUEST_FD_ENV`] (see [`crate::handover`]). Either way the bytes go through
//! [`loomiere_http::parse_head`] (RFC 9112 §2.2, §3), under a hard size cap and a single
//! deadline so a slow client cannot hold the process (the httparse practice).

pub use crate::handover::{REQUEST_ENV, REQUEST_FD_ENV};

use crate::handover::request_fd;
use crate::wait::wait_until;
use loomiere_http::{parse_head, Limits, Parsed, Refusal};
use nix::errno::Errno;
use nix::poll::PollFlags;
use std::os::fd::{AsFd, BorrowedFd};
use std::os::unix::ffi::OsStringExt;
use std::time::{Duration, Instant};

#[cfg(test)]
mod tests;

/// Bytes asked of read(2) at a time. The buffer never exceeds
/// `max_head_bytes + READ_CHUNK` bytes.
const READ_CHUNK: usize = 4096;

/// Who read the request head off the connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// This process, from stdin: no front chose this streamer for the request.
    Client,
    /// The front, which checked the head, chose this streamer for it and handed the
    /// head over.
    Front,
}

/// Why no request head could be obtained.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IntakeError {
    /// The peer closed (EOF, or a reset) before sending a single byte: log it, send nothing.
    Closed,
    /// Answer with this status (400, 408, 431, 500, or a status chosen by the parser),
    /// then exit.
    Refused(Refusal),
}

impl From<Refusal> for IntakeError {
    fn from(r: Refusal) -> Self {
        IntakeError::Refused(r)
    }
}

/// Reads one request head from `fd` (a socket, a pipe or a regular file).
///
/// Loop: poll(2) for POLLIN with the time left until a deadline fixed at entry
/// (`timeout` from now; a slowloris sending a byte every few seconds still hits it),
/// then read(2) up to 4 KiB, then [`parse_head`] on the whole buffer.
///
/// Returns the head bytes (everything up to and including the empty line; bytes read
/// past it are dropped, since every response closes the connection).
///
/// Errors: [`IntakeError::Closed`] on EOF (or ECONNRESET) before any byte;
/// `Refused(400 "incomplete request head")` on EOF mid-head;
/// `Refused(431)` when more than `limits.max_head_bytes` bytes hold no complete head
/// (`414` when the request-line alone is that long, see [`parse_head`]);
/// `Refused(408)` when the deadline passes; the parser's own refusal for a malformed
/// head; `Refused(500)` when poll(2) or read(2) fail otherwise. EINTR is retried;
/// EAGAIN (a non-blocking descriptor) goes back to poll(2).
pub fn read_head(
    fd: BorrowedFd<'_>,
    limits: &Limits,
    timeout: Duration,
) -> Result<Vec<u8>, IntakeError> {
    let deadline = Instant::now().checked_add(timeout);
    let mut buf = Vec::with_capacity(READ_CHUNK);
    loop {
        if !wait_readable(fd, deadline)? {
            return Err(timed_out(timeout));
        }
        let got = match read_chunk(fd, &mut buf) {
            Ok(n) => n,
            Err(Errno::EINTR | Errno::EAGAIN) => continue,
            Err(Errno::ECONNRESET) => 0,
            Err(e) => return Err(io_failure("read", e)),
        };
        if got == 0 {
            return Err(at_eof(&buf));
        }
        if let Some(head_len) = complete_len(&buf, limits)? {
            buf.truncate(head_len);
            return Ok(buf);
        }
    }
}

/// Obtains this process's request head and says who read it: handed over by the
/// front ([`Source::Front`]) from the descriptor named in [`REQUEST_FD_ENV`] or from
/// the environment variable [`REQUEST_ENV`], whichever is set (in that order), else
/// read from stdin (fd 0) by [`read_head`] with `timeout` ([`Source::Client`]).
///
/// A handed-over head is checked by [`parse_head`] too and must be complete; the
/// descriptor is read with [`read_head`] (it never blocks) and closed.
///
/// Errors: as [`read_head`]; for the environment head, the parser's refusal,
/// `Refused(431)` when it is longer than `limits.max_head_bytes` without a complete head,
/// else `Refused(400 "incomplete request head")` when it is not complete;
/// `Refused(500)` when [`REQUEST_FD_ENV`] names no open descriptor above 2.
pub fn acquire_head(limits: &Limits, timeout: Duration) -> Result<(Vec<u8>, Source), IntakeError> {
    let handed = match std::env::var_os(REQUEST_FD_ENV) {
        Some(value) => Some(request_fd(&value).map_err(|e| Refusal::new(500, e))?),
        None => None,
    };
    if handed.is_none() {
        if let Some(value) = std::env::var_os(REQUEST_ENV) {
            return head_from_bytes(value.into_vec(), limits).map(|h| (h, Source::Front));
        }
    }
    // One call of read_head for both descriptors: it is inlined, as it was before
    // there were two.
    let (fd, source) = match &handed {
        Some(fd) => (fd.as_fd(), Source::Front),
        None => (crate::fds::stdin(), Source::Client),
    };
    read_head(fd, limits, timeout).map(|h| (h, source))
}

/// Checks a head that arrived whole (from the environment) and trims it to its length.
fn head_from_bytes(mut bytes: Vec<u8>, limits: &Limits) -> Result<Vec<u8>, IntakeError> {
    match complete_len(&bytes, limits)? {
        Some(head_len) => {
            bytes.truncate(head_len);
            Ok(bytes)
        }
        None => Err(Refusal::new(400, "incomplete request head").into()),
    }
}

/// `Some(head_len)` when `buf` starts with a complete head, `None` when more bytes are
/// needed and allowed. Errors: the parser's refusal, or 431 when `buf` already holds more
/// than `limits.max_head_bytes` bytes without a complete head.
fn complete_len(buf: &[u8], limits: &Limits) -> Result<Option<usize>, IntakeError> {
    match parse_head(buf, limits)? {
        Parsed::Complete { head_len, .. } => Ok(Some(head_len)),
        Parsed::Partial if buf.len() > limits.max_head_bytes => Err(too_large(limits)),
        Parsed::Partial => Ok(None),
    }
}

/// Waits for input until `deadline` (`None`: the deadline is beyond what `Instant` can
/// hold, so wait for ever). Returns false when the deadline passed.
fn wait_readable(fd: BorrowedFd<'_>, deadline: Option<Instant>) -> Result<bool, IntakeError> {
    let Some(deadline) = deadline else {
        return Ok(true); // read(2) itself blocks; no deadline to enforce.
    };
    wait_until(fd, PollFlags::POLLIN, deadline).map_err(|e| io_failure("poll", e))
}

/// One read(2) of up to [`READ_CHUNK`] bytes appended to `buf`; returns the count
/// (0 at EOF).
fn read_chunk(fd: BorrowedFd<'_>, buf: &mut Vec<u8>) -> Result<usize, Errno> {
    let old = buf.len();
    buf.resize(old.saturating_add(READ_CHUNK), 0);
    let got = nix::unistd::read(fd, &mut buf[old..]);
    buf.truncate(old.saturating_add(*got.as_ref().unwrap_or(&0)));
    got
}

/// The outcome of EOF after `buf` was read: nothing at all is a close, anything else an
/// incomplete head (400).
fn at_eof(buf: &[u8]) -> IntakeError {
    if buf.is_empty() {
        IntakeError::Closed
    } else {
        Refusal::new(400, "incomplete request head").into()
    }
}

fn too_large(limits: &Limits) -> IntakeError {
    Refusal::new(
        431,
        format!("request head larger than {} bytes", limits.max_head_bytes),
    )
    .into()
}

/// 408 (RFC 9110 §15.5.9); the reason gives the limit in seconds, e.g. "10" or "0.3".
fn timed_out(timeout: Duration) -> IntakeError {
    let secs = show_seconds(timeout);
    Refusal::new(408, format!("request head not complete within {secs} s")).into()
}

/// `d` in seconds with at most 3 decimals and no trailing zeros ("10", "0.3", "2.25"),
/// in integers: `f64` formatting would add about 10 KiB to every binary.
fn show_seconds(d: Duration) -> String {
    let (secs, millis) = (d.as_secs(), d.subsec_millis());
    if millis == 0 {
        return secs.to_string();
    }
    let text = format!("{secs}.{millis:03}");
    text.trim_end_matches('0').to_owned()
}

fn io_failure(call: &str, e: Errno) -> IntakeError {
    Refusal::new(500, format!("{call} on request input failed: {}", e.desc())).into()
}
