use std::fmt;

/// Why a segment or manifest could not be made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CmafError {
    /// The source is defective or unsupported (HTTP 500). The text names the defect.
    Defect(String),
}

impl fmt::Display for CmafError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CmafError::Defect(s) => write!(f, "cmaf: {s}"),
        }
    }
}

impl std::error::Error for CmafError {}

/// Result alias for this crate.
pub type Result<T> = std::result::Result<T, CmafError>;

/// Builds a [`CmafError::Defect`] from format arguments.
macro_rules! defect {
    ($($arg:tt)*) => { $crate::error::CmafError::Defect(format!($($arg)*)) };
}
pub(crate) use defect;
