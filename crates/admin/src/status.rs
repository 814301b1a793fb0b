//! `loomiere status`: the open streams, from the streamers' scoreboard. This version
//! of the streamers keeps none, so it says so and exits 1.

use std::process::ExitCode;

/// Runs `status`.
pub fn run() -> ExitCode {
    crate::exit::fail(
        "status",
        "no scoreboard exists: these streamers do not record their open streams yet, so there is nothing to show",
    )
}
