//! Gathering small parts, and the cork policy of an unthrottled response: the bytes
//! arrive exactly and in order whatever the range and the output, small parts leave in
//! one write (seen as datagrams), and TCP_CORK is seen set or clear where the policy says.

use super::*;
use crate::send::gather::{Gather, BLOCK_ALIGN, GATHER_CAP};
use crate::send::sender::{CORK_BYTES, SMALL_FILE};
use loomiere_plan::{Generate, Source};
use std::os::fd::{AsRawFd, BorrowedFd, RawFd};
use std::sync::{Arc, Mutex};

/// A rewritten `moov` in miniature: box headers and small file ranges between large
/// file ranges, generated tables shorter and longer than the buffer, a bytes piece
/// that overflows the buffer, file ranges at and just over the copy limit.
fn moov_like_plan() -> Plan {
    let mut plan = Plan::new();
    plan.push_bytes(vec![1; 292]).unwrap();
    plan.push_file(324, 45).unwrap();
    plan.push_bytes(vec![2; 8]).unwrap();
    plan.push_file(377, 56).unwrap();
    plan.push_bytes(vec![3; 40]).unwrap();
    plan.push_gen(Arc::new(Shifted {
        from: 7_871,
        len: 7_200,
    }))
    .unwrap();
    plan.push_bytes(vec![4; 24]).unwrap();
    plan.push_file(510_415, 495_168).unwrap();
    plan.push_bytes(vec![5; 56]).unwrap();
    plan.push_gen(Arc::new(Shifted {
        from: 100,
        len: 100_000,
    }))
    .unwrap();
    plan.push_bytes(source_bytes(40_000)).unwrap();
    plan.push_file(2_000_000, SMALL_FILE).unwrap();
    plan.push_file(2_100_000, SMALL_FILE + 1).unwrap();
    plan.push_bytes(source_bytes((1 << 20) + 5)).unwrap();
    plan.push_gen(Arc::new(Shifted { from: 3, len: 33 }))
        .unwrap();
    plan.push_bytes(vec![7; 3]).unwrap();
    plan
}

/// Ranges starting and ending on, just before and just after every piece boundary.
fn boundary_ranges(plan: &Plan) -> Vec<(u64, u64)> {
    let mut points: Vec<u64> = vec![0, plan.len()];
    let mut at = 0;
    for piece in plan.pieces(0, plan.len()) {
        at += piece.len();
        points.extend([at.saturating_sub(1), at, (at + 1).min(plan.len())]);
    }
    points.sort_unstable();
    points.dedup();
    let mut ranges = Vec::new();
    for (i, &start) in points.iter().enumerate() {
        for &end in [points.get(i + 1), points.get(i + 4), points.last()]
            .into_iter()
            .flatten()
        {
            ranges.push((start, end));
        }
    }
    ranges
}

#[test]
fn gathered_parts_keep_their_order_in_every_range() {
    let (_path, file) = source_file(SOURCE_LEN);
    let source = source_bytes(SOURCE_LEN);
    let plan = moov_like_plan();
    for (start, end) in boundary_ranges(&plan) {
        pipe_gets(&plan, &file, &source, start, end);
        let want = with_head(&expected(&plan, &source, start, end));
        // O_APPEND: sendfile(2) refuses, so every file range goes through the buffer.
        let out_path = TempPath::new("gather");
        let out = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&out_path.0)
            .unwrap();
        let sent = send_response(
            out.as_fd(),
            HEAD,
            &plan,
            Some((start, end)),
            Some(&file),
            LONG,
        );
        assert_eq!(
            std::fs::read(&out_path.0).unwrap(),
            want,
            "copied {start}..{end}"
        );
        assert_complete(&sent, want.len() - HEAD.len());
    }
}

/// A stream socket takes part of a large writev(2) at a time: the rest follows in order.
#[test]
fn a_socket_that_takes_part_of_each_write_gets_everything_in_order() {
    socketpair_gets_all_of(&moov_like_plan());
}

/// Reads datagrams from `fd` until `total` bytes came, each datagram one write(2),
/// writev(2) or send(2) of the sender.
fn datagrams(fd: OwnedFd, total: usize) -> JoinHandle<Vec<Vec<u8>>> {
    thread::spawn(move || {
        let mut all = Vec::new();
        let mut buf = vec![0u8; 1 << 18];
        let mut seen = 0;
        while seen < total {
            let n = nix::unistd::read(&fd, &mut buf).expect("read a datagram");
            seen += n;
            all.push(buf[..n].to_vec());
        }
        all
    })
}

