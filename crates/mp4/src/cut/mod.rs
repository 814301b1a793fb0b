//! Stage 3, cut: what a `?start=S&end=E` cut keeps of each track, decided on the
//! sample tables through [`crate::walk`]: the request checked, the start snapped to a
//! key frame, each track's kept samples, their chunks, and the parts of the tables
//! that stay. Writing the result is [`crate::emit`]'s. (HLS segments, a sibling of
//! this stage, will share its walks.)

pub(crate) mod cut_track;
pub(crate) mod kept;
pub(crate) mod request;
pub(crate) mod runs;
pub(crate) mod snap;
pub(crate) mod span;
pub(crate) mod stsc;
