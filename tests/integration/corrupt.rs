//! Corrupt media through the real server: each defect the planners know gets its
//! status (500 for a broken file, 400 for a seek the file cannot give), an access-log
//! line naming the defect, and a streamer that exits normally (tcpsvd logs
//! `end PID exit 0`, never a death by signal).
//!
//! The files are the test media patched in place: a box walker here finds the box,
//! the case overwrites a field, a size or cuts the file.

use crate::support::{get, media, Server, TempDir};
use std::thread::sleep;
use std::time::{Duration, Instant};

const VIDEO: &str = "moov/trak[0]/mdia/minf/stbl";
const AUDIO: &str = "moov/trak[1]/mdia/minf/stbl";

/// One box found by [`find`]: where its header starts, header length, total size.
#[derive(Debug, Clone, Copy)]
struct At {
    at: usize,
    hdr: usize,
    size: usize,
}

/// The boxes packed in `file[start..end]` (size 0 runs to `end`, size 1 is 64-bit).
fn boxes(file: &[u8], start: usize, end: usize) -> Vec<(String, At)> {
    let mut out = Vec::new();
    let mut at = start;
    while at + 8 <= end {
        let word = |i: usize, n: usize| {
            file[i..i + n]
                .iter()
                .fold(0u64, |a, &b| a << 8 | u64::from(b))
        };
        let (size, hdr) = match word(at, 4) {
            0 => ((end - at) as u64, 8),
            1 => (word(at + 8, 8), 16),
            n => (n, 8),
        };
        let typ = String::from_utf8_lossy(&file[at + 4..at + 8]).into_owned();
        let size = usize::try_from(size).expect("box size");
        assert!(
            size >= hdr && at + size <= end,
            "test media: bad box {typ} at {at}"
        );
        out.push((typ, At { at, hdr, size }));
        at += size;
    }
    out
}

/// The box at `path`, e.g. `moov/trak[1]/mdia/mdhd` (`[n]`: the n-th of that type).
fn find(file: &[u8], path: &str) -> At {
    let (mut start, mut end) = (0, file.len());
    let mut found = None;
    for seg in path.split('/') {
        let (name, nth) = match seg.split_once('[') {
            Some((n, i)) => (n, i.trim_end_matches(']').parse::<usize>().expect("index")),
            None => (seg, 0),
        };
        let b = boxes(file, start, end)
            .into_iter()
            .filter(|(t, _)| t == name)
            .nth(nth);
        let b = b.unwrap_or_else(|| panic!("no {path} in the test file")).1;
        (start, end, found) = (b.at + b.hdr, b.at + b.size, Some(b));
    }
    found.expect("empty path")
}

/// Writes `value` big-endian at payload byte `offset` of the box at `path`.
fn set(file: &mut [u8], path: &str, offset: usize, value: u32) {
    let b = find(file, path);
    let i = b.at + b.hdr + offset;
    file[i..i + 4].copy_from_slice(&value.to_be_bytes());
}

/// Sets the 32-bit size field of the box at `path`.
fn set_size(file: &mut [u8], path: &str, size: u32) {
    let at = find(file, path).at;
    file[at..at + 4].copy_from_slice(&size.to_be_bytes());
}

/// Turns the box at `path` into a size-1 box with 64-bit size `large` (its first 8
/// payload bytes are overwritten).
fn set_large(file: &mut [u8], path: &str, large: u64) {
    let at = find(file, path).at;
    file[at..at + 4].copy_from_slice(&1u32.to_be_bytes());
    file[at + 8..at + 16].copy_from_slice(&large.to_be_bytes());
}

/// The entry count of the table at `path` (the `u32` after version and flags).
fn entries(file: &[u8], path: &str) -> usize {
    let b = find(file, path);
    let i = b.at + b.hdr + 4;
    u32::from_be_bytes(file[i..i + 4].try_into().unwrap()) as usize
}

/// A patch, the request's query, the status and words the log line must contain.
type Case = (
    &'static str,
    fn(&mut Vec<u8>),
    &'static str,
    u16,
    &'static str,
);

