//! The release profile is what ships (`scripts/build-static` builds with it): these
//! tests prove what it does, rather than what the test profile does.

use crate::support::manifest::{cargo_table, cargo_toml, repo};
use std::os::unix::process::ExitStatusExt;
use std::process::Command;

/// SIGABRT's number on Linux.
const SIGABRT: i32 = 6;

/// Regression: `overflow_checks_are_on_in_the_test_profile` (in loomiere-mp4 and
/// loomiere-flv) proved nothing about release builds. Here:
///
/// 1. `Cargo.toml` sets `overflow-checks = true` for `[profile.release]`, and no
///    per-package table of it (`[profile.release.package.*]`, where the MP4 planner's
///    `opt-level` is) turns them off again;
/// 2. a program built with that profile (`crates/overflow-probe`, `cargo build
///    --release`) computes `254 + 1` and stops on `255 + 1` instead of printing a
///    wrapped 0.
#[test]
fn overflow_checks_are_on_in_the_release_profile() {
    let release = cargo_table("profile.release");
    assert!(
        release.contains(&("overflow-checks".into(), "true".into())),
        "[profile.release] does not set overflow-checks = true: {release:?}"
    );
    for (table, key, value) in cargo_toml() {
        if table.starts_with("profile.release.") && key == "overflow-checks" {
            assert_eq!(value, "true", "[{table}] turns overflow checks off");
        }
    }

    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    // A target directory of its own: the one `cargo test` uses may be locked.
    let target = repo().join("target/release-probe");
    let built = Command::new(cargo)
        .args([
            "build",
            "--release",
            "--offline",
            "-p",
            "loomiere-overflow-probe",
        ])
        .env("CARGO_TARGET_DIR", &target)
        .current_dir(repo())
        .output()
        .expect("run cargo build --release");
    assert!(
        built.status.success(),
        "cargo build --release failed: {}",
        String::from_utf8_lossy(&built.stderr)
    );
    let probe = target.join("release/loomiere-overflow-probe");
    let run = |n: &str| Command::new(&probe).arg(n).output().expect("run the probe");

    let fine = run("254");
    assert!(fine.status.success(), "254 + 1: {:?}", fine.status);
    assert_eq!(String::from_utf8_lossy(&fine.stdout), "255\n");

    let over = run("255");
    let stderr = String::from_utf8_lossy(&over.stderr);
    assert!(
        !over.status.success() && over.status.code().is_none(),
        "255 + 1 did not stop the process: {:?}, stdout {:?}",
        over.status,
        String::from_utf8_lossy(&over.stdout)
    );
    // panic = "abort": the panic message, then SIGABRT.
    assert_eq!(over.status.signal(), Some(SIGABRT), "{stderr}");
    assert!(stderr.contains("attempt to add with overflow"), "{stderr}");
}
