//! The configuration file `/etc/loomiere/stream.conf`.
//!
//! Every process reads it once at start; nothing is cached between processes.
//!
//! Format: one `key = value` per line. `#` starts a comment when it begins the line
//! (after optional whitespace), begins the value, or follows whitespace; a `#`
//! inside a word is part of the value. Blank lines are ignored. Whitespace around
//! the key, the `=` and the value is trimmed. A key may appear only once. Lines end
//! with LF; a CR before the LF is ignored.
//!
//! | key | value | default |
//! |-----|-------|---------|
//! | `root` | absolute path of the document root | `/srv/loomiere` |
//! | `request_timeout` | seconds (`2.5` allowed), > 0, <= 86400 | 10 |
//! | `send_timeout` | seconds, as above | 60 |
//! | `throttle` | seconds of media kept ahead of the play head, 0 = off, <= 86400 | 20 |
//! | `throttle_rate` | play-head speed, times real time, up to 3 decimals, 0.001 ..= 1000 | 1.0 |
//! | `throttle_min_size` | bytes, `k` suffix = 1024; smaller responses are not throttled | 1 MiB |
//! | `max_request_head` | bytes, `k` suffix = 1024, 256 ..= 1 MiB | 8192 |
//! | `max_header_lines` | 1 ..= 10000 | 100 |
//! | `index_dir` | absolute path of the planning-index cache, or `off` | `off` |
//! | `streamer.<ext>` | program name, absolute path, or `off` | see [`Config::default`] |
//! | `type.<ext>` | media type `type/subtype`, or `off` | see [`Config::default`] |
//! | `allow_root`, `vhost.<pattern>`, `referers`, `referer_empty`, `secure_link*` | see [`crate::access`] | |

mod error;
mod keys;
mod line;
#[cfg(test)]
mod tests;
mod values;

pub use error::ConfigError;

use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::log::Quoted;
use crate::throttle::Rate;

/// The document root used when neither the file nor `--root` sets one.
pub const DEFAULT_ROOT: &str = "/srv/loomiere";

/// The largest configuration file read, in bytes.
const MAX_FILE_BYTES: u64 = 1 << 20;

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

const DEFAULT_TYPES: &[(&str, &str)] = &[
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
    /// Media kept ahead of the player's play head (`throttle`); zero turns throttling
    /// off. See [`crate::throttle`].
    pub throttle: Duration,
    /// Speed of the play head the throttle follows (`throttle_rate`).
    pub throttle_rate: Rate,
    /// Responses with fewer body bytes than this are never throttled
    /// (`throttle_min_size`), in bytes.
    pub throttle_min_size: u64,
    /// Largest request head accepted, in bytes (`max_request_head`).
    pub max_request_head: usize,
    /// Largest number of header field lines accepted (`max_header_lines`).
    pub max_header_lines: usize,
    /// Directory of the planning-index cache (`index_dir`, an absolute path), or
    /// `None` (`off`, the default) for no cache. See [`crate::index_cache`].
    pub index_dir: Option<PathBuf>,
    /// `(extension in lower case, program)`: which streamer serves an extension.
    pub streamers: Vec<(String, String)>,
    /// `(extension in lower case, media type)`: the `Content-Type` of an extension.
    pub content_types: Vec<(String, String)>,
    /// Running as root, virtual hosts, the `Referer` allowlist, secure links.
    pub access: crate::access::Rules,
}

