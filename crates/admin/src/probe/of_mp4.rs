//! The report on an MP4 film: its facts, and the verdicts of the `?start=` cut and of
//! HLS, planned as the streamers plan them ([`crate::mp4`]).

use super::report::{Container, Rendition, Report, Track, Verdict};
use crate::mp4::{self, TrackFacts};

/// Reports on the MP4 film `bytes`, named `name`, with HLS segments of `segment_ms`
/// milliseconds.
pub fn report(name: String, bytes: &[u8], segment_ms: u64) -> Report {
    let mut r = Report::new(name, Container::Mp4);
    let facts = match mp4::facts(bytes) {
        Ok(f) => f,
        Err(e) => {
            r.error = Some(e);
            return r;
        }
    };
    r.moov = Some(if facts.moov_first { "start" } else { "end" });
    r.fragmented = Some(facts.fragmented);
    // A fragmented film's moov often says 0 (its samples are in the fragments).
    r.duration_s = Some(facts.duration_s).filter(|&d| !facts.fragmented || d > 0.0);
    r.tracks = facts.tracks.iter().enumerate().map(track).collect();
    r.start = Some(Verdict::of(mp4::cut_verdict(bytes, &facts).map(|()| None)));
    let hls = mp4::hls_verdict(bytes, &facts, segment_ms);
    if let Ok(renditions) = &hls {
        r.hls_renditions = renditions
            .iter()
            .map(|(name, segments)| Rendition {
                name: name.clone(),
                segments: *segments,
            })
            .collect();
    }
    r.hls = Some(Verdict::of(hls.map(|h| Some(summary(&h, segment_ms)))));
    if facts.fragmented {
        r.notes
            .push("fragmented: the tracks' samples are in moof fragments, not listed".into());
    }
    r
}

/// What HLS offers, in words: `renditions v1, a1; 7 segments of about 6 s`.
fn summary(h: &mp4::Hls, segment_ms: u64) -> String {
    let names: Vec<&str> = h.iter().map(|(n, _)| n.as_str()).collect();
    let segments = h.first().map_or(0, |(_, n)| *n);
    format!(
        "renditions {}; {segments} segments of about {} s",
        names.join(", "),
        segment_ms as f64 / 1000.0
    )
}

/// Track `i` (0-based).
fn track((i, t): (usize, &TrackFacts)) -> Track {
    Track {
        number: i + 1,
        kind: kind(&t.handler),
        handler: Some(fourcc(&t.handler)),
        format: fourcc(&t.sample_entry),
        codec: t.codec.clone(),
        language: t.language.clone(),
        language_tag: t.language_tag.clone(),
        duration_s: Some(t.duration_s),
        samples: u64::from(t.samples),
        sync_samples: u64::from(t.sync_samples),
        key_frame_interval_s: t.key_frame_interval.map(Into::into),
    }
}

/// The kind of a handler type (ISO/IEC 14496-12 §8.4.3, §12).
fn kind(handler: &[u8; 4]) -> &'static str {
    match handler {
        b"vide" | b"auxv" | b"pict" => "video",
        b"soun" => "audio",
        b"sbtl" | b"text" | b"subt" | b"clcp" => "subtitle",
        _ => "other",
    }
}

/// A four-character code as text (non-printable bytes escaped).
fn fourcc(code: &[u8; 4]) -> String {
    code.escape_ascii().to_string()
}
