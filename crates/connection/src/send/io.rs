//! The system calls of sending: write(2), writev(2) and sendfile(2), each looped over
//! short transfers, EINTR and EAGAIN, and mapped to an [`End`] on failure.

use super::end::End;
use crate::wait::wait_until;
use nix::errno::Errno;
use nix::poll::PollFlags;
use std::fs::File;
use std::io::IoSlice;
use std::os::fd::BorrowedFd;
use std::time::{Duration, Instant};

/// Most bytes handed to one sendfile(2) call: 1 MiB.
const SENDFILE_CHUNK: u64 = 1 << 20;

/// The response's output descriptor and its stall limit.
#[derive(Clone, Copy)]
pub(super) struct Out<'a> {
    pub fd: BorrowedFd<'a>,
    /// Longest wait (poll(2) for POLLOUT) for the peer to accept any byte.
    pub stall: Duration,
}

impl Out<'_> {
    /// write(2)s all of `bytes`, adding each accepted count to `count` (bytes).
    pub fn write_all(&self, mut bytes: &[u8], count: &mut u64) -> Result<(), End> {
        while !bytes.is_empty() {
            match nix::unistd::write(self.fd, bytes) {
                Ok(0) => return Err(End::Failed("write(2) accepted 0 bytes".into())),
                Ok(n) => {
                    bytes = bytes.get(n..).unwrap_or_default();
                    *count = count.saturating_add(n as u64);
                }
                Err(Errno::EINTR) => {}
                Err(Errno::EAGAIN) => self.wait_writable()?,
                Err(e) => return Err(failure("write", e)),
            }
        }
        Ok(())
    }

    /// writev(2)s all of `first` then all of `second` (in that order, one call for both
    /// while the kernel takes them whole), adding each accepted count to `count` (bytes).
    pub fn write_pair_all(
        &self,
        mut first: &[u8],
        mut second: &[u8],
        count: &mut u64,
    ) -> Result<(), End> {
        while !first.is_empty() {
            match nix::sys::uio::writev(self.fd, &[IoSlice::new(first), IoSlice::new(second)]) {
                Ok(0) => return Err(End::Failed("writev(2) accepted 0 bytes".into())),
                Ok(n) => {
                    *count = count.saturating_add(n as u64);
                    let in_first = n.min(first.len());
                    first = first.get(in_first..).unwrap_or_default();
                    second = second.get(n - in_first..).unwrap_or_default();
                }
                Err(Errno::EINTR) => {}
                Err(Errno::EAGAIN) => self.wait_writable()?,
                Err(e) => return Err(failure("writev", e)),
            }
        }
        self.write_all(second, count)
    }

    /// poll(2)s for POLLOUT up to `stall`; errors and hang-ups count as ready so the next
    /// call reports them. Errors: [`End::Timeout`] when nothing could be written in time.
    pub fn wait_writable(&self) -> Result<(), End> {
        let Some(deadline) = Instant::now().checked_add(self.stall) else {
            return Ok(()); // No representable limit: the next call simply blocks or retries.
        };
        match wait_until(self.fd, PollFlags::POLLOUT, deadline) {
            Ok(true) => Ok(()),
            Ok(false) => Err(End::Timeout),
            Err(e) => Err(failure("poll", e)),
        }
    }
}

/// The source file and whether sendfile(2) serves this response's output: it does
/// until a first call fails with EINVAL, ENOSYS or EOPNOTSUPP (an O_APPEND file, say);
/// the sender then copies file ranges with pread(2) for the rest of the response.
pub(super) struct FileSource<'a> {
    pub file: &'a File,
    use_sendfile: bool,
    sendfile_worked: bool,
}

impl<'a> FileSource<'a> {
    pub fn new(file: &'a File) -> Self {
        FileSource {
            file,
            use_sendfile: true,
            sendfile_worked: false,
        }
    }

    /// True until sendfile(2) has proved unusable for this response's output.
    pub fn uses_sendfile(&self) -> bool {
        self.use_sendfile
    }

    /// Sends `len` bytes of the file from byte `offset` with sendfile(2), adding accepted
    /// bytes to `count`. Returns `Ok(false)`, having sent nothing, when sendfile cannot
    /// serve this output (from then on [`FileSource::uses_sendfile`] is false and the
    /// caller copies instead). Errors: [`End::SourceShrank`] when the file ends early,
    /// else as the syscalls.
    pub fn send(
        &mut self,
        out: Out<'_>,
        offset: u64,
        len: u64,
        count: &mut u64,
    ) -> Result<bool, End> {
        let mut offset = offset;
        let mut left = len;
        while left > 0 {
            let Some(done) = self.sendfile_once(out, offset, left, count)? else {
                self.use_sendfile = false;
                return Ok(false);
            };
            offset = offset
                .checked_add(done)
                .ok_or_else(|| End::Failed("file offset overflow".into()))?;
            left = left.saturating_sub(done);
        }
        Ok(true)
    }

    /// One sendfile(2) of up to 1 MiB from `offset`; returns the bytes sent (already added
    /// to `count`). `Ok(None)`: sendfile cannot serve this output (EINVAL, ENOSYS or
    /// EOPNOTSUPP before any success), so the caller falls back to copying; since it
    /// never worked, no byte of the current piece has left.
    fn sendfile_once(
        &mut self,
        out: Out<'_>,
        offset: u64,
        left: u64,
        count: &mut u64,
    ) -> Result<Option<u64>, End> {
        let chunk = usize::try_from(left.min(SENDFILE_CHUNK)).unwrap_or(1 << 20);
        loop {
            let mut off = libc::off64_t::try_from(offset)
                .map_err(|_| End::Failed("file offset beyond off64_t".into()))?;
            match nix::sys::sendfile::sendfile64(out.fd, self.file, Some(&mut off), chunk) {
                Ok(0) => return Err(End::SourceShrank),
                Ok(n) => {
                    self.sendfile_worked = true;
                    *count = count.saturating_add(n as u64);
                    return Ok(Some(n as u64));
                }
                Err(Errno::EINTR) => {}
                Err(Errno::EAGAIN) => out.wait_writable()?,
                Err(Errno::EINVAL | Errno::ENOSYS | Errno::EOPNOTSUPP) if !self.sendfile_worked => {
                    return Ok(None)
                }
                Err(e) => return Err(failure("sendfile", e)),
            }
        }
    }
}

/// Maps a failed call to its end: the client going away (EPIPE, ECONNRESET, ENOTCONN)
/// is a normal [`End::ClientClosed`]; anything else is [`End::Failed`] naming the call.
pub(super) fn failure(call: &str, e: Errno) -> End {
    match e {
        Errno::EPIPE | Errno::ECONNRESET | Errno::ENOTCONN => End::ClientClosed,
        _ => End::Failed(format!("{call}(2): {}", e.desc())),
    }
}
