//! Stage 2, walk: where a sample is, when it is, and what it holds, found through the
//! parsed tables without a step per sample before it (ISO/IEC 14496-12 §8.6, §8.7).
//!
//! The sample-table API, which `?start=` cuts and HLS segments share, is
//! [`lookup`] (range queries: decode time of a sample, first sample at a decode time,
//! bytes of a range, chunk and file offset of a sample, sync samples of a range, file
//! ranges of a range) and [`samples`] (every sample of a range, one after another).
//! They are built on the cursors below, which read checkpoints when a track has them.

pub(crate) mod chunk_range;
pub(crate) mod chunks;
pub(crate) mod duration;
pub(crate) mod lookup;
pub(crate) mod run_cursor;
pub(crate) mod samples;
