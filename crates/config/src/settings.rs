//! [`Config`]: the settings of one process, plain values with their defaults.

use loomiere_access::Rules;
use loomiere_throttle::Settings;
use std::net::IpAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// The document root used when neither the file nor `--root` sets one.
pub const DEFAULT_ROOT: &str = "/srv/loomiere";

/// The scoreboard file used when the configuration does not say `scoreboard`.
pub const DEFAULT_SCOREBOARD: &str = "/run/loomiere/scoreboard";

const DEFAULT_STREAMERS: &[(&str, &str)] = &[
    ("mp4", "loomiere-mp4"),
    ("m4v", "loomiere-mp4"),
    ("m4a", "loomiere-mp4"),
    ("mov", "loomiere-mp4"),
    ("3gp", "loomiere-mp4"),
    ("jpg", "loomiere-file"),
    ("jpeg", "loomiere-file"),
    ("png", "loomiere-file"),
    ("gif", "loomiere-file"),
    ("bmp", "loomiere-file"),
    ("webp", "loomiere-file"),
    ("tif", "loomiere-file"),
    ("tiff", "loomiere-file"),
    ("flv", "loomiere-flv"),
];

/// Which segmenting streamer serves `/film.<ext>/<name>` (HLS and DASH from the film).
const DEFAULT_SEGMENTERS: &[(&str, &str)] = &[
    ("mp4", "loomiere-hls"),
    ("m4v", "loomiere-hls"),
    ("m4a", "loomiere-hls"),
    ("mov", "loomiere-hls"),
];

/// The `Cache-Control` of playlists and segments by default: a day in any cache
/// (RFC 9111 §5.2.2.9, §5.2.2.1); the same URL always gives the same bytes.
pub const DEFAULT_SEGMENT_CACHE_CONTROL: &str = "public, max-age=86400";

pub(crate) const DEFAULT_TYPES: &[(&str, &str)] = &[
    ("mp4", "video/mp4"),
    ("m4v", "video/mp4"),
    ("m4a", "audio/mp4"),
    ("mov", "video/quicktime"),
    ("3gp", "video/3gpp"),
    ("jpg", "image/jpeg"),
    ("jpeg", "image/jpeg"),
    ("png", "image/png"),
    ("gif", "image/gif"),
    ("bmp", "image/bmp"),
    ("webp", "image/webp"),
    ("tif", "image/tiff"),
    ("tiff", "image/tiff"),
    ("flv", "video/x-flv"),
];

/// The settings of one streamer process.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Config {
    /// Document root from the file (`root`); `--root` overrides it. See
    /// [`Config::root_or_default`].
    pub root: Option<PathBuf>,
    /// Time allowed to receive the whole request head (`request_timeout`).
    pub request_timeout: Duration,
    /// Time allowed without progress while sending the response (`send_timeout`).
    pub send_timeout: Duration,
    /// How responses are throttled (`throttle`, `throttle_rate`,
    /// `throttle_min_size`). See [`loomiere_throttle`].
    pub throttle: Settings,
    /// Clients never throttled (`throttle_exempt`; empty: none), such as a cache tier.
    pub throttle_exempt: Vec<IpAddr>,
    /// Largest request head accepted, in bytes (`max_request_head`).
    pub max_request_head: usize,
    /// Largest number of header field lines accepted (`max_header_lines`).
    pub max_header_lines: usize,
    /// Directory of the planning-index cache (`index_dir`, an absolute path), or
    /// `None` (`off`, the default) for no cache. See `loomiere-index-cache`.
    pub index_dir: Option<PathBuf>,
    /// The scoreboard file (`scoreboard`, an absolute path; default
    /// [`DEFAULT_SCOREBOARD`]), or `None` (`off`): no process records its stream.
    /// See `loomiere-scoreboard`.
    pub scoreboard: Option<PathBuf>,
    /// Slots of a scoreboard file made anew (`scoreboard_slots`, 1 ..= 1048576,
    /// default 4096): the most streams shown at once. An existing file keeps its own.
    pub scoreboard_slots: u64,
    /// `(extension in lower case, program)`: which streamer serves an extension.
    pub streamers: Vec<(String, String)>,
    /// `(extension in lower case, program)`: which segmenting streamer serves the
    /// names inside a film with that extension (`/a.mp4/master.m3u8`).
    pub segmenters: Vec<(String, String)>,
    /// Target duration of HLS/DASH segments (`segment_duration`, 1 s ..= 60 s).
    pub segment_duration: Duration,
    /// `Cache-Control` value of playlists and segments (`segment_cache_control`), or
    /// `None` (`off`) for none.
    pub segment_cache_control: Option<String>,
    /// `(extension in lower case, media type)`: the `Content-Type` of an extension.
    pub content_types: Vec<(String, String)>,
    /// Running as root, virtual hosts, the `Referer` allowlist, secure links.
    pub access: Rules,
}

