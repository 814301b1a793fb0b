//! The access settings of the configuration file, and the document root they pick
//! for a host.

use crate::cors::CorsOrigins;
use crate::expr::Expression;
use crate::host::HostPattern;
use crate::link::LinkArgs;
use std::path::{Path, PathBuf};

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
    /// The origins whose pages may read our answers (`cors_origins`).
    pub cors_origins: CorsOrigins,
}

impl Default for Rules {
    /// Not as root, no virtual hosts, no `Referer` check, no secure links, no CORS.
    fn default() -> Rules {
        Rules {
            allow_root: false,
            vhosts: Vec::new(),
            referers: Vec::new(),
            referer_empty: true,
            secure_link: LinkArgs::default(),
            secure_link_md5: None,
            secure_link_secret_file: PathBuf::from(DEFAULT_SECRET_FILE),
            cors_origins: CorsOrigins::Off,
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
