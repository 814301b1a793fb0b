//! The clock a throttled response rests on between its sending steps.

use super::end::End;
use super::io::failure;
use crate::wait::wait_until;
use nix::poll::PollFlags;
use std::os::fd::BorrowedFd;
use std::time::{Duration, Instant};

/// Wall time since the response began, and resting until a later point of it.
pub(crate) trait Clock {
    /// Wall time since the response began.
    fn elapsed(&self) -> Duration;

    /// Rests until `at` (wall time since the response began) without using the CPU,
    /// watching `out` meanwhile. Errors: [`End::ClientClosed`] as soon as `out`
    /// reports an error or a hang-up (the client reset the connection, a pipe's reader
    /// went away), so a viewer who leaves frees the process without waiting.
    fn rest_until(&mut self, out: BorrowedFd<'_>, at: Duration) -> Result<(), End>;
}

/// The real clock: `CLOCK_MONOTONIC` through [`Instant`], resting in poll(2) with no
/// events requested (POLLERR and POLLHUP are always reported) and a deadline.
pub(crate) struct Monotonic {
    start: Instant,
}

impl Monotonic {
    /// A clock whose time 0 is now.
    pub fn start() -> Monotonic {
        Monotonic {
            start: Instant::now(),
        }
    }
}

impl Clock for Monotonic {
    fn elapsed(&self) -> Duration {
        self.start.elapsed()
    }

    fn rest_until(&mut self, out: BorrowedFd<'_>, at: Duration) -> Result<(), End> {
        let Some(deadline) = self.start.checked_add(at) else {
            return Err(End::Failed("rest beyond the clock's range".into()));
        };
        match wait_until(out, PollFlags::empty(), deadline) {
            Ok(false) => Ok(()),
            Ok(true) => Err(End::ClientClosed),
            Err(e) => Err(failure("poll", e)),
        }
    }
}
