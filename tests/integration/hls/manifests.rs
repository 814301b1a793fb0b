//! The playlists and the MPD, judged against RFC 8216 and ISO/IEC 23009-1 and against
//! the source film as ffprobe sees it; and ffmpeg decoding the whole film from each.

use super::{attribute, fetch, media_playlist, renditions, server, text, FILMS};
use crate::support::probe::probe;
use crate::support::{media, tool, TempDir};
use std::process::Command;

/// The master playlist's tags, RFC 8216 §4.3.4.
#[test]
fn master_playlists_name_every_rendition_with_its_attributes() {
    let dir = TempDir::new("hls-master");
    let server = server(&dir, "");
    for film in FILMS {
        let master = text(&server, &format!("/{film}/master.m3u8"));
        let lines: Vec<&str> = master.lines().collect();
        assert_eq!(lines[0], "#EXTM3U", "{film}");
        assert!(
            lines.contains(&"#EXT-X-VERSION:6") || lines.contains(&"#EXT-X-VERSION:7"),
            "{film}: {master}"
        );
        assert!(lines.contains(&"#EXT-X-INDEPENDENT-SEGMENTS"), "{film}");
        let source = probe(&media(film));
        let video = source.streams.iter().find(|s| s.codec_type == "video");
        let inf: Vec<&&str> = lines
            .iter()
            .filter(|l| l.starts_with("#EXT-X-STREAM-INF:"))
            .collect();
        assert_eq!(inf.len(), 1, "{film}: one video rendition: {master}");
        let inf = inf[0];
        let num = |name: &str| -> u64 {
            attribute(inf, name)
                .unwrap_or_else(|| panic!("{film}: no {name} in {inf}"))
                .parse()
                .unwrap()
        };
        let (peak, average) = (num("BANDWIDTH"), num("AVERAGE-BANDWIDTH"));
        assert!(0 < average && average <= peak, "{film}: {inf}");
        let codecs = attribute(inf, "CODECS").expect("CODECS");
        let want_video = match video.map(|v| v.codec_name.as_str()) {
            Some("h264") => "avc1.",
            Some("hevc") => "hvc1.",
            Some("av1") => "av01.",
            other => panic!("{film}: video codec {other:?}"),
        };
        assert!(codecs.starts_with(want_video), "{film}: CODECS {codecs}");
        let audio = source.streams.iter().filter(|s| s.codec_type == "audio");
        for a in audio.clone() {
            let want = if a.codec_name == "opus" {
                "opus"
            } else {
                "mp4a.40."
            };
            assert!(
                codecs.contains(want),
                "{film}: CODECS {codecs} lacks {want}"
            );
        }
        let res = attribute(inf, "RESOLUTION").expect("RESOLUTION");
        assert!(res.contains('x') && !res.starts_with('0'), "{film}: {res}");
        let rate: f64 = attribute(inf, "FRAME-RATE")
            .expect("FRAME-RATE")
            .parse()
            .unwrap();
        assert!(rate > 1.0 && rate <= 120.0, "{film}: FRAME-RATE {rate}");
        let media_tags: Vec<&&str> = lines
            .iter()
            .filter(|l| l.starts_with("#EXT-X-MEDIA:"))
            .collect();
        assert_eq!(
            media_tags.len(),
            audio.count(),
            "{film}: one EXT-X-MEDIA per audio track"
        );
        let defaults = media_tags
            .iter()
            .filter(|l| attribute(l, "DEFAULT").as_deref() == Some("YES"))
            .count();
        if !media_tags.is_empty() {
            assert_eq!(defaults, 1, "{film}: exactly one DEFAULT=YES");
            assert_eq!(attribute(inf, "AUDIO").as_deref(), Some("audio"), "{film}");
        }
        for m in media_tags {
            assert_eq!(attribute(m, "TYPE").as_deref(), Some("AUDIO"), "{m}");
            // LANGUAGE only when the track has one (`und` says none): see below.
            for a in ["NAME", "AUTOSELECT", "GROUP-ID", "URI"] {
                assert!(attribute(m, a).is_some(), "{film}: no {a} in {m}");
            }
        }
    }
}