/// Sends all of `plan` to a datagram socket; returns the datagrams of the body.
fn body_datagrams(plan: &Plan, file: &File) -> Vec<Vec<u8>> {
    let (ours, theirs) = socketpair(
        AddressFamily::Unix,
        SockType::Datagram,
        None,
        SockFlag::empty(),
    )
    .unwrap();
    let got = datagrams(theirs, HEAD.len() + plan.len() as usize);
    let sent = send_response(
        ours.as_fd(),
        HEAD,
        plan,
        Some((0, plan.len())),
        Some(file),
        LONG,
    );
    assert_complete(&sent, plan.len() as usize);
    let mut all = got.join().unwrap();
    assert_eq!(all.remove(0), HEAD, "the head is its own write");
    let want = expected(plan, &source_bytes(SOURCE_LEN), 0, plan.len());
    assert_eq!(all.concat(), want);
    all
}

#[test]
fn small_parts_leave_in_one_write() {
    let (_path, file) = source_file(SOURCE_LEN);
    let mut plan = Plan::new();
    plan.push_bytes(vec![1; 292]).unwrap();
    plan.push_file(324, 45).unwrap();
    plan.push_bytes(vec![2; 8]).unwrap();
    plan.push_file(441, SMALL_FILE).unwrap();
    plan.push_gen(Arc::new(Shifted {
        from: 7_871,
        len: 7_200,
    }))
    .unwrap();
    plan.push_bytes(vec![3; 24]).unwrap();
    let sizes: Vec<usize> = body_datagrams(&plan, &file).iter().map(Vec::len).collect();
    assert_eq!(sizes, [plan.len() as usize]);
}

#[test]
fn a_long_table_is_made_in_full_aligned_blocks() {
    let (_path, file) = source_file(SOURCE_LEN);
    let mut plan = Plan::new();
    plan.push_bytes(vec![1; 100]).unwrap();
    plan.push_gen(Arc::new(Shifted {
        from: 5,
        len: 100_000,
    }))
    .unwrap();
    let sizes: Vec<usize> = body_datagrams(&plan, &file).iter().map(Vec::len).collect();
    assert_eq!(sizes.len(), 100_100usize.div_ceil(GATHER_CAP), "{sizes:?}");
    let (last, full) = sizes.split_last().unwrap();
    assert!(
        full.iter()
            .all(|&n| n > GATHER_CAP - BLOCK_ALIGN && n <= GATHER_CAP),
        "{sizes:?}"
    );
    // After the 100 bytes of the first write, every block starts on a 4 KiB edge.
    assert!(
        full.iter().skip(1).all(|&n| n % BLOCK_ALIGN == 0) && (full[0] - 100) % BLOCK_ALIGN == 0,
        "{sizes:?}"
    );
    assert!(*last > 0);
}

#[test]
fn bytes_that_overflow_the_buffer_leave_with_it_in_one_writev() {
    let (_path, file) = source_file(SOURCE_LEN);
    let mut plan = Plan::new();
    plan.push_gen(Arc::new(Shifted { from: 9, len: 100 }))
        .unwrap();
    plan.push_bytes(source_bytes(40_000)).unwrap();
    plan.push_gen(Arc::new(Shifted { from: 9, len: 5 }))
        .unwrap();
    let sizes: Vec<usize> = body_datagrams(&plan, &file).iter().map(Vec::len).collect();
    assert_eq!(sizes, [40_100, 5]);
}

/// Generates `len` zero bytes and notes, each time it is asked for bytes, whether
/// TCP_CORK is set on `fd` at that moment.
#[derive(Debug)]
pub(super) struct CorkProbe {
    pub fd: RawFd,
    pub len: u64,
    pub seen: Mutex<Vec<bool>>,
}

impl CorkProbe {
    pub fn new(fd: RawFd, len: u64) -> Arc<CorkProbe> {
        Arc::new(CorkProbe {
            fd,
            len,
            seen: Mutex::new(Vec::new()),
        })
    }

