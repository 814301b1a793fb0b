//! Throttled sending on a fake clock: what has left by each rest, judged against the
//! time map read directly, with no timing involved.

use super::*;
use crate::send::clock::{Clock, Monotonic};
use loomiere_plan::TimeMap;
use loomiere_throttle::{Rate, Schedule};
use std::cell::Cell;
use std::rc::Rc;
use std::sync::mpsc;

/// Bytes of generated head of the body (a stand-in `moov`), due at once.
const PREFIX: u64 = 1_000;
/// Bytes per chunk of the stand-in media.
const CHUNK: u64 = 20_000;
const CHUNKS: u64 = 100;

/// A clock that only moves when told: each rest jumps to its deadline and records
/// (time, bytes in the output file so far); each reading of the time may add `tick`,
/// as if sending took time.
struct FakeClock<'f> {
    now: Cell<Duration>,
    tick: Duration,
    out: &'f File,
    rests: Vec<(Duration, u64)>,
    /// The rest (1-based) at which the client is found gone.
    gone_at: Option<usize>,
}

impl<'f> FakeClock<'f> {
    fn new(out: &'f File, tick: Duration) -> Self {
        FakeClock {
            now: Cell::new(Duration::ZERO),
            tick,
            out,
            rests: Vec::new(),
            gone_at: None,
        }
    }
}

impl Clock for FakeClock<'_> {
    fn elapsed(&self) -> Duration {
        self.now.set(self.now.get() + self.tick);
        self.now.get()
    }

    fn rest_until(&mut self, _out: BorrowedFd<'_>, at: Duration) -> Result<(), End> {
        self.rests
            .push((self.now.get(), self.out.metadata().unwrap().len()));
        if self.gone_at == Some(self.rests.len()) {
            return Err(End::ClientClosed);
        }
        assert!(
            at > self.now.get(),
            "a rest that does not move time on: {at:?}"
        );
        self.now.set(at);
        Ok(())
    }
}

/// A VBR film: a quiet first half (each chunk 2 s of media), a busy second half (each
/// chunk 0.5 s), with every other chunk an interleaved track 300 ms behind.
fn vbr_map() -> TimeMap {
    let mut map = TimeMap::new();
    let mut base = 0u64;
    for i in 0..CHUNKS {
        let dip = if i % 2 == 1 { 300 } else { 0 };
        map.push(PREFIX + i * CHUNK, base - dip).unwrap();
        base += if i < CHUNKS / 2 { 2_000 } else { 500 };
    }
    map
}

fn vbr_plan() -> Plan {
    let mut plan = Plan::new();
    plan.push_bytes(vec![b'm'; PREFIX as usize]).unwrap();
    plan.push_file(0, CHUNK * CHUNKS).unwrap();
    plan
}

/// The bytes of `start..end` due by `horizon_ms` read straight off the map.
fn due(map: &TimeMap, end: u64, horizon_ms: u64) -> u64 {
    map.bytes_due_by(horizon_ms).unwrap_or(end).min(end)
}

fn output(tag: &str) -> (TempPath, File) {
    let path = TempPath::new(tag);
    let file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(true)
        .read(true)
        .write(true)
        .open(&path.0)
        .unwrap();
    (path, file)
}

