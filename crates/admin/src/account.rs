//! The user the streamers run as, and what the permission bits let it do.
//!
//! Access is computed from the mode bits as the kernel checks them (owner, else one
//! of the user's groups, else others; root may do everything but execute a file
//! without any `x` bit). POSIX ACLs and capabilities other than root's are not
//! looked at.

use std::ffi::CString;
use std::fs::Metadata;
use std::os::unix::fs::MetadataExt;
use std::path::Path;

/// Read permission, as in a mode's `r` bit of each class.
pub const R: u32 = 4;
/// Write permission.
pub const W: u32 = 2;
/// Execute (files) or search (directories) permission.
pub const X: u32 = 1;

/// A user from the password database with all its groups.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Account {
    pub name: String,
    pub uid: u32,
    pub gid: u32,
    /// The primary group and every supplementary group (getgrouplist(3)).
    pub groups: Vec<u32>,
}

impl Account {
    /// Looks `name` up (getpwnam(3), getgrouplist(3)). Errors, in words: no such user.
    pub fn lookup(name: &str) -> Result<Account, String> {
        let user = nix::unistd::User::from_name(name)
            .map_err(|e| format!("cannot look up user '{name}': {e}"))?
            .ok_or_else(|| format!("no user '{name}' (give the streamers' user with --user)"))?;
        let cname = CString::new(name).map_err(|_| format!("bad user name '{name}'"))?;
        let groups = nix::unistd::getgrouplist(&cname, user.gid)
            .map_err(|e| format!("cannot list the groups of '{name}': {e}"))?;
        Ok(Account {
            name: name.to_owned(),
            uid: user.uid.as_raw(),
            gid: user.gid.as_raw(),
            groups: groups.into_iter().map(|g| g.as_raw()).collect(),
        })
    }

    /// Makes this process run as this user (groups, then group, then user id), as
    /// tcpsvd -u does. Errors, in words: the process may not switch (not root).
    pub fn become_it(&self) -> Result<(), String> {
        use nix::unistd::{setgid, setgroups, setuid, Gid, Uid};
        let groups: Vec<Gid> = self.groups.iter().map(|&g| Gid::from_raw(g)).collect();
        setgroups(&groups)
            .and_then(|()| setgid(Gid::from_raw(self.gid)))
            .and_then(|()| setuid(Uid::from_raw(self.uid)))
            .map_err(|e| format!("cannot switch to user {}: {e}", self.name))
    }

    pub fn is_root(&self) -> bool {
        self.uid == 0
    }

    /// The `rwx` bits (as [`R`] | [`W`] | [`X`]) this user has on a file with
    /// metadata `m`.
    pub fn bits(&self, m: &Metadata) -> u32 {
        self.bits_of(m.mode(), m.uid(), m.gid(), m.is_dir())
    }

    /// [`Account::bits`] for a file of `mode`, owned by `owner:group`.
    fn bits_of(&self, mode: u32, owner: u32, group: u32, is_dir: bool) -> u32 {
        if self.is_root() {
            let any_x = mode & 0o111 != 0 || is_dir;
            return R | W | if any_x { X } else { 0 };
        }
        if owner == self.uid {
            (mode >> 6) & 7
        } else if self.groups.contains(&group) {
            (mode >> 3) & 7
        } else {
            mode & 7
        }
    }

    /// Checks that this user can reach `path` (search permission on every directory
    /// above it, after resolving symbolic links) and has `want` on it. Returns its
    /// metadata. Errors, in words: it does not exist, a directory above it cannot be
    /// searched, the permission is missing.
    pub fn reach(&self, path: &Path, want: u32) -> Result<Metadata, String> {
        let real = path
            .canonicalize()
            .map_err(|e| format!("{}: {e}", path.display()))?;
        for dir in real.ancestors().skip(1) {
            let m = std::fs::metadata(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
            if self.bits(&m) & X == 0 {
                return Err(format!(
                    "{} cannot search {} ({})",
                    self.name,
                    dir.display(),
                    describe(&m)
                ));
            }
        }
        let m = std::fs::metadata(&real).map_err(|e| format!("{}: {e}", real.display()))?;
        let missing = want & !self.bits(&m);
        if missing != 0 {
            return Err(format!(
                "{} has no {} permission on {} ({})",
                self.name,
                letters(missing),
                shown(path, &real),
                describe(&m)
            ));
        }
        Ok(m)
    }
}

/// `mode 0750, owner root:loomiere` (numeric ids when they have no name).
pub fn describe(m: &Metadata) -> String {
    let owner = nix::unistd::User::from_uid(m.uid().into())
        .ok()
        .flatten()
        .map_or_else(|| m.uid().to_string(), |u| u.name);
    let group = nix::unistd::Group::from_gid(m.gid().into())
        .ok()
        .flatten()
        .map_or_else(|| m.gid().to_string(), |g| g.name);
    format!("mode {:04o}, owner {owner}:{group}", m.mode() & 0o7777)
}

/// `rw`, `x`, ...: the letters of a set of permission bits.
pub fn letters(bits: u32) -> String {
    [(R, 'r'), (W, 'w'), (X, 'x')]
        .iter()
        .filter(|(b, _)| bits & b != 0)
        .map(|(_, c)| *c)
        .collect()
}

/// `path`, with its real path when a symbolic link led elsewhere.
fn shown(path: &Path, real: &Path) -> String {
    if path == real {
        path.display().to_string()
    } else {
        format!("{} (= {})", path.display(), real.display())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn account(uid: u32, groups: &[u32]) -> Account {
        Account {
            name: "u".into(),
            uid,
            gid: groups.first().copied().unwrap_or(uid),
            groups: groups.to_vec(),
        }
    }

    /// The class that applies is the first that matches, as in the kernel: an owner
    /// without `r` cannot read even when others may; root may do all but execute a
    /// file without any `x` bit.
    #[test]
    fn bits_follow_owner_then_group_then_others() {
        let cases: &[(u32, Account, bool, u32)] = &[
            (0o640, account(7, &[8]), false, R | W),
            (0o064, account(7, &[8]), false, 0),
            (0o640, account(9, &[8]), false, R),
            (0o604, account(9, &[10, 11]), false, R),
            (0o650, account(9, &[10, 8]), false, R | X),
            (0o600, account(0, &[0]), false, R | W),
            (0o700, account(0, &[0]), false, R | W | X),
            (0o000, account(0, &[0]), true, R | W | X),
        ];
        for (mode, who, is_dir, want) in cases {
            let got = who.bits_of(*mode, 7, 8, *is_dir);
            assert_eq!(
                got, *want,
                "mode {mode:o} uid {} groups {:?}",
                who.uid, who.groups
            );
        }
    }

    #[test]
    fn letters_name_the_bits() {
        assert_eq!(letters(R | X), "rx");
        assert_eq!(letters(W), "w");
    }
}