/// Both languages of the two-audio film, from `mdhd`, as BCP 47 tags and names; a
/// track of undetermined language (`und`) gets none.
#[test]
fn audio_languages_come_from_the_tracks() {
    let dir = TempDir::new("hls-languages");
    let server = server(&dir, "");
    let master = text(&server, "/two-audio.mp4/master.m3u8");
    let langs: Vec<(String, String)> = master
        .lines()
        .filter(|l| l.starts_with("#EXT-X-MEDIA:"))
        .map(|l| {
            (
                attribute(l, "LANGUAGE").unwrap(),
                attribute(l, "NAME").unwrap(),
            )
        })
        .collect();
    let want = [("en", "English"), ("fr", "French")].map(|(a, b)| (a.into(), b.into()));
    assert_eq!(langs, want, "{master}");
    let mpd = text(&server, "/two-audio.mp4/manifest.mpd");
    assert!(
        mpd.contains("lang=\"en\"") && mpd.contains("lang=\"fr\""),
        "{mpd}"
    );
    let und = text(&server, "/h264-aac.mp4/master.m3u8");
    assert!(!und.contains("LANGUAGE="), "{und}");
}

/// Media playlists, RFC 8216 §4.3.3: the tags, the target duration rule, EXTINF to
/// the millisecond summing to the track's duration, segment lengths, relative URIs,
/// and audio segments ending where the video segments end.
#[test]
fn media_playlists_follow_rfc_8216_and_line_up() {
    let dir = TempDir::new("hls-media-playlists");
    let server = server(&dir, "");
    for film in FILMS {
        let source = probe(&media(film));
        let master = text(&server, &format!("/{film}/master.m3u8"));
        let mut video_ends: Option<Vec<f64>> = None;
        for uri in renditions(&master) {
            let what = format!("{film} {uri}");
            let body = text(&server, &format!("/{film}/{uri}"));
            for tag in [
                "#EXT-X-PLAYLIST-TYPE:VOD",
                "#EXT-X-INDEPENDENT-SEGMENTS",
                "#EXT-X-ENDLIST",
            ] {
                assert!(body.lines().any(|l| l == tag), "{what}: no {tag}");
            }
            assert_eq!(body.lines().last(), Some("#EXT-X-ENDLIST"), "{what}");
            assert!(body.contains("#EXT-X-VERSION:6") || body.contains("#EXT-X-VERSION:7"));
            for line in body.lines().filter(|l| l.starts_with("#EXTINF:")) {
                let d = line["#EXTINF:".len()..].trim_end_matches(',');
                let decimals = d.split_once('.').map_or(0, |(_, f)| f.len());
                assert_eq!(decimals, 3, "{what}: EXTINF to the millisecond: {line}");
            }
            let list = media_playlist(&body);
            let n = list.segments.len();
            assert!(n > 0, "{what}: no segments");
            for (i, (d, u)) in list.segments.iter().enumerate() {
                assert!(
                    !u.contains('/') && !u.contains(':'),
                    "{what}: {u} not relative"
                );
                assert!(
                    d.round() as u64 <= list.target_duration,
                    "{what}: {d} > target"
                );
                assert!(*d > 0.0, "{what}: empty segment {u}");
                assert!(*d >= 0.5 || i + 1 == n, "{what}: segment {u} is {d} s");
            }
            assert!(!list.map.contains('/'), "{what}: map {}", list.map);
            let total: f64 = list.segments.iter().map(|s| s.0).sum();
            let kind = if uri.contains("-v") { "video" } else { "audio" };
            let number: usize = uri["index-v".len()..uri.len() - ".m3u8".len()]
                .parse()
                .unwrap();
            let track = source
                .streams
                .iter()
                .filter(|s| s.codec_type == kind)
                .nth(number - 1)
                .expect("source track");
            let want = track.duration.expect("track duration");
            assert!(
                (total - want).abs() <= 0.1,
                "{what}: EXTINF sum {total}, track {want}"
            );
            let ends: Vec<f64> = list
                .segments
                .iter()
                .scan(0.0, |t, s| {
                    *t += s.0;
                    Some(*t)
                })
                .collect();
            match (&video_ends, kind) {
                (None, "video") => video_ends = Some(ends),
                (Some(v), "audio") => {
                    let inner = v.len().min(ends.len()) - 1;
                    for i in 0..inner {
                        let apart = (v[i] - ends[i]).abs();
                        assert!(
                            apart <= 0.05,
                            "{what}: segment {i} ends {apart} s off video"
                        );
                    }
                }
                _ => {}
            }
        }
    }
}