#[test]
fn each_rest_comes_after_exactly_the_bytes_due_and_nothing_busy_loops() {
    let (_src, file) = source_file((CHUNK * CHUNKS) as usize);
    let (map, plan) = (vbr_map(), vbr_plan());
    let end = plan.len();
    for (ahead_ms, per_mille) in [(20_000, 1000), (2_000, 20_000), (5_000, 1500), (0, 1000)] {
        let rate = Rate::from_per_mille(per_mille).unwrap();
        let s = Schedule::new(&map, (0, end), Duration::from_millis(ahead_ms), rate).unwrap();
        let (_out_path, out) = output("paced");
        let mut clock = FakeClock::new(&out, Duration::ZERO);
        let sent = send_paced(
            out.as_fd(),
            HEAD,
            &plan,
            Some(&file),
            LONG,
            &s,
            &mut clock,
            (),
        );
        let case = format!("ahead {ahead_ms} ms, rate {per_mille}");
        assert_complete(&sent, end as usize);
        let want = expected(&plan, &source_bytes((CHUNK * CHUNKS) as usize), 0, end);
        assert_eq!(
            std::fs::read(&_out_path.0).unwrap(),
            with_head(&want),
            "{case}"
        );

        assert!(!clock.rests.is_empty(), "{case}: never rested");
        let (first_at, first_len) = clock.rests[0];
        assert_eq!(
            first_at,
            Duration::ZERO,
            "{case}: the burst goes out before any rest"
        );
        let burst = first_len - HEAD.len() as u64;
        assert!(
            burst >= due(&map, end, ahead_ms)
                && burst <= due(&map, end, ahead_ms + loomiere_throttle::RAMP_MS),
            "{case}: burst {burst}"
        );
        assert_eq!(burst, s.allowed(Duration::ZERO), "{case}: burst");
        for &(at, len) in &clock.rests {
            let body = len - HEAD.len() as u64;
            let horizon = rate.media_ms(at) + ahead_ms;
            let (low, high) = (
                due(&map, end, horizon),
                due(&map, end, horizon + loomiere_throttle::RAMP_MS),
            );
            assert!(
                low <= body && body <= high,
                "{case}: {body} bytes at {at:?}, not in {low}..={high}"
            );
            assert_eq!(body, s.allowed(at).min(end), "{case}: at {at:?}");
        }
        for pair in clock.rests.windows(2) {
            assert!(
                pair[1].0 >= pair[0].0 + s.step(),
                "{case}: rests {:?} closer than a step",
                pair
            );
        }
        // A rest per point, plus one per step while a ramp is under way.
        let ramping = clock
            .rests
            .last()
            .map_or(0, |r| r.0.as_millis() / s.step().as_millis().max(1))
            as u64;
        assert!(
            clock.rests.len() as u64 <= CHUNKS + 1 + ramping,
            "{case}: {} rests for {CHUNKS} points",
            clock.rests.len()
        );
    }
}

/// Sending that takes time (the fake clock moves on every reading) never gets ahead of
/// the schedule, and a `Range` in the middle starts its play head at its own bytes.
#[test]
fn slow_sending_and_mid_body_ranges_never_get_ahead() {
    let (_src, file) = source_file((CHUNK * CHUNKS) as usize);
    let (map, plan) = (vbr_map(), vbr_plan());
    // Chunk 40 (even, so not a dipped one) is in effect at the start of the range.
    let start = PREFIX + 40 * CHUNK + 123;
    let origin = map.points()[40].1;
    for (range, origin) in [((0, plan.len()), 0), ((start, plan.len() - 7), origin)] {
        let s = Schedule::new(&map, range, Duration::from_secs(3), Rate::REAL_TIME).unwrap();
        let (out_path, out) = output("slow");
        let mut clock = FakeClock::new(&out, Duration::from_millis(7));
        let sent = send_paced(
            out.as_fd(),
            HEAD,
            &plan,
            Some(&file),
            LONG,
            &s,
            &mut clock,
            (),
        );
        let want = expected(
            &plan,
            &source_bytes((CHUNK * CHUNKS) as usize),
            range.0,
            range.1,
        );
        assert_eq!(
            std::fs::read(&out_path.0).unwrap(),
            with_head(&want),
            "{range:?}"
        );
        assert_complete(&sent, want.len());
        for &(at, len) in &clock.rests {
            let limit = due(&map, range.1, origin + Rate::REAL_TIME.media_ms(at) + 3_000);
            assert!(
                range.0 + len - HEAD.len() as u64 <= limit,
                "{range:?}: {len} bytes at {at:?}"
            );
        }
    }
}

#[test]
fn a_client_gone_during_a_rest_ends_with_the_bytes_sent_so_far() {
    let (_src, file) = source_file((CHUNK * CHUNKS) as usize);
    let (map, plan) = (vbr_map(), vbr_plan());
    let s = Schedule::new(
        &map,
        (0, plan.len()),
        Duration::from_secs(4),
        Rate::REAL_TIME,
    )
    .unwrap();
    let (_out_path, out) = output("gone");
    let mut clock = FakeClock::new(&out, Duration::ZERO);
    clock.gone_at = Some(3);
    let sent = send_paced(
        out.as_fd(),
        HEAD,
        &plan,
        Some(&file),
        LONG,
        &s,
        &mut clock,
        (),
    );
    let on_file = out.metadata().unwrap().len();
    assert_eq!(sent.end, End::ClientClosed);
    assert_eq!(
        (sent.head_bytes, sent.head_bytes + sent.body_bytes),
        (HEAD.len() as u64, on_file)
    );
    assert!(sent.body_bytes < plan.len(), "stopped early: {sent:?}");
}

