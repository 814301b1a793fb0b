//! Secure expiring links, checked exactly like nginx's `ngx_http_secure_link_module`
//! in its `secure_link` + `secure_link_md5` mode, so links a web application signs
//! for nginx work unchanged:
//!
//! ```text
//! /s/link?md5=_e4Nc3iduzkWRm01TBBNYw&expires=2147483647
//! md5 = base64url(MD5("2147483647" "/s/link" "127.0.0.1" " secret")), no padding
//! ```

use crate::expr::{raw_arg, Expression, Vars};
use loomiere_http::Refusal;
use loomiere_log::Quoted;
use md5::{Digest, Md5};
use std::io::Read;
use std::path::Path;

/// Where the hash and the expiry time are in the query: the `secure_link` key,
/// written like nginx's directive, `$arg_md5,$arg_expires` (the default) or
/// `$arg_md5` alone for links that never expire.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkArgs {
    /// Query parameter holding the base64url MD5 (`md5`).
    pub hash: String,
    /// Query parameter holding the expiry time in seconds since the Unix epoch
    /// (`expires`), or `None`: links do not expire.
    pub expires: Option<String>,
}

impl Default for LinkArgs {
    fn default() -> LinkArgs {
        LinkArgs {
            hash: "md5".to_string(),
            expires: Some("expires".to_string()),
        }
    }
}

impl LinkArgs {
    /// Parses `$arg_HASH[,$arg_EXPIRES]`; names are letters, digits and `_`.
    pub fn parse(value: &str) -> Result<LinkArgs, String> {
        let bad = || {
            format!(
                "expected '$arg_md5,$arg_expires' or '$arg_md5', got '{}'",
                Quoted(value)
            )
        };
        let arg = |text: &str| {
            text.strip_prefix("$arg_")
                .filter(|n| {
                    !n.is_empty() && n.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
                })
                .map(str::to_string)
                .ok_or_else(bad)
        };
        match value.split_once(',') {
            Some((hash, expires)) => Ok(LinkArgs {
                hash: arg(hash)?,
                expires: Some(arg(expires)?),
            }),
            None => Ok(LinkArgs {
                hash: arg(value)?,
                expires: None,
            }),
        }
    }
}

/// The largest secret file read, in bytes.
const MAX_SECRET: usize = 4096;

/// Checks the link of one request.
///
/// `vars` gives the request's variables (its `expires` and `secret` are filled in
/// here); `secret_file` is read only when `expression` uses `$secret`; `now` is in
/// seconds since the Unix epoch.
///
/// Refusals, all `403` with the reason for the log: no hash parameter; an expiry
/// parameter that is missing, not plain decimal digits, zero, or beyond `i64`; a hash
/// that is not the base64url of 16 bytes (at most 24 characters, `=` ends it, as in
/// nginx); a hash that is not the MD5 of the expression; an expiry time before `now`.
/// `500`: the secret file cannot be read, is empty or larger than 4 KiB.
pub fn check(
    args: &LinkArgs,
    expression: &Expression,
    secret_file: &Path,
    vars: &Vars<'_>,
    now: i64,
) -> Result<(), Refusal> {
    let deny = |why: &str| Refusal::new(403, format!("secure link: {why}"));
    let hash = raw_arg(vars.query, &args.hash).ok_or_else(|| deny("no hash"))?;
    let (expires, expires_text) = match &args.expires {
        None => (None, ""),
        Some(name) => {
            let text = raw_arg(vars.query, name).unwrap_or_default();
            (
                Some(parse_expires(text).ok_or_else(|| deny("bad expiry time"))?),
                text,
            )
        }
    };
    let given = decode_hash(hash).ok_or_else(|| deny("bad hash"))?;
    let secret = if expression.uses_secret() {
        read_secret(secret_file)?
    } else {
        Vec::new()
    };
    let input = expression.expand(&Vars {
        expires: expires_text,
        secret: &secret,
        ..*vars
    });
    let computed: [u8; 16] = Md5::digest(&input).into();
    if !same(&given, &computed) {
        return Err(deny("wrong hash"));
    }
    match expires {
        Some(t) if t < now => Err(deny("expired")),
        _ => Ok(()),
    }
}

/// Seconds since the epoch as nginx's `ngx_atotm` reads them: decimal digits only,
/// more than 0, no overflow.
fn parse_expires(text: &str) -> Option<i64> {
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.bytes()
        .try_fold(0i64, |acc, d| {
            acc.checked_mul(10)?.checked_add(i64::from(d - b'0'))
        })
        .filter(|&t| t > 0)
}

/// The 16 bytes of a base64url hash, decoded like nginx: at most 24 characters,
/// decoding stops at the first `=`, every character before it must be in the
/// base64url alphabet (RFC 4648 §5), and the result must be 16 bytes long.
fn decode_hash(text: &str) -> Option<[u8; 16]> {
    if text.len() > 24 {
        return None;
    }
    let digits = text.split('=').next().unwrap_or_default();
    base64url_decode(digits)?.try_into().ok()
}

/// Decodes unpadded base64url (RFC 4648 §5). Leftover bits of a final partial group
/// are ignored, as nginx's `ngx_decode_base64url` does. `None`: a character outside
/// the alphabet, or a length that leaves a single character (`len % 4 == 1`).
pub fn base64url_decode(text: &str) -> Option<Vec<u8>> {
    if text.len() % 4 == 1 {
        return None;
    }
    let values: Vec<u32> = text.bytes().map(sextet).collect::<Option<_>>()?;
    let mut out = Vec::with_capacity(values.len() / 4 * 3 + 2);
    for group in values.chunks(4) {
        let bits = group
            .iter()
            .enumerate()
            .fold(0u32, |acc, (i, v)| acc | v << (18 - 6 * i));
        let bytes = bits.to_be_bytes();
        out.extend_from_slice(bytes.get(1..group.len()).unwrap_or_default());
    }
    Some(out)
}

/// The value of one base64url character.
fn sextet(c: u8) -> Option<u32> {
    let v = match c {
        b'A'..=b'Z' => c - b'A',
        b'a'..=b'z' => c - b'a' + 26,
        b'0'..=b'9' => c - b'0' + 52,
        b'-' => 62,
        b'_' => 63,
        _ => return None,
    };
    Some(u32::from(v))
}

/// Compares without stopping at the first difference.
fn same(a: &[u8; 16], b: &[u8; 16]) -> bool {
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// The secret: the bytes of the regular file at `path` without one final `\n` or
/// `\r\n`. Opened non-blocking, so a FIFO put there cannot hang the process.
fn read_secret(path: &Path) -> Result<Vec<u8>, Refusal> {
    use std::os::unix::fs::OpenOptionsExt;
    let fail = |why: String| {
        Refusal::new(
            500,
            format!("secure_link_secret_file {}: {why}", path.display()),
        )
    };
    let file = std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK | libc::O_NOCTTY)
        .open(path)
        .map_err(|e| fail(e.to_string()))?;
    if !file.metadata().map_err(|e| fail(e.to_string()))?.is_file() {
        return Err(fail("not a regular file".to_string()));
    }
    let mut bytes = Vec::new();
    file.take(MAX_SECRET as u64 + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| fail(e.to_string()))?;
    if bytes.len() > MAX_SECRET {
        return Err(fail("larger than 4 KiB".to_string()));
    }
    if bytes.last() == Some(&b'\n') {
        bytes.pop();
        if bytes.last() == Some(&b'\r') {
            bytes.pop();
        }
    }
    if bytes.is_empty() {
        return Err(fail("empty".to_string()));
    }
    Ok(bytes)
}
