//! Stage 1, parse: views of the file's boxes and sample tables (ISO/IEC 14496-12 §4.2,
//! §8), borrowed from the mapped file, every count checked against the bytes of its
//! box before use. The views answer single lookups (one entry, the entry holding a
//! sample, the sum of a range); walking them sample by sample is [`crate::walk`]'s.

pub(crate) mod boxes;
pub(crate) mod bytes;
pub(crate) mod checkpoints;
pub(crate) mod chunk_offsets;
pub(crate) mod columns;
pub(crate) mod entries;
pub(crate) mod movie;
pub(crate) mod runs;
pub(crate) mod sizes;
pub(crate) mod stsc;
pub(crate) mod top;
pub(crate) mod track;
