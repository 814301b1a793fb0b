//! `loomiere-overflow-probe N`: prints `N + 1` for a byte `N` (0 to 255).
//!
//! Built by the integration test `release::overflow_checks_are_on_in_the_release_profile`
//! with the workspace's release profile, the one the shipped binaries use. With
//! `overflow-checks = true` there, `255` must stop the process (a panic, which
//! `panic = "abort"` turns into SIGABRT, or a trap in the static build) instead of
//! printing a wrapped `0`. Never installed.

use std::process::ExitCode;

fn main() -> ExitCode {
    let Some(n) = std::env::args().nth(1).and_then(|a| a.parse::<u8>().ok()) else {
        eprintln!("usage: loomiere-overflow-probe N (0 to 255)");
        return ExitCode::from(100);
    };
    // black_box: the addition happens at run time, with whatever checks the profile has.
    let sum = std::hint::black_box(n) + 1;
    println!("{sum}");
    ExitCode::SUCCESS
}
