use super::*;

mod paced;

use nix::sys::socket::{socketpair, AddressFamily, SockFlag, SockType};
use std::io::{Read, Write};
use std::os::fd::{AsFd, OwnedFd};
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread::{self, JoinHandle};

const HEAD: &[u8] = b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
const SOURCE_LEN: usize = 2_600_000;
const LONG: Duration = Duration::from_secs(20);

/// A unique path under the temp dir, removed on drop.
struct TempPath(PathBuf);

impl TempPath {
    fn new(tag: &str) -> TempPath {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let name = format!("loomiere-send-{}-{tag}-{n}", std::process::id());
        TempPath(std::env::temp_dir().join(name))
    }
}

impl Drop for TempPath {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

fn source_bytes(len: usize) -> Vec<u8> {
    (0..len).map(|i| (i % 251) as u8 ^ (i / 251) as u8).collect()
}

/// A source file holding `source_bytes(len)`, opened for reading.
fn source_file(len: usize) -> (TempPath, File) {
    let path = TempPath::new("src");
    std::fs::write(&path.0, source_bytes(len)).expect("write source");
    let file = File::open(&path.0).expect("open source");
    (path, file)
}

/// Bytes, a file range longer than one 1 MiB sendfile chunk, bytes, a second file range.
fn sample_plan() -> Plan {
    let mut plan = Plan::new();
    plan.push_bytes(b"generated-moov-bytes".to_vec()).unwrap();
    plan.push_file(100, 1_500_000).unwrap();
    plan.push_bytes(b"mid".to_vec()).unwrap();
    plan.push_file(2_000_000, 300_000).unwrap();
    plan.push_bytes(b"tail".to_vec()).unwrap();
    plan
}

/// What the body `start..end` of `plan` must be, built independently of the sender.
fn expected(plan: &Plan, source: &[u8], start: u64, end: u64) -> Vec<u8> {
    let mut out = Vec::new();
    for piece in plan.pieces(start, end) {
        match piece {
            Piece::Bytes(b) => out.extend_from_slice(b),
            Piece::File { offset, len } => {
                let from = usize::try_from(offset).unwrap();
                out.extend_from_slice(&source[from..from + usize::try_from(len).unwrap()]);
            }
        }
    }
    out
}

fn ranges(plan: &Plan) -> Vec<(u64, u64)> {
    let len = plan.len();
    vec![
        (0, len),
        (5, 12),                // inside the first bytes slice
        (3, len - 2),           // starts and ends inside bytes slices
        (25, 1_000),            // inside the first file slice
        (1_000_000, 1_500_110), // file slice -> bytes -> file slice
        (len - 3, len),         // inside the tail
        (len, len),             // empty
    ]
}

fn reader(fd: OwnedFd) -> JoinHandle<Vec<u8>> {
    thread::spawn(move || {
        let mut all = Vec::new();
        File::from(fd).read_to_end(&mut all).expect("read");
        all
    })
}

fn with_head(body: &[u8]) -> Vec<u8> {
    [HEAD, body].concat()
}

fn assert_complete(sent: &Sent, body_len: usize) {
    assert_eq!(sent.end, End::Complete);
    assert_eq!(sent.head_bytes, HEAD.len() as u64);
    assert_eq!(sent.body_bytes, body_len as u64);
}

#[test]
fn pipe_receives_exactly_the_planned_bytes() {
    let (_path, file) = source_file(SOURCE_LEN);
    let source = source_bytes(SOURCE_LEN);
    let plan = sample_plan();
    for (start, end) in ranges(&plan) {
        let (r, w) = nix::unistd::pipe().unwrap();
        let got = reader(r);
        let sent = send_response(w.as_fd(), HEAD, &plan, Some((start, end)), Some(&file), LONG);
        drop(w);
        let want = expected(&plan, &source, start, end);
        assert_eq!(got.join().unwrap(), with_head(&want), "{start}..{end}");
        assert_complete(&sent, want.len());
    }
}

#[test]
fn head_only_when_there_is_no_body() {
    let (r, w) = nix::unistd::pipe().unwrap();
    let got = reader(r);
    let sent = send_response(w.as_fd(), HEAD, &sample_plan(), None, None, LONG);
    drop(w);
    assert_eq!(got.join().unwrap(), HEAD);
    assert_complete(&sent, 0);
}

/// Regular files exercise sendfile-to-file; O_APPEND makes sendfile(2) fail with EINVAL,
/// which exercises the pread + write fallback.
#[test]
fn regular_files_receive_the_planned_bytes_with_and_without_sendfile() {
    let (_path, file) = source_file(SOURCE_LEN);
    let source = source_bytes(SOURCE_LEN);
    let plan = sample_plan();
    for append in [false, true] {
        for (start, end) in ranges(&plan) {
            let out_path = TempPath::new("out");
            let out = std::fs::OpenOptions::new().create(true).write(true).append(append).open(&out_path.0).unwrap();
            let sent = send_response(out.as_fd(), HEAD, &plan, Some((start, end)), Some(&file), LONG);
            let want = expected(&plan, &source, start, end);
            assert_eq!(std::fs::read(&out_path.0).unwrap(), with_head(&want), "append={append} {start}..{end}");
            assert_complete(&sent, want.len());
        }
    }
}

#[test]
fn sendfile_is_dropped_only_where_it_cannot_write() {
    let (_path, file) = source_file(10_000);
    for (append, want_sendfile) in [(false, true), (true, false)] {
        let out_path = TempPath::new("mode");
        let out = std::fs::OpenOptions::new().create(true).write(true).append(append).open(&out_path.0).unwrap();
        let mut source = io::FileSource::new(&file);
        let mut count = 0;
        let result = source.send(io::Out { fd: out.as_fd(), stall: LONG }, 10, 9_000, &mut count);
        assert_eq!((result, count), (Ok(()), 9_000), "append={append}");
        assert_eq!(source.uses_sendfile(), want_sendfile, "append={append}");
        assert_eq!(std::fs::read(&out_path.0).unwrap(), source_bytes(10_000)[10..9_010]);
    }
}

#[test]
fn unix_socketpair_receives_the_planned_bytes() {
    let (_path, file) = source_file(SOURCE_LEN);
    let plan = sample_plan();
    let (ours, theirs) = socketpair(AddressFamily::Unix, SockType::Stream, None, SockFlag::empty()).unwrap();
    let got = reader(theirs);
    let sent = send_response(ours.as_fd(), HEAD, &plan, Some((0, plan.len())), Some(&file), LONG);
    drop(ours);
    let want = expected(&plan, &source_bytes(SOURCE_LEN), 0, plan.len());
    assert_eq!(got.join().unwrap(), with_head(&want));
    assert_complete(&sent, want.len());
}

#[test]
fn tcp_socket_is_corked_and_receives_the_planned_bytes() {
    let (_path, file) = source_file(SOURCE_LEN);
    let plan = sample_plan();
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let client = std::net::TcpStream::connect(listener.local_addr().unwrap()).unwrap();
    let (server, _) = listener.accept().unwrap();
    assert!(socket::is_tcp(server.as_fd()));
    let got = reader(OwnedFd::from(client));
    let sent = send_response(server.as_fd(), HEAD, &plan, Some((0, plan.len())), Some(&file), LONG);
    drop(server);
    let want = expected(&plan, &source_bytes(SOURCE_LEN), 0, plan.len());
    assert_eq!(got.join().unwrap(), with_head(&want));
    assert_complete(&sent, want.len());
}

#[test]
fn only_inet_stream_sockets_count_as_tcp() {
    let (a, _b) = socketpair(AddressFamily::Unix, SockType::Stream, None, SockFlag::empty()).unwrap();
    let (r, _w) = nix::unistd::pipe().unwrap();
    assert!(!socket::is_tcp(a.as_fd()));
    assert!(!socket::is_tcp(r.as_fd()));
    assert!(socket::is_socket(a.as_fd()));
    assert!(!socket::is_socket(r.as_fd()));
}

#[test]
fn a_reader_that_went_away_is_client_closed() {
    ignore_sigpipe();
    let (_path, file) = source_file(SOURCE_LEN);
    let plan = sample_plan();
    let (r, w) = nix::unistd::pipe().unwrap();
    let (ours, theirs) = socketpair(AddressFamily::Unix, SockType::Stream, None, SockFlag::empty()).unwrap();
    drop(r);
    drop(theirs);
    for out in [w.as_fd(), ours.as_fd()] {
        let sent = send_response(out, HEAD, &plan, Some((0, plan.len())), Some(&file), LONG);
        assert_eq!(sent.end, End::ClientClosed);
        assert_eq!(sent.body_bytes, 0);
    }
}

/// A file shorter than the plan ends the response; nothing is padded. Both the sendfile
/// path (pipe) and the copy path (O_APPEND file) are checked.
#[test]
fn a_source_shorter_than_planned_is_source_shrank() {
    let (_path, file) = source_file(1_000);
    let cases: [(Plan, u64); 2] =
        [(Plan::whole_file(0, 5_000).unwrap(), 1_000), (Plan::whole_file(2_000, 10).unwrap(), 0)];
    for (plan, sent_before_end) in cases {
        let (r, w) = nix::unistd::pipe().unwrap();
        let got = reader(r);
        let sent = send_response(w.as_fd(), HEAD, &plan, Some((0, plan.len())), Some(&file), LONG);
        drop(w);
        assert_eq!(got.join().unwrap().len() as u64, HEAD.len() as u64 + sent_before_end);
        assert_eq!((sent.end, sent.body_bytes), (End::SourceShrank, sent_before_end));

        let out_path = TempPath::new("shrank");
        let out = std::fs::OpenOptions::new().create(true).append(true).open(&out_path.0).unwrap();
        let sent = send_response(out.as_fd(), HEAD, &plan, Some((0, plan.len())), Some(&file), LONG);
        assert_eq!((sent.end, sent.body_bytes), (End::SourceShrank, sent_before_end));
    }
}

#[test]
fn a_peer_that_never_reads_is_a_timeout() {
    let (_path, file) = source_file(SOURCE_LEN);
    let mut bytes_plan = Plan::new();
    bytes_plan.push_bytes(vec![7u8; 8 << 20]).unwrap();
    let file_plan = Plan::whole_file(0, SOURCE_LEN as u64).unwrap();
    for plan in [bytes_plan, file_plan] {
        let (ours, _theirs) = socketpair(AddressFamily::Unix, SockType::Stream, None, SockFlag::SOCK_NONBLOCK).unwrap();
        let sent =
            send_response(ours.as_fd(), HEAD, &plan, Some((0, plan.len())), Some(&file), Duration::from_millis(200));
        assert_eq!(sent.end, End::Timeout);
    }
}

#[test]
fn a_file_piece_without_a_file_is_failed() {
    let (r, w) = nix::unistd::pipe().unwrap();
    let got = reader(r);
    let plan = Plan::whole_file(0, 10).unwrap();
    let sent = send_response(w.as_fd(), HEAD, &plan, Some((0, 10)), None, LONG);
    drop(w);
    got.join().unwrap();
    assert!(matches!(sent.end, End::Failed(_)), "{:?}", sent.end);
    assert_eq!(sent.end.as_note(), "error");
}

#[test]
fn notes_are_fixed_words() {
    let cases = [
        (End::Complete, "complete"),
        (End::ClientClosed, "client-closed"),
        (End::Timeout, "send-timeout"),
        (End::SourceShrank, "source-shrank"),
        (End::Failed("x".into()), "error"),
    ];
    for (end, note) in cases {
        assert_eq!(end.as_note(), note);
    }
}

/// The peer sends more than we read (a pipelined request); after the lingering close it
/// still receives our whole response followed by EOF.
#[test]
fn finish_connection_half_closes_and_drains_the_peer() {
    let (ours, theirs) = socketpair(AddressFamily::Unix, SockType::Stream, None, SockFlag::empty()).unwrap();
    let peer = thread::spawn(move || {
        let mut stream = std::os::unix::net::UnixStream::from(theirs);
        stream.write_all(b"GET /pipelined HTTP/1.1\r\n\r\n").unwrap();
        let mut all = Vec::new();
        stream.read_to_end(&mut all).unwrap();
        all
    });
    let plan = Plan::new();
    let sent = send_response(ours.as_fd(), HEAD, &plan, Some((0, 0)), None, LONG);
    finish_connection(ours.as_fd(), ours.as_fd());
    assert_complete(&sent, 0);
    assert_eq!(peer.join().unwrap(), HEAD);
}

#[test]
fn finish_connection_leaves_pipes_alone() {
    let (r, w) = nix::unistd::pipe().unwrap();
    finish_connection(w.as_fd(), r.as_fd());
    nix::unistd::write(&w, b"x").unwrap(); // Still open for writing: no shutdown happened.
    let mut buf = [0u8; 1];
    assert_eq!(nix::unistd::read(&r, &mut buf), Ok(1));
}
