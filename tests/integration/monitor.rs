//! `loomiere-monitor` and the scoreboard through the real tcpsvd: throttled viewers
//! listed while they watch, leaving (counted, their bytes saved), killed (their
//! slots reclaimed); `/metrics` judged by `promtool` and scraped by a real
//! Prometheus; a damaged scoreboard.

mod damaged;
mod prometheus;

use crate::support::client::connect;
use crate::support::server::Spec;
use crate::support::{get, media, tool, Server, TempDir};
use std::io::{ErrorKind, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::thread::{sleep, JoinHandle};
use std::time::{Duration, Instant};

/// A library of one film and a poster, a config with its own scoreboard, the front
/// under tcpsvd (`-c 100`: more viewers than tcpsvd's default 30), and the monitor
/// under another tcpsvd.
pub struct Site {
    pub dir: TempDir,
    pub board: PathBuf,
    pub stream: Server,
    pub monitor: Server,
}

impl Site {
    /// `extra`: more config lines (throttling).
    pub fn new(tag: &str, extra: &str) -> Site {
        let dir = TempDir::new(tag);
        std::fs::create_dir_all(dir.join("root")).unwrap();
        std::fs::copy(media("h264-aac.mp4"), dir.join("root/film.mp4")).unwrap();
        std::fs::copy(media("poster.jpg"), dir.join("root/poster.jpg")).unwrap();
        let board = dir.join("scoreboard");
        let lines = format!("scoreboard = {}\n{extra}", board.display());
        let config = dir.config("stream.conf", Some(&dir.join("root")), &lines);
        let stream = Spec::stream(&config)
            .options(["-c".into(), "100".into()])
            .start(&dir);
        let monitor = Spec::new("loomiere-monitor")
            .args(["--config".into(), config.clone().into()])
            .start(&dir);
        Site {
            dir,
            board,
            stream,
            monitor,
        }
    }

    /// `GET target` from the monitor: (status, body).
    pub fn page(&self, target: &str) -> (u16, String) {
        let r = self.monitor.send(&get(target));
        (r.status, String::from_utf8_lossy(&r.body).into_owned())
    }

    /// The open streams of `/status.json` (which must answer 200).
    fn streams(&self) -> Vec<Listed> {
        let (status, body) = self.page("/status.json");
        assert_eq!(status, 200, "{body}");
        listed(&body)
    }

    /// Like [`Site::streams`], but `None` while the scoreboard does not exist yet (no
    /// streamer has started).
    fn streams_once_made(&self) -> Option<Vec<Listed>> {
        let (status, body) = self.page("/status.json");
        if status == 503 && body.contains("No such file") {
            return None;
        }
        assert_eq!(status, 200, "{body}");
        Some(listed(&body))
    }
}

/// One stream as `/status.json` lists it.
#[derive(Debug, Clone)]
struct Listed {
    pid: u64,
    request: String,
    state: String,
    body_bytes: u64,
    sent_bytes: u64,
}

/// The streams of a `/status.json` body (the fields this test reads, by name).
fn listed(json: &str) -> Vec<Listed> {
    let streams = json
        .split("\"streams\":[")
        .nth(1)
        .and_then(|s| s.split("],\"requests\"").next())
        .unwrap_or_else(|| panic!("no streams in {json}"));
    streams
        .split("{\"pid\":")
        .skip(1)
        .map(|obj| Listed {
            pid: number(&format!("\"pid\":{obj}"), "pid"),
            request: text(obj, "request"),
            state: text(obj, "state"),
            body_bytes: number(obj, "body_bytes"),
            sent_bytes: number(obj, "sent_bytes"),
        })
        .collect()
}

/// The number after `"name":` in `json`.
fn number(json: &str, name: &str) -> u64 {
    let at = json
        .find(&format!("\"{name}\":"))
        .unwrap_or_else(|| panic!("no {name} in {json}"));
    let rest = &json[at + name.len() + 3..];
    let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
    digits
        .parse()
        .unwrap_or_else(|_| panic!("{name} in {json}"))
}

/// The string after `"name":` in `json` (no escapes in what this test reads).
fn text(json: &str, name: &str) -> String {
    let key = format!("\"{name}\":\"");
    let at = json
        .find(&key)
        .unwrap_or_else(|| panic!("no {name} in {json}"));
    let rest = &json[at + key.len()..];
    rest[..rest.find('"').unwrap()].to_owned()
}

/// The value of the sample `series` (name and labels, as printed) in a scrape.
pub fn metric(scrape: &str, series: &str) -> u64 {
    scrape
        .lines()
        .find_map(|l| l.strip_prefix(series)?.strip_prefix(' '))
        .unwrap_or_else(|| panic!("no {series} in\n{scrape}"))
        .parse()
        .unwrap()
}

/// A viewer: a connection read in a thread of its own until told to leave.
struct Viewer {
    leave: Arc<AtomicBool>,
    received: Arc<AtomicU64>,
    /// The response head's Content-Length, once read.
    length: Arc<AtomicU64>,
    thread: Option<JoinHandle<()>>,
}

impl Viewer {
    fn watch(port: u16, target: &str) -> Viewer {
        let mut stream = connect(port);
        stream.write_all(&get(target)).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_millis(50)))
            .unwrap();
        let leave = Arc::new(AtomicBool::new(false));
        let received = Arc::new(AtomicU64::new(0));
        let length = Arc::new(AtomicU64::new(0));
        let (l, r, len) = (leave.clone(), received.clone(), length.clone());
        let thread = std::thread::spawn(move || {
            let mut buf = vec![0u8; 64 * 1024];
            let mut head = Vec::new();
            while !l.load(Ordering::Relaxed) {
                match stream.read(&mut buf) {
                    Ok(0) => return,
                    Ok(n) => {
                        if len.load(Ordering::Relaxed) == 0 {
                            head.extend_from_slice(&buf[..n]);
                            len.store(content_length(&head), Ordering::Relaxed);
                        }
                        r.fetch_add(n as u64, Ordering::Relaxed);
                    }
                    Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {}
                    Err(e) => panic!("viewer read: {e}"),
                }
            }
        });
        Viewer {
            leave,
            received,
            length,
            thread: Some(thread),
        }
    }

    /// Closes the connection (the thread drops it) and waits for that.
    fn leave(mut self) {
        self.leave.store(true, Ordering::Relaxed);
        self.thread.take().unwrap().join().unwrap();
    }
}

