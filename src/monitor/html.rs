//! `GET /status`: the scoreboard as a page a person reads: the totals, the bandwidth
//! saved, and one row per open stream with its progress as a bar (bytes sent of
//! planned). It reloads itself every 2 seconds (`<meta http-equiv="refresh">`), with
//! no script and no font or style from elsewhere.

use super::view::{code_label, seconds, View, VERSION};
use loomiere_scoreboard::names::human_bytes as bytes;
use loomiere_scoreboard::{END_REASONS, STREAMERS};
use std::fmt::Write;

/// Seconds between two reloads of the page.
pub const REFRESH_SECONDS: u32 = 2;

const STYLE: &str = "body{font:14px/1.4 system-ui,sans-serif;margin:1.5em;color:#222}\
table{border-collapse:collapse;width:100%}td,th{padding:2px 8px;text-align:left;\
border-bottom:1px solid #ddd;white-space:nowrap}td.n{text-align:right}\
.bar{width:160px;height:10px;background:#eee;display:inline-block;vertical-align:middle}\
.bar i{display:block;height:100%;background:#3a7}.t{overflow:hidden;max-width:30em;\
text-overflow:ellipsis}dl{display:grid;grid-template-columns:max-content auto;gap:2px 1em}";

/// The page for `view`.
pub fn render(view: &View) -> String {
    let mut out = String::with_capacity(2048 + view.streams.len() * 400);
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
<meta http-equiv=\"refresh\" content=\"{REFRESH_SECONDS}\"><title>Loomiere status</title>\
<style>{STYLE}</style></head><body>\n<h1>Loomiere status</h1>\n"
    );
    totals(&mut out, view);
    streams(&mut out, view);
    let _ = write!(
        out,
        "<p>loomiere-monitor {VERSION}, read at {} (Unix seconds); reloads every {REFRESH_SECONDS} s.</p>\n</body></html>\n",
        seconds(view.now_ms)
    );
    out
}

/// The totals: streams open, requests by status, bytes sent and saved, early ends.
fn totals(out: &mut String, view: &View) {
    let c = &view.counters;
    let saved_share = percent(c.saved_bytes, c.saved_bytes.saturating_add(c.sent_bytes));
    let _ = write!(
        out,
        "<dl><dt>Open streams</dt><dd>{} of {} slots</dd>\
<dt>Requests</dt><dd>{}</dd><dt>Sent</dt><dd>{}</dd>\
<dt>Bandwidth saved</dt><dd><b>{}</b> ({saved_share:.1} % of what was planned): \
viewers who left before the end</dd>",
        view.streams.len(),
        view.slots,
        view.requests(),
        bytes(c.sent_bytes),
        bytes(c.saved_bytes),
    );
    let ends: Vec<String> = END_REASONS
        .iter()
        .zip(c.ends)
        .map(|(r, n)| format!("{} {n}", r.name()))
        .collect();
    let _ = write!(out, "<dt>Early ends</dt><dd>{}</dd>", ends.join(", "));
    let mut codes = vec![0u64; c.requests[0].len()];
    for row in &c.requests {
        for (col, n) in row.iter().enumerate() {
            codes[col] += n;
        }
    }
    let by_code: Vec<String> = codes
        .iter()
        .enumerate()
        .filter(|(_, n)| **n != 0)
        .map(|(col, n)| format!("{} × {n}", code_label(col)))
        .collect();
    let _ = writeln!(
        out,
        "<dt>By status</dt><dd>{}</dd></dl>",
        by_code.join(", ")
    );
}

/// The table of open streams, oldest first.
fn streams(out: &mut String, view: &View) {
    out.push_str(
        "<table><tr><th>pid</th><th>client</th><th>host</th><th>request</th><th>streamer</th>\
<th>state</th><th>status</th><th>for</th><th>progress</th><th>sent</th><th>of</th></tr>\n",
    );
    let mut rows: Vec<_> = view.streams.iter().collect();
    rows.sort_by_key(|s| (s.started_ms, s.pid));
    for s in rows {
        let done = percent(s.sent, s.planned);
        let age = view.now_ms.saturating_sub(s.started_ms) / 1000;
        let _ = write!(out, "<tr><td class=n>{}</td><td>", s.pid);
        escape(out, &s.remote);
        out.push_str("</td><td>");
        escape(out, &s.vhost);
        out.push_str("</td><td class=t>");
        escape(out, &s.target);
        let _ = writeln!(
            out,
            "</td><td>{}</td><td>{}</td><td class=n>{}</td><td class=n>{age} s</td>\
<td><span class=bar title=\"{done:.0} %\"><i style=\"width:{done:.1}%\"></i></span> {done:.0} %</td>\
<td class=n>{}</td><td class=n>{}</td></tr>",
            STREAMERS[s.streamer.min(STREAMERS.len() - 1)],
            s.state.name(),
            s.status,
            bytes(s.sent),
            bytes(s.planned),
        );
    }
    out.push_str("</table>\n");
}

/// `part` of `whole` in percent, 0 when `whole` is 0, at most 100.
fn percent(part: u64, whole: u64) -> f64 {
    if whole == 0 {
        return 0.0;
    }
    (part as f64 * 100.0 / whole as f64).min(100.0)
}

/// `text` with `&`, `<`, `>`, `"` and `'` as character references (HTML §13.1.4).
fn escape(out: &mut String, text: &str) {
    for ch in text.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
}
