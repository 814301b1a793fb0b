//! The DASH MPD (ISO/IEC 23009-1): a static presentation of one `Period`, one
//! `AdaptationSet` for video and one per audio language, each `Representation` with a
//! `SegmentTemplate` whose `SegmentTimeline` (§5.3.9.6) lists the same CMAF segments
//! the HLS playlists name, so one cached copy serves both.

use crate::hls::target_duration;
use crate::model::{ms, seconds, Track};
use crate::names::{Kind, Name, Rendition};
use std::fmt::Write;

/// The MPD of `tracks`.
pub fn mpd(tracks: &[Track]) -> String {
    let duration = tracks
        .iter()
        .map(|t| ms(t.duration(), t.timescale))
        .max()
        .unwrap_or(0);
    let buffer = tracks.iter().map(target_duration).max().unwrap_or(1);
    let mut s = String::with_capacity(1024);
    s.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        s,
        "<MPD xmlns=\"urn:mpeg:dash:schema:mpd:2011\" profiles=\"urn:mpeg:dash:profile:isoff-live:2011\" \
         type=\"static\" mediaPresentationDuration=\"PT{}S\" minBufferTime=\"PT{buffer}S\">",
        seconds(duration)
    );
    s.push_str("  <Period id=\"1\" start=\"PT0S\">\n");
    for (id, set) in adaptation_sets(tracks).iter().enumerate() {
        adaptation_set(&mut s, id + 1, set);
    }
    s.push_str("  </Period>\n</MPD>\n");
    s
}

/// The renditions grouped as adaptation sets: all video in one, audio by language, in
/// the order the film has them.
fn adaptation_sets(tracks: &[Track]) -> Vec<Vec<&Track>> {
    let mut sets: Vec<Vec<&Track>> = Vec::new();
    for t in tracks {
        let same = |s: &&mut Vec<&Track>| {
            s[0].rendition.kind == t.rendition.kind
                && (t.rendition.kind == Kind::Video || s[0].language == t.language)
        };
        match sets.iter_mut().find(same) {
            Some(set) => set.push(t),
            None => sets.push(vec![t]),
        }
    }
    sets
}

/// One `AdaptationSet` (§5.3.3) and its representations.
fn adaptation_set(s: &mut String, id: usize, set: &[&Track]) {
    let first = set[0];
    let (kind, mime) = match first.rendition.kind {
        Kind::Video => ("video", "video/mp4"),
        Kind::Audio => ("audio", "audio/mp4"),
    };
    let _ = write!(
        s,
        "    <AdaptationSet id=\"{id}\" contentType=\"{kind}\" mimeType=\"{mime}\""
    );
    if let Some(lang) = &first.language {
        let _ = write!(s, " lang=\"{}\"", xml(lang));
    }
    s.push_str(" segmentAlignment=\"true\" startWithSAP=\"1\">\n");
    if first.rendition.kind == Kind::Audio && first.rendition.number == 1 {
        s.push_str("      <Role schemeIdUri=\"urn:mpeg:dash:role:2011\" value=\"main\"/>\n");
    }
    for t in set {
        representation(s, t);
    }
    s.push_str("    </AdaptationSet>\n");
}

/// One `Representation` (§5.3.5) with its `SegmentTemplate`.
fn representation(s: &mut String, t: &Track) {
    let r = t.rendition;
    let _ = write!(
        s,
        "      <Representation id=\"{r}\" bandwidth=\"{}\"",
        t.peak_bandwidth(target_duration(t))
    );
    if let Some(c) = &t.codecs {
        let _ = write!(s, " codecs=\"{}\"", xml(c));
    }
    match r.kind {
        Kind::Video => {
            if t.width > 0 && t.height > 0 {
                let _ = write!(s, " width=\"{}\" height=\"{}\"", t.width, t.height);
            }
            if let Some((n, d)) = t.frame_rate.filter(|f| f.0 > 0 && f.1 > 0) {
                let _ = write!(s, " frameRate=\"{}\"", frame_rate(n, d));
            }
            s.push_str(">\n");
        }
        Kind::Audio => {
            if t.sample_rate > 0 {
                let _ = write!(s, " audioSamplingRate=\"{}\"", t.sample_rate);
            }
            s.push_str(">\n");
            if t.channels > 0 {
                let _ = writeln!(
                    s,
                    "        <AudioChannelConfiguration schemeIdUri=\"urn:mpeg:dash:23003:3:audio_channel_configuration:2011\" value=\"{}\"/>",
                    t.channels
                );
            }
        }
    }
    segment_template(s, t, r);
    s.push_str("      </Representation>\n");
}

