//! The configuration file as a whole: its lines parsed over the defaults, and the
//! file read from disk.

use crate::error::ConfigError;
use crate::settings::Config;
use crate::{keys, line, lines};
use loomiere_log::Quoted;
use std::io::Read;
use std::path::Path;

/// The largest configuration file read, in bytes.
const MAX_FILE_BYTES: u64 = 1 << 20;

/// Parses the text of a configuration file over the defaults.
///
/// Errors carry the 1-based line number and no path: unknown key, bad value,
/// a key given twice, a line without `=`.
pub fn parse(text: &str) -> Result<Config, ConfigError> {
    let mut config = Config::default();
    // Keys already set, with their line, searched in order. Not a HashMap: that
    // would seed its hasher from getrandom(2) in every process and add ~4 KiB of
    // code; nor a BTreeMap (~1.5 KiB): a file sets tens of keys, and each
    // `streamer.`/`type.` line already searches its table in order (`set_ext`).
    let mut seen: Vec<(String, usize)> = Vec::new();
    for (index, raw) in lines::split_lines(text).enumerate() {
        let number = index.saturating_add(1);
        let raw = raw.strip_suffix("\r").unwrap_or(raw);
        let err = |message: String| ConfigError::at_line(number, message);
        let (key, value) = match line::parse_line(raw).map_err(err)? {
            line::Line::Blank => continue,
            line::Line::Entry { key, value } => (key, value),
        };
        let target = keys::resolve(key).map_err(err)?;
        if let Some((_, first)) = seen.iter().find(|(k, _)| *k == target.canonical) {
            return Err(err(format!(
                "duplicate key '{}' (first on line {first})",
                target.canonical
            )));
        }
        target
            .apply(&mut config, value)
            .map_err(|m| err(format!("{}: {m}", Quoted(key))))?;
        seen.push((target.canonical, number));
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

/// Reads at most [`MAX_FILE_BYTES`]; a longer file is an error. The buffer is sized
/// from fstat(2) first, so the file comes in one read(2) and the end in a second
/// (growing from 32 bytes took 11 calls for the shipped 8 KB file, in every process).
fn read_capped(path: &Path) -> std::io::Result<Vec<u8>> {
    let file = std::fs::File::open(path)?;
    let size = file.metadata().map_or(0, |m| m.len()).min(MAX_FILE_BYTES);
    let mut bytes = Vec::with_capacity(usize::try_from(size).unwrap_or(0).saturating_add(1));
    file.take(MAX_FILE_BYTES.saturating_add(1))
        .read_to_end(&mut bytes)?;
    if u64::try_from(bytes.len()).map_or(true, |n| n > MAX_FILE_BYTES) {
        return Err(std::io::Error::other("file is larger than 1 MiB"));
    }
    Ok(bytes)
}
