//! Handing the request head from the front to the streamer it runs.
//!
//! The front (`loomiere-stream`) reads the head off the connection, checks it, and
//! replaces itself with a streamer (execve(2)). The head goes along one of two ways:
//!
//! - in the environment variable [`REQUEST_ENV`], when it is at most
//!   [`ENV_HEAD_MAX`] bytes: the usual case (the default `max_request_head` is
//!   8 KiB), with no system call of its own;
//! - else in an anonymous file in memory (memfd_create(2)), left open across
//!   execve(2), whose descriptor number is in [`REQUEST_FD_ENV`]. Linux refuses an
//!   environment string longer than `MAX_ARG_STRLEN` (32 pages, 128 KiB on x86-64)
//!   with E2BIG, and `max_request_head` may be up to 1 MiB.
//!
//! The streamer's side is [`crate::intake::acquire_head`].

use nix::sys::memfd::{memfd_create, MFdFlags};
use std::ffi::OsStr;
use std::fs::File;
use std::io::{self, Seek, Write};
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd, RawFd};
use std::os::unix::ffi::OsStrExt;
use std::process::Command;

/// Name of the environment variable that carries a raw request head (bytes, exactly as
/// received, CRLF or bare LF line ends) from the front to the streamer it execve()s.
pub const REQUEST_ENV: &str = "LOOMIERE_REQUEST";

/// Name of the environment variable that gives the number of the descriptor, open
/// for reading at offset 0, from which a head longer than [`ENV_HEAD_MAX`] is read.
pub const REQUEST_FD_ENV: &str = "LOOMIERE_REQUEST_FD";

/// The longest head handed over in the environment, in bytes (64 KiB): half of
/// Linux's `MAX_ARG_STRLEN` on 4 KiB pages, so the name, the `=` and the other
/// variables never bring it near E2BIG.
pub const ENV_HEAD_MAX: usize = 64 * 1024;

/// Prepares `cmd`, the streamer about to be execve()d, to receive `head`: in
/// [`REQUEST_ENV`] when it is at most [`ENV_HEAD_MAX`] bytes, else written to a new
/// memfd named in [`REQUEST_FD_ENV`]. Whichever variable is not used is removed, so
/// a stale one from the front's own environment cannot mislead the streamer.
///
/// Returns the memfd, which the caller keeps open until execve(2); `None` for the
/// environment. Errors: memfd_create(2), write(2) or lseek(2) failed.
pub fn hand_over(cmd: &mut Command, head: &[u8]) -> io::Result<Option<OwnedFd>> {
    cmd.env_remove(REQUEST_ENV).env_remove(REQUEST_FD_ENV);
    if head.len() <= ENV_HEAD_MAX {
        cmd.env(REQUEST_ENV, OsStr::from_bytes(head));
        return Ok(None);
    }
    // No MFD_CLOEXEC: the descriptor must survive execve(2).
    let mut file = File::from(memfd_create(c"loomiere-request", MFdFlags::empty())?);
    file.write_all(head)?;
    file.rewind()?;
    let fd = OwnedFd::from(file);
    cmd.env(REQUEST_FD_ENV, fd.as_raw_fd().to_string());
    Ok(Some(fd))
}

/// The descriptor named by the value of [`REQUEST_FD_ENV`], taken over: it is closed
/// when dropped. Errors: the value is not a decimal number above 2 (never stdin,
/// stdout or stderr), or no descriptor of that number is open.
pub(crate) fn request_fd(value: &OsStr) -> Result<OwnedFd, &'static str> {
    // Parsed as a u64, whose parser every binary has already (an i32 one would be
    // another 300 bytes of code).
    let fd = value
        .to_str()
        .and_then(|v| v.parse::<u64>().ok())
        .and_then(|n| RawFd::try_from(n).ok())
        // SAFETY: fcntl(2) F_GETFD only asks whether `fd` is open; it changes nothing.
        .filter(|&fd| fd > 2 && unsafe { libc::fcntl(fd, libc::F_GETFD) } != -1)
        .ok_or("LOOMIERE_REQUEST_FD names no open descriptor above 2")?;
    // SAFETY: `fd` is open (checked above) and was left to this process by the front
    // for the head alone (see `hand_over`); nothing else here uses or closes it.
    Ok(unsafe { OwnedFd::from_raw_fd(fd) })
}
