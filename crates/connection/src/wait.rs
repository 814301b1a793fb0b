//! Waiting for a descriptor to become ready, with poll(2) and one fixed deadline.

use nix::errno::Errno;
use nix::poll::{poll, PollFd, PollFlags, PollTimeout};
use std::os::fd::BorrowedFd;
use std::time::{Duration, Instant};

/// Waits with poll(2) until `fd` reports one of `events` (or an error/hang-up, which the
/// caller's next read/write will report precisely), or until `deadline` passes.
///
/// Returns `Ok(true)` when ready, `Ok(false)` when the deadline passed first. EINTR is
/// retried with the time that is left, so signals never extend the deadline.
pub(crate) fn wait_until(
    fd: BorrowedFd<'_>,
    events: PollFlags,
    deadline: Instant,
) -> Result<bool, Errno> {
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Ok(false);
        }
        let mut fds = [PollFd::new(fd, events)];
        match poll(&mut fds, poll_timeout(left)) {
            Ok(0) | Err(Errno::EINTR) => continue,
            Ok(_) => return Ok(true),
            Err(e) => return Err(e),
        }
    }
}

/// `left` as a poll(2) timeout in milliseconds, rounded up (so poll never returns
/// before the deadline and the caller never spins) and capped at `i32::MAX` ms.
fn poll_timeout(left: Duration) -> PollTimeout {
    let partial = u128::from(!left.subsec_nanos().is_multiple_of(1_000_000));
    let ms = left.as_millis().saturating_add(partial);
    PollTimeout::try_from(ms).unwrap_or(PollTimeout::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn poll_timeout_rounds_up_and_caps() {
        let cases = [
            (Duration::from_nanos(1), 1),
            (Duration::from_millis(300), 300),
            (Duration::from_micros(300_001), 301),
            (Duration::from_secs(u64::MAX), i32::MAX as u32),
        ];
        for (left, want) in cases {
            assert_eq!(poll_timeout(left).as_millis(), Some(want), "{left:?}");
        }
    }
}
