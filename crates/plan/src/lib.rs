//! A response body planned before a single byte is sent.
//!
//! A [`Plan`] is the whole body of a representation (RFC 9110 §3.2) as an ordered
//! list of [`Slice`]s: bytes generated in memory (a rewritten `moov`, an FLV header),
//! ranges of the source file (sample data, unchanged table tails), or bytes a
//! [`Generate`] computes from the source while they are sent (a long chunk-offset
//! table), so a plan's memory does not grow with the film. Because the plan is
//! complete before the response head is written, `Content-Length` is exact, a `Range`
//! (RFC 9110 §14) is a lookup, and a `200` is never sent for a body that cannot be
//! finished. The design follows moonfire-nvr's `slices.rs`.

#![forbid(unsafe_code)]

mod plan;
mod source;
mod timemap;

pub use plan::{Piece, Plan, PlanError, Slice};
pub use source::{Generate, Generator, Source};
pub use timemap::TimeMap;
