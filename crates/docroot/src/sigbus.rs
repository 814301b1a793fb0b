//! Surviving `SIGBUS` from a source file that shrinks under us.
//!
//! The planners read the source through a memory map ([`crate::open::OpenedFile::map`]).
//! When another process truncates the file meanwhile, touching a page past the new end
//! raises `SIGBUS`, whose default action kills the process with no answer and no log.
//! Reading the parts that matter with `pread(2)` instead would change the planners'
//! `&[u8]` interface (the FLV planner walks tags anywhere in the file), so we keep the
//! map and handle the signal: [`install`] sets a handler (sigaction(2)) that only makes
//! async-signal-safe calls (write(2), shutdown(2), _exit(2)):
//!
//! 1. it writes the fixed line `PROGRAM: fatal: source file changed under us (SIGBUS)`
//!    to stderr (the log);
//! 2. while a mapping is being read ([`Reading`], held by every
//!    [`crate::map::Mapping`]), no response byte has been sent yet — mappings are
//!    for planning, and the sender reads the file with sendfile(2)/pread(2), where a
//!    shrunk file is a short read (`loomiere_connection::send::End::SourceShrank`), never a signal —
//!    so it writes a fixed `500` response (RFC 9110 §15.6.1; no `Date`, which a 5xx
//!    may omit, §6.6.1), without a body for `HEAD`, and shuts the connection down
//!    for writing;
//! 3. it ends the process with `_exit(`[`EXIT_CODE`]`)`: a normal exit, which the
//!    supervisor logs (`tcpsvd: info: end PID exit 111`), not a signal death.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::OnceLock;

/// The reason in the log line.
pub const REASON: &str = "source file changed under us (SIGBUS)";

/// Exit status after a `SIGBUS`: 111, a temporary failure (runit convention).
pub const EXIT_CODE: i32 = 111;

/// The answer while planning, for GET.
const RESPONSE: &[u8] = b"HTTP/1.1 500 Internal Server Error\r\nServer: loomiere\r\n\
Content-Type: text/plain; charset=utf-8\r\nContent-Length: 20\r\nConnection: close\r\n\r\n\
source file changed\n";

/// Length of the head of [`RESPONSE`] (the body is its last 20 bytes).
const HEAD_LEN: usize = RESPONSE.len() - 20;

/// `PROGRAM: fatal: REASON\n`, made by [`install`] before the handler can run.
static LINE: OnceLock<Box<[u8]>> = OnceLock::new();
/// Mappings being read (live [`Reading`] guards).
static READING: AtomicUsize = AtomicUsize::new(0);
/// The request is `HEAD`: the 500 goes without its body.
static IS_HEAD: AtomicBool = AtomicBool::new(false);

/// Installs the `SIGBUS` handler for a process named `program`. Call once at start-up;
/// a second call changes nothing but the handler is set again.
pub fn install(program: &'static str) {
    use nix::sys::signal::{sigaction, SaFlags, SigAction, SigHandler, SigSet, Signal};
    let _ = LINE.set(
        format!("{program}: fatal: {REASON}\n")
            .into_bytes()
            .into_boxed_slice(),
    );
    let action = SigAction::new(
        SigHandler::Handler(on_sigbus),
        SaFlags::empty(),
        SigSet::empty(),
    );
    // SAFETY: the handler only reads atomics and a value initialised above, and calls
    // the async-signal-safe write(2), shutdown(2) and _exit(2).
    let _ = unsafe { sigaction(Signal::SIGBUS, &action) };
}

/// Records whether the request is `HEAD`, so that the handler's 500 has no body.
pub fn set_head(is_head: bool) {
    IS_HEAD.store(is_head, Ordering::SeqCst);
}

/// Held while mapped source bytes are read (planning, before any response byte): a
/// `SIGBUS` meanwhile answers 500. Drop it before sending.
#[derive(Debug)]
pub struct Reading(());

impl Reading {
    /// Starts a reading period.
    pub fn start() -> Reading {
        READING.fetch_add(1, Ordering::SeqCst);
        Reading(())
    }
}

impl Drop for Reading {
    fn drop(&mut self) {
        READING.fetch_sub(1, Ordering::SeqCst);
    }
}

extern "C" fn on_sigbus(_: libc::c_int) {
    if let Some(line) = LINE.get() {
        write_all(2, line);
    }
    if READING.load(Ordering::SeqCst) > 0 {
        let len = if IS_HEAD.load(Ordering::SeqCst) {
            HEAD_LEN
        } else {
            RESPONSE.len()
        };
        write_all(1, &RESPONSE[..len]);
        // SAFETY: shutdown(2) is async-signal-safe; on a pipe or file it fails harmlessly.
        unsafe { libc::shutdown(1, libc::SHUT_WR) };
    }
    // SAFETY: _exit(2) is async-signal-safe and never returns.
    unsafe { libc::_exit(EXIT_CODE) }
}

/// write(2) until done, retrying EINTR; gives up on any other error (a non-blocking
/// socket that is full, a closed descriptor).
fn write_all(fd: libc::c_int, mut bytes: &[u8]) {
    while !bytes.is_empty() {
        // SAFETY: `bytes` is a valid readable buffer of `bytes.len()` bytes.
        let n = unsafe { libc::write(fd, bytes.as_ptr().cast(), bytes.len()) };
        match usize::try_from(n) {
            Ok(0) => return,
            Ok(n) => bytes = bytes.get(n..).unwrap_or_default(),
            // SAFETY: reading this thread's errno is async-signal-safe.
            Err(_) if unsafe { *libc::__errno_location() } == libc::EINTR => {}
            Err(_) => return,
        }
    }
}

#[cfg(test)]
mod tests;
