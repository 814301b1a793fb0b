//! Throttling through the real tcpsvd, judged on the client: bytes are read with
//! timestamps and compared with the media's own timeline (`ffprobe` packets of the
//! body received). `throttle_rate = 20` keeps each test to a few seconds. Bounds come
//! from the configuration and are generous; no test depends on a speed figure.

use crate::support::client::{connect, request};
use crate::support::server::Spec;
use crate::support::{get, media, tool, Server, TempDir};
use std::io::{ErrorKind, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::Command;
use std::thread::sleep;
use std::time::{Duration, Instant};

/// Media slack of the bound, seconds: the server's map is per chunk and merges due
/// times 100 ms apart (bytes may leave up to 100 ms early), and `ffprobe` shows decode
/// times before the edit list (B-frame delay, audio priming) up to ~0.1 s early.
const MEDIA_SLACK: f64 = 0.5;
/// Longest pause allowed between two reads of a stream that is not finished.
const STALL: Duration = Duration::from_secs(3);

/// A response read with timestamps: `(time since the request was sent, body bytes
/// received so far)` after each read.
struct Timeline {
    head: String,
    body: Vec<u8>,
    marks: Vec<(Duration, u64)>,
    /// The client's local port: tcpsvd's `start` line names it.
    port: u16,
}

/// Sends `raw` and reads until EOF, or until `stop` says so after a read (the
/// connection is then dropped with whatever is unread).
fn timed(server: &Server, raw: &[u8], stop: impl Fn(Duration, u64) -> bool) -> Timeline {
    let mut stream = connect(server.port);
    let port = stream.local_addr().expect("local_addr").port();
    stream.write_all(raw).expect("send request");
    let t0 = Instant::now();
    let (mut bytes, mut marks, mut head_len) = (Vec::new(), Vec::new(), None);
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        let n = match stream.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == ErrorKind::Interrupted => continue,
            Err(e) => panic!("read after {} bytes: {e}", bytes.len()),
        };
        bytes.extend_from_slice(&buf[..n]);
        let at = t0.elapsed();
        head_len = head_len.or_else(|| {
            bytes
                .windows(4)
                .position(|w| w == b"\r\n\r\n")
                .map(|p| p + 4)
        });
        let Some(h) = head_len else { continue };
        let body = (bytes.len() - h) as u64;
        marks.push((at, body));
        if stop(at, body) {
            break;
        }
    }
    drop(stream);
    let h = head_len.expect("no end of head");
    Timeline {
        head: String::from_utf8_lossy(&bytes[..h]).into_owned(),
        body: bytes[h..].to_vec(),
        marks,
        port,
    }
}

/// One packet of an MP4 body as `ffprobe` sees it.
struct Packet {
    stream: u32,
    /// Decode time, seconds.
    dts: f64,
    /// Body offset and length, bytes.
    pos: u64,
    size: u64,
}

/// The media's own timeline of an MP4 body: every packet, in offset order.
fn packets(path: &Path) -> Vec<Packet> {
    let out = Command::new(tool("ffprobe"))
        .args([
            "-v",
            "error",
            "-show_entries",
            "packet=stream_index,dts_time,size,pos",
            "-of",
            "csv=p=0",
        ])
        .arg(path)
        .output()
        .expect("run ffprobe");
    assert!(
        out.status.success(),
        "ffprobe {}: {}",
        path.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    // ffprobe prints the fields in its own order: stream_index, dts_time, size, pos.
    let mut list: Vec<Packet> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| {
            let f: Vec<&str> = l.split(',').collect();
            let (stream, dts, size, pos) = (f.first()?, f.get(1)?, f.get(2)?, f.get(3)?);
            let (stream, dts) = (stream.parse().ok()?, dts.parse().ok()?);
            Some(Packet {
                stream,
                dts,
                size: size.parse().ok()?,
                pos: pos.parse().ok()?,
            })
        })
        .collect();
    assert!(
        list.len() > 100,
        "ffprobe found {} packets in {}",
        list.len(),
        path.display()
    );
    list.sort_by_key(|p| p.pos);
    list
}

/// Body bytes due by media time `t` seconds: those before the first packet that is
/// decoded later than `t`.
fn due_by(packets: &[Packet], t: f64, len: u64) -> u64 {
    packets
        .iter()
        .filter(|p| p.dts > t)
        .map(|p| p.pos)
        .min()
        .unwrap_or(len)
}

/// The bytes of the largest chunk (a run of adjacent packets of one stream): the
/// server releases whole chunks, due when their first sample is.
fn one_chunk(packets: &[Packet]) -> u64 {
    let (mut best, mut run) = (0, 0);
    for (i, p) in packets.iter().enumerate() {
        let same = i > 0
            && packets[i - 1].stream == p.stream
            && packets[i - 1].pos + packets[i - 1].size == p.pos;
        run = if same { run + p.size } else { p.size };
        best = best.max(run);
    }
    best
}