/// `SegmentTemplate` with `$Number$` from 1 and a `SegmentTimeline` whose runs of equal
/// durations are one `S` with `@r` (§5.3.9.6).
fn segment_template(s: &mut String, t: &Track, r: Rendition) {
    let _ = writeln!(
        s,
        "        <SegmentTemplate timescale=\"{}\" presentationTimeOffset=\"{}\" initialization=\"{}\" media=\"seg-$Number$-{r}.m4s\" startNumber=\"1\">",
        t.timescale,
        t.origin,
        Name::Init(r)
    );
    s.push_str("          <SegmentTimeline>\n");
    let mut i = 0;
    while i < t.segments.len() {
        let seg = t.segments[i];
        let run = t.segments[i..]
            .iter()
            .take_while(|x| x.duration == seg.duration)
            .count();
        s.push_str("            <S");
        // Segments follow each other: only the first (or one after a gap) needs @t.
        if i == 0 || t.segments[i - 1].start + t.segments[i - 1].duration != seg.start {
            let _ = write!(s, " t=\"{}\"", seg.start);
        }
        let _ = write!(s, " d=\"{}\"", seg.duration);
        if run > 1 {
            let _ = write!(s, " r=\"{}\"", run - 1);
        }
        s.push_str("/>\n");
        i += run;
    }
    s.push_str("          </SegmentTimeline>\n        </SegmentTemplate>\n");
}

/// `@frameRate` (§5.3.12.2, FrameRateType): `N` or `N/D` in lowest terms.
fn frame_rate(n: u64, d: u64) -> String {
    let g = gcd(n, d);
    match (n / g, d / g) {
        (n, 1) => n.to_string(),
        (n, d) => format!("{n}/{d}"),
    }
}

fn gcd(a: u64, b: u64) -> u64 {
    if b == 0 {
        a.max(1)
    } else {
        gcd(b, a % b)
    }
}

/// Text for an XML attribute value: `&`, `<`, `>` and `"` escaped.
fn xml(v: &str) -> String {
    let mut out = String::with_capacity(v.len());
    for c in v.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Segment;

    fn track(kind: Kind, number: u32, lang: Option<&str>, starts: &[(u64, u64)]) -> Track {
        let segments = starts
            .iter()
            .map(|&(start, duration)| Segment {
                start,
                duration,
                bytes: 500,
            })
            .collect();
        Track {
            rendition: Rendition { kind, number },
            timescale: 1000,
            language: lang.map(str::to_owned),
            segments,
            ..Track::default()
        }
    }

    #[test]
    fn timeline_runs_collapse_and_gaps_restate_the_time() {
        let v = track(
            Kind::Video,
            1,
            None,
            &[
                (80, 6000),
                (6080, 6000),
                (12080, 6000),
                (18080, 2000),
                (30000, 10),
            ],
        );
        let m = mpd(&[v]);
        let want = "<S t=\"80\" d=\"6000\" r=\"2\"/>\n            <S d=\"2000\"/>\n            <S t=\"30000\" d=\"10\"/>";
        assert!(m.contains(want), "{m}");
        assert!(m.contains("presentationTimeOffset=\"0\" initialization=\"init-v1.mp4\" media=\"seg-$Number$-v1.m4s\""));
        assert!(m.contains("mediaPresentationDuration=\"PT20.010S\""), "{m}");
    }

    #[test]
    fn audio_sets_split_by_language_and_values_are_escaped() {
        let v = track(Kind::Video, 1, None, &[(0, 1000)]);
        let a1 = track(Kind::Audio, 1, Some("eng"), &[(0, 1000)]);
        let a2 = track(Kind::Audio, 2, Some("fra"), &[(0, 1000)]);
        let a3 = track(Kind::Audio, 3, Some("eng"), &[(0, 1000)]);
        let mut a4 = track(Kind::Audio, 4, Some("a\"<&"), &[(0, 1000)]);
        a4.codecs = Some("x&y".into());
        let m = mpd(&[v, a1, a2, a3, a4]);
        assert_eq!(m.matches("<AdaptationSet").count(), 4, "{m}");
        assert_eq!(m.matches("lang=\"eng\"").count(), 1);
        assert!(
            m.contains("lang=\"a&quot;&lt;&amp;\"") && m.contains("codecs=\"x&amp;y\""),
            "{m}"
        );
        assert_eq!(frame_rate(30000, 1001), "30000/1001");
        assert_eq!(frame_rate(50, 2), "25");
    }
}
