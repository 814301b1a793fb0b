//! Host names and the patterns of `vhost.<pattern>` and `referers`.

use loomiere_log::Quoted;
use std::fmt;

/// A host name pattern, matched against a normalized host (see [`normalize_host`]).
///
/// Written as in nginx's `server_name` and `valid_referers`:
///
/// | text | matches |
/// |------|---------|
/// | `*` | every host (and, for virtual hosts, a request without one) |
/// | `example.com` | exactly `example.com` |
/// | `*.example.com` | `a.example.com`, `a.b.example.com`, not `example.com` |
/// | `.example.com` | `example.com` and every name ending in `.example.com` |
/// | `[::1]` | the IPv6 literal, exactly |
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HostPattern {
    /// `*`.
    Any,
    /// `example.com`, lower case.
    Exact(String),
    /// `*.example.com`, stored without `*.`.
    Subdomains(String),
    /// `.example.com`, stored without the dot.
    DomainAndSubdomains(String),
}

impl HostPattern {
    /// Parses one pattern, ASCII case-insensitively.
    ///
    /// Errors: a name that is not dot-separated labels of letters, digits, `-` and
    /// `_` (each 1 to 63 characters, at most 253 in all) or a bracketed IPv6
    /// literal; a `*` anywhere but alone or in a leading `*.`.
    pub fn parse(text: &str) -> Result<HostPattern, String> {
        let lower = text.to_ascii_lowercase();
        let bad = || {
            format!("bad host pattern '{}' (expected 'example.com', '*.example.com', '.example.com' or '*')", Quoted(text))
        };
        if lower == "*" {
            return Ok(HostPattern::Any);
        }
        let name = |n: &str| {
            if is_host_name(n) {
                Ok(n.to_string())
            } else {
                Err(bad())
            }
        };
        if let Some(rest) = lower.strip_prefix("*.") {
            return name(rest).map(HostPattern::Subdomains);
        }
        if let Some(rest) = lower.strip_prefix('.') {
            return name(rest).map(HostPattern::DomainAndSubdomains);
        }
        if is_ip_literal(&lower) {
            return Ok(HostPattern::Exact(lower));
        }
        name(&lower).map(HostPattern::Exact)
    }

    /// Whether the normalized `host` matches.
    pub fn matches(&self, host: &str) -> bool {
        match self {
            HostPattern::Any => true,
            HostPattern::Exact(name) => host == name,
            HostPattern::Subdomains(name) => is_subdomain(host, name),
            HostPattern::DomainAndSubdomains(name) => host == name || is_subdomain(host, name),
        }
    }
}

impl fmt::Display for HostPattern {
    /// The pattern as written, in lower case.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            HostPattern::Any => f.write_str("*"),
            HostPattern::Exact(name) => f.write_str(name),
            HostPattern::Subdomains(name) => write!(f, "*.{name}"),
            HostPattern::DomainAndSubdomains(name) => write!(f, ".{name}"),
        }
    }
}

/// `host` is `name` with at least one more label in front.
fn is_subdomain(host: &str, name: &str) -> bool {
    host.strip_suffix(name)
        .and_then(|front| front.strip_suffix('.'))
        .is_some_and(|front| !front.is_empty())
}

/// Dot-separated labels of ASCII letters, digits, `-` and `_` (DNS names as seen in
/// the wild, RFC 1123 §2.1 plus `_`), 1 to 63 characters each, 253 in all.
pub(crate) fn is_host_name(name: &str) -> bool {
    let label_ok = |l: &str| {
        (1..=63).contains(&l.len())
            && l.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    };
    (1..=253).contains(&name.len()) && name.split('.').all(label_ok)
}

/// `[` hex digits, `:` and `.` `]`, with at least one `:` (RFC 3986 §3.2.2, loosely).
fn is_ip_literal(name: &str) -> bool {
    name.strip_prefix('[')
        .and_then(|n| n.strip_suffix(']'))
        .is_some_and(|inner| {
            inner.contains(':')
                && inner
                    .bytes()
                    .all(|b| b.is_ascii_hexdigit() || b == b':' || b == b'.')
        })
}

/// The host of an authority `host[:port]` the way nginx's `$host` shows it: port
/// removed, ASCII lower case, one trailing dot removed. `None` when nothing is left.
///
/// `[::1]:8080` gives `[::1]`; `Example.COM.:80` gives `example.com`.
pub fn normalize_host(authority: &str) -> Option<String> {
    let host = match authority.strip_prefix('[') {
        Some(_) => authority.find(']').and_then(|end| authority.get(..=end))?,
        None => authority.split(':').next()?,
    };
    let host = host.strip_suffix('.').unwrap_or(host);
    (!host.is_empty()).then(|| host.to_ascii_lowercase())
}

/// Whether `host` (normalized) is a host name or an IPv6 literal: what a
/// `Referer` URL must name to be compared with the patterns.
pub(crate) fn is_plain_host(host: &str) -> bool {
    is_host_name(host) || is_ip_literal(host)
}
