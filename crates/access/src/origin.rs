//! Origins (Fetch standard §3.1, RFC 6454 §6.1) and the patterns of `cors_origins`.

use crate::host::{is_plain_host, normalize_host, HostPattern};
use loomiere_log::Quoted;
use std::fmt;

/// The two schemes a browser player fetches media over.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scheme {
    /// `http`, default port 80.
    Http,
    /// `https`, default port 443.
    Https,
}

impl Scheme {
    /// The scheme of `text`, `http://` or `https://` (any case), and the rest after it.
    fn split(text: &str) -> Option<(Scheme, &str)> {
        [(Scheme::Http, "http://"), (Scheme::Https, "https://")]
            .into_iter()
            .find_map(|(scheme, prefix)| {
                let head = text.get(..prefix.len())?;
                head.eq_ignore_ascii_case(prefix)
                    .then(|| Some((scheme, text.get(prefix.len()..)?)))
                    .flatten()
            })
    }

    /// The port an origin of this scheme has when its serialization names none
    /// (RFC 9110 §4.2.1, §4.2.2).
    fn default_port(self) -> u16 {
        match self {
            Scheme::Http => 80,
            Scheme::Https => 443,
        }
    }

    fn as_str(self) -> &'static str {
        match self {
            Scheme::Http => "http",
            Scheme::Https => "https",
        }
    }
}

/// A tuple origin (Fetch §3.1 "origin"): scheme, normalized host, port.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Origin {
    pub scheme: Scheme,
    /// Lower case, as [`normalize_host`] gives it.
    pub host: String,
    /// The port, the scheme's default filled in.
    pub port: u16,
}

impl Origin {
    /// Parses the value of an `Origin` request field (RFC 6454 §7,
    /// `scheme "://" host [ ":" port ]`), for `http` and `https` only.
    /// `None` for `null`, another scheme, a path, user info or a bad port.
    pub fn parse(value: &[u8]) -> Option<Origin> {
        let text = std::str::from_utf8(value).ok()?;
        let (scheme, authority) = Scheme::split(text)?;
        let (host, port) = split_authority(authority)?;
        let host = normalize_host(host).filter(|h| is_plain_host(h))?;
        let port = match port {
            None => scheme.default_port(),
            Some(p) => parse_port(p)?,
        };
        Some(Origin { scheme, host, port })
    }
}

/// One entry of `cors_origins`: `SCHEME://HOSTPATTERN[:PORT]`, the host pattern as
/// for `referers` ([`HostPattern`]), the port a number or `*` (any port); no port
/// means the scheme's default (80 for `http`, 443 for `https`), as in an origin's
/// serialization (Fetch §3.1 "ASCII serialization of an origin").
///
/// `https://*.example.com` matches `https://a.example.com`, not
/// `https://a.example.com:8443`; `http://localhost:*` matches every port.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OriginPattern {
    pub scheme: Scheme,
    pub host: HostPattern,
    /// `None`: any port (`:*`).
    pub port: Option<u16>,
}

impl OriginPattern {
    /// Parses one entry. Errors: no `http://` or `https://`, a bad host pattern, a
    /// bad port, or anything after the authority (an origin has no path).
    pub fn parse(text: &str) -> Result<OriginPattern, String> {
        let bad = || {
            format!(
                "bad origin pattern '{}' (expected 'https://example.com', 'http://*.example.com:8080' or 'http://localhost:*')",
                Quoted(text)
            )
        };
        let (scheme, authority) = Scheme::split(text).ok_or_else(bad)?;
        let (host, port) = split_authority(authority).ok_or_else(bad)?;
        let port = match port {
            None => Some(scheme.default_port()),
            Some("*") => None,
            Some(p) => Some(parse_port(p).ok_or_else(bad)?),
        };
        let host = HostPattern::parse(host).map_err(|_| bad())?;
        Ok(OriginPattern { scheme, host, port })
    }

    /// Whether `origin` matches: same scheme, host matching the pattern, same port
    /// (or any port for `:*`).
    pub fn matches(&self, origin: &Origin) -> bool {
        self.scheme == origin.scheme
            && self.host.matches(&origin.host)
            && self.port.is_none_or(|p| p == origin.port)
    }
}

impl fmt::Display for OriginPattern {
    /// The pattern as [`OriginPattern::parse`] reads it back; the default port left
    /// out.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}://{}", self.scheme.as_str(), self.host)?;
        match self.port {
            None => f.write_str(":*"),
            Some(p) if p == self.scheme.default_port() => Ok(()),
            Some(p) => write!(f, ":{p}"),
        }
    }
}

/// `host[:port]` with nothing after it: the host (an IPv6 literal keeps its
/// brackets) and the port text, if any. `None` for an empty host, a path, query or
/// fragment, or user info.
fn split_authority(authority: &str) -> Option<(&str, Option<&str>)> {
    if authority.is_empty() || authority.contains(['/', '?', '#', '@']) {
        return None;
    }
    let port_at = match authority.strip_prefix('[') {
        Some(_) => authority.find(']').map(|end| end + 1)?,
        None => authority.find(':').unwrap_or(authority.len()),
    };
    let (host, rest) = authority.split_at(port_at);
    match rest {
        "" => Some((host, None)),
        _ => Some((host, Some(rest.strip_prefix(':')?))),
    }
}

/// A port: 1 to 5 ASCII digits, 0 ..= 65535.
fn parse_port(text: &str) -> Option<u16> {
    if text.is_empty() || text.len() > 5 || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}
