//! CMAF (ISO/IEC 23000-19) segments of one source track, and the HLS (RFC 8216) and
//! DASH (ISO/IEC 23009-1) manifests that list them: the packaging half of
//! segmented delivery. The other half, reading the source's sample tables, is
//! `loomiere-mp4`'s `segment` stage; this crate knows no source format.
//!
//! - [`names`]: the URL names after a film's path (`master.m3u8`, `seg-12-v1.m4s`).
//! - [`init`]: the init segment (CMAF header) of a track.
//! - [`fragment`]: a media segment (`styp`, `moof`, `mdat`) as a plan of bytes and
//!   file ranges.
//! - [`model`]: what the manifests say of each rendition and segment.
//! - [`hls`]: multivariant and media playlists.
//! - [`dash`]: the MPD.
//! - [`codecs`]: RFC 6381 codec strings from decoder configuration records.
//! - [`language`]: BCP 47 language tags and names.
//! - `boxes`, `error`: the box writer and the error type.

mod boxes;
pub mod codecs;
pub mod dash;
mod error;
pub mod fragment;
pub mod hls;
pub mod init;
pub mod language;
pub mod model;
pub mod names;

pub use boxes::mdat_header;
pub use error::{CmafError, Result};