/// The pid tcpsvd gave the connection from local port `port` (its `start` line).
fn pid_of(server: &Server, port: u16) -> u32 {
    let suffix = format!(":{port}");
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let text = server.log_text();
        let found = text
            .lines()
            .find(|l| l.contains(": start ") && l.ends_with(&suffix));
        if let Some(line) = found {
            let pid = line
                .split(": start ")
                .nth(1)
                .and_then(|r| r.split(' ').next());
            return pid
                .and_then(|p| p.parse().ok())
                .unwrap_or_else(|| panic!("bad start line {line:?}"));
        }
        assert!(
            Instant::now() < deadline,
            "no tcpsvd start line for port {port}:\n{text}"
        );
        sleep(Duration::from_millis(10));
    }
}

/// Waits (10 s at most) for tcpsvd's `end PID exit 0`, then checks the process is gone.
fn assert_ended_cleanly(server: &Server, pid: u32) {
    let prefix = format!(": end {pid} ");
    let deadline = Instant::now() + Duration::from_secs(10);
    let line = loop {
        let text = server.log_text();
        if let Some(l) = text.lines().find(|l| l.contains(&prefix)) {
            break l.to_owned();
        }
        assert!(
            Instant::now() < deadline,
            "streamer {pid} still running 10 s later:\n{text}"
        );
        sleep(Duration::from_millis(10));
    };
    assert!(line.ends_with("exit 0"), "{line}");
    assert!(
        !Path::new(&format!("/proc/{pid}")).exists(),
        "process {pid} is still there after {line:?}"
    );
}

/// The access-log fields after the duration: `NOTE...`, with bytes and milliseconds.
fn logged(line: &str) -> (u64, u64, Vec<String>) {
    let after = line
        .split_once("\" ")
        .map(|(_, r)| r)
        .unwrap_or_else(|| panic!("odd line {line:?}"));
    let words: Vec<String> = after.split(' ').map(str::to_owned).collect();
    let bytes = words[1]
        .parse()
        .unwrap_or_else(|_| panic!("bytes in {line:?}"));
    let ms = words[2]
        .trim_end_matches("ms")
        .parse()
        .unwrap_or_else(|_| panic!("duration in {line:?}"));
    (bytes, ms, words[3..].to_vec())
}

fn server(dir: &TempDir, root: &Path, extra: &str) -> Server {
    let config = dir.config("stream.conf", Some(root), extra);
    Spec::stream(&config).start(dir)
}

/// Checks each timestamped count against the media timeline: never more than the bytes
/// due at `t x rate + throttle` (plus slack), and no pause longer than [`STALL`].
fn assert_follows(tl: &Timeline, packets: &[Packet], throttle: f64, rate: f64, what: &str) {
    let len = tl.body.len() as u64;
    let chunk = one_chunk(packets);
    for &(at, body) in &tl.marks {
        let media = at.as_secs_f64() * rate + throttle + MEDIA_SLACK;
        let limit = due_by(packets, media, len) + chunk;
        assert!(
            body <= limit,
            "{what}: {body} bytes after {at:?}, but only {limit} are due by {media:.2} s of media"
        );
    }
    for pair in tl.marks.windows(2) {
        assert!(
            pair[1].0 - pair[0].0 < STALL,
            "{what}: no byte from {:?} to {:?}",
            pair[0],
            pair[1]
        );
    }
}

#[test]
fn a_throttled_stream_stays_within_its_lead_and_completes() {
    let dir = TempDir::new("throttle-lead");
    let root = media("h264-aac.mp4").parent().unwrap().to_owned();
    let (throttle, rate) = (2.0, 20.0);
    let server = server(
        &dir,
        &root,
        "throttle = 2\nthrottle_rate = 20\nthrottle_min_size = 64k\n",
    );
    for (i, target) in ["/h264-aac.mp4", "/h264-aac.mp4?start=10"]
        .into_iter()
        .enumerate()
    {
        let tl = timed(&server, &get(target), |_, _| false);
        assert!(
            tl.head.starts_with("HTTP/1.1 200 "),
            "{target}: {}",
            tl.head
        );
        let body_file = dir.write(&format!("body-{i}.mp4"), &tl.body);
        let packets = packets(&body_file);
        assert_follows(&tl, &packets, throttle, rate, target);
        // The whole body came, and not faster than the play head allows: the last
        // packet is due at `duration - throttle` seconds of media.
        let duration = packets.iter().map(|p| p.dts).fold(0.0, f64::max);
        let (last_at, last) = *tl.marks.last().unwrap();
        assert_eq!(last, tl.body.len() as u64);
        let least = (duration - throttle - MEDIA_SLACK) / rate;
        assert!(
            last_at.as_secs_f64() >= least,
            "{target}: all {last} bytes after {last_at:?}, due at {least:.2} s"
        );
        let line = server.access_line(i);
        let (bytes, _, notes) = logged(&line);
        assert_eq!(bytes, tl.body.len() as u64, "{line}");
        assert!(
            notes.first().is_some_and(|n| n == "complete")
                && notes.iter().any(|n| n == "throttled"),
            "{line}"
        );
        assert_ended_cleanly(&server, pid_of(&server, tl.port));
    }
}

