//! The checks every request goes through before a file is opened, the same in the
//! front and in every streamer: a streamer that a supervisor runs directly is just as
//! protected as one behind the front.

use crate::exchange::Exchange;
use loomiere_access::{cors, Admission};
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
/// 2. the head parses within the configured limits, the method is known and allowed
///    (`GET`, `HEAD`, `OPTIONS`), `Host` is right (RFC 9112 §3.2), and the
///    request-target decodes ([`parse_checked`]);
/// 3. the access rules admit it: virtual host, `Referer`, secure link
///    ([`loomiere_access::admit()`]; `OPTIONS` gets the virtual-host check only).
///
/// The request line is recorded in `ex` as soon as it is known, and with it the CORS
/// decision for the request's `Origin` ([`loomiere_access::cors::decide`], under
/// `cors_origins`), so that every answer from then on carries its fields, the
/// refusals of steps 2 and 3 included: a player then sees the status, not a network
/// error. The caller answers an admitted `OPTIONS` itself ([`Exchange::options`]).
/// Errors: the refusal of the first check that fails.
pub fn admit<'h, 'c>(
    head: &'h [u8],
    config: &'c Config,
    ex: &mut Exchange,
) -> Result<Admitted<'h, 'c>, Refusal> {
    loomiere_access::refuse_root(&config.access)?;
    let (request, target) = parse_checked(head, config, ex)?;
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

/// Parses a complete head within `config`'s limits, checks method and `Host` (RFC
/// 9112 §3.2) and decodes the request-target. Records the request line and the CORS
/// decision in `ex` as soon as they are known.
pub fn parse_checked<'h>(
    head: &'h [u8],
    config: &Config,
    ex: &mut Exchange,
) -> Result<(Request<'h>, Target), Refusal> {
    let request = match parse_head(head, &limits(config))? {
        Parsed::Complete { request, .. } => request,
        Parsed::Partial => return Err(Refusal::new(400, "incomplete request head")),
    };
    ex.set_request(&request);
    ex.set_cors(cors::decide(&config.access.cors_origins, &request));
    check_request(&request)?;
    let target = parse_target(request.target)?;
    Ok((request, target))
}
