//! The error of reading or parsing the configuration file.

use std::fmt;
use std::path::PathBuf;

/// Why the configuration could not be used.
///
/// Displayed as `PATH:LINE: MESSAGE` (for example
/// `/etc/loomiere/stream.conf:12: unknown key 'thorttle'`), `PATH: MESSAGE` when the
/// error concerns the whole file (it cannot be read), or `line LINE: MESSAGE` when
/// the text did not come from a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    /// The file, when the text came from one.
    pub path: Option<PathBuf>,
    /// The 1-based line number, when the error concerns one line.
    pub line: Option<usize>,
    /// What is wrong, in plain words.
    pub message: String,
}

impl ConfigError {
    /// An error on 1-based line `line` of a text without a path.
    pub(crate) fn at_line(line: usize, message: impl Into<String>) -> ConfigError {
        ConfigError {
            path: None,
            line: Some(line),
            message: message.into(),
        }
    }
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (&self.path, self.line) {
            (Some(path), Some(line)) => write!(f, "{}:{line}: {}", path.display(), self.message),
            (Some(path), None) => write!(f, "{}: {}", path.display(), self.message),
            (None, Some(line)) => write!(f, "line {line}: {}", self.message),
            (None, None) => f.write_str(&self.message),
        }
    }
}

impl std::error::Error for ConfigError {}
