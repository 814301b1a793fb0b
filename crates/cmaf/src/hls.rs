//! HLS playlists (RFC 8216) for CMAF renditions: the multivariant playlist (§4.3.4)
//! and one media playlist per rendition (§4.3.3), VOD, with relative URIs so they work
//! behind any host or CDN name.

use crate::model::{ms, seconds, Track};
use crate::names::{Kind, Name};
use std::fmt::Write;

/// `EXT-X-VERSION`: 6, the version `EXT-X-MAP` in a media playlist needs (§7).
pub const VERSION: u32 = 6;

/// EXTINF durations in milliseconds, each the difference of the rounded running totals
/// so that they add up to the rendition's duration within a millisecond (§4.3.2.1).
pub fn extinf_ms(t: &Track) -> Vec<u64> {
    let mut total = 0u64;
    let mut prev = 0u64;
    t.segments
        .iter()
        .map(|s| {
            total += s.duration;
            let now = ms(total, t.timescale);
            let d = now - prev;
            prev = now;
            d
        })
        .collect()
}

/// `EXT-X-TARGETDURATION` (§4.3.3.1): every EXTINF, rounded to the nearest integer,
/// is at most it (at least 1 s).
pub fn target_duration(t: &Track) -> u64 {
    extinf_ms(t)
        .iter()
        .map(|d| (d + 500) / 1000)
        .max()
        .unwrap_or(1)
        .max(1)
}

/// The media playlist of `t`: `EXT-X-MAP` names its init segment, then one EXTINF and
/// segment URI per segment, numbered from 1.
pub fn media_playlist(t: &Track) -> String {
    let mut s = String::with_capacity(64 + t.segments.len() * 32);
    s.push_str("#EXTM3U\n");
    let _ = writeln!(s, "#EXT-X-VERSION:{VERSION}");
    let _ = writeln!(s, "#EXT-X-TARGETDURATION:{}", target_duration(t));
    s.push_str("#EXT-X-PLAYLIST-TYPE:VOD\n#EXT-X-INDEPENDENT-SEGMENTS\n");
    let _ = writeln!(s, "#EXT-X-MAP:URI=\"{}\"", Name::Init(t.rendition));
    for (i, d) in extinf_ms(t).into_iter().enumerate() {
        // i < segments.len(), and segment numbers come from u32 URLs.
        let name = Name::Segment(i as u32 + 1, t.rendition);
        let _ = writeln!(s, "#EXTINF:{},\n{name}", seconds(d));
    }
    s.push_str("#EXT-X-ENDLIST\n");
    s
}

/// Audio renditions' `GROUP-ID`.
const AUDIO_GROUP: &str = "audio";

