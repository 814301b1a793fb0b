//! The `Referer` allowlist (keys `referers` and `referer_empty`), after nginx's
//! `valid_referers`: hot-linking pages on other sites get 403.

use crate::host::{is_plain_host, normalize_host, HostPattern};
use loomiere_http::Refusal;

/// Parses the value of `referers`: `off`, or host patterns separated by spaces or
/// tabs (see [`HostPattern`]). `off` gives an empty list: no check.
pub fn parse_list(value: &str) -> Result<Vec<HostPattern>, String> {
    if value == "off" {
        return Ok(Vec::new());
    }
    value
        .split([' ', '\t'])
        .filter(|w| !w.is_empty())
        .map(HostPattern::parse)
        .collect()
}

/// Checks the `Referer` field (RFC 9110 §10.1.3) against `allowed`.
///
/// - `allowed` empty: every request passes.
/// - No `Referer`, or an empty one: passes when `allow_empty`, else 403.
/// - Otherwise the value must be an `http://` or `https://` URL (scheme in any case)
///   whose host, port removed and lower-cased, matches one of `allowed`; anything else
///   (another scheme, a value masked by a proxy, user info, a host that is not a
///   plain name) is foreign: 403.
pub fn check(
    allowed: &[HostPattern],
    allow_empty: bool,
    referer: Option<&[u8]>,
) -> Result<(), Refusal> {
    if allowed.is_empty() {
        return Ok(());
    }
    let value = referer.unwrap_or_default();
    if value.is_empty() {
        return if allow_empty {
            Ok(())
        } else {
            Err(Refusal::new(403, "referer: none"))
        };
    }
    let host =
        referer_host(value).ok_or_else(|| Refusal::new(403, "referer: not an http(s) URL"))?;
    if allowed.iter().any(|p| p.matches(&host)) {
        Ok(())
    } else {
        Err(Refusal::new(403, format!("referer: foreign host {host}")))
    }
}

/// The normalized host of an `http(s)://` URL, or `None`.
pub(crate) fn referer_host(value: &[u8]) -> Option<String> {
    let text = std::str::from_utf8(value).ok()?;
    let rest = ["http://", "https://"].iter().find_map(|scheme| {
        let head = text.get(..scheme.len())?;
        head.eq_ignore_ascii_case(scheme)
            .then(|| text.get(scheme.len()..))
            .flatten()
    })?;
    let authority = rest.split(['/', '?', '#']).next()?;
    if authority.contains('@') {
        return None;
    }
    normalize_host(authority).filter(|h| is_plain_host(h))
}
