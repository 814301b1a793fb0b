//! The planner's request and response types: a [`Seek`] in, a [`Planned`] body out.

use loomiere_plan::{Plan, TimeMap};

/// A seek request: `?start=` and `?end=` in milliseconds of presentation time.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Seek {
    /// Start, in milliseconds. `None` with an `end` means 0.
    pub start_ms: Option<u64>,
    /// End, in milliseconds (exclusive).
    pub end_ms: Option<u64>,
}

impl Seek {
    /// True when neither `start` nor `end` is given.
    pub fn is_none(&self) -> bool {
        self.start_ms.is_none() && self.end_ms.is_none()
    }
}

/// How the body relates to the stored file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shape {
    /// Byte for byte as stored.
    AsStored,
    /// `moov` moved in front of the media data; nothing else changed.
    MoovFirst,
    /// Cut to a time range.
    Cut,
}

/// A planned response body.
#[derive(Debug)]
pub struct Planned {
    /// The body: exact length, slices in order.
    pub plan: Plan,
    /// How the body relates to the stored file.
    pub shape: Shape,
    /// For a cut: the presentation time (ms, rounded down) where the output starts,
    /// after snapping back to a key frame.
    pub start_ms: Option<u64>,
    /// When each body byte is due at the player, from the samples' decode times
    /// (empty when the file could not be parsed: such a body is never throttled).
    pub time_map: TimeMap,
    /// A sample index built for this file while planning a cut (see
    /// [`crate::plan_indexed`]), for the caller to keep.
    pub new_index: Option<Vec<u8>>,
}

/// Whether to compute the byte-to-time map (it costs a walk of every output chunk).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Timing {
    /// Compute it: the body may be throttled.
    Map,
    /// Skip it: throttling is off, so the map would not be used.
    Skip,
}
