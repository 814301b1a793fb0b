//! Clients that are never throttled (`throttle_exempt`): a cache tier in front of the
//! origins (Varnish) must fetch a film at full speed, or its copy fills at the pace
//! of one viewer; the throttle then belongs to the edge or is given up there.
//!
//! Entries are whole IP addresses: a cache tier is a handful of known hosts (and
//! tcpsvd's per-IP instructions already cover prefixes for other rules).

use std::net::IpAddr;

/// Parses the value of `throttle_exempt`: `off` (none), or IP addresses (IPv4 or
/// IPv6, RFC 4291 §2.2) separated by spaces or tabs, kept in canonical form (an
/// IPv4-mapped IPv6 address as IPv4).
///
/// Errors: the first entry that is not an IP address.
pub fn parse_list(value: &str) -> Result<Vec<IpAddr>, String> {
    if value == "off" {
        return Ok(Vec::new());
    }
    value
        .split([' ', '\t'])
        .filter(|w| !w.is_empty())
        .map(|w| {
            w.parse::<IpAddr>()
                .map(|ip| ip.to_canonical())
                .map_err(|_| {
                    format!("bad address '{w}' (expected an IP address such as 192.0.2.7)")
                })
        })
        .collect()
}

/// Whether the client at `remote` (as the access log shows it: canonical; `-` for
/// unknown, never exempt) is one of `list`.
pub fn is_exempt(list: &[IpAddr], remote: &str) -> bool {
    remote
        .parse::<IpAddr>()
        .is_ok_and(|ip| list.contains(&ip.to_canonical()))
}
