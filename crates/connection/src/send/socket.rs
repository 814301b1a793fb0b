//! Socket-only steps of sending: TCP_CORK and the lingering close.

use crate::wait::wait_until;
use nix::errno::Errno;
use nix::fcntl::{fcntl, FcntlArg, OFlag};
use nix::poll::PollFlags;
use nix::sys::socket::{
    getsockname, getsockopt, shutdown, sockopt, AddressFamily, Shutdown, SockType, SockaddrLike,
    SockaddrStorage,
};
use std::os::fd::{AsRawFd, BorrowedFd};
use std::time::{Duration, Instant};

/// Most bytes read and discarded after our response, before closing.
const DRAIN_MAX_BYTES: usize = 64 * 1024;
/// Longest wait for the client to close its side, after our response.
const DRAIN_MAX_TIME: Duration = Duration::from_secs(2);

/// True when `fd` is a socket (getsockopt(2) SO_TYPE succeeds).
pub(super) fn is_socket(fd: BorrowedFd<'_>) -> bool {
    getsockopt(&fd, sockopt::SockType).is_ok()
}

/// True when `fd` is a TCP socket: SO_TYPE is SOCK_STREAM (getsockopt(2)) and the local
/// address family is AF_INET or AF_INET6 (getsockname(2)).
pub(super) fn is_tcp(fd: BorrowedFd<'_>) -> bool {
    if getsockopt(&fd, sockopt::SockType) != Ok(SockType::Stream) {
        return false;
    }
    let family = getsockname::<SockaddrStorage>(fd.as_raw_fd())
        .ok()
        .and_then(|a| a.family());
    matches!(family, Some(AddressFamily::Inet | AddressFamily::Inet6))
}

/// Sets (`on`) or clears TCP_CORK (tcp(7)) with setsockopt(2). While corked, the kernel
/// sends only full segments, so the head and the first body bytes share packets;
/// clearing it flushes what is queued. Failures are ignored: corking is an optimisation.
pub(super) fn set_cork(fd: BorrowedFd<'_>, on: bool) {
    let value: libc::c_int = on.into();
    let len = libc::socklen_t::try_from(std::mem::size_of::<libc::c_int>()).unwrap_or(4);
    // SAFETY: `fd` is a live descriptor for the borrow; `value` is a valid c_int that
    // outlives the call and `len` is its size, as setsockopt(2) requires.
    let _ = unsafe {
        libc::setsockopt(
            fd.as_raw_fd(),
            libc::IPPROTO_TCP,
            libc::TCP_CORK,
            (&value as *const libc::c_int).cast(),
            len,
        )
    };
}

/// Sets O_NONBLOCK on the open file description of `fd` with fcntl(2), so that a peer
/// which stops reading makes write(2) and sendfile(2) return EAGAIN instead of
/// blocking for ever, and the sender's poll(2) can enforce `send_timeout`. On a socket
/// from a supervisor, stdin and stdout share that description, which only this
/// process holds. Failures are ignored: the sender then blocks as before.
pub(super) fn set_nonblocking(fd: BorrowedFd<'_>) {
    if let Ok(flags) = fcntl(fd, FcntlArg::F_GETFL) {
        let _ = fcntl(
            fd,
            FcntlArg::F_SETFL(OFlag::from_bits_retain(flags) | OFlag::O_NONBLOCK),
        );
    }
}

/// Lingering close: shutdown(2) SHUT_WR on `out`, then read(2) and discard from `input`
/// until EOF, an error, 64 KiB or 2 s. Without it, closing a socket that still holds
/// unread client bytes (say a pipelined request) makes the kernel send an RST that can
/// destroy the tail of our response. No-op unless `out` is a socket.
pub(super) fn linger(out: BorrowedFd<'_>, input: BorrowedFd<'_>) {
    if !is_socket(out) || shutdown(out.as_raw_fd(), Shutdown::Write).is_err() {
        return;
    }
    let deadline = Instant::now().checked_add(DRAIN_MAX_TIME);
    let mut buf = [0u8; 4096];
    let mut total = 0usize;
    while total < DRAIN_MAX_BYTES {
        let Some(deadline) = deadline else { return };
        if wait_until(input, PollFlags::POLLIN, deadline) != Ok(true) {
            return;
        }
        match nix::unistd::read(input, &mut buf) {
            Ok(0) => return,
            Ok(n) => total = total.saturating_add(n),
            Err(Errno::EINTR | Errno::EAGAIN) => {}
            Err(_) => return,
        }
    }
}

/// True when TCP_CORK is set on `fd` (getsockopt(2); false when it cannot be read).
#[cfg(test)]
pub(super) fn cork_is_set(fd: BorrowedFd<'_>) -> bool {
    let mut value: libc::c_int = 0;
    let mut len = libc::socklen_t::try_from(std::mem::size_of::<libc::c_int>()).unwrap_or(4);
    // SAFETY: `fd` is live for the borrow; `value` and `len` are valid for writes and
    // `len` holds the size of `value`, as getsockopt(2) requires.
    let rc = unsafe {
        libc::getsockopt(
            fd.as_raw_fd(),
            libc::IPPROTO_TCP,
            libc::TCP_CORK,
            (&mut value as *mut libc::c_int).cast(),
            &mut len,
        )
    };
    rc == 0 && value != 0
}
