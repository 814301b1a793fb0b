//! The scoreboard's unit tests: the file, its checks, claiming, reclaiming, counting.

use crate::layout::{word, Layout, HEADER_WORDS, MAGIC, SLOTS_AT, SLOT_WORDS};
use crate::*;
use std::os::unix::fs::PermissionsExt;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};

/// A fresh directory under the system's temporary directory, removed on drop.
struct TempDir(PathBuf);

impl TempDir {
    fn new(tag: &str) -> TempDir {
        let dir = std::env::temp_dir().join(format!("sb-{tag}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir(&dir).unwrap();
        TempDir(dir)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn words_of(layout: Layout) -> Vec<AtomicU64> {
    let mut w: Vec<AtomicU64> = (0..layout.words()).map(|_| AtomicU64::new(0)).collect();
    for (i, h) in layout.header(0).iter().enumerate() {
        w[i] = AtomicU64::new(*h);
    }
    w
}

fn header_with(i: usize, value: u64) -> Vec<u64> {
    let mut h = Layout::new(4).header(0).to_vec();
    h[i] = value;
    h
}

#[test]
fn a_new_file_has_mode_0600_and_the_size_of_its_slots() {
    let dir = TempDir::new("mode");
    let path = dir.0.join("scoreboard");
    let slot = claim(&path, 10, None, 1, 0, "192.0.2.1").unwrap();
    let meta = std::fs::metadata(&path).unwrap();
    assert_eq!(meta.permissions().mode() & 0o777, 0o600);
    assert_eq!(meta.len(), Layout::new(10).bytes());
    assert_eq!(meta.len(), (SLOTS_AT as u64 + 10 * SLOT_WORDS as u64) * 8);
    drop(slot);
    // No temporary file is left beside it.
    assert_eq!(std::fs::read_dir(&dir.0).unwrap().count(), 1);
}

#[test]
fn the_check_refuses_every_kind_of_damage() {
    let good = Layout::new(4);
    let len = good.bytes();
    assert_eq!(Layout::check(&good.header(0), len), Ok(good));
    let cases: Vec<(Vec<u64>, u64, Damage)> = vec![
        (vec![MAGIC], 8, Damage::Truncated { have: 8, need: 64 }),
        (
            good.header(0).to_vec(),
            63,
            Damage::Truncated { have: 63, need: 64 },
        ),
        (header_with(word::MAGIC, 7), len, Damage::Foreign),
        (header_with(word::VERSION, 2), len, Damage::Version(2)),
        (
            header_with(word::SLOT_WORDS, 47),
            len,
            Damage::Geometry("words per slot"),
        ),
        (
            header_with(word::COUNTER_WORDS, 0),
            len,
            Damage::Geometry("counter words"),
        ),
        (
            header_with(word::SLOTS, 0),
            len,
            Damage::Geometry("slot count"),
        ),
        (
            header_with(word::SLOTS, u64::MAX),
            len,
            Damage::Geometry("slot count"),
        ),
        (
            header_with(word::SIZE, len + 8),
            len,
            Damage::Geometry("size does not match the slot count"),
        ),
        (
            good.header(0).to_vec(),
            len - 1,
            Damage::Truncated {
                have: len - 1,
                need: len,
            },
        ),
        (
            good.header(0).to_vec(),
            len + 8,
            Damage::Oversized {
                have: len + 8,
                stated: len,
            },
        ),
    ];
    for (header, len, want) in cases {
        assert_eq!(Layout::check(&header, len), Err(want.clone()), "{want}");
    }
}

#[test]
fn a_truncated_or_foreign_file_is_refused_on_open() {
    let dir = TempDir::new("damage");
    let path = dir.0.join("scoreboard");
    drop(claim(&path, 4, None, 1, 0, "-").unwrap());
    let bytes = std::fs::read(&path).unwrap();
    std::fs::write(&path, &bytes[..bytes.len() - 100]).unwrap();
    let e = Board::open(&path).err().unwrap();
    assert!(e.to_string().contains("truncated"), "{e}");
    std::fs::write(&path, "#!/bin/sh\necho not a scoreboard\n".repeat(8)).unwrap();
    assert!(matches!(
        Board::open(&path),
        Err(OpenError::Damaged(Damage::Foreign))
    ));
    // The writer refuses it too, and leaves it alone.
    assert!(claim(&path, 4, None, 1, 0, "-").is_err());
    assert_eq!(std::fs::read(&path).unwrap().len(), 256);
}

#[test]
fn a_missing_directory_is_an_error_not_a_panic() {
    let e = claim(
        std::path::Path::new("/nonexistent/dir/sb"),
        4,
        None,
        1,
        0,
        "-",
    )
    .err()
    .unwrap();
    assert!(e.to_string().contains("No such file"), "{e}");
}

#[test]
fn a_claimed_slot_is_listed_with_what_it_recorded_and_freed_on_drop() {
    let dir = TempDir::new("claim");
    let path = dir.0.join("scoreboard");
    let slot = claim(&path, 8, None, 1, 1_700_000_000_123, "192.0.2.7").unwrap();
    slot.set_request(b"example.com", b"/films/a.mp4?start=10");
    slot.set_state(State::Throttled);
    slot.set_answer(206, 1000);
    slot.set_sent(400);
    let board = Board::open(&path).unwrap();
    let scan = board.scan();
    assert_eq!(scan.streams.len(), 1);
    let s = &scan.streams[0];
    assert_eq!(s.pid, u64::from(std::process::id()));
    assert_eq!(s.slot, slot.index());
    assert_eq!(s.slot, std::process::id() as usize % 8);
    assert_eq!(
        (
            s.started_ms,
            s.streamer,
            s.state,
            s.status,
            s.planned,
            s.sent
        ),
        (1_700_000_000_123, 1, State::Throttled, 206, 1000, 400)
    );
    assert_eq!(
        (s.remote.as_str(), s.vhost.as_str()),
        ("192.0.2.7", "example.com")
    );
    assert_eq!(s.target, "/films/a.mp4?start=10");
    assert_eq!(scan.free, 7);
    assert_eq!(board.counters().sent_bytes, 400);
    drop(slot);
    assert!(board.scan().streams.is_empty());
}

#[test]
fn a_slot_handed_over_across_exec_is_adopted_not_claimed_again() {
    let dir = TempDir::new("adopt");
    let path = dir.0.join("scoreboard");
    let front = claim(&path, 8, None, 0, 5, "198.51.100.1").unwrap();
    front.set_request(b"", b"/a.mp4");
    let index = front.index();
    // execve(2) keeps the pid and drops the mapping without running Drop.
    std::mem::forget(front);
    let streamer = claim(&path, 8, Some(index), 1, 99, "-").unwrap();
    assert_eq!(streamer.index(), index);
    let scan = Board::open(&path).unwrap().scan();
    assert_eq!(scan.streams.len(), 1);
    let s = &scan.streams[0];
    assert_eq!((s.streamer, s.started_ms), (1, 5));
    assert_eq!(
        (s.remote.as_str(), s.target.as_str()),
        ("198.51.100.1", "/a.mp4")
    );
}

#[test]
fn a_slot_whose_process_is_gone_is_reclaimed_by_the_next_scan() {
    let words = words_of(Layout::new(4));
    let layout = check(&words).unwrap();
    let w = &words[layout.slot_at(2)..layout.slot_at(3)];
    w[0].store(4242, Ordering::Relaxed);
    w[1].store(2, Ordering::Relaxed);
    let alive = |pid: u64| pid != 4242;
    let first = scan(&words, layout, &alive, true);
    assert!(first.streams.is_empty());
    assert_eq!((first.reclaimed, first.free), (1, 3));
    assert_eq!(w[0].load(Ordering::Relaxed), 0);
    assert_eq!(
        w[1].load(Ordering::Relaxed) % 2,
        1,
        "a free slot's sequence is odd"
    );
    let second = scan(&words, layout, &alive, true);
    assert_eq!((second.reclaimed, second.free), (0, 4));
}

#[test]
fn a_real_dead_pid_is_seen_as_gone() {
    let mut child = std::process::Command::new("true").spawn().unwrap();
    let pid = child.id();
    child.wait().unwrap();
    assert!(!pid_alive(u64::from(pid)));
    assert!(pid_alive(u64::from(std::process::id())));
    assert!(!pid_alive(0) && !pid_alive(u64::MAX));
}

#[test]
fn claims_skip_live_owners_and_take_stale_slots() {
    let dir = TempDir::new("full");
    let path = dir.0.join("scoreboard");
    let first = claim(&path, 1, None, 1, 0, "-").unwrap();
    // Our own pid already holds the only slot: a second claim finds none.
    let full = claim(&path, 1, None, 1, 0, "-").err().unwrap();
    assert_eq!(full.to_string(), "all 1 slots are taken");
    drop(first);
    // A slot left by a dead process is taken.
    let map = map::open(&path, true).unwrap();
    let layout = map.layout();
    map.words()[layout.slot_at(0)].store(u64::from(u32::MAX - 1), Ordering::Relaxed);
    assert!(claim(&path, 1, None, 1, 0, "-").is_ok());
}

#[test]
fn the_end_of_an_exchange_counts_request_bytes_saved_and_reason() {
    let dir = TempDir::new("count");
    let path = dir.0.join("scoreboard");
    let slot = claim(
        &path,
        4,
        None,
        names::streamer_index("loomiere-mp4"),
        0,
        "-",
    )
    .unwrap();
    slot.set_sent(100);
    slot.finish(&Outcome {
        status: 200,
        planned: 1000,
        sent: 300,
        end: Some(EndReason::ClientClosed),
    });
    let board = Board::open(&path).unwrap();
    board.count(
        names::streamer_index("monitor"),
        &Outcome {
            status: 404,
            planned: 10,
            sent: 10,
            end: None,
        },
    );
    board.count(
        names::streamer_index("/usr/bin/loomiere-dash"),
        &Outcome {
            status: 299,
            planned: 0,
            sent: 0,
            end: Some(EndReason::RequestTimeout),
        },
    );
    let c = board.counters();
    assert_eq!(c.requests[1][names::code_index(200)], 1);
    assert_eq!(c.requests[5][names::code_index(404)], 1);
    assert_eq!(c.requests[6][CODES.len()], 1, "other streamer, other code");
    assert_eq!((c.sent_bytes, c.saved_bytes), (310, 700));
    assert_eq!(c.ends, [1, 0, 1]);
}

#[test]
fn texts_are_cut_to_fit_and_read_back_as_utf8() {
    let words: Vec<AtomicU64> = (0..2).map(|_| AtomicU64::new(u64::MAX)).collect();
    text::store(&words, "abcdefghijklmno\u{e9}".as_bytes());
    assert_eq!(text::load(&words), "abcdefghijklmno\u{fffd}");
    text::store(&words, b"ab");
    assert_eq!(text::load(&words), "ab");
    text::store(&words, b"a\xffb");
    assert_eq!(text::load(&words), "a\u{fffd}b");
}

#[test]
fn a_reader_survives_garbage_slots() {
    let words = words_of(Layout::new(3));
    for w in &words[HEADER_WORDS..] {
        w.store(0xfefe_fefe_fefe_fefe, Ordering::Relaxed);
    }
    let layout = check(&words).unwrap();
    let scan = scan(&words, layout, &|_| true, false);
    assert_eq!(scan.streams.len(), 3);
    assert!(scan
        .streams
        .iter()
        .all(|s| s.streamer == STREAMERS.len() - 1));
    let _ = counters::read(&words);
}

#[test]
fn a_process_killed_while_writing_its_texts_is_reclaimed_too() {
    let words = words_of(Layout::new(2));
    let layout = check(&words).unwrap();
    let w = &words[layout.slot_at(1)..layout.slot_at(2)];
    w[0].store(4242, Ordering::Relaxed);
    w[1].store(3, Ordering::Relaxed);
    let live = scan(&words, layout, &|_| true, true);
    assert_eq!((live.busy, live.streams.len()), (1, 0));
    let gone = scan(&words, layout, &|_| false, true);
    assert_eq!(gone.reclaimed, 1);
    assert_eq!(w[0].load(Ordering::Relaxed), 0);
}