/// The multivariant playlist: each audio rendition as an `EXT-X-MEDIA` of one group
/// (the first the default), and one `EXT-X-STREAM-INF` per video rendition with that
/// group; a film without video offers each audio rendition as a variant of its own.
/// `BANDWIDTH` is the video's peak segment bit rate plus the largest audio one,
/// `AVERAGE-BANDWIDTH` the averages likewise (§4.3.4.2).
pub fn master_playlist(tracks: &[Track]) -> String {
    let (video, audio): (Vec<&Track>, Vec<&Track>) =
        tracks.iter().partition(|t| t.rendition.kind == Kind::Video);
    let mut s = format!("#EXTM3U\n#EXT-X-VERSION:{VERSION}\n#EXT-X-INDEPENDENT-SEGMENTS\n");
    for (i, a) in audio.iter().enumerate().filter(|_| !video.is_empty()) {
        s.push_str(&media_tag(a, i == 0));
    }
    let peak = |t: &Track| t.peak_bandwidth(target_duration(t));
    let audio_peak = audio.iter().map(|a| peak(a)).max().unwrap_or(0);
    let audio_average = audio
        .iter()
        .map(|a| a.average_bandwidth())
        .max()
        .unwrap_or(0);
    let mut audio_codecs: Vec<&str> = Vec::new();
    for c in audio.iter().filter_map(|a| a.codecs.as_deref()) {
        if !audio_codecs.contains(&c) {
            audio_codecs.push(c);
        }
    }
    for v in &video {
        let mut codecs: Vec<&str> = v.codecs.as_deref().into_iter().collect();
        codecs.extend(&audio_codecs);
        let mut attrs = format!(
            "BANDWIDTH={},AVERAGE-BANDWIDTH={}",
            peak(v) + audio_peak,
            v.average_bandwidth() + audio_average
        );
        push_codecs(&mut attrs, &codecs);
        if v.width > 0 && v.height > 0 {
            let _ = write!(attrs, ",RESOLUTION={}x{}", v.width, v.height);
        }
        if let Some((n, d)) = v.frame_rate.filter(|f| f.1 > 0) {
            let milli = (u128::from(n) * 1000 + u128::from(d) / 2) / u128::from(d);
            let _ = write!(
                attrs,
                ",FRAME-RATE={}",
                seconds(u64::try_from(milli).unwrap_or(0))
            );
        }
        if !audio.is_empty() {
            let _ = write!(attrs, ",AUDIO=\"{AUDIO_GROUP}\"");
        }
        let _ = writeln!(
            s,
            "#EXT-X-STREAM-INF:{attrs}\n{}",
            Name::MediaPlaylist(v.rendition)
        );
    }
    for a in audio.iter().filter(|_| video.is_empty()) {
        let mut attrs = format!(
            "BANDWIDTH={},AVERAGE-BANDWIDTH={}",
            peak(a),
            a.average_bandwidth()
        );
        push_codecs(
            &mut attrs,
            &a.codecs.as_deref().into_iter().collect::<Vec<_>>(),
        );
        let _ = writeln!(
            s,
            "#EXT-X-STREAM-INF:{attrs}\n{}",
            Name::MediaPlaylist(a.rendition)
        );
    }
    s
}

/// `,CODECS="..."` for the codecs known, none when none is.
fn push_codecs(attrs: &mut String, codecs: &[&str]) {
    if !codecs.is_empty() {
        let _ = write!(attrs, ",CODECS=\"{}\"", codecs.join(","));
    }
}

/// The `EXT-X-MEDIA` tag of an audio rendition (§4.3.4.1).
fn media_tag(a: &Track, default: bool) -> String {
    let yes = |b: bool| if b { "YES" } else { "NO" };
    let mut s = format!("#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID=\"{AUDIO_GROUP}\"");
    if let Some(lang) = &a.language {
        let _ = write!(s, ",LANGUAGE=\"{}\"", quoted(lang));
    }
    let _ = write!(s, ",NAME=\"{}\"", quoted(&rendition_name(a)));
    let _ = write!(s, ",DEFAULT={},AUTOSELECT=YES", yes(default));
    if a.channels > 0 {
        let _ = write!(s, ",CHANNELS=\"{}\"", a.channels);
    }
    let _ = writeln!(s, ",URI=\"{}\"", Name::MediaPlaylist(a.rendition));
    s
}

/// A quoted-string's content (§4.2): no double quote, CR or LF.
fn quoted(v: &str) -> String {
    v.chars()
        .filter(|c| !matches!(c, '"' | '\r' | '\n'))
        .collect()
}