/// `throttle = 10` at real time: the first 10 s of media arrive at once (paced, they
/// would take 10 s), then the stream holds its lead; the viewer leaves after 1.5 s
/// more, and the streamer ends at once, logging what it sent.
#[test]
fn the_burst_comes_at_full_speed_and_a_viewer_leaving_frees_the_process() {
    let dir = TempDir::new("throttle-burst");
    let root = media("h264-aac.mp4").parent().unwrap().to_owned();
    let server = server(&dir, &root, "throttle = 10\nthrottle_min_size = 64k\n");
    let source = media("h264-aac.mp4");
    let packets = packets(&source);
    let whole = std::fs::metadata(&source).unwrap().len();
    let burst = due_by(&packets, 10.0 - MEDIA_SLACK, whole);
    let burst_at = std::cell::Cell::new(None);
    let tl = timed(&server, &get("/h264-aac.mp4"), |at, body| {
        if body >= burst && burst_at.get().is_none() {
            burst_at.set(Some(at));
        }
        burst_at
            .get()
            .is_some_and(|b| at >= b + Duration::from_millis(1500))
    });
    let burst_at = burst_at.get().expect("the burst never arrived");
    assert!(
        burst_at < Duration::from_secs(5),
        "the {burst}-byte burst took {burst_at:?}; paced it takes 9.5 s"
    );
    assert_follows(&tl, &packets, 10.0, 1.0, "burst");
    let received = tl.body.len() as u64;
    assert!(
        received < whole,
        "the whole {whole} bytes came within {:?}",
        tl.marks.last()
    );

    let pid = pid_of(&server, tl.port);
    assert_ended_cleanly(&server, pid);
    let line = server.access_line(0);
    let (bytes, _, notes) = logged(&line);
    assert!(
        notes.iter().any(|n| n == "client-closed") && notes.iter().any(|n| n == "throttled"),
        "{line}"
    );
    assert!(
        (received..whole).contains(&bytes),
        "logged {bytes}, received {received} of {whole}: {line}"
    );
}

/// A 400 s film (the 40 s one looped: 16 MB, far more than socket buffers hold, ~4 MB
/// here) that the client never reads: the buffers fill, and `send_timeout = 1` later
/// the streamer gives up, logs it and exits 0.
#[test]
fn a_client_that_reads_nothing_is_dropped_after_send_timeout() {
    let dir = TempDir::new("throttle-stuck");
    let root = dir.join("root");
    std::fs::create_dir_all(&root).unwrap();
    let made = Command::new(tool("ffmpeg"))
        .args(["-nostdin", "-v", "error", "-stream_loop", "9", "-i"])
        .arg(media("h264-aac.mp4"))
        .args(["-c", "copy", "-movflags", "+faststart"])
        .arg(root.join("long.mp4"))
        .status()
        .expect("run ffmpeg");
    assert!(made.success(), "ffmpeg could not loop the film");
    let server = server(
        &dir,
        &root,
        "throttle = 2\nthrottle_rate = 100\nsend_timeout = 1\n",
    );
    let mut stream: TcpStream = connect(server.port);
    let port = stream.local_addr().unwrap().port();
    stream.write_all(&get("/long.mp4")).unwrap();
    let line = server.access_line(0);
    let (bytes, ms, notes) = logged(&line);
    assert!(
        notes.first().is_some_and(|n| n == "send-timeout")
            && notes.iter().any(|n| n == "throttled"),
        "{line}"
    );
    assert!(ms >= 1000, "dropped before send_timeout: {line}");
    assert!(
        bytes < std::fs::metadata(root.join("long.mp4")).unwrap().len(),
        "{line}"
    );
    assert_ended_cleanly(&server, pid_of(&server, port));
    drop(stream);
}

/// No time map, too small, switched off, or no body: sent at full speed, and the log
/// line does not say `throttled`.
#[test]
fn small_unmapped_or_switched_off_responses_are_not_throttled() {
    let dir = TempDir::new("throttle-off");
    let root = media("h264-aac.mp4").parent().unwrap().to_owned();
    let cases: &[(&str, Vec<u8>, u16)] = &[
        ("throttle = 20\n", get("/poster.bmp"), 200),
        (
            "throttle = 20\nthrottle_min_size = 2048k\n",
            get("/h264-aac.mp4"),
            200,
        ),
        ("throttle = 0\n", get("/h264-aac.mp4"), 200),
        (
            "throttle = 20\n",
            request("GET", "/h264-aac.mp4", &[("Range", "bytes=0-99999")]),
            206,
        ),
        (
            "throttle = 20\n",
            request("HEAD", "/h264-aac.mp4", &[]),
            200,
        ),
    ];
    for (extra, raw, status) in cases {
        let server = server(&dir, &root, extra);
        let (r, line) = server.send_logged(raw);
        r.expect(*status);
        let (_, _, notes) = logged(&line);
        assert_eq!(
            notes.first().map(String::as_str),
            Some("complete"),
            "{extra:?}: {line}"
        );
        assert!(!notes.iter().any(|n| n == "throttled"), "{extra:?}: {line}");
    }
}