/// The real clock's rest notices a peer that went away (a closed pipe reader, a closed
/// socket) at once, and otherwise returns at its deadline.
#[test]
fn a_real_rest_ends_early_only_when_the_peer_is_gone() {
    let far = Duration::from_secs(30);
    let (r, w) = nix::unistd::pipe().unwrap();
    drop(r);
    assert_eq!(
        Monotonic::start().rest_until(w.as_fd(), far),
        Err(End::ClientClosed)
    );
    let (ours, theirs) = socketpair(
        AddressFamily::Unix,
        SockType::Stream,
        None,
        SockFlag::empty(),
    )
    .unwrap();
    drop(theirs);
    assert_eq!(
        Monotonic::start().rest_until(ours.as_fd(), far),
        Err(End::ClientClosed)
    );

    let (ours, _theirs) = socketpair(
        AddressFamily::Unix,
        SockType::Stream,
        None,
        SockFlag::empty(),
    )
    .unwrap();
    let mut clock = Monotonic::start();
    assert_eq!(
        clock.rest_until(ours.as_fd(), Duration::from_millis(20)),
        Ok(())
    );
    assert!(
        clock.elapsed() >= Duration::from_millis(20),
        "woke before its deadline"
    );
}

/// A blocking socket (as tcpsvd hands over) whose peer reads nothing is still dropped
/// after `send_timeout`: the sender makes it non-blocking. The send runs in a thread so
/// a regression fails the test instead of hanging it.
#[test]
fn a_blocking_socket_that_is_never_read_is_a_timeout() {
    let (_path, file) = source_file(SOURCE_LEN);
    let (ours, theirs) = socketpair(
        AddressFamily::Unix,
        SockType::Stream,
        None,
        SockFlag::empty(),
    )
    .unwrap();
    let (tx, rx) = mpsc::channel();
    thread::spawn(move || {
        let plan = Plan::whole_file(0, SOURCE_LEN as u64).unwrap();
        let timeout = Duration::from_millis(200);
        let sent = send_response(
            ours.as_fd(),
            HEAD,
            &plan,
            Some((0, plan.len())),
            Some(&file),
            timeout,
        );
        let _ = tx.send(sent.end);
    });
    let end = rx
        .recv_timeout(Duration::from_secs(20))
        .expect("the send is still blocked after 20 s");
    assert_eq!(end, End::Timeout);
    drop(theirs);
}

/// A clock whose rests jump to their deadline and note whether TCP_CORK is set then.
struct CorkClock {
    now: Duration,
    corked_at_rests: Vec<bool>,
}

impl Clock for CorkClock {
    fn elapsed(&self) -> Duration {
        self.now
    }

    fn rest_until(&mut self, out: BorrowedFd<'_>, at: Duration) -> Result<(), End> {
        self.corked_at_rests.push(socket::cork_is_set(out));
        self.now = at;
        Ok(())
    }
}

/// On TCP the cork stays over the head and the whole first burst, past 64 KiB (unlike
/// an unthrottled response), and is clear at every rest and after the last byte.
#[test]
fn a_throttled_response_is_corked_over_its_whole_first_burst_only() {
    use super::gather::{tcp_pair, CorkProbe};
    use std::os::fd::AsRawFd;
    let (_src, file) = source_file((CHUNK * CHUNKS) as usize);
    let (server, client) = tcp_pair();
    let probes: Vec<_> = [PREFIX, 8, 8]
        .iter()
        .map(|&len| CorkProbe::new(server.as_raw_fd(), len))
        .collect();
    let mut plan = Plan::new();
    plan.push_gen(probes[0].clone()).unwrap();
    plan.push_file(0, 5 * CHUNK).unwrap();
    plan.push_gen(probes[1].clone()).unwrap();
    plan.push_file(5 * CHUNK, 55 * CHUNK - 8).unwrap();
    plan.push_gen(probes[2].clone()).unwrap();
    plan.push_file(60 * CHUNK, 40 * CHUNK - 8).unwrap();
    assert_eq!(plan.len(), vbr_plan().len());
    let s = Schedule::new(
        &vbr_map(),
        (0, plan.len()),
        Duration::from_secs(20),
        Rate::REAL_TIME,
    )
    .unwrap();
    let in_burst = PREFIX + 5 * CHUNK + 8;
    assert!(
        s.allowed(Duration::ZERO) > in_burst && in_burst > crate::send::sender::CORK_BYTES,
        "test premise"
    );

    let got = reader(OwnedFd::from(client));
    let mut clock = CorkClock {
        now: Duration::ZERO,
        corked_at_rests: Vec::new(),
    };
    let sent = send_paced(
        server.as_fd(),
        HEAD,
        &plan,
        Some(&file),
        LONG,
        &s,
        &mut clock,
        (),
    );
    assert!(!socket::cork_is_set(server.as_fd()), "corked after sending");
    drop(server);
    assert_eq!(
        got.join().unwrap().len() as u64,
        HEAD.len() as u64 + plan.len()
    );
    assert_complete(&sent, plan.len() as usize);
    let seen: Vec<Vec<bool>> = probes.iter().map(|p| p.seen()).collect();
    assert_eq!(seen, [vec![true], vec![true], vec![false]]);
    assert!(
        !clock.corked_at_rests.is_empty() && clock.corked_at_rests.iter().all(|&c| !c),
        "{:?}",
        clock.corked_at_rests
    );
}