/// What a player's menu shows for an audio rendition: its language's English name
/// when known, else its tag, else "Audio N".
pub fn rendition_name(a: &Track) -> String {
    match a.language.as_deref() {
        Some(tag) => {
            crate::language::english_name(tag).map_or_else(|| tag.to_owned(), str::to_owned)
        }
        None => format!("Audio {}", a.rendition.number),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Segment;
    use crate::names::Rendition;

    fn track(kind: Kind, number: u32, timescale: u32, durations: &[u64]) -> Track {
        let mut start = 0;
        let segments = durations
            .iter()
            .map(|&duration| {
                let s = Segment {
                    start,
                    duration,
                    bytes: 1000,
                };
                start += duration;
                s
            })
            .collect();
        Track {
            rendition: Rendition { kind, number },
            timescale,
            segments,
            ..Track::default()
        }
    }

    #[test]
    fn extinf_totals_stay_within_a_millisecond_of_the_duration() {
        // 1200 segments of 6.0005 s each would drift 0.6 s if each were rounded alone.
        let t = track(Kind::Video, 1, 20_000, &[120_010; 1200]);
        let total: u64 = extinf_ms(&t).iter().sum();
        assert_eq!(total, ms(t.duration(), t.timescale));
        assert_eq!(target_duration(&t), 6);
        let odd = track(Kind::Video, 1, 1000, &[6000, 6500, 400]);
        assert_eq!(
            (extinf_ms(&odd), target_duration(&odd)),
            (vec![6000, 6500, 400], 7)
        );
    }

    #[test]
    fn media_playlist_lists_every_segment_with_its_map() {
        let t = track(Kind::Audio, 2, 48_000, &[288_000, 96_000]);
        let p = media_playlist(&t);
        let want = "#EXTM3U\n#EXT-X-VERSION:6\n#EXT-X-TARGETDURATION:6\n#EXT-X-PLAYLIST-TYPE:VOD\n\
                    #EXT-X-INDEPENDENT-SEGMENTS\n#EXT-X-MAP:URI=\"init-a2.mp4\"\n\
                    #EXTINF:6.000,\nseg-1-a2.m4s\n#EXTINF:2.000,\nseg-2-a2.m4s\n#EXT-X-ENDLIST\n";
        assert_eq!(p, want);
    }

    #[test]
    fn master_groups_audio_and_sums_bandwidths() {
        let mut v = track(Kind::Video, 1, 12_800, &[76_800, 76_800]);
        (v.codecs, v.width, v.height, v.frame_rate) =
            (Some("avc1.64000d".into()), 320, 180, Some((25, 1)));
        let mut a1 = track(Kind::Audio, 1, 48_000, &[288_000, 288_000]);
        (a1.codecs, a1.language, a1.channels) = (Some("mp4a.40.2".into()), Some("en".into()), 2);
        let mut a2 = a1.clone();
        (a2.rendition.number, a2.language) = (2, Some("x\"y".into()));
        let m = master_playlist(&[v.clone(), a1.clone(), a2]);
        let lines: Vec<&str> = m.lines().collect();
        assert_eq!(
            lines[3],
            "#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID=\"audio\",LANGUAGE=\"en\",NAME=\"English\",DEFAULT=YES,AUTOSELECT=YES,CHANNELS=\"2\",URI=\"index-a1.m3u8\""
        );
        assert!(
            lines[4].contains("LANGUAGE=\"xy\",NAME=\"xy\",DEFAULT=NO"),
            "{}",
            lines[4]
        );
        let bw = v.peak_bandwidth(6) + a1.peak_bandwidth(6);
        let avg = v.average_bandwidth() + a1.average_bandwidth();
        assert_eq!(
            lines[5],
            format!("#EXT-X-STREAM-INF:BANDWIDTH={bw},AVERAGE-BANDWIDTH={avg},CODECS=\"avc1.64000d,mp4a.40.2\",RESOLUTION=320x180,FRAME-RATE=25.000,AUDIO=\"audio\"")
        );
        assert_eq!((lines[6], lines.len()), ("index-v1.m3u8", 7));
        let audio_only = master_playlist(&[a1]);
        assert!(
            audio_only.contains("CODECS=\"mp4a.40.2\"\nindex-a1.m3u8\n"),
            "{audio_only}"
        );
        assert!(!audio_only.contains("EXT-X-MEDIA"), "{audio_only}");
    }
}
