//! The sample index: a layer on top of the core (parse, walk, cut, emit), which never
//! imports it. Per track, the checkpoints of [`crate::parse::checkpoints`], taken
//! once from the whole tables ([`build`]) and kept by the caller (the streamer keeps
//! them in a cache directory, keyed by the file's identity), then checked and handed
//! to the table views ([`format`](mod@format)). With it, a seek into a 2-hour film reads a few
//! pages of each table instead of about 3 MB.

pub(crate) mod build;
pub(crate) mod format;

/// Smallest `moov` (bytes) worth a sample index: 16 KiB (a 40-second film's). Below
/// that, a cut reads a few pages of tables anyway.
pub const MIN_MOOV_FOR_INDEX: u64 = 16 * 1024;