/// The Content-Length of a response head in `bytes`, 0 until the head is complete.
fn content_length(bytes: &[u8]) -> u64 {
    let text = String::from_utf8_lossy(bytes);
    let Some(end) = text.find("\r\n\r\n") else {
        return 0;
    };
    text[..end]
        .lines()
        .find_map(|l| l.strip_prefix("Content-Length: "))
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(0)
}

/// Waits up to `limit` for `ok` on the listed streams; returns the last listing.
fn wait_for(site: &Site, limit: Duration, ok: impl Fn(&[Listed]) -> bool) -> (Vec<Listed>, bool) {
    let deadline = Instant::now() + limit;
    loop {
        let now = site.streams_once_made().unwrap_or_default();
        if ok(&now) {
            return (now, true);
        }
        if Instant::now() >= deadline {
            return (now, false);
        }
        sleep(Duration::from_millis(20));
    }
}

/// The scenario: 50 throttled viewers listed with rising `sent_bytes`; 20
/// leave: gone within 1 s, counted as client-closed, their unsent bytes (planned
/// minus sent, as the access log says) added to the bytes saved; 5 streamers
/// SIGKILLed: their slots reclaimed by the next scan.
#[test]
fn viewers_are_listed_while_they_watch_counted_when_they_leave_and_reclaimed_when_killed() {
    let site = Site::new("monitor-viewers", "throttle = 2\nthrottle_rate = 1\n");
    let mut viewers: Vec<(String, Viewer)> = (0..50)
        .map(|i| {
            let target = format!("/film.mp4?viewer={i}");
            let v = Viewer::watch(site.stream.port, &target);
            (target, v)
        })
        .collect();
    let (first, all) = wait_for(&site, Duration::from_secs(10), |s| {
        s.len() == 50 && s.iter().all(|x| x.state == "throttled")
    });
    assert!(all, "not 50 throttled streams: {first:?}");
    let mut targets: Vec<&str> = first.iter().map(|s| s.request.as_str()).collect();
    targets.sort_unstable();
    let mut want: Vec<&str> = viewers.iter().map(|(t, _)| t.as_str()).collect();
    want.sort_unstable();
    assert_eq!(targets, want, "exactly the 50 viewers' streams");
    sleep(Duration::from_millis(800));
    let later = site.streams();
    for s in &first {
        let now = later.iter().find(|l| l.pid == s.pid).expect("still listed");
        assert!(
            now.sent_bytes > s.sent_bytes,
            "not rising: {s:?} then {now:?}"
        );
        assert!(now.sent_bytes < now.body_bytes, "{now:?}");
    }

    let (_, before) = site.page("/metrics");
    let leavers: Vec<(String, Viewer)> = viewers.drain(..20).collect();
    let lengths: Vec<(String, u64)> = leavers
        .iter()
        .map(|(t, v)| (t.clone(), v.length.load(Ordering::Relaxed)))
        .collect();
    let left_at = Instant::now();
    for (_, v) in leavers {
        v.leave();
    }
    let (after_leave, gone) = wait_for(&site, Duration::from_secs(1), |s| s.len() == 30);
    assert!(
        gone,
        "{} listed {:?} after the leave",
        after_leave.len(),
        left_at.elapsed()
    );
    let (_, after) = site.page("/metrics");
    let closed = "loomiere_stream_ends_total{reason=\"client-closed\"}";
    assert_eq!(metric(&after, closed) - metric(&before, closed), 20);
    let lines = site.stream.access_lines();
    let mut unsent = 0;
    for (target, length) in &lengths {
        let line = lines
            .iter()
            .find(|l| l.contains(&format!("\"GET {target}\" 200 ")))
            .unwrap_or_else(|| panic!("no access line for {target}: {lines:?}"));
        assert!(line.contains(" client-closed"), "{line}");
        let sent: u64 = line.split(' ').nth(4).unwrap().parse().unwrap();
        assert!(*length > sent, "{line}: of {length}");
        unsent += length - sent;
    }
    let saved = "loomiere_saved_bytes_total";
    assert_eq!(metric(&after, saved) - metric(&before, saved), unsent);

    let killed: Vec<u64> = after_leave.iter().take(5).map(|s| s.pid).collect();
    for pid in &killed {
        let ok = Command::new("kill")
            .args(["-KILL", &pid.to_string()])
            .status();
        assert!(ok.unwrap().success(), "kill {pid}");
    }
    let (after_kill, reclaimed) = wait_for(&site, Duration::from_secs(2), |s| {
        s.len() == 25 && s.iter().all(|x| !killed.contains(&x.pid))
    });
    assert!(
        reclaimed,
        "killed still listed: {killed:?} in {after_kill:?}"
    );
    let (_, scrape) = site.page("/metrics");
    assert_eq!(
        metric(&scrape, "loomiere_scoreboard_slots{state=\"used\"}"),
        25
    );
    assert_eq!(
        metric(
            &scrape,
            "loomiere_streams{streamer=\"mp4\",state=\"throttled\"}"
        ),
        25
    );
    let received: u64 = viewers
        .iter()
        .map(|(_, v)| v.received.load(Ordering::Relaxed))
        .sum();
    assert!(received > 0);
    for (_, v) in viewers {
        v.leave();
    }
}

