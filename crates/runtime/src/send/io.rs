//! The system calls of sending: write(2), sendfile(2), pread(2), each looped over short
//! transfers, EINTR and EAGAIN, and mapped to an [`End`] on failure.

use super::wait::wait_until;
use super::End;
use nix::errno::Errno;
use nix::poll::PollFlags;
use std::fs::File;
use std::os::fd::BorrowedFd;
use std::time::{Duration, Instant};

/// Most bytes handed to one sendfile(2) call: 1 MiB.
const SENDFILE_CHUNK: u64 = 1 << 20;
/// Size of the pread(2) buffer of the fallback path: 64 KiB.
const COPY_CHUNK: u64 = 64 * 1024;

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

/// The source file and how its pieces are sent: sendfile(2) until it proves unusable
/// for this output, then pread(2) + write(2) for the rest of the response.
pub(super) struct FileSource<'a> {
    file: &'a File,
    use_sendfile: bool,
    sendfile_worked: bool,
    buf: Vec<u8>,
}

impl<'a> FileSource<'a> {
    pub fn new(file: &'a File) -> Self {
        FileSource { file, use_sendfile: true, sendfile_worked: false, buf: Vec::new() }
    }

    /// True until sendfile(2) has proved unusable for this response's output.
    #[cfg(test)]
    pub fn uses_sendfile(&self) -> bool {
        self.use_sendfile
    }

    /// Sends `len` bytes of the file from byte `offset`, adding accepted bytes to `count`.
    /// Errors: [`End::SourceShrank`] when the file ends early, else as the syscalls.
    pub fn send(&mut self, out: Out<'_>, offset: u64, len: u64, count: &mut u64) -> Result<(), End> {
        let mut offset = offset;
        let mut left = len;
        while left > 0 {
            let done = if self.use_sendfile {
                self.sendfile_once(out, offset, left, count)?
            } else {
                Some(self.copy_once(out, offset, left, count)?)
            };
            let Some(done) = done else {
                self.use_sendfile = false;
                continue;
            };
            offset = offset.checked_add(done).ok_or_else(|| End::Failed("file offset overflow".into()))?;
            left = left.saturating_sub(done);
        }
        Ok(())
    }

    /// One sendfile(2) of up to 1 MiB from `offset`; returns the bytes sent (already added
    /// to `count`). `Ok(None)`: sendfile cannot serve this output (EINVAL, ENOSYS or
    /// EOPNOTSUPP before any success), so the caller falls back to copying.
    fn sendfile_once(&mut self, out: Out<'_>, offset: u64, left: u64, count: &mut u64) -> Result<Option<u64>, End> {
        let chunk = usize::try_from(left.min(SENDFILE_CHUNK)).unwrap_or(1 << 20);
        loop {
            let mut off =
                libc::off64_t::try_from(offset).map_err(|_| End::Failed("file offset beyond off64_t".into()))?;
            match nix::sys::sendfile::sendfile64(out.fd, self.file, Some(&mut off), chunk) {
                Ok(0) => return Err(End::SourceShrank),
                Ok(n) => {
                    self.sendfile_worked = true;
                    *count = count.saturating_add(n as u64);
                    return Ok(Some(n as u64));
                }
                Err(Errno::EINTR) => {}
                Err(Errno::EAGAIN) => out.wait_writable()?,
                Err(Errno::EINVAL | Errno::ENOSYS | Errno::EOPNOTSUPP) if !self.sendfile_worked => return Ok(None),
                Err(e) => return Err(failure("sendfile", e)),
            }
        }
    }

    /// One pread(2) of up to 64 KiB from `offset`, then write(2) of all of it; returns
    /// the bytes sent (already added to `count`).
    fn copy_once(&mut self, out: Out<'_>, offset: u64, left: u64, count: &mut u64) -> Result<u64, End> {
        let want = usize::try_from(left.min(COPY_CHUNK)).unwrap_or(64 * 1024);
        self.buf.resize(want, 0);
        let got = self.pread(offset)?;
        if got == 0 {
            return Err(End::SourceShrank);
        }
        out.write_all(self.buf.get(..got).unwrap_or_default(), count)?;
        Ok(got as u64)
    }

    /// pread(2) into the whole buffer at `offset`, retrying EINTR; returns the count.
    fn pread(&mut self, offset: u64) -> Result<usize, End> {
        let off = libc::off_t::try_from(offset).map_err(|_| End::Failed("file offset beyond off_t".into()))?;
        loop {
            match nix::sys::uio::pread(self.file, &mut self.buf, off) {
                Ok(n) => return Ok(n),
                Err(Errno::EINTR) => {}
                Err(e) => return Err(failure("pread", e)),
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
