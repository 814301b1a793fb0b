use std::fmt;

/// Why a response could not be planned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Mp4Error {
    /// The file itself is defective or unsupported (a server-side content problem, HTTP
    /// 500). The text names the defect, e.g. "stco entry count 900 larger than its box".
    Defect(String),
    /// The request cannot be met for this file (HTTP 400): a start at or past the
    /// duration, an end before the start, a seek on a fragmented file.
    BadSeek(String),
    /// The request names a rendition or segment the file does not have (HTTP 404).
    NotFound(String),
}

impl fmt::Display for Mp4Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Mp4Error::Defect(s) => write!(f, "mp4 defect: {s}"),
            Mp4Error::BadSeek(s) => write!(f, "bad seek: {s}"),
            Mp4Error::NotFound(s) => write!(f, "not found: {s}"),
        }
    }
}

impl std::error::Error for Mp4Error {}

impl From<loomiere_plan::PlanError> for Mp4Error {
    fn from(e: loomiere_plan::PlanError) -> Self {
        Mp4Error::Defect(e.to_string())
    }
}

/// Result alias for this crate.
pub type Result<T> = std::result::Result<T, Mp4Error>;

/// Builds an [`Mp4Error::Defect`] from format arguments.
macro_rules! defect {
    ($($arg:tt)*) => { $crate::error::Mp4Error::Defect(format!($($arg)*)) };
}
pub(crate) use defect;

/// Builds an [`Mp4Error::BadSeek`] from format arguments.
macro_rules! bad_seek {
    ($($arg:tt)*) => { $crate::error::Mp4Error::BadSeek(format!($($arg)*)) };
}
pub(crate) use bad_seek;

/// Builds an [`Mp4Error::NotFound`] from format arguments.
macro_rules! not_found {
    ($($arg:tt)*) => { $crate::error::Mp4Error::NotFound(format!($($arg)*)) };
}
pub(crate) use not_found;

/// Checked `u64` addition that names what overflowed.
#[inline]
pub(crate) fn add(a: u64, b: u64, what: &str) -> Result<u64> {
    a.checked_add(b)
        .ok_or_else(|| defect!("{what} overflows 64 bits"))
}