/// `promtool check metrics` on a live scrape: the format and Prometheus's naming
/// rules (lint), with counts of real requests in it.
#[test]
fn promtool_passes_a_live_scrape() {
    let site = Site::new("monitor-promtool", "");
    // Each process counts its request before it writes its line: once the line is
    // there, so is the count.
    site.stream.send_logged(&get("/poster.jpg")).0.expect(200);
    site.stream.send_logged(&get("/missing.jpg")).0.expect(404);
    let r = site.monitor.send(&get("/metrics"));
    r.expect(200);
    assert_eq!(
        r.must("Content-Type"),
        "text/plain; version=0.0.4; charset=utf-8"
    );
    let scrape = String::from_utf8(r.body.clone()).unwrap();
    assert_eq!(
        metric(
            &scrape,
            "loomiere_requests_total{streamer=\"file\",code=\"200\"}"
        ),
        1
    );
    assert_eq!(
        metric(
            &scrape,
            "loomiere_requests_total{streamer=\"file\",code=\"404\"}"
        ),
        1
    );
    let out = promtool(&scrape);
    assert!(out.0, "promtool failed: {}", out.1);
    assert!(out.1.trim().is_empty(), "promtool lint: {}", out.1);
}

/// Runs `promtool check metrics` on `scrape`: (success, its output).
fn promtool(scrape: &str) -> (bool, String) {
    let mut child = Command::new(tool("promtool"))
        .args(["check", "metrics"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run promtool");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(scrape.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    let text =
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    (out.status.success(), text)
}

/// The status page: HTML with the film's row, a progress bar, the bytes saved, and
/// a reload, and nothing loaded from elsewhere; `loomiere status` shows the same row.
#[test]
fn the_status_page_shows_each_stream_with_a_bar_and_refreshes_itself() {
    let site = Site::new("monitor-page", "throttle = 2\n");
    let viewer = Viewer::watch(site.stream.port, "/film.mp4?start=1");
    let (s, ok) = wait_for(&site, Duration::from_secs(10), |s| s.len() == 1);
    assert!(ok, "{s:?}");
    let r = site.monitor.send(&get("/status"));
    r.expect(200);
    assert_eq!(r.must("Content-Type"), "text/html; charset=utf-8");
    let page = String::from_utf8(r.body.clone()).unwrap();
    for want in [
        "<meta http-equiv=\"refresh\" content=\"2\">",
        "/film.mp4?start=1",
        "class=bar",
        "Bandwidth saved",
    ] {
        assert!(page.contains(want), "no {want} in {page}");
    }
    for banned in ["<script", "src=", "@import", "url("] {
        assert!(!page.contains(banned), "{banned} in {page}");
    }
    // `loomiere status` reads the same scoreboard.
    let config = site.dir.join("stream.conf");
    let out = crate::admin::loomiere(["status".as_ref(), "--config".as_ref(), config.as_os_str()]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{text}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(text.contains(": 1 open of 64 slots;"), "{text}");
    let row = text
        .lines()
        .find(|l| l.contains("/film.mp4?start=1"))
        .unwrap_or_else(|| panic!("{text}"));
    assert!(
        row.contains(" mp4 ") && row.contains(" 200 ") && row.contains("127.0.0.1"),
        "{row}"
    );
    viewer.leave();
    assert_eq!(site.page("/nothing").0, 404);
}

/// The path of the scoreboard in `site`, for the damage tests.
pub fn board_path(site: &Site) -> &Path {
    &site.board
}
