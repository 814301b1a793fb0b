//! Syntax check for `Host` values and absolute-form authorities.

/// Whether `value` is `uri-host [ ":" port ]` (RFC 9110 §7.2, RFC 3986 §3.2.2, §3.2.3).
///
/// `uri-host` is an IP-literal (`[` hex digits, `:` and `.` `]`) or a non-empty
/// reg-name (unreserved / sub-delims / pct-encoded; this covers IPv4 addresses).
/// `port` may be empty (RFC 3986 allows `host:`); otherwise it must be a decimal
/// number no larger than 65535. An empty host is refused: the `http` scheme
/// requires one (RFC 9110 §4.2.1). Userinfo (`user@host`) is refused (RFC 9110 §4.2.4).
pub(crate) fn is_valid_authority(value: &[u8]) -> bool {
    match split_host_port(value) {
        Some((host, port)) => is_valid_host(host) && is_valid_port(port),
        None => false,
    }
}

/// Splits `host[:port]` into `(host, port)`; `port` is empty when absent.
fn split_host_port(value: &[u8]) -> Option<(&[u8], &[u8])> {
    if value.first() == Some(&b'[') {
        let close = value.iter().position(|&b| b == b']')?;
        let (host, rest) = value.split_at(close.checked_add(1)?);
        return match rest.split_first() {
            None => Some((host, rest)),
            Some((b':', port)) => Some((host, port)),
            Some(_) => None,
        };
    }
    match value.iter().position(|&b| b == b':') {
        Some(colon) => Some((&value[..colon], &value[colon.checked_add(1)?..])),
        None => Some((value, &[])),
    }
}

fn is_valid_host(host: &[u8]) -> bool {
    match host {
        [b'[', inner @ .., b']'] => is_ip_literal(inner),
        _ => is_reg_name(host),
    }
}

/// IPv6 address shape: hex digits, `:` and `.` (for an embedded IPv4), at least "::".
fn is_ip_literal(inner: &[u8]) -> bool {
    inner.len() >= 2
        && inner.contains(&b':')
        && inner
            .iter()
            .all(|&b| b.is_ascii_hexdigit() || b == b':' || b == b'.')
}

/// `reg-name = *( unreserved / pct-encoded / sub-delims )`, non-empty here.
fn is_reg_name(host: &[u8]) -> bool {
    if host.is_empty() {
        return false;
    }
    let mut i = 0;
    while let Some(&b) = host.get(i) {
        if b == b'%' {
            match host.get(i + 1..i + 3) {
                Some([h, l]) if h.is_ascii_hexdigit() && l.is_ascii_hexdigit() => i += 3,
                _ => return false,
            }
        } else if is_unreserved(b) || is_sub_delim(b) {
            i += 1;
        } else {
            return false;
        }
    }
    true
}

fn is_unreserved(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~')
}

fn is_sub_delim(b: u8) -> bool {
    matches!(
        b,
        b'!' | b'$' | b'&' | b'\'' | b'(' | b')' | b'*' | b'+' | b',' | b';' | b'='
    )
}

fn is_valid_port(port: &[u8]) -> bool {
    if port.is_empty() {
        return true;
    }
    port.len() <= 5
        && port.iter().all(u8::is_ascii_digit)
        && std::str::from_utf8(port)
            .ok()
            .and_then(|p| p.parse::<u16>().ok())
            .is_some()
}

#[cfg(test)]
mod tests {
    use super::is_valid_authority;

    #[test]
    fn authority_table() {
        let good: &[&str] = &[
            "example.com",
            "example.com:8080",
            "example.com:",
            "127.0.0.1",
            "127.0.0.1:80",
            "[::1]",
            "[::1]:443",
            "[2001:db8::192.0.2.1]",
            "xn--bcher-kva.example",
            "a%41b",
            "localhost:65535",
        ];
        let bad: &[&str] = &[
            "",
            ":80",
            "user@example.com",
            "exa mple.com",
            "example.com:http",
            "example.com:65536",
            "example.com:123456",
            "example.com:80:80",
            "[::1",
            "[]",
            "[::1]x",
            "[zz::1]",
            "a%4",
            "a%zz",
            "a/b",
            "a\\b",
            "a\"b",
        ];
        for v in good {
            assert!(is_valid_authority(v.as_bytes()), "should accept {v:?}");
        }
        for v in bad {
            assert!(!is_valid_authority(v.as_bytes()), "should refuse {v:?}");
        }
    }
}