pub(crate) fn owned_table(table: &[(&str, &str)]) -> Vec<(String, String)> {
    table
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

impl Default for Config {
    /// No root (so [`DEFAULT_ROOT`]), 10 s request timeout, 60 s send timeout,
    /// throttling 20 s of media ahead at real time for bodies of 1 MiB or more,
    /// 8192-byte head, 100 header lines, no index cache, a scoreboard of 4096 slots
    /// at [`DEFAULT_SCOREBOARD`]; MP4 family ->
    /// `loomiere-mp4`, `flv` -> `loomiere-flv`, images -> `loomiere-file`; names
    /// inside an `mp4`/`m4v`/`m4a`/`mov` film -> `loomiere-hls`, 6 s segments cached
    /// for a day ([`DEFAULT_SEGMENT_CACHE_CONTROL`]); the usual media types.
    fn default() -> Config {
        Config {
            root: None,
            request_timeout: Duration::from_secs(10),
            send_timeout: Duration::from_secs(60),
            throttle: Settings::default(),
            throttle_exempt: Vec::new(),
            max_request_head: 8192,
            max_header_lines: 100,
            index_dir: None,
            scoreboard: Some(PathBuf::from(DEFAULT_SCOREBOARD)),
            scoreboard_slots: 4096,
            streamers: owned_table(DEFAULT_STREAMERS),
            segmenters: owned_table(DEFAULT_SEGMENTERS),
            segment_duration: Duration::from_secs(6),
            segment_cache_control: Some(DEFAULT_SEGMENT_CACHE_CONTROL.to_owned()),
            content_types: owned_table(DEFAULT_TYPES),
            access: Rules::default(),
        }
    }
}

fn lookup<'a>(table: &'a [(String, String)], ext: &str) -> Option<&'a str> {
    table
        .iter()
        .find(|(e, _)| e.eq_ignore_ascii_case(ext))
        .map(|(_, v)| v.as_str())
}

impl Config {
    /// The document root: [`Config::root`] or else [`DEFAULT_ROOT`]. With virtual
    /// hosts, [`loomiere_access::admit()`] picks the root instead.
    pub fn root_or_default(&self) -> &Path {
        self.root.as_deref().unwrap_or(Path::new(DEFAULT_ROOT))
    }

    /// The program that serves files with extension `ext` (any case, no dot).
    pub fn streamer_for(&self, ext: &str) -> Option<&str> {
        lookup(&self.streamers, ext)
    }

    /// The segmenting program that serves names inside a film with extension `ext`
    /// (any case, no dot).
    pub fn segmenter_for(&self, ext: &str) -> Option<&str> {
        lookup(&self.segmenters, ext)
    }

    /// The media type for extension `ext` (any case, no dot); only token characters
    /// and one `/`, safe to put in a header.
    pub fn content_type_for(&self, ext: &str) -> Option<&str> {
        lookup(&self.content_types, ext)
    }
}
