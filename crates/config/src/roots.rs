//! Where the document root comes from, and the one rule about it: a configuration
//! file names either one `root` or `vhost.<pattern>` lines (`vhost.* = DIR` being the
//! catch-all), never both; `--root` on the command line replaces both.

use crate::settings::Config;
use loomiere_access::HostPattern;
use std::path::PathBuf;

/// Why `root` and `vhost.<pattern>` cannot both be set.
const VHOST_AND_ROOT: &str = "'root' and 'vhost.<pattern>' lines exclude each other; use 'vhost.* = DIR' for all other hosts";

/// Sets `root = path`. Errors: a `vhost.<pattern>` line came first.
pub(crate) fn set_root(config: &mut Config, path: PathBuf) -> Result<(), String> {
    if !config.access.vhosts.is_empty() {
        return Err(VHOST_AND_ROOT.to_string());
    }
    config.root = Some(path);
    Ok(())
}

/// Appends `vhost.<pattern> = root`, in file order. Errors: a bad pattern, or a
/// `root` line came first.
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

/// Checks the `<pattern>` of a `vhost.<pattern>` key and returns it in canonical
/// (lower-case) form, for duplicate detection.
pub(crate) fn vhost_key(pattern: &str) -> Result<String, String> {
    HostPattern::parse(pattern).map(|p| p.to_string())
}

/// `--root DIR`: the command line wins over the file, so `root` becomes `DIR` and
/// every `vhost.<pattern>` line is dropped (all hosts are then served from it).
pub(crate) fn override_root(config: &mut Config, root: PathBuf) {
    config.root = Some(root);
    config.access.vhosts.clear();
}
