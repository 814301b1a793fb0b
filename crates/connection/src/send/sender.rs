//! One response being sent: the body pieces routed to the gather buffer, sendfile(2)
//! or writev(2), the cork, and the pacing loop of a throttled response.

use super::clock::Clock;
use super::end::{End, Sent};
use super::gather::Gather;
use super::io::{FileSource, Out};
use super::socket;
use super::watch::{Watch, REPORT_BYTES, REPORT_EVERY};
use loomiere_plan::{Generate, Piece, Plan};
use loomiere_throttle::Schedule;
use std::fs::File;
use std::os::fd::BorrowedFd;
use std::time::Duration;

/// File pieces up to this many bytes (4 KiB) are copied into the gather buffer with
/// pread(2) rather than sent with a sendfile(2) of their own: the unchanged parts of a
/// `moov` between rewritten box headers (45, 56, 190 bytes) then join their neighbours.
pub(super) const SMALL_FILE: u64 = 4096;

/// Body bytes after which an unthrottled response clears TCP_CORK: 64 KiB, one full
/// segment on loopback (the largest GSO segment), so the head and the first body bytes
/// leave together in full segments, while what follows (tables generated block by
/// block, slower than sendfile) leaves as soon as each block is written instead of
/// waiting for the next 64 KiB.
pub(super) const CORK_BYTES: u64 = 64 * 1024;

/// Longest single rest of a throttled response: a sparse map still wakes it now and
/// then.
const MAX_REST: Duration = Duration::from_secs(60);

/// The state of one response being sent.
pub(super) struct Sender<'a> {
    pub out: Out<'a>,
    pub source: Option<FileSource<'a>>,
    /// Body bytes gathered and not yet written.
    pub gather: Gather,
    /// True while TCP_CORK is (believed to be) set on `out`.
    corked: bool,
    /// Clear the cork once `body_bytes` reaches this (see [`CORK_BYTES`]); `None`: only
    /// [`Sender::uncork`] and [`Sender::finish`] clear it.
    uncork_at: Option<u64>,
    pub head_bytes: u64,
    pub body_bytes: u64,
    /// Told the bytes sent now and then (see [`Watch`]).
    watch: &'a mut dyn Watch,
    /// Report to `watch` once `body_bytes` reaches this.
    report_at: u64,
    /// Wall time of the last report while paced, if any.
    reported: Option<Duration>,
}

impl<'a> Sender<'a> {
    /// Prepares `out`: non-blocking when it is a socket, corked when it is TCP.
    pub fn new(
        out: BorrowedFd<'a>,
        file: Option<&'a File>,
        send_timeout: Duration,
        watch: &'a mut dyn Watch,
    ) -> Self {
        if socket::is_socket(out) {
            socket::set_nonblocking(out);
        }
        let corked = socket::is_tcp(out);
        if corked {
            socket::set_cork(out, true);
        }
        let source = file.map(FileSource::new);
        let out = Out {
            fd: out,
            stall: send_timeout,
        };
        Sender {
            out,
            source,
            gather: Gather::new(),
            corked,
            uncork_at: None,
            head_bytes: 0,
            body_bytes: 0,
            watch,
            report_at: REPORT_BYTES,
            reported: None,
        }
    }

    /// Clears the cork as soon as `bytes` of the body have been handed to the kernel.
    pub fn uncork_after(&mut self, bytes: u64) {
        self.uncork_at = Some(bytes);
        self.handed_over();
    }

    /// Writes the response head (counted in `head_bytes`).
    pub fn head(&mut self, head: &[u8]) -> Result<(), End> {
        self.out.write_all(head, &mut self.head_bytes)
    }

    /// Uncorks and reports what was sent and why it stopped.
    pub fn finish(mut self, result: Result<(), End>) -> Sent {
        self.uncork();
        let end = result.err().unwrap_or(End::Complete);
        Sent {
            head_bytes: self.head_bytes,
            body_bytes: self.body_bytes,
            end,
        }
    }

    /// Sends the body bytes `start..end` of `plan`, every one handed to the kernel when
    /// it returns (the gather buffer is empty). The cork is cleared on the way only as
    /// [`Sender::uncork_after`] asked.
    ///
    /// When the source fails (it shrank, a generator found it changed), the gathered
    /// bytes before the failing piece are still written, so the client gets every good
    /// byte up to the cut; the source's error is the result.
    pub fn range(&mut self, plan: &Plan, start: u64, end: u64) -> Result<(), End> {
        let sent = plan
            .pieces(start, end)
            .try_for_each(|piece| self.piece(piece));
        match sent {
            Ok(()) => self.flush(),
            Err(e) => {
                // After an output error the buffer is already empty: nothing is retried.
                if !self.gather.is_empty() {
                    let _ = self.flush();
                }
                Err(e)
            }
        }
    }

