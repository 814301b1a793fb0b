//! Stage 4, emit: the bytes of a response body (ISO/IEC 14496-12 §4.2, §8), planned
//! as generated slices and file ranges before a byte is sent: boxes rebuilt and
//! rewritten, where each kept source byte lands, the chunk offsets generated through
//! that, and the byte-to-time map that throttling follows.

pub(crate) mod assemble;
pub(crate) mod cut_moov;
pub(crate) mod layout;
pub(crate) mod offsets;
pub(crate) mod out;
pub(crate) mod placement;
pub(crate) mod rebuild;
pub(crate) mod relocate;
pub(crate) mod shifted;
pub(crate) mod time_map;
pub(crate) mod write;
