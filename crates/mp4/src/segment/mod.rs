//! Stage 3 beside `cut`, segment: segmented delivery (HLS, RFC 8216; DASH, ISO/IEC
//! 23009-1) of a plain MP4 file:
//! which samples each CMAF segment of each track holds, at which file offsets, with
//! which times, all from the `moov` alone. The bytes of segments and manifests are
//! `loomiere-cmaf`'s; this stage feeds it from the sample tables.
//!
//! Every video and every audio track with samples is a rendition (`v1`, `v2`, ...,
//! `a1`, `a2`, ... in track order). Boundaries: [`bounds`]. Times: [`timeline`]
//! (shifted, so the edit lists hold in players that ignore them). Sample reads:
//! [`samples`], from the sample index's checkpoints when there is one.

pub(crate) mod bounds;
pub(crate) mod entry;
pub(crate) mod film;
pub(crate) mod timeline;
