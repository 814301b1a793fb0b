//! `loomiere status [--watch SECONDS]`: the open streams and the totals, from the
//! streamers' scoreboard (config key `scoreboard`), once or, like top(1), again
//! every SECONDS with the screen cleared on a terminal.

use crate::board::{self, bytes, Reading, Row};
use crate::cli::Status;
use crate::runtime;
use std::fmt::Write as _;
use std::io::{IsTerminal, Write};
use std::process::ExitCode;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// Runs `status`. Exit 1 when there is no usable scoreboard (with the reason).
pub fn run(args: &Status) -> ExitCode {
    let (path, explicit) = runtime::default_path(args.config.config.as_deref());
    let loaded = match runtime::load(&path, explicit) {
        Ok(l) => l,
        Err(f) => return crate::exit::fail("status", &f.text),
    };
    let Some(board) = loaded.scoreboard() else {
        return crate::exit::fail("status", "scoreboard = off: the streamers keep none");
    };
    let tty = std::io::stdout().is_terminal();
    loop {
        let reading = match board::read(board) {
            Ok(r) => r,
            Err(e) => {
                let why = format!("no scoreboard at {}: {e}", board.display());
                return crate::exit::fail("status", &why);
            }
        };
        let mut out = String::new();
        if tty && args.watch.is_some() {
            out.push_str("\x1b[H\x1b[2J");
        }
        render(&mut out, &board.display().to_string(), &reading, now_ms());
        let mut stdout = std::io::stdout().lock();
        if stdout
            .write_all(out.as_bytes())
            .and_then(|()| stdout.flush())
            .is_err()
        {
            return ExitCode::SUCCESS;
        }
        match args.watch {
            Some(every) => std::thread::sleep(every.max(Duration::from_millis(100))),
            None => return ExitCode::SUCCESS,
        }
    }
}

/// The totals line and one line per open stream, oldest first.
fn render(out: &mut String, path: &str, r: &Reading, now_ms: u64) {
    let ends: Vec<String> = r.ends.iter().map(|(n, c)| format!("{n} {c}")).collect();
    let _ = writeln!(
        out,
        "{path}: {} open of {} slots{}; {} requests; sent {}, saved {}; {}",
        r.rows.len(),
        r.slots,
        match r.reclaimed {
            0 => String::new(),
            n => format!(" ({n} left by dead processes, freed)"),
        },
        r.requests,
        bytes(r.sent_bytes),
        bytes(r.saved_bytes),
        ends.join(", ")
    );
    let _ = writeln!(
        out,
        "{:>7} {:<9} {:>6} {:<8} {:>10} {:>10} {:>4} {:>6}  {:<15} REQUEST",
        "PID", "STATE", "STATUS", "STREAMER", "SENT", "PLANNED", "%", "AGE", "CLIENT"
    );
    let mut rows: Vec<&Row> = r.rows.iter().collect();
    rows.sort_by_key(|s| (s.started_ms, s.pid));
    for s in rows {
        let done = s
            .sent
            .saturating_mul(100)
            .checked_div(s.planned)
            .unwrap_or(0);
        let age = now_ms.saturating_sub(s.started_ms) / 1000;
        let host = if s.vhost.is_empty() {
            String::new()
        } else {
            format!("{} ", s.vhost)
        };
        let _ = writeln!(
            out,
            "{:>7} {:<9} {:>6} {:<8} {:>10} {:>10} {:>4} {:>5}s  {:<15} {host}{}",
            s.pid,
            s.state,
            s.status,
            s.streamer,
            bytes(s.sent),
            bytes(s.planned),
            done.min(100),
            age,
            s.remote,
            s.target.escape_debug()
        );
    }
}

/// Wall time now, Unix milliseconds.
fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as u64)
}
