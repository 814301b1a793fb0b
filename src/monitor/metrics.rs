//! `GET /metrics`: the Prometheus text exposition format, version 0.0.4 (Prometheus
//! "Exposition formats"): a `# HELP` and a `# TYPE` line for every family, names with
//! the `loomiere_` prefix in base units (bytes), counters ending in `_total`.

use super::view::{code_label, View, VERSION};
use loomiere_scoreboard::{END_REASONS, STATES, STREAMERS};
use std::fmt::Write;

/// The `Content-Type` of the format.
pub const CONTENT_TYPE: &str = "text/plain; version=0.0.4; charset=utf-8";

/// The metrics of `view`.
pub fn render(view: &View) -> String {
    let mut out = String::with_capacity(16 * 1024);
    let c = &view.counters;
    family(
        &mut out,
        "requests_total",
        "counter",
        "Requests answered, by streamer and status code.",
    );
    for (s, row) in c.requests.iter().enumerate() {
        for (col, n) in row.iter().enumerate() {
            let labels = format!("streamer=\"{}\",code=\"{}\"", STREAMERS[s], code_label(col));
            sample(&mut out, "requests_total", &labels, *n);
        }
    }
    family(&mut out, "sent_bytes_total", "counter", "Body bytes sent.");
    sample(&mut out, "sent_bytes_total", "", c.sent_bytes);
    family(
        &mut out,
        "saved_bytes_total",
        "counter",
        "Body bytes planned but never sent because the viewer left (client closed, send timeout).",
    );
    sample(&mut out, "saved_bytes_total", "", c.saved_bytes);
    family(
        &mut out,
        "streams",
        "gauge",
        "Streams open now, by streamer and state.",
    );
    for (s, row) in view.open_by_state().iter().enumerate() {
        for (i, n) in row.iter().enumerate() {
            let labels = format!(
                "streamer=\"{}\",state=\"{}\"",
                STREAMERS[s],
                STATES[i].name()
            );
            sample(&mut out, "streams", &labels, *n);
        }
    }
    family(
        &mut out,
        "stream_ends_total",
        "counter",
        "Exchanges that ended early, by reason.",
    );
    for (r, n) in END_REASONS.iter().zip(c.ends) {
        sample(
            &mut out,
            "stream_ends_total",
            &format!("reason=\"{}\"", r.name()),
            n,
        );
    }
    family(
        &mut out,
        "scoreboard_slots",
        "gauge",
        "Scoreboard slots, by state (used, free).",
    );
    let used = view.streams.len() as u64;
    sample(&mut out, "scoreboard_slots", "state=\"used\"", used);
    let free = (view.slots as u64).saturating_sub(used);
    sample(&mut out, "scoreboard_slots", "state=\"free\"", free);
    family(
        &mut out,
        "build_info",
        "gauge",
        "Always 1: the version of loomiere-monitor.",
    );
    sample(&mut out, "build_info", &format!("version=\"{VERSION}\""), 1);
    out
}

/// The `# HELP` and `# TYPE` lines of `loomiere_<name>`.
fn family(out: &mut String, name: &str, kind: &str, help: &str) {
    let _ = writeln!(
        out,
        "# HELP loomiere_{name} {help}\n# TYPE loomiere_{name} {kind}"
    );
}

/// One sample line of `loomiere_<name>` with `labels` (already formatted).
fn sample(out: &mut String, name: &str, labels: &str, value: u64) {
    if labels.is_empty() {
        let _ = writeln!(out, "loomiere_{name} {value}");
    } else {
        let _ = writeln!(out, "loomiere_{name}{{{labels}}} {value}");
    }
}