const MP4_CASES: &[Case] = &[
    (
        "moov-cut-short",
        |f| f.truncate(find(f, "moov").at + find(f, "moov").size / 2),
        "start=10",
        500,
        "mp4 defect: box 'moov' at 32: size ",
    ),
    (
        "stco-past-eof",
        |f| {
            let last = entries(f, &format!("{VIDEO}/stco")) - 1;
            set(f, &format!("{VIDEO}/stco"), 8 + 4 * last, 0xffff_ff00)
        },
        "start=10",
        500,
        "lies past the end of the file",
    ),
    (
        "stco-runs-past-eof",
        |f| {
            let (last, len) = (entries(f, &format!("{VIDEO}/stco")) - 1, f.len() as u32);
            set(f, &format!("{VIDEO}/stco"), 8 + 4 * last, len - 10)
        },
        "start=10",
        500,
        "lies past the end of the file",
    ),
    (
        "stsz-count-above-table",
        |f| set(f, &format!("{VIDEO}/stsz"), 8, 1_000_000),
        "start=10",
        500,
        "'stsz' entry count 1000000 is larger than its box",
    ),
    (
        "stsz-count-max",
        |f| set(f, &format!("{AUDIO}/stsz"), 8, u32::MAX),
        "start=10",
        500,
        "'stsz' entry count 4294967295 is larger than its box",
    ),
    (
        "stts-count-above-table",
        |f| set(f, &format!("{VIDEO}/stts"), 4, 1000),
        "start=10",
        500,
        "'stts' entry count 1000 is larger than its box",
    ),
    (
        "stco-count-above-table",
        |f| set(f, &format!("{VIDEO}/stco"), 4, 100_000),
        "start=10",
        500,
        "'stco' entry count 100000 is larger than its box",
    ),
    (
        "ctts-count-above-table",
        |f| set(f, &format!("{VIDEO}/ctts"), 4, 100_000),
        "start=10",
        500,
        "'ctts' entry count 100000 is larger than its box",
    ),
    (
        "stsc-first-chunk-repeated",
        |f| set(f, &format!("{VIDEO}/stsc"), 20, 1),
        "start=10",
        500,
        "stsc first_chunk 1 is not increasing (entry 1)",
    ),
    (
        "stsc-first-chunk-not-1",
        |f| set(f, &format!("{VIDEO}/stsc"), 8, 2),
        "start=10",
        500,
        "stsc first_chunk 2 is not increasing (entry 0)",
    ),
    (
        "mdhd-timescale-zero",
        |f| set(f, "moov/trak[0]/mdia/mdhd", 12, 0),
        "start=10",
        500,
        "mdhd timescale is zero",
    ),
    (
        "mvhd-timescale-zero",
        |f| set(f, "moov/mvhd", 12, 0),
        "start=10",
        500,
        "mvhd timescale is zero",
    ),
    (
        "mvhd-timescale-max",
        |f| set(f, "moov/mvhd", 12, u32::MAX),
        "start=10",
        500,
        "'mvhd' duration 128849018850 needs version 1",
    ),
    // Every track lasts a few microseconds and mvhd says 0: the start is past the end.
    (
        "mdhd-timescales-max",
        |f| {
            set(f, "moov/trak[0]/mdia/mdhd", 12, u32::MAX);
            set(f, "moov/trak[1]/mdia/mdhd", 12, u32::MAX);
            set(f, "moov/mvhd", 16, 0)
        },
        "start=10",
        400,
        "past the duration",
    ),
    (
        "size-0-inside-moov",
        |f| set_size(f, "moov/trak[0]/mdia/mdhd", 0),
        "start=10",
        500,
        "has size 0 (to the end of the file) inside another box",
    ),
    (
        "size-0-last-in-moov",
        |f| set_size(f, "moov/udta", 0),
        "start=10",
        500,
        "box 'udta' at ",
    ),
    (
        "size-1-shorter-than-header",
        |f| set_large(f, "moov/trak[0]/tkhd", 8),
        "start=10",
        500,
        "size 8 is smaller than its header",
    ),
    (
        "size-1-larger-than-parent",
        |f| set_large(f, "moov/trak[0]/tkhd", 1 << 40),
        "start=10",
        500,
        "size 1099511627776 is larger than the ",
    ),
    (
        "size-7",
        |f| set_size(f, &format!("{VIDEO}/stss"), 7),
        "start=10",
        500,
        "size 7 is smaller than its header",
    ),
    (
        "stts-larger-than-stbl",
        |f| set_size(f, &format!("{VIDEO}/stts"), 100_024),
        "start=10",
        500,
        "size 100024 is larger than the ",
    ),
    (
        "trak-larger-than-moov",
        |f| set_size(f, "moov/trak[1]", 1_000_000),
        "start=10",
        500,
        "size 1000000 is larger than the ",
    ),
    (
        "moov-larger-than-file",
        |f| set_size(f, "moov", 10_029_627),
        "start=10&end=20",
        500,
        "size 10029627 is larger than",
    ),
];