    pub fn seen(&self) -> Vec<bool> {
        self.seen.lock().unwrap().clone()
    }
}

impl Generate for CorkProbe {
    fn len(&self) -> u64 {
        self.len
    }
    fn fill(&self, _source: &dyn Source, _at: u64, out: &mut [u8]) -> std::io::Result<()> {
        out.fill(0);
        // SAFETY: every test keeps the probed socket open while its plan is sent.
        let fd = unsafe { BorrowedFd::borrow_raw(self.fd) };
        self.seen.lock().unwrap().push(socket::cork_is_set(fd));
        Ok(())
    }
}

/// A connected loopback TCP pair: (server side, client side).
pub(super) fn tcp_pair() -> (std::net::TcpStream, std::net::TcpStream) {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let client = std::net::TcpStream::connect(listener.local_addr().unwrap()).unwrap();
    let (server, _) = listener.accept().unwrap();
    (server, client)
}

/// Corked while the head and the first 64 KiB of the body are handed over, uncorked
/// after (a sendfile, or generated blocks, crossing the mark), uncorked at the end.
#[test]
fn tcp_cork_is_cleared_after_the_first_64_kib_and_at_the_end() {
    let (_path, file) = source_file(SOURCE_LEN);
    for first_big in ["sendfile", "generated"] {
        let (server, client) = tcp_pair();
        let (early, late) = (
            CorkProbe::new(server.as_raw_fd(), 8),
            CorkProbe::new(server.as_raw_fd(), 8),
        );
        let mut plan = Plan::new();
        plan.push_bytes(vec![1; 100]).unwrap();
        plan.push_gen(early.clone()).unwrap();
        match first_big {
            "sendfile" => plan.push_file(0, 2 * CORK_BYTES).unwrap(),
            _ => plan
                .push_gen(Arc::new(Shifted {
                    from: 0,
                    len: 3 * CORK_BYTES,
                }))
                .unwrap(),
        }
        plan.push_gen(late.clone()).unwrap();
        plan.push_bytes(vec![2; 10]).unwrap();
        let want = with_head(&expected(&plan, &source_bytes(SOURCE_LEN), 0, plan.len()));
        early.seen.lock().unwrap().clear();
        late.seen.lock().unwrap().clear();

        let got = reader(OwnedFd::from(client));
        let sent = send_response(
            server.as_fd(),
            HEAD,
            &plan,
            Some((0, plan.len())),
            Some(&file),
            LONG,
        );
        assert!(
            !socket::cork_is_set(server.as_fd()),
            "{first_big}: corked after sending"
        );
        drop(server);
        assert_eq!(got.join().unwrap(), want, "{first_big}");
        assert_complete(&sent, want.len() - HEAD.len());
        assert_eq!(
            (early.seen(), late.seen()),
            (vec![true], vec![false]),
            "{first_big}"
        );
    }
}

/// A body shorter than 64 KiB stays corked to its end, and still arrives whole.
#[test]
fn a_short_body_is_corked_to_its_end() {
    let (server, client) = tcp_pair();
    let probe = CorkProbe::new(server.as_raw_fd(), 1_000);
    let mut plan = Plan::new();
    plan.push_bytes(vec![1; 40_000]).unwrap();
    plan.push_gen(probe.clone()).unwrap();
    let (_path, file) = source_file(10);
    let got = reader(OwnedFd::from(client));
    let sent = send_response(
        server.as_fd(),
        HEAD,
        &plan,
        Some((0, plan.len())),
        Some(&file),
        LONG,
    );
    assert!(!socket::cork_is_set(server.as_fd()));
    drop(server);
    assert_eq!(
        got.join().unwrap(),
        with_head(&[vec![1; 40_000], vec![0; 1_000]].concat())
    );
    assert_complete(&sent, 41_000);
    assert_eq!(probe.seen(), [true]);
}

/// A generator that fails: the file changed under it.
#[derive(Debug)]
struct Failing;

impl Generate for Failing {
    fn len(&self) -> u64 {
        10
    }
    fn fill(&self, _source: &dyn Source, _at: u64, _out: &mut [u8]) -> std::io::Result<()> {
        Err(std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            "changed",
        ))
    }
}

