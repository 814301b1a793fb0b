//! Clients that are never throttled (`throttle_exempt`): a cache tier in front of the
//! origins (Varnish) must fetch a film at full speed, or its copy fills at the pace
//! of one viewer; the throttle then belongs to the edge or is given up there.

use std::fmt;
use std::net::IpAddr;

/// One entry of `throttle_exempt`: an IP address, or a prefix `ADDRESS/BITS` (RFC
/// 4632 §3.1 CIDR notation; IPv6 as in RFC 4291 §2.3). An IPv4 entry also matches
/// the IPv4-mapped IPv6 form of its addresses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AddressPrefix {
    /// The address with the bits past `bits` cleared.
    network: IpAddr,
    /// Leading bits that must match: 0 ..= 32 (IPv4) or 0 ..= 128 (IPv6).
    bits: u8,
}

impl AddressPrefix {
    /// Parses `192.0.2.7`, `10.0.0.0/8`, `::1` or `2001:db8::/32`.
    ///
    /// Errors: not an IP address, or a prefix length past the address's bits.
    pub fn parse(text: &str) -> Result<AddressPrefix, String> {
        let bad =
            || format!("bad address '{text}' (expected 192.0.2.7, 10.0.0.0/8 or 2001:db8::/32)");
        let (addr, bits) = match text.split_once('/') {
            Some((a, b)) if !b.is_empty() && b.bytes().all(|c| c.is_ascii_digit()) => {
                (a, Some(b.parse::<u8>().map_err(|_| bad())?))
            }
            Some(_) => return Err(bad()),
            None => (text, None),
        };
        let ip: IpAddr = addr.parse().map_err(|_| bad())?;
        let width = width(ip);
        let bits = bits.unwrap_or(width);
        if bits > width {
            return Err(bad());
        }
        Ok(AddressPrefix {
            network: masked(ip, bits),
            bits,
        })
    }

    /// Whether `ip` is in the prefix (an IPv4-mapped IPv6 address as its IPv4 form).
    pub fn contains(&self, ip: IpAddr) -> bool {
        let ip = ip.to_canonical();
        width(ip) == width(self.network) && masked(ip, self.bits) == self.network
    }
}

impl fmt::Display for AddressPrefix {
    /// `ADDRESS` for a whole address, else `ADDRESS/BITS`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.bits == width(self.network) {
            write!(f, "{}", self.network)
        } else {
            write!(f, "{}/{}", self.network, self.bits)
        }
    }
}

/// Parses the value of `throttle_exempt`: `off` (none), or [`AddressPrefix`]es
/// separated by spaces or tabs. Errors: the first bad entry's.
pub fn parse_list(value: &str) -> Result<Vec<AddressPrefix>, String> {
    if value == "off" {
        return Ok(Vec::new());
    }
    value
        .split([' ', '\t'])
        .filter(|w| !w.is_empty())
        .map(AddressPrefix::parse)
        .collect()
}

/// Whether the client at `remote` (as the access log shows it; `-` for unknown,
/// never exempt) is in one of `list`.
pub fn is_exempt(list: &[AddressPrefix], remote: &str) -> bool {
    let Ok(ip) = remote.parse::<IpAddr>() else {
        return false;
    };
    list.iter().any(|p| p.contains(ip))
}

fn width(ip: IpAddr) -> u8 {
    match ip {
        IpAddr::V4(_) => 32,
        IpAddr::V6(_) => 128,
    }
}

/// `ip` with every bit past the first `bits` cleared (`bits` <= its width).
fn masked(ip: IpAddr, bits: u8) -> IpAddr {
    match ip {
        IpAddr::V4(v4) => {
            let keep = u32::MAX.checked_shl(32 - u32::from(bits)).unwrap_or(0);
            IpAddr::V4((u32::from(v4) & keep).into())
        }
        IpAddr::V6(v6) => {
            let keep = u128::MAX.checked_shl(128 - u32::from(bits)).unwrap_or(0);
            IpAddr::V6((u128::from(v6) & keep).into())
        }
    }
}