/// `(tag offset, data size)` of the first `n` tags of an FLV file.
fn flv_tags(file: &[u8], n: usize) -> Vec<(usize, usize)> {
    let mut at = 13;
    let mut out = Vec::new();
    while out.len() < n && at + 11 <= file.len() {
        let size = file[at + 1..at + 4]
            .iter()
            .fold(0usize, |a, &b| a << 8 | usize::from(b));
        out.push((at, size));
        at += 11 + size + 4;
    }
    out
}

/// Sets the 24-bit DataSize of tag number `n`.
fn set_tag_size(file: &mut [u8], n: usize, size: u32) {
    let (at, _) = flv_tags(file, n + 1)[n];
    file[at + 1..at + 4].copy_from_slice(&size.to_be_bytes()[1..]);
}

const FLV_CASES: &[Case] = &[
    (
        "meta-tag-past-eof",
        |f| set_tag_size(f, 0, 0xff_ffff),
        "start=5&units=s",
        500,
        "tag at byte 13: data size 16777215 runs past the end of the file",
    ),
    (
        "sequence-header-past-eof",
        |f| set_tag_size(f, 1, 0xff_ffff),
        "start=100000",
        500,
        "data size 16777215 runs past the end of the file",
    ),
    (
        "tag-cut-by-eof",
        |f| {
            let (at, _) = flv_tags(f, 1500)[1499];
            f.truncate(at + 20)
        },
        "start=5&end=30&units=s",
        500,
        "data size",
    ),
    (
        "header-offset-past-eof",
        |f| f[5..9].copy_from_slice(&0xffff_fff0u32.to_be_bytes()),
        "start=2&units=s",
        500,
        "header DataOffset 4294967280 points past the end of the file",
    ),
    (
        "not-flv",
        |f| f[0] = b'X',
        "start=100000",
        500,
        "not an FLV file",
    ),
];

/// Waits (up to 10 s) for `n` `end PID ...` lines from tcpsvd and returns their
/// endings (`exit 0`, or `signal N` for a death by signal).
pub fn process_ends(server: &Server, n: usize) -> Vec<String> {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let ends: Vec<String> = server
            .log_text()
            .lines()
            .filter_map(|l| l.strip_prefix("tcpsvd: info: end "))
            .map(|rest| rest.split_once(' ').map_or(rest, |(_, how)| how).to_owned())
            .collect();
        if ends.len() >= n || Instant::now() > deadline {
            return ends;
        }
        sleep(Duration::from_millis(10));
    }
}

/// Serves every case's patched copy of `source` as `<name>.<ext>` and judges it.
fn judge(name: &str, source: &str, ext: &str, cases: &[Case]) {
    let dir = TempDir::new(name);
    let original = std::fs::read(media(source)).unwrap_or_else(|e| panic!("{source}: {e}"));
    let root = dir.join("root");
    for (case, patch, ..) in cases {
        let mut file = original.clone();
        patch(&mut file);
        assert!(file != original, "{case}: the patch changed nothing");
        dir.write(&format!("root/{case}.{ext}"), &file);
    }
    let config = dir.config("stream.conf", Some(&root), "");
    let server = Server::stream(&dir, &config);
    for (case, _, query, status, words) in cases {
        let (r, line) = server.send_logged(&get(&format!("/{case}.{ext}?{query}")));
        assert_eq!(r.status, status.to_owned(), "{case}: {}", r.summary());
        r.complete();
        assert!(
            line.contains(&format!("\" {status} ")) && line.contains(words),
            "{case}: the log line does not name {words:?}: {line}"
        );
    }
    let ends = process_ends(&server, cases.len());
    assert_eq!(
        ends.len(),
        cases.len(),
        "tcpsvd log:\n{}",
        server.log_text()
    );
    assert!(
        ends.iter().all(|e| e == "exit 0"),
        "a streamer did not exit 0: {ends:?}"
    );
}

#[test]
fn corrupt_mp4_files_get_500_naming_the_defect() {
    judge("corrupt-mp4", "h264-aac.mp4", "mp4", MP4_CASES);
}

#[test]
fn corrupt_flv_files_get_500_naming_the_defect() {
    judge("corrupt-flv", "h264-aac-index.flv", "flv", FLV_CASES);
}

/// The pid of the `n`-th connection's process, from tcpsvd's `start PID ...` lines.
fn started_pid(server: &Server, n: usize) -> String {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let log = server.log_text();
        let pids: Vec<&str> = log
            .lines()
            .filter_map(|l| l.strip_prefix("tcpsvd: info: start ")?.split(' ').next())
            .collect();
        if let Some(pid) = pids.get(n) {
            return (*pid).to_owned();
        }
        assert!(Instant::now() < deadline, "no start line #{n}:\n{log}");
        sleep(Duration::from_millis(10));
    }
}

