//! The streamer's side: one claimed slot, updated as the exchange moves on, and the
//! global counters added to when it ends.

use crate::counters;
use crate::layout::Layout;
use crate::map::Mapping;
use crate::names::{code_index, EndReason, State};
use crate::slot::{self, META, PLANNED, SENT};
use crate::text;
use std::cell::Cell;
use std::sync::atomic::{AtomicU64, Ordering};

/// The slot this process owns in a mapped scoreboard. Dropping it frees the slot.
pub struct Slot {
    map: Mapping,
    index: usize,
    streamer: usize,
    /// Body bytes sent as last stored (word 5) and added to the global counter.
    sent: Cell<u64>,
}

/// What a process tells the counters when its exchange ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Outcome {
    /// The status answered, 0 when no request was read (nothing is counted).
    pub status: u16,
    /// Body bytes planned (the `Content-Length` of the answer).
    pub planned: u64,
    /// Body bytes sent.
    pub sent: u64,
    /// Why it ended early, if it did.
    pub end: Option<EndReason>,
}

impl Slot {
    /// Claims a slot of `map` for `pid`: slot `hint` when this pid already owns it (a
    /// front handed it over across execve(2)), else the first free or stale one from
    /// `pid % slots` on. Returns `None` when every slot is taken by a live process.
    /// The slot starts in [`State::Reading`] with `remote` and `started_ms` (Unix
    /// milliseconds); `streamer` is an index in [`crate::STREAMERS`].
    pub fn claim(
        map: Mapping,
        pid: u32,
        hint: Option<usize>,
        streamer: usize,
        started_ms: u64,
        remote: &str,
    ) -> Option<Slot> {
        let layout = map.layout();
        let pid = u64::from(pid);
        let adopted = hint.filter(|&i| {
            i < layout.slots
                && slot::words(map.words(), layout, i)[slot::PID].load(Ordering::Acquire) == pid
        });
        let index = match adopted {
            Some(i) => {
                slot::unpublish(slot::words(map.words(), layout, i));
                i
            }
            None => find_free(map.words(), layout, pid)?,
        };
        let w = slot::words(map.words(), layout, index);
        let sent = if adopted.is_some() {
            w[SENT].load(Ordering::Relaxed)
        } else {
            slot::init(w, started_ms, streamer, remote);
            0
        };
        let meta = w[META].load(Ordering::Relaxed);
        let (_, state, status) = slot::unmeta(meta);
        let state = State::from_code(state).unwrap_or(State::Reading);
        w[META].store(slot::meta(streamer, state, status), Ordering::Relaxed);
        slot::publish(w);
        Some(Slot {
            map,
            index,
            streamer,
            sent: Cell::new(sent),
        })
    }

    /// The slot's number, to hand over to the program this process execs.
    pub fn index(&self) -> usize {
        self.index
    }

    fn words(&self) -> &[AtomicU64] {
        slot::words(self.map.words(), self.map.layout(), self.index)
    }

    /// Records the request: virtual host and request target, bytes as the client
    /// sent them (cut to fit; readers replace what is not UTF-8).
    pub fn set_request(&self, vhost: &[u8], target: &[u8]) {
        let w = self.words();
        slot::unpublish(w);
        text::store(&w[slot::VHOST], vhost);
        text::store(&w[slot::TARGET], target);
        slot::publish(w);
    }

    /// Counts and shows this slot's exchange as `streamer`'s from now on (an index in
    /// [`crate::STREAMERS`]): the front serving a plain file itself takes the name of
    /// the streamer it would otherwise have exec'd.
    pub fn set_streamer(&mut self, streamer: usize) {
        self.streamer = streamer;
        let w = &self.words()[META];
        let (_, state, status) = slot::unmeta(w.load(Ordering::Relaxed));
        let state = State::from_code(state).unwrap_or(State::Reading);
        w.store(slot::meta(streamer, state, status), Ordering::Relaxed);
    }

    /// Records the state.
    pub fn set_state(&self, state: State) {
        let w = &self.words()[META];
        let (_, _, status) = slot::unmeta(w.load(Ordering::Relaxed));
        w.store(slot::meta(self.streamer, state, status), Ordering::Relaxed);
    }

    /// Records the status being answered and the body bytes planned.
    pub fn set_answer(&self, status: u16, planned: u64) {
        let w = self.words();
        let (_, state, _) = slot::unmeta(w[META].load(Ordering::Relaxed));
        let state = State::from_code(state).unwrap_or(State::Planning);
        w[META].store(slot::meta(self.streamer, state, status), Ordering::Relaxed);
        w[PLANNED].store(planned, Ordering::Relaxed);
    }

    /// Records `sent` body bytes sent so far (a running total) and adds the growth
    /// since the last call to the global counter.
    pub fn set_sent(&self, sent: u64) {
        let grown = sent.saturating_sub(self.sent.get());
        if grown == 0 {
            return;
        }
        self.sent.set(sent);
        self.words()[SENT].store(sent, Ordering::Relaxed);
        counters::add_sent(self.map.words(), grown);
    }

    /// Counts the exchange's end: the request by streamer and status, the bytes sent
    /// not yet counted, the bytes saved (planned minus sent, when the viewer left:
    /// client-closed or send-timeout), the end reason.
    pub fn finish(&self, outcome: &Outcome) {
        self.set_sent(outcome.sent);
        count(self.map.words(), self.streamer, outcome);
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        slot::release(self.words());
    }
}

/// Counts `outcome` of `streamer` in the counters of `words` (see [`Slot::finish`];
/// the bytes sent are the caller's to add). For a process that holds no slot.
pub(crate) fn count(words: &[AtomicU64], streamer: usize, outcome: &Outcome) {
    if outcome.status != 0 {
        counters::add_request(words, streamer, code_index(outcome.status));
    }
    if let Some(reason) = outcome.end {
        counters::add_end(words, reason);
        if reason != EndReason::RequestTimeout {
            counters::add_saved(words, outcome.planned.saturating_sub(outcome.sent));
        }
    }
}

/// The first slot from `pid % slots` on that [`slot::try_claim`] takes.
fn find_free(all: &[AtomicU64], layout: Layout, pid: u64) -> Option<usize> {
    let n = layout.slots;
    let first = (pid % n as u64) as usize;
    (0..n)
        .map(|k| (first + k) % n)
        .find(|&i| slot::try_claim(slot::words(all, layout, i), pid, &slot::pid_alive))
}
