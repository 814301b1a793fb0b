//! Who may stream what: the checks made before any file is opened, by the front
//! (`loomiere-stream`, before it runs a streamer) and again by every streamer, so a
//! streamer that a supervisor runs directly is just as protected.
//!
//! 1. [`refuse_root`]: no process serves as root unless `allow_root = yes` (500).
//! 2. [`admit`]: the virtual host picks the document root (404 for an unknown host),
//!    then the `Referer` allowlist (403), then the secure link (403).
//!
//! IP allow and deny lists and per-IP connection limits stay with the supervisor:
//! tcpsvd's `-C N:MESSAGE` and its per-IP instructions (`-i DIR` or `-x CDB`, see
//! ipsvd-instruct(5) and `runit/loomiere-stream/run`).
//!
//! | key | value | default |
//! |-----|-------|---------|
//! | `allow_root` | `yes` or `no` | `no` |
//! | `vhost.<pattern>` | absolute document root, for a [`HostPattern`]; in file order | none |
//! | `referers` | `off`, or [`HostPattern`]s separated by spaces | `off` |
//! | `referer_empty` | `allow` or `deny` | `allow` |
//! | `secure_link` | `$arg_HASH,$arg_EXPIRES` or `$arg_HASH` ([`LinkArgs`]) | `$arg_md5,$arg_expires` |
//! | `secure_link_md5` | `off`, or an [`Expression`] | `off` |
//! | `secure_link_secret_file` | absolute path, read only for `$secret` | `/etc/loomiere/secret` |

pub mod expr;
pub mod host;
pub mod link;
pub mod referer;
#[cfg(test)]
mod tests;

pub use expr::{Expression, Vars};
pub use host::{normalize_host, HostPattern};
pub use link::LinkArgs;

use crate::config::Config;
use loomiere_http::{Refusal, Request, Target};
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

/// The secret file read for `$secret` when `secure_link_secret_file` is not set.
pub const DEFAULT_SECRET_FILE: &str = "/etc/loomiere/secret";

/// The access settings of the configuration file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rules {
    /// Serve even when running as root (`allow_root`).
    pub allow_root: bool,
    /// `(pattern, document root)` in file order (`vhost.<pattern>`); empty: every
    /// host uses `root`.
    pub vhosts: Vec<(HostPattern, PathBuf)>,
    /// Hosts a `Referer` may name (`referers`); empty: no check.
    pub referers: Vec<HostPattern>,
    /// Whether a request without a `Referer` passes the check (`referer_empty`).
    pub referer_empty: bool,
    /// Query parameters of the hash and the expiry time (`secure_link`).
    pub secure_link: LinkArgs,
    /// What the link's MD5 is computed over (`secure_link_md5`); `None`: secure
    /// links are off.
    pub secure_link_md5: Option<Expression>,
    /// The file `$secret` stands for (`secure_link_secret_file`).
    pub secure_link_secret_file: PathBuf,
}

impl Default for Rules {
    /// Not as root, no virtual hosts, no `Referer` check, no secure links.
    fn default() -> Rules {
        Rules {
            allow_root: false,
            vhosts: Vec::new(),
            referers: Vec::new(),
            referer_empty: true,
            secure_link: LinkArgs::default(),
            secure_link_md5: None,
            secure_link_secret_file: PathBuf::from(DEFAULT_SECRET_FILE),
        }
    }
}

impl Rules {
    /// The document root for the normalized `host` (`None`: the request named no
    /// host): `default_root` when there are no virtual hosts, else the root of the
    /// first `vhost.<pattern>` that matches (`*` also matches no host), else `None`.
    pub fn root_for<'a>(&'a self, host: Option<&str>, default_root: &'a Path) -> Option<&'a Path> {
        if self.vhosts.is_empty() {
            return Some(default_root);
        }
        self.vhosts
            .iter()
            .find(|(pattern, _)| match host {
                Some(h) => pattern.matches(h),
                None => *pattern == HostPattern::Any,
            })
            .map(|(_, root)| root.as_path())
    }
}

/// Refuses with `500` when the process runs as root (real, effective or saved user
/// id 0) and the configuration does not say `allow_root = yes`. Supervisors drop
/// privileges for us: `tcpsvd -u loomiere`, `User=` in systemd, `user` in xinetd.
pub fn refuse_root(config: &Config) -> Result<(), Refusal> {
    if config.access.allow_root || !running_as_root() {
        return Ok(());
    }
    Err(Refusal::new(
        500,
        "refusing to run as root (use tcpsvd -u USER, or allow_root = yes)",
    ))
}

fn running_as_root() -> bool {
    match nix::unistd::getresuid() {
        Ok(ids) => [ids.real, ids.effective, ids.saved]
            .iter()
            .any(|id| id.is_root()),
        Err(_) => nix::unistd::geteuid().is_root(),
    }
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

/// Decides whether a checked request may be served, and from which document root.
///
/// `remote` is the client's address as the access log shows it (`-` when unknown).
/// Refusals: `404` when virtual hosts are configured and none matches; `403` for a
/// `Referer` outside `referers` (see [`referer::check`]) or a bad or expired secure
/// link (see [`link::check`]); `500` when the secret file cannot be read.
pub fn admit<'c>(
    request: &Request<'_>,
    target: &Target,
    config: &'c Config,
    remote: &str,
) -> Result<&'c Path, Refusal> {
    let rules = &config.access;
    let host = request_host(request, target);
    let root = rules
        .root_for(host.as_deref(), config.root_or_default())
        .ok_or_else(|| {
            Refusal::new(
                404,
                format!("no virtual host for '{}'", host.as_deref().unwrap_or("")),
            )
        })?;
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
    Ok(root)
}

/// Seconds since the Unix epoch (0 before it).
fn unix_now() -> i64 {
    let secs = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    i64::try_from(secs).unwrap_or(i64::MAX)
}

/// Checks the `<pattern>` of a `vhost.<pattern>` key and returns it in canonical
/// (lower-case) form, for duplicate detection.
pub(crate) fn vhost_key(pattern: &str) -> Result<String, String> {
    HostPattern::parse(pattern).map(|p| p.to_string())
}

/// Appends `vhost.<pattern> = root`. Errors: a bad root, or `root` already set (the
/// two exclude each other: `vhost.* = DIR` is the catch-all).
pub(crate) fn add_vhost(config: &mut Config, pattern: &str, root: PathBuf) -> Result<(), String> {
    if config.root.is_some() {
        return Err(VHOST_AND_ROOT.to_string());
    }
    config
        .access
        .vhosts
        .push((HostPattern::parse(pattern)?, root));
    Ok(())
}

/// Why `root` and `vhost.<pattern>` cannot both be set.
pub(crate) const VHOST_AND_ROOT: &str = "'root' and 'vhost.<pattern>' lines exclude each other; use 'vhost.* = DIR' for all other hosts";
