//! What a planner gives back: the [`Planned`] body, its [`Shape`], and whether the
//! time map was asked for ([`Timing`]).

use loomiere_plan::{Plan, TimeMap};

/// How the body relates to the stored file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shape {
    /// Byte for byte as stored.
    AsStored,
    /// Cut at tag boundaries.
    Cut,
}

/// A planned response body.
#[derive(Debug)]
pub struct Planned {
    /// The body: exact length, slices in order.
    pub plan: Plan,
    /// When each body byte is due (ms from the start of the body).
    pub time_map: TimeMap,
    pub shape: Shape,
    /// For a cut with a start: the file offset of the first kept tag (the key frame).
    pub start: Option<u64>,
    /// Its timestamp, ms.
    pub start_ms: Option<u32>,
    /// For a cut that stops before the end of the file: the file offset (exclusive)
    /// where the kept bytes end, a tag boundary.
    pub end: Option<u64>,
    /// Words for the access log: how the start was found ("index", "scan"), and file
    /// problems that did not stop the answer.
    pub notes: Vec<String>,
}

/// Whether to compute the byte-to-time map (without an index it costs a walk over
/// every tag header of the body).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Timing {
    /// Compute it: the body may be throttled.
    Map,
    /// Skip it: throttling is off, so the map would not be used.
    Skip,
}