/// The gathered bytes before a failing piece still reach the client, then it ends.
#[test]
fn bytes_gathered_before_a_source_failure_are_still_sent() {
    let (_path, file) = source_file(1_000);
    let source = source_bytes(1_000);
    let mut failing = Plan::new();
    failing.push_bytes(vec![1; 50]).unwrap();
    failing.push_gen(Arc::new(Failing)).unwrap();
    let mut short = Plan::new();
    short.push_bytes(vec![2; 10]).unwrap();
    short.push_file(900, 500).unwrap(); // The file ends 100 bytes in.
    let cases = [
        (failing, [vec![1; 50]].concat(), "failed"),
        (
            short,
            [vec![2; 10], source[900..].to_vec()].concat(),
            "shrank",
        ),
    ];
    for (plan, body, note) in cases {
        let (r, w) = nix::unistd::pipe().unwrap();
        let got = reader(r);
        let sent = send_response(
            w.as_fd(),
            HEAD,
            &plan,
            Some((0, plan.len())),
            Some(&file),
            LONG,
        );
        drop(w);
        assert_eq!(got.join().unwrap(), with_head(&body), "{note}");
        assert_eq!(sent.body_bytes, body.len() as u64, "{note}");
        let want_note = if note == "failed" {
            "error"
        } else {
            "source-shrank"
        };
        assert_eq!(sent.end.as_note(), want_note);
    }
}

#[test]
fn block_takes_all_that_fits_else_whole_aligned_blocks() {
    let cap = GATHER_CAP as u64;
    let align = BLOCK_ALIGN;
    let cases: [(usize, u64, usize); 9] = [
        (0, 100, 100),
        (0, cap, GATHER_CAP),
        (0, cap + 1, GATHER_CAP),
        (0, u64::MAX, GATHER_CAP),
        (100, cap, GATHER_CAP - align),
        (GATHER_CAP - 10, 10, 10),
        (GATHER_CAP - 10, 11, 0),
        (GATHER_CAP - align, align as u64 + 1, align),
        (GATHER_CAP, 1, 0),
    ];
    for (waiting, left, want) in cases {
        let mut gather = Gather::new();
        assert!(gather.push(&vec![9; waiting]));
        assert_eq!(gather.block(left), want, "{waiting} waiting, {left} left");
    }
}

#[test]
fn push_takes_all_or_nothing() {
    let mut gather = Gather::new();
    assert!(gather.push(&[1; 100]));
    assert!(!gather.push(&vec![2; GATHER_CAP - 99]));
    assert_eq!(gather.waiting(), [1; 100]);
    assert!(gather.push(&vec![3; GATHER_CAP - 100]));
    assert_eq!(gather.free(), 0);
}

#[test]
fn a_short_file_keeps_what_was_read_and_a_failed_generator_adds_nothing() {
    let (_path, file) = source_file(1_000);
    let mut gather = Gather::new();
    assert!(gather.push(b"ab"));
    assert_eq!(gather.read_file(&file, 900, 500), Err(End::SourceShrank));
    assert_eq!(
        gather.waiting(),
        [&b"ab"[..], &source_bytes(1_000)[900..]].concat()
    );
    let before = gather.waiting().to_vec();
    assert!(matches!(
        gather.generate(&Failing, &file, 0, 10),
        Err(End::Failed(_))
    ));
    assert_eq!(gather.waiting(), before);
    assert!(
        matches!(gather.read_file(&file, 0, GATHER_CAP), Err(End::Failed(_))),
        "more than the free space"
    );
}

#[test]
fn release_frees_an_empty_buffer_only() {
    let mut gather = Gather::new();
    assert!(
        !gather.is_allocated(),
        "nothing is allocated before the first byte"
    );
    assert!(gather.push(b"x"));
    assert!(gather.is_allocated());
    gather.release();
    assert_eq!(gather.waiting(), b"x", "waiting bytes are kept");
    let (r, w) = nix::unistd::pipe().unwrap();
    let mut count = 0;
    gather
        .flush(
            io::Out {
                fd: w.as_fd(),
                stall: LONG,
            },
            &mut count,
        )
        .unwrap();
    assert_eq!((count, gather.is_empty()), (1, true));
    gather.release();
    assert!(!gather.is_allocated());
    assert!(
        gather.push(b"yz") && gather.free() == GATHER_CAP - 2,
        "allocated again on use"
    );
    drop(r);
}
