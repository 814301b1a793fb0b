//! Every call into the MP4 planner and its facts (`loomiere_mp4`) is in this file, so that when its
//! shape changes only this file follows.

use loomiere_mp4::{plan_indexed, Mp4Error, Seek, Timing, SAMPLE_INDEX_VERSION};

/// The kind of the MP4 streamer's entries in `index_dir` (`INDEX_KIND` in the root
/// package's `src/sample_index.rs`; the `index` integration test fails when they differ).
pub const INDEX_KIND: [u8; 4] = *b"mp4 ";

/// The format version of the sample index the planner builds and accepts.
pub const INDEX_VERSION: u32 = SAMPLE_INDEX_VERSION;

/// What planning a cut of a film gave.
#[derive(Debug, PartialEq, Eq)]
pub enum Built {
    /// The sample index the streamer would keep for the film.
    Index(Vec<u8>),
    /// The film's `moov` is too small for an index: the streamer keeps none either.
    NotWorth,
    /// The film cannot be cut by time (fragmented), so it is never indexed; why.
    Uncuttable(String),
}

/// Builds the sample index of `film` (its whole bytes) exactly as the streamer does
/// on a film's first seek: by planning a cut from 0 s with building on.
///
/// Errors, in words: a defective film.
pub fn build_index(film: &[u8]) -> Result<Built, String> {
    let seek = Seek {
        start_ms: Some(0),
        end_ms: None,
    };
    match plan_indexed(film, seek, Timing::Skip, None, true) {
        Ok(planned) => Ok(planned.new_index.map_or(Built::NotWorth, Built::Index)),
        Err(Mp4Error::BadSeek(s) | Mp4Error::NotFound(s)) => Ok(Built::Uncuttable(s)),
        Err(Mp4Error::Defect(s)) => Err(format!("defective: {s}")),
    }
}

/// The facts of an MP4 film (`loomiere_mp4::facts::Film`).
pub type Mp4Film = loomiere_mp4::facts::Film;
/// The facts of one of its tracks.
pub type TrackFacts = loomiere_mp4::facts::TrackFacts;
/// Least, median and greatest of durations, seconds.
pub type Spread = loomiere_mp4::facts::Spread;

/// The facts of an MP4 film (`loomiere_mp4::facts`). Errors, in words: a defective
/// file (no `moov`, a malformed box or table).
pub fn facts(film: &[u8]) -> Result<Mp4Film, String> {
    loomiere_mp4::facts::facts(film).map_err(|e| reason(&e))
}

/// Whether the MP4 streamer can serve `?start=` on `film`: a cut planned from the
/// middle of it, as the streamer plans one. Errors: why not, in words.
pub fn cut_verdict(film: &[u8], facts: &Mp4Film) -> Result<(), String> {
    no_keyless_video(facts)?;
    counts_fit(film, facts)?;
    // A non-negative finite duration in seconds, as whole milliseconds, halved.
    let middle_ms = (facts.duration_s.max(0.0) * 500.0) as u64;
    let seek = Seek {
        start_ms: Some(middle_ms),
        end_ms: None,
    };
    match loomiere_mp4::plan_body(film, seek, Timing::Skip) {
        Ok(_) => Ok(()),
        Err(e) => Err(reason(&e)),
    }
}

/// What HLS would offer of a film: each rendition's name (`v1`, `a1`, ...; videos
/// first) with its number of media segments.
pub type Hls = Vec<(String, usize)>;

