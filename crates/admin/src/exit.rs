//! Exit statuses: 0 fine, [`PROBLEM`] (1) a problem found or a job not done, 2 a
//! usage error (clap's own, before any subcommand runs).

use std::process::ExitCode;

/// Exit status when a check found a problem or a command could not do its job.
pub const PROBLEM: u8 = 1;

/// Prints `loomiere COMMAND: MESSAGE` on stderr and returns [`PROBLEM`].
pub fn fail(command: &str, message: &str) -> ExitCode {
    eprintln!("loomiere {command}: {message}");
    ExitCode::from(PROBLEM)
}
