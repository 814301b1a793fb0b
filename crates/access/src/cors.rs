//! Cross-origin resource sharing for browser players (Fetch standard §3.2, "CORS
//! protocol"), key `cors_origins`.
//!
//! flv.js, hls.js, dash.js and Shaka fetch media with `fetch`/XHR; from a page of
//! another origin the browser hands them a response only when it carries
//! `Access-Control-Allow-Origin` for that page's origin. A bare `<video>` needs none
//! of this. CORS grants reading, it does not restrict serving: a request whose
//! `Origin` does not match is served as usual, without the CORS fields, and the
//! browser withholds it from the page.

use crate::origin::{Origin, OriginPattern};
use loomiere_http::Request;

/// The value of `cors_origins`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum CorsOrigins {
    /// `off` (the default): no CORS fields at all.
    #[default]
    Off,
    /// `*`: every origin, answered with `Access-Control-Allow-Origin: *`.
    Any,
    /// Origin patterns separated by spaces: a matching origin is echoed, and every
    /// response carries `Vary: Origin` (the answer depends on it, Fetch §3.2.5).
    List(Vec<OriginPattern>),
}

impl CorsOrigins {
    /// Parses `off`, `*`, or [`OriginPattern`]s separated by spaces or tabs.
    /// Errors: a bad pattern, or an empty list.
    pub fn parse(value: &str) -> Result<CorsOrigins, String> {
        match value {
            "off" => return Ok(CorsOrigins::Off),
            "*" => return Ok(CorsOrigins::Any),
            _ => {}
        }
        let list = value
            .split([' ', '\t'])
            .filter(|w| !w.is_empty())
            .map(OriginPattern::parse)
            .collect::<Result<Vec<_>, _>>()?;
        if list.is_empty() {
            return Err("expected 'off', '*' or origin patterns".to_string());
        }
        Ok(CorsOrigins::List(list))
    }
}

/// `Access-Control-Expose-Headers`: the response fields a player reads beyond the
/// CORS-safelisted ones (Fetch §3.2.3): lengths and ranges for seeking and
/// buffering, validators for caching.
pub const EXPOSE_HEADERS: &str =
    "Content-Length, Content-Range, Accept-Ranges, ETag, Last-Modified";
/// `Access-Control-Allow-Methods` of a preflight answer: what we serve.
pub const ALLOW_METHODS: &str = "GET, HEAD, OPTIONS";
/// `Access-Control-Allow-Headers` of a preflight answer: the request fields that
/// make a player's fetch non-simple (Fetch §2.2.2) and that we act on.
pub const ALLOW_HEADERS: &str = "Range, If-Range, If-None-Match, If-Modified-Since";
/// `Access-Control-Max-Age` of a preflight answer, in seconds: one day (Chromium
/// caps it at 2 hours, Firefox at one day).
pub const MAX_AGE: &str = "86400";

/// What CORS adds to the answers of one request, decided by [`decide`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Cors {
    /// The `Access-Control-Allow-Origin` value (the origin, or `*`); `None` when
    /// the request's origin is not granted or it sent none.
    pub allow_origin: Option<String>,
    /// Whether answers depend on `Origin` (`Vary: Origin`).
    pub vary: bool,
    /// Whether the request is a CORS preflight (Fetch §3.2.2): `OPTIONS` with
    /// `Origin` and `Access-Control-Request-Method`.
    pub preflight: bool,
}

/// Decides the CORS fields for `request` under `origins`. Never refuses: an origin
/// that is not granted only gets no `Access-Control-Allow-Origin`.
pub fn decide(origins: &CorsOrigins, request: &Request<'_>) -> Cors {
    let origin = request.header("origin");
    let preflight = request.method == "OPTIONS"
        && origin.is_some()
        && request.header("access-control-request-method").is_some();
    let (allow_origin, vary) = match origins {
        CorsOrigins::Off => (None, false),
        CorsOrigins::Any => (origin.map(|_| "*".to_string()), false),
        CorsOrigins::List(list) => {
            let granted = origin
                .and_then(Origin::parse)
                .filter(|o| list.iter().any(|p| p.matches(o)));
            // Echo the field as sent: it parsed, so it is printable ASCII.
            let echo = granted
                .and(origin)
                .and_then(|v| std::str::from_utf8(v).ok());
            (echo.map(str::to_owned), true)
        }
    };
    Cors {
        allow_origin,
        vary,
        preflight,
    }
}

impl Cors {
    /// The fields every answer to this request carries, a refusal's included (so a
    /// player sees the status rather than a network error): `Vary: Origin` when
    /// origin-dependent, then, for a granted origin, `Access-Control-Allow-Origin`
    /// and `Access-Control-Expose-Headers`.
    pub fn fields(&self) -> Vec<(&'static str, &str)> {
        let mut out = Vec::new();
        if self.vary {
            out.push(("Vary", "Origin"));
        }
        if let Some(origin) = &self.allow_origin {
            out.push(("Access-Control-Allow-Origin", origin.as_str()));
            out.push(("Access-Control-Expose-Headers", EXPOSE_HEADERS));
        }
        out
    }

    /// The fields of the answer to an `OPTIONS` request: [`Cors::fields`], and for a
    /// preflight from a granted origin `Access-Control-Allow-Methods`,
    /// `Access-Control-Allow-Headers` and `Access-Control-Max-Age` (Fetch §3.2.3).
    pub fn options_fields(&self) -> Vec<(&'static str, &str)> {
        let mut out = self.fields();
        if self.preflight && self.allow_origin.is_some() {
            out.push(("Access-Control-Allow-Methods", ALLOW_METHODS));
            out.push(("Access-Control-Allow-Headers", ALLOW_HEADERS));
            out.push(("Access-Control-Max-Age", MAX_AGE));
        }
        out
    }
}
