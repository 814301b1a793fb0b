//! The checks every request goes through before a file is opened, the same in the
//! front and in every streamer: a streamer that a supervisor runs directly is just as
//! protected as one behind the front.

use crate::exchange::Exchange;
use loomiere_access::Admission;
use loomiere_config::Config;
use loomiere_http::{
    check_request, parse_head, parse_target, Limits, Parsed, Refusal, Request, Target,
};

/// A request that passed [`admit`].
pub struct Admitted<'h, 'c> {
    /// The parsed head; borrows the head bytes.
    pub request: Request<'h>,
    /// The decoded request-target.
    pub target: Target,
    /// What the access rules decided: the document root to serve from.
    pub access: Admission<'c>,
}

/// Checks a complete request head under `config`, in this order:
///
/// 1. the process does not run as root without `allow_root` (500,
///    [`loomiere_access::refuse_root`]);
/// 2. the head parses within the configured limits, the method is known and allowed,
///    `Host` is right (RFC 9112 §3.2), and the request-target decodes
///    ([`parse_checked`]);
/// 3. the access rules admit it: virtual host, `Referer`, secure link
///    ([`loomiere_access::admit()`]).
///
/// The request line is recorded in `ex` as soon as it is known. Checks that depend on
/// the request's `Origin` (CORS) belong beside step 3, in this one function the front
/// and every streamer call; a preflight `OPTIONS` is refused by step 2's method check
/// today (405), so answering it (204) means letting it through to there.
/// Errors: the refusal of the first check that fails.
pub fn admit<'h, 'c>(
    head: &'h [u8],
    config: &'c Config,
    ex: &mut Exchange,
) -> Result<Admitted<'h, 'c>, Refusal> {
    loomiere_access::refuse_root(&config.access)?;
    let (request, target) = parse_checked(head, &limits(config), ex)?;
    let access = loomiere_access::admit(
        &request,
        &target,
        &config.access,
        config.root_or_default(),
        ex.remote(),
    )?;
    Ok(Admitted {
        request,
        target,
        access,
    })
}

/// The request limits from the configuration.
pub fn limits(config: &Config) -> Limits {
    Limits {
        max_head_bytes: config.max_request_head,
        max_header_lines: config.max_header_lines,
    }
}

/// Parses a complete head, checks method and `Host` (RFC 9112 §3.2) and decodes the
/// request-target. Records the request line in `ex` as soon as it is known.
pub fn parse_checked<'h>(
    head: &'h [u8],
    limits: &Limits,
    ex: &mut Exchange,
) -> Result<(Request<'h>, Target), Refusal> {
    let request = match parse_head(head, limits)? {
        Parsed::Complete { request, .. } => request,
        Parsed::Partial => return Err(Refusal::new(400, "incomplete request head")),
    };
    ex.set_request(&request);
    check_request(&request)?;
    let target = parse_target(request.target)?;
    Ok((request, target))
}
