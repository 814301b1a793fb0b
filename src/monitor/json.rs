//! `GET /status.json`: every open stream and the global counters, as one JSON object
//! (RFC 8259):
//!
//! ```text
//! {"now": 1700000000.123, "slots": {"total": 4096, "used": 1},
//!  "streams": [{"pid": 4242, "remote": "192.0.2.1", "vhost": "example.com",
//!    "request": "/a.mp4?start=10", "streamer": "mp4", "state": "throttled",
//!    "status": 200, "started": 1700000000.000, "body_bytes": 1000, "sent_bytes": 400}],
//!  "requests": {"mp4": {"200": 3, "404": 1}}, "sent_bytes": 4000, "saved_bytes": 600,
//!  "ends": {"client-closed": 1, "send-timeout": 0, "request-timeout": 0}}
//! ```
//!
//! Times are Unix seconds with milliseconds; `requests` lists only non-zero counts.

use super::view::{code_label, seconds, View};
use loomiere_scoreboard::{Stream, END_REASONS, STREAMERS};
use std::fmt::Write;

/// The JSON of `view`.
pub fn render(view: &View) -> String {
    let mut out = String::with_capacity(256 + view.streams.len() * 256);
    let _ = write!(
        out,
        "{{\"now\":{},\"slots\":{{\"total\":{},\"used\":{}}},\"streams\":[",
        seconds(view.now_ms),
        view.slots,
        view.streams.len()
    );
    for (i, s) in view.streams.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        stream(&mut out, s);
    }
    out.push_str("],\"requests\":{");
    let c = &view.counters;
    let mut first = true;
    for (s, row) in c.requests.iter().enumerate() {
        if row.iter().all(|n| *n == 0) {
            continue;
        }
        if !first {
            out.push(',');
        }
        first = false;
        let _ = write!(out, "\"{}\":{{", STREAMERS[s]);
        let counts: Vec<String> = (0..row.len())
            .filter(|col| row[*col] != 0)
            .map(|col| format!("\"{}\":{}", code_label(col), row[col]))
            .collect();
        out.push_str(&counts.join(","));
        out.push('}');
    }
    let _ = write!(
        out,
        "}},\"sent_bytes\":{},\"saved_bytes\":{},\"ends\":{{",
        c.sent_bytes, c.saved_bytes
    );
    let ends: Vec<String> = END_REASONS
        .iter()
        .zip(c.ends)
        .map(|(r, n)| format!("\"{}\":{n}", r.name()))
        .collect();
    out.push_str(&ends.join(","));
    out.push_str("}}\n");
    out
}

/// One stream's object.
fn stream(out: &mut String, s: &Stream) {
    let _ = write!(out, "{{\"pid\":{},\"remote\":", s.pid);
    string(out, &s.remote);
    out.push_str(",\"vhost\":");
    string(out, &s.vhost);
    out.push_str(",\"request\":");
    string(out, &s.target);
    let _ = write!(
        out,
        ",\"streamer\":\"{}\",\"state\":\"{}\",\"status\":{},\"started\":{},\"body_bytes\":{},\"sent_bytes\":{}}}",
        STREAMERS[s.streamer.min(STREAMERS.len() - 1)],
        s.state.name(),
        s.status,
        seconds(s.started_ms),
        s.planned,
        s.sent
    );
}

/// `text` as a JSON string (RFC 8259 §7): quote, backslash and control characters
/// escaped.
pub fn string(out: &mut String, text: &str) {
    out.push('"');
    for ch in text.chars() {
        match ch {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if (c as u32) < 0x20 || c == '\u{7f}' => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}
