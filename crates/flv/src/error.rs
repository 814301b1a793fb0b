use std::fmt;

/// Why a response could not be planned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FlvError {
    /// The file itself is defective (a server-side content problem, HTTP 500). The text
    /// names the defect and its byte offset, e.g. "tag at byte 1111: data size 4114
    /// runs past the end of the file (2000 bytes)".
    Defect(String),
    /// The request cannot be met for this file (HTTP 400): a start past the end, no key
    /// frame near a byte offset, an end not after the start.
    BadSeek(String),
}

impl fmt::Display for FlvError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FlvError::Defect(s) => write!(f, "flv defect: {s}"),
            FlvError::BadSeek(s) => write!(f, "bad seek: {s}"),
        }
    }
}

impl std::error::Error for FlvError {}

impl From<loomiere_plan::PlanError> for FlvError {
    fn from(e: loomiere_plan::PlanError) -> Self {
        FlvError::Defect(e.to_string())
    }
}

/// Result alias for this crate.
pub type Result<T> = std::result::Result<T, FlvError>;

/// Builds an [`FlvError::Defect`] from format arguments.
macro_rules! defect {
    ($($arg:tt)*) => { $crate::error::FlvError::Defect(format!($($arg)*)) };
}
pub(crate) use defect;

/// Builds an [`FlvError::BadSeek`] from format arguments.
macro_rules! bad_seek {
    ($($arg:tt)*) => { $crate::error::FlvError::BadSeek(format!($($arg)*)) };
}
pub(crate) use bad_seek;