/// Records the length of `out` (bytes sent so far) when dropped.
struct AtDrop<'f>(&'f File, Rc<Cell<Option<u64>>>);

impl Drop for AtDrop<'_> {
    fn drop(&mut self) {
        self.1.set(Some(self.0.metadata().unwrap().len()));
    }
}

#[test]
fn what_the_first_burst_need_not_hold_is_dropped_at_the_first_rest() {
    let (_src, file) = source_file((CHUNK * CHUNKS) as usize);
    let (map, plan) = (vbr_map(), vbr_plan());
    let s = Schedule::new(
        &map,
        (0, plan.len()),
        Duration::from_secs(20),
        Rate::from_per_mille(1000).unwrap(),
    )
    .unwrap();
    let (_out_path, out) = output("until-rest");
    let dropped_at = Rc::new(Cell::new(None));
    let mut clock = FakeClock::new(&out, Duration::ZERO);
    let sent = send_paced(
        out.as_fd(),
        HEAD,
        &plan,
        Some(&file),
        LONG,
        &s,
        &mut clock,
        AtDrop(&out, Rc::clone(&dropped_at)),
    );
    assert_complete(&sent, plan.len() as usize);
    // Held over the head and the whole first burst, dropped before the first rest.
    let burst = clock.rests.first().map(|r| r.1);
    assert!(
        burst.is_some_and(|b| b > HEAD.len() as u64 + PREFIX),
        "rests: {:?}",
        clock.rests
    );
    assert_eq!(dropped_at.get(), burst);
}

/// A clock whose time is shared with a watch; each rest jumps to its deadline.
struct SharedClock(Rc<Cell<Duration>>);

impl Clock for SharedClock {
    fn elapsed(&self) -> Duration {
        self.0.get()
    }

    fn rest_until(&mut self, _out: BorrowedFd<'_>, at: Duration) -> Result<(), End> {
        self.0.set(at);
        Ok(())
    }
}

/// Records every report with the time it came.
struct Reports {
    now: Rc<Cell<Duration>>,
    seen: Vec<(Duration, u64, bool)>,
}

impl crate::send::Watch for Reports {
    fn progress(&mut self, body_bytes: u64, paced: bool) {
        self.seen.push((self.now.get(), body_bytes, paced));
    }
}

/// The scoreboard's contract: a paced response reports its bytes at its first rest
/// and then at most every 250 ms, with the bytes handed over so far, never more.
#[test]
fn a_paced_response_reports_its_bytes_at_most_every_250_ms() {
    let (_src, file) = source_file((CHUNK * CHUNKS) as usize);
    let (map, plan) = (vbr_map(), vbr_plan());
    let end = plan.len();
    let s = Schedule::new(
        &map,
        (0, end),
        Duration::from_secs(2),
        Rate::from_per_mille(1000).unwrap(),
    )
    .unwrap();
    let (_out_path, out) = output("watched");
    let now = Rc::new(Cell::new(Duration::ZERO));
    let mut clock = SharedClock(now.clone());
    let mut reports = Reports {
        now,
        seen: Vec::new(),
    };
    let sender = sender::Sender::new(out.as_fd(), Some(&file), LONG, &mut reports);
    let sent = paced_by(sender, HEAD, &plan, &s, &mut clock, ());
    assert_complete(&sent, end as usize);
    let seen = &reports.seen;
    assert!(seen.len() > 10, "too few reports: {seen:?}");
    let (first_at, first_bytes, paced) = seen[0];
    assert!(paced && first_at == Duration::ZERO, "{:?}", seen[0]);
    assert_eq!(
        first_bytes,
        s.allowed(Duration::ZERO).min(end),
        "the first burst"
    );
    for pair in seen.windows(2) {
        let ((a, x, _), (b, y, _)) = (pair[0], pair[1]);
        assert!(b.saturating_sub(a) >= REPORT_EVERY, "{pair:?}");
        assert!(x <= y && y <= end, "{pair:?}");
    }
}
