//! What `loomiere probe` says of one film: the shape both the human output and
//! `--json` print (the JSON keys are these field names; absent values are `null`).

use serde::Serialize;

/// The container format, from the file's first bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Container {
    /// ISO base media file format (ISO/IEC 14496-12): a known top-level box first.
    Mp4,
    /// Flash Video (Adobe FLV v10.1 Annex E): the signature `FLV`.
    Flv,
    /// Anything else, an empty file included.
    Other,
}

/// The report on one film.
#[derive(Debug, Serialize)]
pub struct Report {
    /// The path as given on the command line.
    pub film: String,
    pub container: Container,
    /// True when the film was read and every delivery that applies to it can serve
    /// it; false makes the exit status 1.
    pub ok: bool,
    /// Why the film could not be read, when it could not (not media, defective).
    pub error: Option<String>,
    /// MP4: where `moov` is, `start` (before every `mdat`) or `end`.
    pub moov: Option<&'static str>,
    /// MP4: true when `moov` holds `mvex` (samples in `moof` fragments).
    pub fragmented: Option<bool>,
    /// Presentation duration, seconds (MP4: the longest track; FLV: `onMetaData`'s
    /// `duration`, else the last tag's timestamp).
    pub duration_s: Option<f64>,
    /// FLV: the `keyframes` index of `onMetaData`: `present`, `absent` or
    /// `unusable` (see [`Report::keyframes_index_problem`]).
    pub keyframes_index: Option<&'static str>,
    /// FLV: why the `keyframes` index cannot be used.
    pub keyframes_index_problem: Option<String>,
    pub tracks: Vec<Track>,
    /// Whether `?start=` (MP4 seconds; FLV `units=s`) can be served, and why not.
    pub start: Option<Verdict>,
    /// Why the config sends this film to no streamer of its format whatever
    /// [`Report::start`] says (`streamer.<ext>` names another program, or is off);
    /// `null` when it does.
    pub start_off: Option<String>,
    /// Whether HLS can serve it (MP4 only: `null` for FLV), and why not.
    pub hls: Option<Verdict>,
    /// Why the config offers no HLS for this film whatever [`Report::hls`] says
    /// (`segmenter.<ext>` off or unset for its extension); `null` when it does.
    pub hls_off: Option<String>,
    /// HLS's renditions, when it can serve the film (empty otherwise).
    pub hls_renditions: Vec<Rendition>,
    /// Remarks that do not stop delivery (a fragmented MP4's tracks not listed, an
    /// `onMetaData` codec id the tags contradict).
    pub notes: Vec<String>,
}

/// One track (MP4 `trak`) or stream (FLV audio or video tags).
#[derive(Debug, Serialize)]
pub struct Track {
    /// 1-based, in file order.
    pub number: usize,
    /// `video`, `audio`, `subtitle` (MP4 `sbtl`, `text`, `subt`) or `other`.
    pub kind: &'static str,
    /// MP4: the `hdlr` handler type (`vide`, `soun`, ...).
    pub handler: Option<String>,
    /// MP4: the sample entry's four-character code (`avc1`); FLV: the `CodecID` or
    /// `SoundFormat` name of Adobe FLV v10.1 §E.4 (`AVC`, `AAC`, `MP3`), or an
    /// enhanced-RTMP FourCC.
    pub format: String,
    /// RFC 6381 codec string (`avc1.64000d`, `mp4a.40.2`), when the decoder
    /// configuration gives one.
    pub codec: Option<String>,
    /// MP4: the language as stored (`elng`, else `mdhd`'s ISO 639-2/T); `null` for
    /// `und`.
    pub language: Option<String>,
    /// The same as a BCP 47 tag with ISO 639-1 codes (`en`), as HLS `LANGUAGE` says it.
    pub language_tag: Option<String>,
    /// MP4: the track's presentation duration, seconds.
    pub duration_s: Option<f64>,
    /// Samples (MP4 `stsz`) or media tags (FLV, sequence headers not counted).
    pub samples: u64,
    /// Sync samples (key frames): MP4 `stss` entries or every sample without `stss`;
    /// FLV video key-frame tags or every audio tag.
    pub sync_samples: u64,
    /// Seconds between consecutive key frames' presentation times; `null` with fewer
    /// than two.
    pub key_frame_interval_s: Option<Interval>,
}

/// Least, median and greatest, seconds.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Interval {
    pub min: f64,
    pub median: f64,
    pub max: f64,
}

impl From<crate::mp4::Spread> for Interval {
    fn from(s: crate::mp4::Spread) -> Self {
        Interval {
            min: s.min,
            median: s.median,
            max: s.max,
        }
    }
}

/// One HLS rendition (RFC 8216 §4.3.4.2 variant stream or §4.3.4.1 rendition).
#[derive(Debug, Serialize)]
pub struct Rendition {
    /// Its name in the URLs: `v1`, `a1`, ... (`index-v1.m3u8`).
    pub name: String,
    /// Its media segments (`#EXTINF` entries of its media playlist).
    pub segments: usize,
}

/// Whether a delivery can serve the film.
#[derive(Debug, Serialize)]
pub struct Verdict {
    pub ok: bool,
    /// Why not, when not.
    pub reason: Option<String>,
    /// When it can: what it offers (HLS: renditions and segments).
    pub detail: Option<String>,
}

impl Verdict {
    /// `Ok(detail)` is yes, `Err(reason)` no.
    pub fn of(r: Result<Option<String>, String>) -> Verdict {
        match r {
            Ok(detail) => Verdict {
                ok: true,
                reason: None,
                detail,
            },
            Err(reason) => Verdict {
                ok: false,
                reason: Some(reason),
                detail: None,
            },
        }
    }
}

impl Report {
    /// A report with only the film and its container filled in (not yet ok).
    pub fn new(film: String, container: Container) -> Report {
        Report {
            film,
            container,
            ok: false,
            error: None,
            moov: None,
            fragmented: None,
            duration_s: None,
            keyframes_index: None,
            keyframes_index_problem: None,
            tracks: Vec::new(),
            start: None,
            start_off: None,
            hls: None,
            hls_off: None,
            hls_renditions: Vec::new(),
            notes: Vec::new(),
        }
    }

    /// Sets [`Report::ok`]: no error, and every verdict given is yes (each only when
    /// the config offers that delivery for the film).
    pub fn settle(&mut self) {
        let yes = |v: &Option<Verdict>| v.as_ref().is_none_or(|v| v.ok);
        let start = self.start_off.is_some() || yes(&self.start);
        let hls = self.hls_off.is_some() || yes(&self.hls);
        self.ok = self.error.is_none() && start && hls;
    }
}
