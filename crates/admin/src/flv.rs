//! Every call into the FLV planner and its facts (`loomiere_flv`) is in this file,
//! so that when its shape changes only this file follows.

use loomiere_flv::{FlvError, Seek, Timing, Units};

/// The facts of an FLV file (`loomiere_flv::facts::Film`).
pub type FlvFilm = loomiere_flv::facts::Film;
/// Its `keyframes` index.
pub type IndexState = loomiere_flv::facts::IndexState;
/// Its audio or video tags.
pub type Stream = loomiere_flv::facts::Stream;

/// The facts of an FLV file (`loomiere_flv::facts`). Errors, in words: not FLV, or
/// a defective header, head or `onMetaData`.
pub fn facts(film: &[u8]) -> Result<FlvFilm, String> {
    loomiere_flv::facts::facts(film).map_err(|e| reason(&e))
}

/// Whether the FLV streamer can serve a time seek (`?start=S&units=s`) on `film`,
/// at `at_ms`: planned as the streamer plans it. Errors: why not, in words.
pub fn seek_verdict(film: &[u8], at_ms: u64) -> Result<(), String> {
    let seek = Seek {
        start: Some(at_ms),
        end: None,
        units: Units::Millis,
    };
    match loomiere_flv::plan_body(film, seek, Timing::Skip) {
        Ok(_) => Ok(()),
        Err(e) => Err(reason(&e)),
    }
}

/// The planner's words for why, without the kind prefix.
fn reason(e: &FlvError) -> String {
    match e {
        FlvError::Defect(s) => format!("defective: {s}"),
        FlvError::BadSeek(s) => s.clone(),
    }
}

/// The RFC 6381 codec string of `s` (video when `video`) from its sequence header:
/// AVC (`CodecID` 7) and HEVC (12) decoder configuration records, enhanced-RTMP
/// FourCCs with theirs, AAC (`SoundFormat` 10) AudioSpecificConfigs
/// (`loomiere_cmaf::codecs`). `None` for other codecs or without a sequence header.
pub fn codec(s: &Stream, video: bool) -> Option<String> {
    use loomiere_cmaf::codecs::{codec_string, mpeg4_audio};
    let config = s.config.as_deref();
    match (video, s.fourcc, s.codec_id) {
        (true, Some(fourcc), _) => codec_string(&fourcc, config),
        (true, None, 7) => codec_string(b"avc1", Some(config?)),
        (true, None, 12) => codec_string(b"hvc1", Some(config?)),
        (false, _, 10) => mpeg4_audio(config?),
        _ => None,
    }
}