/// Every program installs the SIGBUS handler at start: a SIGBUS while it waits for
/// the request is logged and ends it with exit 111, and no response is invented (no
/// mapping was being read). See `crates/docroot/src/sigbus.rs` for the truncated map.
#[test]
fn sigbus_is_logged_and_the_process_exits_111() {
    let dir = TempDir::new("sigbus");
    // A long request timeout: a slow test machine must not turn the wait into a 408.
    let config = dir.config(
        "stream.conf",
        Some(&dir.join("root")),
        "request_timeout = 3600\n",
    );
    for program in ["loomiere-stream", "loomiere-mp4"] {
        let server = crate::support::server::Spec::new(program)
            .args(["--config".into(), config.clone().into()])
            .start(&dir);
        let mut client = crate::support::client::connect(server.port);
        let pid = started_pid(&server, 0);
        wait_catching_sigbus(&pid, program);
        let kill = std::process::Command::new("kill")
            .args(["-BUS", &pid])
            .status()
            .expect("run kill");
        assert!(kill.success(), "kill -BUS {pid}");
        let mut rest = Vec::new();
        std::io::Read::read_to_end(&mut client, &mut rest).expect("read to EOF");
        assert!(
            rest.is_empty(),
            "{program}: answered {:?}",
            String::from_utf8_lossy(&rest)
        );
        assert_eq!(process_ends(&server, 1), ["exit 111"], "{program}");
        let fatal = format!("{program}: fatal: source file changed under us (SIGBUS)");
        assert!(
            server.log_text().lines().any(|l| l == fatal),
            "{program}: no {fatal:?} in\n{}",
            server.log_text()
        );
    }
}

/// Waits until process `pid` runs `program` and catches SIGBUS (`SigCgt` in
/// /proc/PID/status has bit 7 - 1), so the signal cannot arrive before the handler.
fn wait_catching_sigbus(pid: &str, program: &str) {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let exe = std::fs::read_link(format!("/proc/{pid}/exe")).unwrap_or_default();
        let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
        let caught = status
            .lines()
            .find_map(|l| l.strip_prefix("SigCgt:"))
            .and_then(|m| u64::from_str_radix(m.trim(), 16).ok());
        if exe.ends_with(program) && caught.is_some_and(|m| m & (1 << 6) != 0) {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "{program} (pid {pid}) never caught SIGBUS: {status}"
        );
        sleep(Duration::from_millis(5));
    }
}

/// `loomiere probe` gives each corrupt file the streamer's verdict: where the
/// streamer answers 500 (a broken file), the probe exits 1 naming the same defect in
/// the same words; where it answers 400 (a seek the file cannot give), the probe
/// still reports (exit 0 or 1, never a crash), as its seek is another one.
/// Regression for the probe's purpose: it must not call a film fine that the
/// streamers refuse.
#[test]
fn probe_names_the_defects_the_streamers_name() {
    let dir = TempDir::new("corrupt-probe");
    for (source, ext, cases) in [
        ("h264-aac.mp4", "mp4", MP4_CASES),
        ("h264-aac-index.flv", "flv", FLV_CASES),
    ] {
        let original = std::fs::read(media(source)).unwrap_or_else(|e| panic!("{source}: {e}"));
        for (case, patch, _, status, words) in cases {
            let mut file = original.clone();
            patch(&mut file);
            let path = dir.write(&format!("{case}.{ext}"), &file);
            let out =
                crate::admin::loomiere(["probe".as_ref(), "--json".as_ref(), path.as_os_str()]);
            let (stdout, stderr) = crate::admin::texts(&out);
            assert!(
                matches!(out.status.code(), Some(0 | 1)),
                "{case}: probe ended with {} {stderr}",
                out.status
            );
            if *status != 500 {
                continue;
            }
            assert_eq!(out.status.code(), Some(1), "{case}: {stdout}");
            let words = words
                .trim_start_matches("mp4 defect: ")
                .trim_start_matches("flv defect: ");
            // The numbers may differ: the probe cuts from the middle, not at the case's start.
            assert!(
                masked(&stdout).contains(&masked(words)),
                "{case}: probe does not say {words:?}: {stdout}"
            );
        }
    }
}

/// `s` with every run of digits replaced by `N`.
fn masked(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if !c.is_ascii_digit() {
            out.push(c);
        } else if !out.ends_with('N') {
            out.push('N');
        }
    }
    out
}
