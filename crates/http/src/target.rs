//! The request-target (RFC 9112 §3.2) resolved to a safe relative path.

use crate::host::is_valid_authority;
use crate::percent::percent_decode;
use crate::refusal::Refusal;

/// A resolved request-target.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    /// The path, percent-decoded once, relative (no leading `/`): non-empty
    /// segments other than `.` joined by `/`. `""` for the root. Never contains a
    /// `..` segment, a segment starting with `.`, or a NUL; always valid UTF-8.
    pub path: String,
    /// The raw text after the first `?`, not decoded (see [`crate::query_param`]);
    /// `""` if there is none.
    pub query: String,
    /// For absolute-form (`http://host[:port]/path`, RFC 9112 §3.2.2): the
    /// authority, ASCII-lower-cased. `None` for origin-form.
    pub host: Option<String>,
}

impl Target {
    /// The lower-cased text after the last `.` of the last path segment, e.g.
    /// `Some("mp4")` for `films/a.MP4`. `None` when that segment has no dot, starts
    /// with its only dot, or ends with a dot.
    pub fn extension(&self) -> Option<String> {
        extension_of(self.path.rsplit('/').next()?)
    }

    /// For a name inside a film, as segmented URLs have them
    /// (`films/a.mp4/seg-3-v1.m4s`): the film's path (`films/a.mp4`), its extension
    /// (lower-cased, as [`Target::extension`] gives it) and the last segment
    /// (`seg-3-v1.m4s`). `None` when the path has one segment, or the segment before
    /// the last has no extension.
    pub fn within_film(&self) -> Option<(&str, String, &str)> {
        let (film, name) = self.path.rsplit_once('/')?;
        let ext = extension_of(film.rsplit('/').next()?)?;
        Some((film, ext, name))
    }
}

/// The lower-cased text after the last `.` of one path segment (see
/// [`Target::extension`]).
fn extension_of(segment: &str) -> Option<String> {
    let dot = segment.rfind('.')?;
    let ext = segment.get(dot.checked_add(1)?..)?;
    if dot == 0 || ext.is_empty() {
        return None;
    }
    Some(ext.to_ascii_lowercase())
}

/// Resolves a raw request-target (RFC 9112 §3.2).
///
/// Origin-form (`/path?query`) and absolute-form (`http://` or `https://`, any
/// case) are accepted. The path is percent-decoded exactly once (RFC 3986 §2.1), so
/// `%2f` becomes a separator and `%252e` the literal text `%2e`.
///
/// Errors:
/// - `400`: asterisk-form (`*`), authority-form (`host:port`), anything else not
///   starting with `/` or a scheme, a bad absolute-form authority, a fragment
///   (`#`), an invalid percent escape, a decoded NUL, a decoded path that is not
///   UTF-8 (this catches overlong encodings such as `%c0%ae`);
/// - `403` `"path traversal"`: a `..` segment after decoding;
/// - `404` `"dot-file"`: any other segment starting with `.` (`.git`, `.htaccess`).
pub fn parse_target(raw: &str) -> Result<Target, Refusal> {
    if raw.contains('#') {
        return Err(Refusal::new(400, "fragment in request-target"));
    }
    let (host, rest) = split_form(raw)?;
    let (raw_path, query) = rest.split_once('?').unwrap_or((rest, ""));
    Ok(Target {
        path: resolve_path(raw_path)?,
        query: query.to_owned(),
        host,
    })
}

/// Splits off the absolute-form scheme and authority: `(host, "/path?query")`.
fn split_form(raw: &str) -> Result<(Option<String>, &str), Refusal> {
    if raw.starts_with('/') {
        return Ok((None, raw));
    }
    if raw == "*" {
        return Err(Refusal::new(400, "asterisk-form request-target"));
    }
    let Some(after_scheme) = strip_http_scheme(raw) else {
        return Err(Refusal::new(
            400,
            "request-target is not origin-form or absolute-form",
        ));
    };
    let end = after_scheme.find(['/', '?']).unwrap_or(after_scheme.len());
    let (authority, rest) = after_scheme.split_at(end);
    if !is_valid_authority(authority.as_bytes()) {
        return Err(Refusal::new(
            400,
            "invalid authority in absolute-form request-target",
        ));
    }
    Ok((Some(authority.to_ascii_lowercase()), rest))
}

/// The text after `http://` or `https://` (scheme case-insensitive, RFC 3986 §3.1).
fn strip_http_scheme(raw: &str) -> Option<&str> {
    ["http://", "https://"].iter().find_map(|scheme| {
        let head = raw.get(..scheme.len())?;
        if head.eq_ignore_ascii_case(scheme) {
            raw.get(scheme.len()..)
        } else {
            None
        }
    })
}

/// Decodes once, then checks and normalizes the segments.
fn resolve_path(raw_path: &str) -> Result<String, Refusal> {
    let decoded = percent_decode(raw_path.as_bytes(), false)
        .map_err(|_| Refusal::new(400, "invalid percent escape in path"))?;
    if decoded.contains(&0) {
        return Err(Refusal::new(400, "NUL in path"));
    }
    let decoded = std::str::from_utf8(&decoded)
        .map_err(|_| Refusal::new(400, "decoded path is not UTF-8"))?;
    let segments: Vec<&str> = decoded
        .split('/')
        .filter(|s| !s.is_empty() && *s != ".")
        .collect();
    if segments.contains(&"..") {
        return Err(Refusal::new(403, "path traversal"));
    }
    if segments.iter().any(|s| s.starts_with('.')) {
        return Err(Refusal::new(404, "dot-file"));
    }
    Ok(segments.join("/"))
}

#[cfg(test)]
mod tests;
