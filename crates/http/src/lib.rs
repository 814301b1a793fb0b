//! HTTP/1.x for Loomiere's one-request-per-process streamers.
//!
//! Everything between the bytes a client sent and the head we answer with:
//!
//! - [`parse_head`] reads a request head (RFC 9112 §2 – §5) zero-copy and
//!   incrementally, httparse-style ([`Parsed::Partial`] means "read more"), under
//!   hard [`Limits`]; [`check_request`] then checks the method and `Host`.
//! - [`parse_target`] turns the request-target (RFC 9112 §3.2) into a safe
//!   relative path (no traversal, no dot-files) and a raw query;
//!   [`query_param`] and [`parse_seconds_ms`] read `?start=62.5`.
//! - [`resolve_range`] resolves a `Range` header (RFC 9110 §14) against a length.
//! - [`strong_etag`], [`format_http_date`], [`parse_http_date`] make and read
//!   validators (RFC 9110 §8.8).
//! - [`answer`] evaluates the conditional fields (RFC 9110 §13) and `Range` for one
//!   representation and writes the head; [`error_head`] writes error responses,
//!   [`options_head`] the answer to `OPTIONS`; [`add_fields`] adds fields that depend
//!   on the request (CORS's) to any of them.
//!
//! Every refusal is a [`Refusal`]: a status code and a reason for the log. Nothing
//! here panics on client input, and all arithmetic on client numbers is checked
//! or saturating.

#![forbid(unsafe_code)]

mod conditional;
mod date;
pub mod head;
mod host;
mod percent;
pub mod query;
pub mod range;
pub mod refusal;
pub mod respond;
pub mod target;
pub mod validators;

#[cfg(test)]
mod robustness;

pub use head::{check_request, parse_head, Limits, Parsed, Request, Version, ALLOW};
pub use query::{parse_seconds_ms, query_param};
pub use range::{resolve_range, RangeOutcome};
pub use refusal::{reason_phrase, Refusal};
pub use respond::{add_fields, answer, error_head, options_head, Answer, Representation};
pub use target::{parse_target, Target};
pub use validators::{format_http_date, parse_http_date, strong_etag, FileIdentity};
