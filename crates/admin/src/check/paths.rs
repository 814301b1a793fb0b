//! The files and directories a config names, checked for the user the streamers run
//! as: can it reach them with the access the streamers need, and are their modes safe.

use super::findings::Findings;
use super::lines;
use crate::account::{describe, Account, R, W, X};
use crate::runtime::Loaded;
use std::os::unix::fs::MetadataExt;
use std::path::Path;

/// What the checks look at.
pub struct Subject<'a> {
    pub loaded: &'a Loaded,
    /// The config text, for keys the parsed config does not show (`scoreboard`).
    pub text: &'a str,
    pub user: &'a Account,
    /// Where bare streamer names are found (next to `loomiere-stream`).
    pub bin_dir: Option<&'a Path>,
}

/// Runs every check of this file.
pub fn check_all(s: &Subject<'_>, f: &mut Findings) {
    as_root(s, f);
    roots(s, f);
    index_dir(s, f);
    secret_file(s, f);
    scoreboard(s, f);
    streamers(s, f);
}

/// The config file itself: the streamers read it at every connection.
pub fn config_file(path: &Path, user: &Account, f: &mut Findings) {
    match user.reach(path, R) {
        Err(e) => f.error(format!(
            "config: {e}: the streamers answer 500 to every request"
        )),
        Ok(m) => {
            if m.mode() & 0o002 != 0 {
                f.warning(format!(
                    "config {}: anyone may change it ({})",
                    path.display(),
                    describe(&m)
                ));
            }
        }
    }
}

fn as_root(s: &Subject<'_>, f: &mut Findings) {
    if !s.user.is_root() {
        return;
    }
    if s.loaded.allow_root() {
        f.warning("the streamers serve as root (allow_root = yes): run them as their own user");
    } else {
        f.error("the streamers refuse to serve as root (500): let the supervisor drop privileges (tcpsvd -u loomiere), or set allow_root = yes");
    }
}

/// `root` or each `vhost.<pattern>`: a directory the user can search.
fn roots(s: &Subject<'_>, f: &mut Findings) {
    for (key, dir) in s.loaded.roots() {
        let shown = format!("{key} {}", dir.display());
        match std::fs::metadata(&dir) {
            Err(e) => {
                f.error(format!("{shown}: {e}: the streamers answer 500"));
                continue;
            }
            Ok(m) if !m.is_dir() => {
                f.error(format!(
                    "{shown}: not a directory: the streamers answer 500"
                ));
                continue;
            }
            Ok(_) => {}
        }
        match s.user.reach(&dir, X) {
            Err(e) => f.error(format!(
                "{shown}: {e}: the streamers answer 500, or 403 for every file"
            )),
            Ok(m) => {
                if m.mode() & 0o002 != 0 && m.mode() & 0o1000 == 0 {
                    f.warning(format!(
                        "{shown}: anyone may add or replace films ({})",
                        describe(&m)
                    ));
                } else if s.user.bits(&m) & W != 0 {
                    f.warning(format!(
                        "{shown}: {} may change it, but the streamers only read ({})",
                        s.user.name,
                        describe(&m)
                    ));
                }
            }
        }
    }
}

/// `index_dir`: a directory only the user can write (else no index is kept).
fn index_dir(s: &Subject<'_>, f: &mut Findings) {
    let Some(dir) = s.loaded.index_dir() else {
        return;
    };
    let hint = format!(
        "no index is kept, so every seek reads the whole sample tables (install -d -o {} -m 0700 {})",
        s.user.name,
        dir.display()
    );
    let m = match s.user.reach(dir, W | X) {
        Err(e) => return f.warning(format!("index_dir: {e}: {hint}")),
        Ok(m) if !m.is_dir() => {
            return f.warning(format!(
                "index_dir {}: not a directory: {hint}",
                dir.display()
            ))
        }
        Ok(m) => m,
    };
    if m.uid() != s.user.uid {
        f.warning(format!(
            "index_dir {}: not owned by {} ({})",
            dir.display(),
            s.user.name,
            describe(&m)
        ));
    }
    if m.mode() & 0o022 != 0 {
        f.warning(format!(
            "index_dir {}: other users may write in it ({})",
            dir.display(),
            describe(&m)
        ));
    }
}

/// `secure_link_secret_file`, when secure links use `$secret`.
fn secret_file(s: &Subject<'_>, f: &mut Findings) {
    let Some(path) = s.loaded.secret_file() else {
        return;
    };
    let refused = "the streamers answer 500 to every signed link";
    let m = match s.user.reach(path, R) {
        Err(e) => return f.error(format!("secure_link_secret_file: {e}: {refused}")),
        Ok(m) => m,
    };
    if let Err(e) = crate::secret::read(path) {
        return f.error(format!("{e}: {refused}"));
    }
    let shown = format!("secure_link_secret_file {}", path.display());
    if m.mode() & 0o004 != 0 {
        f.warning(format!(
            "{shown}: every local user can read it, so sign links ({}; use root:{} 0640)",
            describe(&m),
            s.user.name
        ));
    }
    if m.mode() & 0o022 != 0 || s.user.bits(&m) & W != 0 {
        f.warning(format!(
            "{shown}: users other than root may change it ({})",
            describe(&m)
        ));
    }
}

/// `scoreboard`, only when the streamers' parser knows the key (it accepted the file
/// with it): a file the user owns and only it writes, or a directory for it.
fn scoreboard(s: &Subject<'_>, f: &mut Findings) {
    let Some(entry) = lines::value_of(s.text, "scoreboard") else {
        return;
    };
    let path = Path::new(entry.value);
    if entry.value == "off" || !path.is_absolute() {
        return;
    }
    match std::fs::symlink_metadata(path) {
        Ok(m) => {
            if m.uid() != s.user.uid || m.mode() & 0o022 != 0 {
                f.warning(format!(
                    "scoreboard {}: should belong to {} and be written by it alone ({})",
                    path.display(),
                    s.user.name,
                    describe(&m)
                ));
            }
        }
        Err(_) => {
            let parent = path.parent().unwrap_or(Path::new("/"));
            if let Err(e) = s.user.reach(parent, W | X) {
                f.warning(format!(
                    "scoreboard {}: cannot be created: {e}",
                    path.display()
                ));
            }
        }
    }
}

/// `streamer.<ext>`: every program the front may execute.
fn streamers(s: &Subject<'_>, f: &mut Findings) {
    let mut programs: Vec<(&str, Vec<&str>)> = Vec::new();
    for (ext, program) in s.loaded.streamers() {
        match programs.iter_mut().find(|(p, _)| p == program) {
            Some((_, exts)) => exts.push(ext),
            None => programs.push((program, vec![ext])),
        }
    }
    for (program, exts) in programs {
        let path = if program.contains('/') {
            Path::new(program).to_path_buf()
        } else if let Some(dir) = s.bin_dir {
            dir.join(program)
        } else {
            continue;
        };
        let fail = |why: String| {
            format!(
                "streamer {program} (for .{}): {why}: the front answers 500 for these files",
                exts.join(" .")
            )
        };
        match s.user.reach(&path, X) {
            Err(e) => f.error(fail(e)),
            Ok(m) if !m.is_file() => f.error(fail(format!("{} is not a file", path.display()))),
            Ok(_) => {}
        }
    }
}
