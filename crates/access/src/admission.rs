//! The decision for one checked request: which document root serves it, and whether
//! its `Referer` and its secure link pass.

use crate::expr::Vars;
use crate::host::normalize_host;
use crate::rules::Rules;
use crate::{link, referer};
use loomiere_http::{Refusal, Request, Target};
use std::path::Path;
use std::time::{SystemTime, UNIX_EPOCH};

/// What [`admit`] decided for a request that may be served.
///
/// Everything the access rules add to the answer belongs here: today the document
/// root; response fields that depend on the request (such as CORS's
/// `Access-Control-Allow-Origin` for its `Origin`) would be carried beside it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Admission<'r> {
    /// The document root to serve the request from.
    pub root: &'r Path,
}

/// The host a request is for (RFC 9112 §3.2.2, §7.2): the authority of an
/// absolute-form target, else the `Host` field; normalized by [`normalize_host`].
pub fn request_host(request: &Request<'_>, target: &Target) -> Option<String> {
    let authority = match &target.host {
        Some(h) => h.as_str(),
        None => std::str::from_utf8(request.header("host")?).ok()?,
    };
    normalize_host(authority)
}

/// Decides whether a checked request may be served under `rules`, and from which
/// document root (`default_root` when there are no virtual hosts).
///
/// `remote` is the client's address as the access log shows it (`-` when unknown).
/// Refusals: `404` when virtual hosts are configured and none matches; `403` for a
/// `Referer` outside `referers` (see [`referer::check`]) or a bad or expired secure
/// link (see [`link::check`]); `500` when the secret file cannot be read.
///
/// An `OPTIONS` request gets the virtual-host check only: its answer holds no
/// representation, and a CORS preflight is sent without credentials (Fetch §4.8),
/// so refusing it for its `Referer` or link would only hide from the player the
/// status that the `GET` after it gets.
pub fn admit<'r>(
    request: &Request<'_>,
    target: &Target,
    rules: &'r Rules,
    default_root: &'r Path,
    remote: &str,
) -> Result<Admission<'r>, Refusal> {
    let host = request_host(request, target);
    let root = rules
        .root_for(host.as_deref(), default_root)
        .ok_or_else(|| {
            Refusal::new(
                404,
                format!("no virtual host for '{}'", host.as_deref().unwrap_or("")),
            )
        })?;
    if request.method == "OPTIONS" {
        return Ok(Admission { root });
    }
    referer::check(
        &rules.referers,
        rules.referer_empty,
        request.header("referer"),
    )?;
    if let Some(expression) = &rules.secure_link_md5 {
        let uri = format!("/{}", target.path);
        let vars = Vars {
            uri: &uri,
            query: &target.query,
            remote_addr: if remote == "-" { "" } else { remote },
            host: host.as_deref().unwrap_or_default(),
            expires: "",
            secret: &[],
            request,
        };
        link::check(
            &rules.secure_link,
            expression,
            &rules.secure_link_secret_file,
            &vars,
            unix_now(),
        )?;
    }
    Ok(Admission { root })
}

/// Seconds since the Unix epoch (0 before it).
fn unix_now() -> i64 {
    let secs = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    i64::try_from(secs).unwrap_or(i64::MAX)
}