    /// Sends `schedule.range()` of `plan` step by step, resting on `clock` in between.
    /// The cork (set by [`Sender::new`]) is cleared before the first rest, and the
    /// gather buffer is freed before every rest.
    /// `until_rest` is dropped (taken) before the first rest.
    pub fn paced<R>(
        &mut self,
        plan: &Plan,
        schedule: &Schedule,
        clock: &mut dyn Clock,
        until_rest: &mut Option<R>,
    ) -> Result<(), End> {
        let (mut sent_to, end) = schedule.range();
        while sent_to < end {
            let now = clock.elapsed();
            let allowed = schedule.allowed(now).min(end);
            if allowed > sent_to {
                self.range(plan, sent_to, allowed)?;
                sent_to = allowed;
                continue;
            }
            self.uncork();
            self.gather.release();
            drop(until_rest.take());
            self.report_paced(now);
            let soonest = now.saturating_add(schedule.step());
            let wake = schedule
                .next_change(now)
                .map_or(soonest, |t| t.max(soonest));
            clock.rest_until(self.out.fd, wake.min(now.saturating_add(MAX_REST)))?;
        }
        Ok(())
    }

    /// Sends or gathers one piece.
    pub fn piece(&mut self, piece: Piece<'_>) -> Result<(), End> {
        match piece {
            Piece::Bytes(bytes) => self.bytes(bytes),
            Piece::File { offset, len } => self.file_range(offset, len),
            Piece::Gen { gen, at, len } => self.generated(gen, at, len),
        }
    }

    /// Gathers `bytes` when they fit; otherwise writes the gathered bytes and `bytes`
    /// together with writev(2), without copying `bytes`.
    fn bytes(&mut self, bytes: &[u8]) -> Result<(), End> {
        if self.gather.push(bytes) {
            return Ok(());
        }
        self.gather
            .flush_with(self.out, bytes, &mut self.body_bytes)?;
        self.handed_over();
        Ok(())
    }

    /// A file range: copied into the gather buffer when it is at most [`SMALL_FILE`]
    /// bytes or sendfile(2) cannot serve the output; else sent with sendfile after the
    /// gathered bytes are written.
    fn file_range(&mut self, offset: u64, len: u64) -> Result<(), End> {
        let source = self.source.as_mut().ok_or_else(|| no_file("a file"))?;
        let file = source.file;
        if len > SMALL_FILE && source.uses_sendfile() {
            self.gather.flush(self.out, &mut self.body_bytes)?;
            let sent = source.send(self.out, offset, len, &mut self.body_bytes);
            self.handed_over();
            if sent? {
                return Ok(());
            }
        }
        self.blocks(len, |gather, done, n| {
            let at = offset
                .checked_add(done)
                .ok_or_else(|| End::Failed("file offset overflow".into()))?;
            gather.read_file(file, at, n)
        })
    }

    /// Generated bytes `at..at + len` of `gen`, made into the gather buffer block by
    /// block (see [`Gather::block`]).
    fn generated(&mut self, gen: &dyn Generate, at: u64, len: u64) -> Result<(), End> {
        let file = self
            .source
            .as_ref()
            .ok_or_else(|| no_file("a generated"))?
            .file;
        self.blocks(len, |gather, done, n| {
            let from = at
                .checked_add(done)
                .ok_or_else(|| End::Failed("generated offset overflow".into()))?;
            gather.generate(gen, file, from, n)
        })
    }

    /// Takes `len` bytes into the gather buffer with `take(gather, done, n)` (append `n`
    /// bytes, `done` already taken), writing the buffer out whenever it is full.
    fn blocks(
        &mut self,
        len: u64,
        mut take: impl FnMut(&mut Gather, u64, usize) -> Result<(), End>,
    ) -> Result<(), End> {
        let mut done = 0u64;
        while done < len {
            let n = self.gather.block(len - done);
            if n == 0 {
                self.flush()?;
                continue;
            }
            take(&mut self.gather, done, n)?;
            done += n as u64;
        }
        Ok(())
    }

    /// Writes the gathered bytes.
    fn flush(&mut self) -> Result<(), End> {
        self.gather.flush(self.out, &mut self.body_bytes)?;
        self.handed_over();
        Ok(())
    }

    /// Called after every call that hands body bytes to the kernel (`body_bytes` is
    /// then up to date): clears the cork when the body has reached `uncork_at` bytes,
    /// and tells the watch each time another [`REPORT_BYTES`] have gone.
    fn handed_over(&mut self) {
        if self.uncork_at.is_some_and(|at| self.body_bytes >= at) {
            self.uncork();
        }
        if self.body_bytes >= self.report_at {
            self.report_at = self.body_bytes.saturating_add(REPORT_BYTES);
            self.watch
                .progress(self.body_bytes, self.reported.is_some());
        }
    }

    /// Before a rest at wall time `now` (read by the pacing anyway): tells the watch
    /// the bytes sent and that the response is paced, at the first rest and then at
    /// most every [`REPORT_EVERY`].
    fn report_paced(&mut self, now: Duration) {
        let due = self
            .reported
            .is_none_or(|at| now.saturating_sub(at) >= REPORT_EVERY);
        if due {
            self.reported = Some(now);
            self.watch.progress(self.body_bytes, true);
        }
    }

    /// Clears TCP_CORK once, flushing whatever the kernel holds back.
    pub fn uncork(&mut self) {
        if self.corked {
            socket::set_cork(self.out.fd, false);
            self.corked = false;
        }
    }
}

/// The error for a plan with file or generated pieces sent without a file.
fn no_file(kind: &str) -> End {
    End::Failed(format!("plan has {kind} piece but no file was given"))
}
