//! The admin command `loomiere` (crates/admin) against the real streamers, tcpsvd and
//! nginx: `check-config` gives the verdict the streamers give ([`check_config`]),
//! `sign` makes links both Loomiere and nginx's secure_link accept ([`sign`]),
//! `index` builds the indexes the MP4 streamer plans from ([`index`]), `probe`
//! agrees with ffprobe and refuses what the streamers refuse ([`probe`]).
//!
//! `loomiere` is another package's binary: `cargo test --workspace` builds it into
//! the same target directory as this test (crates/admin has integration tests of
//! its own, so cargo builds its binary); alone, `cargo build -p loomiere-admin` first.

mod check_config;
mod ffprobe_streams;
mod index;
mod probe;
mod sign;

use std::path::PathBuf;
use std::process::{Command, Output};

/// `target/<profile>/loomiere`, next to this test's `deps/` directory.
pub fn admin_bin() -> PathBuf {
    let exe = std::env::current_exe().expect("test executable path");
    let dir = exe
        .parent()
        .and_then(|deps| deps.parent())
        .expect("target/<profile>/deps");
    let bin = dir.join("loomiere");
    assert!(
        bin.is_file(),
        "{} is missing: run `cargo build -p loomiere-admin` (cargo test --workspace builds it)",
        bin.display()
    );
    bin
}

/// Runs `loomiere ARGS` with no `LOOMIERE_CONFIG` from the environment.
pub fn loomiere<I, S>(args: I) -> Output
where
    I: IntoIterator<Item = S>,
    S: AsRef<std::ffi::OsStr>,
{
    Command::new(admin_bin())
        .args(args)
        .env_remove("LOOMIERE_CONFIG")
        .output()
        .expect("run loomiere")
}

/// stdout and stderr as text.
pub fn texts(out: &Output) -> (String, String) {
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// The user the streamers run as in these tests, and the tcpsvd options that make
/// them run as it: `nobody` (tcpsvd -u nobody) when the tests run as root, so that
/// permission bits apply to them; else the user running the tests.
pub fn streamer_user() -> (String, Vec<std::ffi::OsString>) {
    if crate::access::running_as_root() {
        ("nobody".into(), vec!["-u".into(), "nobody".into()])
    } else {
        let out = Command::new("id").arg("-un").output().expect("id -un");
        (
            String::from_utf8_lossy(&out.stdout).trim().to_owned(),
            vec![],
        )
    }
}
