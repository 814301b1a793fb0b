//! No process serves as root unless the configuration allows it.

use crate::rules::Rules;
use loomiere_http::Refusal;

/// Refuses with `500` when the process runs as root (real, effective or saved user
/// id 0) and the rules do not say `allow_root = yes`. Supervisors drop privileges
/// for us: `tcpsvd -u loomiere`, `User=` in systemd, `user` in xinetd.
pub fn refuse_root(rules: &Rules) -> Result<(), Refusal> {
    if rules.allow_root || !running_as_root() {
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