/// `segment_duration` shapes the segments: 2 s targets give more, shorter ones.
#[test]
fn segment_duration_sets_the_target() {
    let dir = TempDir::new("hls-segment-duration");
    let six = server(&dir, "");
    let long = media_playlist(&text(&six, "/h264-aac.mp4/index-v1.m3u8"));
    let dir2 = TempDir::new("hls-segment-duration-2");
    let two = server(&dir2, "segment_duration = 2\n");
    let short = media_playlist(&text(&two, "/h264-aac.mp4/index-v1.m3u8"));
    assert!(
        short.segments.len() > long.segments.len(),
        "2 s gave no more segments"
    );
    assert!(short.target_duration < long.target_duration);
    assert!(
        long.target_duration <= 7,
        "6 s target gave {}",
        long.target_duration
    );
}

/// The MPD, ISO/IEC 23009-1: static, one AdaptationSet per media type (a language
/// per audio set), SegmentTemplate with SegmentTimeline over the HLS segments.
#[test]
fn mpd_uses_segment_timelines_over_the_same_segments() {
    let dir = TempDir::new("hls-mpd");
    let server = server(&dir, "");
    for film in FILMS {
        let mpd = text(&server, &format!("/{film}/manifest.mpd"));
        assert!(mpd.starts_with("<?xml"), "{film}");
        assert!(mpd.contains("type=\"static\""), "{film}");
        assert!(mpd.contains("mediaPresentationDuration=\"PT"), "{film}");
        let sets = mpd.matches("<AdaptationSet").count();
        let master = text(&server, &format!("/{film}/master.m3u8"));
        assert_eq!(
            sets,
            renditions(&master).len(),
            "{film}: one set per rendition here"
        );
        assert_eq!(mpd.matches("contentType=\"video\"").count(), 1, "{film}");
        assert_eq!(
            mpd.matches("<SegmentTimeline>").count(),
            sets,
            "{film}: a timeline per representation"
        );
        for uri in renditions(&master) {
            let r = &uri["index-".len()..uri.len() - ".m3u8".len()];
            assert!(
                mpd.contains(&format!("initialization=\"init-{r}.mp4\"")),
                "{film} {r}"
            );
            assert!(
                mpd.contains(&format!("media=\"seg-$Number$-{r}.m4s\"")),
                "{film} {r}"
            );
        }
        let audio_sets = mpd.matches("contentType=\"audio\"").count();
        let with_lang = mpd
            .lines()
            .filter(|l| l.contains("contentType=\"audio\"") && l.contains(" lang=\""))
            .count();
        let named = master.matches("LANGUAGE=").count();
        assert_eq!(
            with_lang, named,
            "{film}: the MPD and HLS name the same languages"
        );
        assert!(with_lang <= audio_sets, "{film}");
    }
}

/// `ffmpeg -i .../master.m3u8` and `.../manifest.mpd` decode the whole film, every
/// stream, with no error.
#[test]
fn ffmpeg_decodes_the_master_playlist_and_the_mpd() {
    let dir = TempDir::new("hls-ffmpeg");
    let server = server(&dir, "");
    for film in ["h264-aac.mp4", "two-audio.mp4", "hevc-aac.mp4"] {
        for name in ["master.m3u8", "manifest.mpd"] {
            let url = format!("http://127.0.0.1:{}/{film}/{name}", server.port);
            let out = Command::new(tool("ffmpeg"))
                .args([
                    "-nostdin", "-v", "error", "-i", &url, "-map", "0", "-f", "null", "-",
                ])
                .output()
                .expect("ffmpeg runs");
            let errors = String::from_utf8_lossy(&out.stderr);
            assert!(
                out.status.success() && errors.trim().is_empty(),
                "{url}: {errors}"
            );
        }
        // And the first segment really is what the playlist's first URI names.
        let list = media_playlist(&text(&server, &format!("/{film}/index-v1.m3u8")));
        fetch(&server, &format!("/{film}/{}", list.segments[0].1));
    }
}
