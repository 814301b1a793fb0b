//! The connection's two descriptors as the supervisor hands them over: the request
//! comes in on fd 0, the response goes out on fd 1 (the same socket under tcpsvd,
//! systemd `Accept=yes` and inetd; a pipe or a file in a shell).

use std::os::fd::BorrowedFd;

/// Standard output, where the response goes.
pub fn stdout() -> BorrowedFd<'static> {
    // SAFETY: fd 1 is never closed by this process, so the borrow lives as long as it.
    unsafe { BorrowedFd::borrow_raw(1) }
}

/// Standard input, where the request comes from.
pub fn stdin() -> BorrowedFd<'static> {
    // SAFETY: fd 0 is never closed by this process, so the borrow lives as long as it.
    unsafe { BorrowedFd::borrow_raw(0) }
}
