//! One slot: the open stream of one process, written by that process alone.
//!
//! | slot word | what |
//! |-----------|------|
//! | 0 | pid of the owner, 0 when free; claimed by compare-and-swap |
//! | 1 | sequence: odd while the slot is free or its texts are being written |
//! | 2 | start time, Unix milliseconds |
//! | 3 | streamer index (bits 0..8), [`State`] (8..16), status code (16..32) |
//! | 4 | body bytes planned |
//! | 5 | body bytes sent |
//! | 6..12 | client address (48 bytes) |
//! | 12..20 | virtual host (64 bytes) |
//! | 20..48 | request target (224 bytes) |
//!
//! Texts change only with the sequence odd, so a reader that sees the same even
//! sequence before and after reading them read one consistent version. Numbers are
//! single words, each read atomically on its own.

use crate::layout::{Layout, SLOT_WORDS};
use crate::names::State;
use crate::text;
use std::ops::Range;
use std::sync::atomic::{AtomicU64, Ordering};

pub(crate) const PID: usize = 0;
pub(crate) const SEQ: usize = 1;
pub(crate) const STARTED: usize = 2;
pub(crate) const META: usize = 3;
pub(crate) const PLANNED: usize = 4;
pub(crate) const SENT: usize = 5;
pub(crate) const REMOTE: Range<usize> = 6..12;
pub(crate) const VHOST: Range<usize> = 12..20;
pub(crate) const TARGET: Range<usize> = 20..SLOT_WORDS;

/// The words of slot `i` of a checked file (`i < layout.slots`).
pub(crate) fn words(all: &[AtomicU64], layout: Layout, i: usize) -> &[AtomicU64] {
    let at = layout.slot_at(i);
    &all[at..at + SLOT_WORDS]
}

/// True unless kill(2) with signal 0 says that no process has `pid` (ESRCH). A
/// process of another user (EPERM) is alive.
pub fn pid_alive(pid: u64) -> bool {
    let Ok(pid) = libc::pid_t::try_from(pid) else {
        return false;
    };
    if pid <= 0 {
        return false;
    }
    // SAFETY: signal 0 only checks that the process exists; nothing is delivered.
    let r = unsafe { libc::kill(pid, 0) };
    r == 0 || std::io::Error::last_os_error().raw_os_error() != Some(libc::ESRCH)
}

/// Takes slot `w` for `pid` when it is free or its owner is gone (`alive` says no).
/// Returns true when this call made `pid` the owner; the sequence is then odd.
pub(crate) fn try_claim(w: &[AtomicU64], pid: u64, alive: &dyn Fn(u64) -> bool) -> bool {
    let owner = w[PID].load(Ordering::Acquire);
    if owner != 0 && (owner == pid || alive(owner)) {
        return false;
    }
    if w[PID]
        .compare_exchange(owner, pid, Ordering::AcqRel, Ordering::Relaxed)
        .is_err()
    {
        return false;
    }
    let seq = w[SEQ].load(Ordering::Relaxed);
    if seq & 1 == 0 {
        w[SEQ].store(seq.wrapping_add(1), Ordering::Release);
    }
    true
}

/// Frees slot `w` of a process that is gone, when `owner` still holds it: the
/// sequence made odd, then the pid cleared. A claimer racing this wins or loses by
/// compare-and-swap, never both.
pub(crate) fn reclaim(w: &[AtomicU64], owner: u64) {
    let seq = w[SEQ].load(Ordering::Acquire);
    if seq & 1 == 0
        && w[SEQ]
            .compare_exchange(
                seq,
                seq.wrapping_add(1),
                Ordering::AcqRel,
                Ordering::Relaxed,
            )
            .is_err()
    {
        return;
    }
    let _ = w[PID].compare_exchange(owner, 0, Ordering::AcqRel, Ordering::Relaxed);
}

/// The writer's side of a claimed slot (the sequence odd until [`publish`]).
pub(crate) fn init(w: &[AtomicU64], started_ms: u64, streamer: usize, remote: &str) {
    w[STARTED].store(started_ms, Ordering::Relaxed);
    w[META].store(meta(streamer, State::Reading, 0), Ordering::Relaxed);
    w[PLANNED].store(0, Ordering::Relaxed);
    w[SENT].store(0, Ordering::Relaxed);
    text::store(&w[REMOTE], remote.as_bytes());
    text::store(&w[VHOST], b"");
    text::store(&w[TARGET], b"");
}

/// Makes the sequence even: the slot's texts are complete (the owner only).
pub(crate) fn publish(w: &[AtomicU64]) {
    let seq = w[SEQ].load(Ordering::Relaxed) | 1;
    w[SEQ].store(seq.wrapping_add(1), Ordering::Release);
}

/// Makes the sequence odd before texts change (the owner only).
pub(crate) fn unpublish(w: &[AtomicU64]) {
    let seq = w[SEQ].load(Ordering::Relaxed);
    if seq & 1 == 0 {
        w[SEQ].store(seq.wrapping_add(1), Ordering::Relaxed);
    }
    std::sync::atomic::fence(Ordering::Release);
}

/// Frees the slot (the owner only): sequence odd, then pid 0.
pub(crate) fn release(w: &[AtomicU64]) {
    unpublish(w);
    w[PID].store(0, Ordering::Release);
}

/// Word 3: `streamer`, `state` and `status` packed.
pub(crate) fn meta(streamer: usize, state: State, status: u16) -> u64 {
    (streamer as u64 & 0xff) | ((state as u64) << 8) | (u64::from(status) << 16)
}

/// Word 3 unpacked: streamer index, state code, status.
pub(crate) fn unmeta(m: u64) -> (usize, u64, u16) {
    (
        (m & 0xff) as usize,
        (m >> 8) & 0xff,
        ((m >> 16) & 0xffff) as u16,
    )
}
