//! The report on an MP4 film: its facts, and the verdicts of the `?start=` cut and of
//! HLS, planned as the streamers plan them ([`crate::mp4`]).

use super::report::{Container, Report, Track, Verdict};
use crate::mp4::{self, Mp4Film, TrackFacts};

/// Reports on the MP4 film `bytes`, named `name`.
pub fn report(name: String, bytes: &[u8]) -> Report {
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
    r.duration_s = Some(facts.duration_s);
    r.tracks = facts.tracks.iter().enumerate().map(track).collect();
    r.start = Some(Verdict::of(mp4::cut_verdict(bytes, &facts).map(|()| None)));
    r.hls = Some(Verdict::of(hls(bytes, &facts)));
    if facts.fragmented {
        r.notes
            .push("fragmented: the tracks' samples are in moof fragments, not listed".into());
    }
    r
}

/// The HLS verdict, with what it offers.
fn hls(bytes: &[u8], facts: &Mp4Film) -> Result<Option<String>, String> {
    let h = mp4::hls_verdict(bytes, facts)?;
    Ok(Some(format!(
        "renditions {}; {} segments of about {} s",
        h.renditions.join(", "),
        h.segments,
        mp4::SEGMENT_MS / 1000
    )))
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
