//! The human output of `loomiere probe`: a paragraph a film.

use super::report::{Container, Interval, Report, Track, Verdict};
use std::fmt::Write;

/// The paragraph for `r`.
pub fn text(r: &Report) -> String {
    let mut out = format!("{}: {}", r.film, container(r.container));
    if let Some(e) = &r.error {
        let _ = writeln!(out, ": {e}");
        return out;
    }
    if let Some(m) = r.moov {
        let _ = write!(out, ", moov at the {m}");
    }
    match r.fragmented {
        Some(true) => out.push_str(", fragmented"),
        Some(false) => out.push_str(", not fragmented"),
        None => {}
    }
    if let Some(d) = r.duration_s {
        let _ = write!(out, ", {d:.3} s");
    }
    out.push('\n');
    if let Some(k) = r.keyframes_index {
        let why = r.keyframes_index_problem.as_deref().unwrap_or_default();
        let sep = if why.is_empty() { "" } else { ": " };
        let _ = writeln!(out, "  keyframes index: {k}{sep}{why}");
    }
    for t in &r.tracks {
        let _ = writeln!(out, "  {}", track(t));
    }
    if let Some(v) = &r.start {
        let _ = writeln!(out, "  ?start=: {}", verdict(v));
    }
    match &r.hls {
        Some(v) => {
            let _ = writeln!(out, "  HLS: {}", verdict(v));
        }
        None if r.container == Container::Flv => {
            out.push_str("  HLS: not for FLV (segments are cut from MP4 files)\n");
        }
        None => {}
    }
    if let Some(off) = &r.start_off {
        let _ = writeln!(out, "  ?start= is off for it: {off}");
    }
    if let Some(off) = &r.hls_off {
        let _ = writeln!(out, "  HLS is off for it: {off}");
    }
    for n in &r.notes {
        let _ = writeln!(out, "  note: {n}");
    }
    out
}

fn container(c: Container) -> &'static str {
    match c {
        Container::Mp4 => "MP4",
        Container::Flv => "FLV",
        Container::Other => "not MP4 or FLV",
    }
}

/// `track 1: video avc1 avc1.64000d, und, 40.000 s, 1000 samples, 20 key frames every 2.000 s`.
fn track(t: &Track) -> String {
    let mut s = format!("track {}: {} {}", t.number, t.kind, t.format);
    if let Some(c) = &t.codec {
        let _ = write!(s, " {c}");
    }
    match (&t.language, &t.language_tag) {
        (Some(l), Some(tag)) if l != tag => {
            let _ = write!(s, ", language {l} ({tag})");
        }
        (Some(l), _) => {
            let _ = write!(s, ", language {l}");
        }
        _ => {}
    }
    if let Some(d) = t.duration_s {
        let _ = write!(s, ", {d:.3} s");
    }
    let _ = write!(s, ", {} samples", t.samples);
    if t.sync_samples == t.samples {
        s.push_str(", every one a key frame");
        return s;
    }
    let _ = write!(s, ", {} key frames", t.sync_samples);
    if let Some(i) = t.key_frame_interval_s {
        s.push_str(&interval(i));
    }
    s
}

/// `, key frames every 2.000 s` or `, key-frame interval 0.400/2.000/2.000 s (min/median/max)`.
fn interval(i: Interval) -> String {
    if i.min == i.max {
        format!(", key frames every {:.3} s", i.min)
    } else {
        format!(
            ", key-frame interval {:.3}/{:.3}/{:.3} s (min/median/max)",
            i.min, i.median, i.max
        )
    }
}

fn verdict(v: &Verdict) -> String {
    match (v.ok, &v.reason, &v.detail) {
        (true, _, Some(d)) => format!("yes ({d})"),
        (true, _, None) => "yes".into(),
        (false, Some(r), _) => format!("no: {r}"),
        (false, None, _) => "no".into(),
    }
}