fn owned_table(table: &[(&str, &str)]) -> Vec<(String, String)> {
    table
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

impl Default for Config {
    /// No root (so [`DEFAULT_ROOT`]), 10 s request timeout, 60 s send timeout,
    /// throttling 20 s of media ahead at real time for bodies of 1 MiB or more,
    /// 8192-byte head, 100 header lines, no index cache; MP4 family ->
    /// `loomiere-mp4`, `flv` -> `loomiere-flv`, images -> `loomiere-file`; the
    /// usual media types for those.
    fn default() -> Config {
        Config {
            root: None,
            request_timeout: Duration::from_secs(10),
            send_timeout: Duration::from_secs(60),
            throttle: Duration::from_secs(20),
            throttle_rate: Rate::REAL_TIME,
            throttle_min_size: 1 << 20,
            max_request_head: 8192,
            max_header_lines: 100,
            index_dir: None,
            streamers: owned_table(DEFAULT_STREAMERS),
            content_types: owned_table(DEFAULT_TYPES),
            access: crate::access::Rules::default(),
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
    /// hosts, [`crate::access::admit`] picks the root instead.
    pub fn root_or_default(&self) -> &Path {
        self.root.as_deref().unwrap_or(Path::new(DEFAULT_ROOT))
    }

    /// The program that serves files with extension `ext` (any case, no dot).
    pub fn streamer_for(&self, ext: &str) -> Option<&str> {
        lookup(&self.streamers, ext)
    }

    /// The media type for extension `ext` (any case, no dot); only token characters
    /// and one `/`, safe to put in a header.
    pub fn content_type_for(&self, ext: &str) -> Option<&str> {
        lookup(&self.content_types, ext)
    }
}

/// Parses the text of a configuration file over the defaults.
///
/// Errors carry the 1-based line number and no path: unknown key, bad value,
/// a key given twice, a line without `=`.
pub fn parse(text: &str) -> Result<Config, ConfigError> {
    let mut config = Config::default();
    // Keys already set, with their line. A BTreeMap, not a HashMap: that would seed
    // its hasher from getrandom(2) in every process, and add ~4 KiB of code.
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    for (index, raw) in text.split('\n').enumerate() {
        let number = index.saturating_add(1);
        let raw = raw.strip_suffix('\r').unwrap_or(raw);
        let err = |message: String| ConfigError::at_line(number, message);
        let (key, value) = match line::parse_line(raw).map_err(err)? {
            line::Line::Blank => continue,
            line::Line::Entry { key, value } => (key, value),
        };
        let target = keys::resolve(key).map_err(err)?;
        if let Some(first) = seen.get(&target.canonical) {
            return Err(err(format!(
                "duplicate key '{}' (first on line {first})",
                target.canonical
            )));
        }
        target
            .apply(&mut config, value)
            .map_err(|m| err(format!("{}: {m}", Quoted(key))))?;
        seen.insert(target.canonical, number);
    }
    Ok(config)
}

/// Reads and parses the configuration file at `path`.
///
/// A missing file gives [`Config::default`] unless `explicit` (the path came from
/// `--config` or `LOOMIERE_CONFIG`), in which case it is an error like every other
/// read error. The file must be UTF-8 and at most 1 MiB. Errors carry `path`.
pub fn load(path: &Path, explicit: bool) -> Result<Config, ConfigError> {
    let with_path = |line: Option<usize>, message: String| ConfigError {
        path: Some(path.to_path_buf()),
        line,
        message,
    };
    let bytes = match read_capped(path) {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound && !explicit => {
            return Ok(Config::default())
        }
        Err(e) => return Err(with_path(None, format!("cannot read: {e}"))),
    };
    let text = std::str::from_utf8(&bytes).map_err(|e| {
        let before = bytes.get(..e.valid_up_to()).unwrap_or_default();
        let line = before
            .iter()
            .filter(|&&b| b == b'\n')
            .count()
            .saturating_add(1);
        with_path(Some(line), "not valid UTF-8".to_string())
    })?;
    parse(text).map_err(|e| ConfigError {
        path: Some(path.to_path_buf()),
        ..e
    })
}

/// Reads at most [`MAX_FILE_BYTES`]; a longer file is an error.
fn read_capped(path: &Path) -> std::io::Result<Vec<u8>> {
    let file = std::fs::File::open(path)?;
    let mut bytes = Vec::new();
    file.take(MAX_FILE_BYTES.saturating_add(1))
        .read_to_end(&mut bytes)?;
    if u64::try_from(bytes.len()).map_or(true, |n| n > MAX_FILE_BYTES) {
        return Err(std::io::Error::other("file is larger than 1 MiB"));
    }
    Ok(bytes)
}
