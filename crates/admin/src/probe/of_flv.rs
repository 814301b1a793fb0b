//! The report on an FLV file: what its header, `onMetaData` and tag headers say, and
//! whether the FLV streamer can serve a time seek, planned as it plans one
//! ([`crate::flv`]). HLS does not apply: segments are cut from MP4 files only.

use super::report::{Container, Interval, Report, Track, Verdict};
use crate::flv::{self, FlvFilm, IndexState, Stream};
use crate::mp4::Spread;

/// Reports on the FLV file `bytes`, named `name`.
pub fn report(name: String, bytes: &[u8]) -> Report {
    let mut r = Report::new(name, Container::Flv);
    let facts = match flv::facts(bytes) {
        Ok(f) => f,
        Err(e) => {
            r.error = Some(e);
            return r;
        }
    };
    let duration_s = duration_s(&facts);
    r.duration_s = Some(duration_s);
    (r.keyframes_index, r.keyframes_index_problem) = match &facts.index {
        IndexState::Absent => (Some("absent"), None),
        IndexState::Unusable(why) => (Some("unusable"), Some(why.clone())),
        IndexState::Usable(_) => (Some("present"), None),
    };
    let streams = [(&facts.video, true), (&facts.audio, false)];
    for (s, video) in streams {
        if let Some(s) = s {
            let number = r.tracks.len() + 1;
            r.tracks.push(track(number, s, video));
        }
    }
    r.notes.extend(meta_disagrees(&facts));
    r.start = Some(Verdict::of(match &facts.stopped {
        Some(why) => Err(format!("the tags end early ({why}): seeks past there fail")),
        None => start(bytes, &facts, duration_s),
    }));
    r
}

/// The time-seek verdict, seeking to the middle of the film.
fn start(bytes: &[u8], facts: &FlvFilm, duration_s: f64) -> Result<Option<String>, String> {
    if facts.video.is_none() && facts.audio.is_none() {
        return Err("no audio or video tags".into());
    }
    if facts.video.as_ref().is_some_and(|v| v.key_frames == 0) {
        return Err("no video key frame (FrameType 1) to start decoding at".into());
    }
    let first = [&facts.video, &facts.audio]
        .into_iter()
        .flatten()
        .map(|s| u64::from(s.first_ms))
        .min()
        .unwrap_or(0);
    // A non-negative finite duration in seconds, as whole milliseconds, halved.
    let middle_ms = first + (duration_s.max(0.0) * 500.0) as u64;
    flv::seek_verdict(bytes, middle_ms)?;
    Ok(Some(match facts.index {
        IndexState::Usable(_) => "time seeks use the keyframes index".into(),
        _ => "time seeks walk the tag headers: no usable keyframes index".into(),
    }))
}

/// Where `onMetaData`'s `videocodecid` or `audiocodecid` differs from the tag
/// headers (players that trust `onMetaData` pick the wrong decoder).
fn meta_disagrees(facts: &FlvFilm) -> Vec<String> {
    let Some(meta) = &facts.meta else {
        return Vec::new();
    };
    let pairs = [
        ("videocodecid", meta.videocodecid, &facts.video),
        ("audiocodecid", meta.audiocodecid, &facts.audio),
    ];
    let mut out = Vec::new();
    for (key, said, stream) in pairs {
        let Some(said) = said else { continue };
        match stream {
            Some(s) if s.fourcc.is_none() && said != f64::from(s.codec_id) => out.push(format!(
                "onMetaData says {key} {said}, the tag headers {}",
                s.codec_id
            )),
            None => out.push(format!(
                "onMetaData says {key} {said}, but no such tags follow"
            )),
            _ => {}
        }
    }
    out
}

/// `onMetaData`'s `duration` when it is a non-negative number, else the last media
/// tag's timestamp.
fn duration_s(facts: &FlvFilm) -> f64 {
    let meta = facts.meta.as_ref().and_then(|m| m.duration_s);
    meta.filter(|d| d.is_finite() && *d >= 0.0)
        .unwrap_or_else(|| {
            let last = [&facts.video, &facts.audio]
                .into_iter()
                .flatten()
                .map(|s| s.last_ms)
                .max()
                .unwrap_or(0);
            f64::from(last) / 1000.0
        })
}

/// Stream `number` (1-based).
fn track(number: usize, s: &Stream, video: bool) -> Track {
    Track {
        number,
        kind: if video { "video" } else { "audio" },
        handler: None,
        format: format(s, video),
        codec: flv::codec(s, video),
        language: None,
        language_tag: None,
        duration_s: None,
        samples: s.tags,
        sync_samples: s.key_frames,
        key_frame_interval_s: Spread::of_counts(&s.key_frame_gaps_ms, 1000).map(Interval::from),
    }
}

/// The name of the codec (Adobe FLV v10.1 §E.4.2.1 `SoundFormat`, §E.4.3.1 `CodecID`,
/// HEVC as 12), or the enhanced-RTMP FourCC.
fn format(s: &Stream, video: bool) -> String {
    if let Some(f) = s.fourcc {
        return f.escape_ascii().to_string();
    }
    let name = match (video, s.codec_id) {
        (true, 1) => "JPEG",
        (true, 2) => "Sorenson H.263",
        (true, 3) => "Screen video",
        (true, 4) => "On2 VP6",
        (true, 5) => "On2 VP6 with alpha",
        (true, 6) => "Screen video 2",
        (true, 7) => "AVC",
        (true, 12) => "HEVC",
        (false, 0) => "Linear PCM, platform endian",
        (false, 1) => "ADPCM",
        (false, 2) => "MP3",
        (false, 3) => "Linear PCM, little endian",
        (false, 4..=6) => "Nellymoser",
        (false, 7) => "G.711 A-law",
        (false, 8) => "G.711 mu-law",
        (false, 10) => "AAC",
        (false, 11) => "Speex",
        (false, 14) => "MP3 8 kHz",
        (false, 15) => "Device-specific sound",
        (_, n) => return format!("codec {n}"),
    };
    name.to_owned()
}