/// Whether segmented delivery can serve `film` in segments of `segment_ms`
/// milliseconds (the config's `segment_duration`): its multivariant playlist, and
/// for each rendition its media playlist, init segment and first and last media
/// segments planned as the streamer plans them. Errors: why not, in words.
pub fn hls_verdict(film: &[u8], facts: &Mp4Film, segment_ms: u64) -> Result<Hls, String> {
    no_keyless_video(facts)?;
    counts_fit(film, facts)?;
    let s = loomiere_mp4::Segmented::open(film, None, segment_ms).map_err(|e| reason(&e))?;
    s.master().map_err(|e| reason(&e))?;
    let mut out = Hls::new();
    for r in s.renditions() {
        let playlist = s.media_playlist(r).map_err(|e| reason(&e))?;
        s.init(r).map_err(|e| reason(&e))?;
        let n = playlist.matches("#EXTINF:").count();
        let last = u32::try_from(n).map_err(|_| format!("{r}: {n} segments"))?;
        if last == 0 {
            return Err(format!("rendition {r} has no segments"));
        }
        for k in [1, last] {
            s.segment(k, r)
                .map_err(|e| format!("segment {k} of {r}: {}", reason(&e)))?;
        }
        out.push((r.to_string(), n));
    }
    Ok(out)
}

/// Errors when the first video track with samples has an `stss` without entries: no
/// frame a cut or a segment could start decoding at.
fn no_keyless_video(facts: &Mp4Film) -> Result<(), String> {
    let first = facts
        .tracks
        .iter()
        .enumerate()
        .find(|(_, t)| t.is_video() && t.samples > 0);
    match first {
        Some((i, t)) if t.sync_samples == 0 => Err(format!(
            "video track {} has no sync samples (its stss is empty): no frame to start decoding at",
            i + 1
        )),
        _ => Ok(()),
    }
}

/// Errors when a track claims more samples than the film has bytes (a constant-size
/// `stsz` can claim 2^32 - 1 in 20 bytes): such a film is defective, and the
/// segmenter would hold one row per claimed sample of a segment in memory.
fn counts_fit(film: &[u8], facts: &Mp4Film) -> Result<(), String> {
    let bytes = film.len() as u64;
    match facts
        .tracks
        .iter()
        .enumerate()
        .find(|(_, t)| u64::from(t.samples) > bytes)
    {
        Some((i, t)) => Err(format!(
            "defective: track {} claims {} samples in a file of {bytes} bytes",
            i + 1,
            t.samples
        )),
        None => Ok(()),
    }
}

/// The planner's words for why, without the kind prefix.
fn reason(e: &Mp4Error) -> String {
    match e {
        Mp4Error::Defect(s) => format!("defective: {s}"),
        Mp4Error::BadSeek(s) | Mp4Error::NotFound(s) => s.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A film whose video track has samples but an `stss` without entries.
    fn keyless() -> Mp4Film {
        let video = TrackFacts {
            handler: *b"vide",
            sample_entry: *b"avc1",
            codec: None,
            language: None,
            language_tag: None,
            timescale: 12800,
            duration_s: 4.0,
            samples: 100,
            sync_samples: 0,
            has_stss: true,
            key_frame_interval: None,
        };
        Mp4Film {
            moov_first: true,
            fragmented: false,
            duration_s: 4.0,
            tracks: vec![video],
        }
    }

    /// Regression: a 1.5 MB film whose audio `stsz` claimed 2^32 - 1 samples made the
    /// HLS verdict collect a segment of 4 billion samples (memory without end).
    #[test]
    fn more_samples_than_bytes_is_a_defect_for_both_ways() {
        let mut f = keyless();
        f.tracks[0].sync_samples = 1;
        f.tracks[0].samples = 1_000;
        for verdict in [
            cut_verdict(&[0; 999], &f).err(),
            hls_verdict(&[0; 999], &f, 6000).err(),
        ] {
            let why = verdict.expect("a no");
            assert!(
                why.contains("track 1 claims 1000 samples in a file of 999 bytes"),
                "{why}"
            );
        }
    }

    /// Regression for what the planner alone would allow: with no sync sample a cut
    /// starts on a frame that cannot be decoded, so neither ?start= nor HLS is a yes.
    #[test]
    fn a_video_track_without_sync_samples_serves_neither_way() {
        let f = keyless();
        for verdict in [cut_verdict(&[], &f).err(), hls_verdict(&[], &f, 6000).err()] {
            let why = verdict.expect("a no");
            assert!(why.contains("video track 1 has no sync samples"), "{why}");
        }
    }
}
