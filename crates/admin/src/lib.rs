//! `loomiere`: the operator's command for the Loomiere streamers.
//!
//! - `check-config [FILE]` ([`check`]): the config as the streamers parse it, every
//!   key's effective value, and the paths it names checked for their user.
//! - `sign PATH --expires 2h` ([`sign`]): a link for `secure_link_md5`.
//! - `index DIR|FILM...` ([`index`]): the MP4 sample indexes, ahead of time.
//! - `probe FILM...` ([`probe`]): what each film is, and whether `?start=` and HLS
//!   can serve it.
//! - `status [--watch SECONDS]` ([`status`]): the open streams and the totals from
//!   the streamers' scoreboard.
//!
//! Every call into the streamers' crates is in [`runtime`] (config, access rules,
//! index cache), [`mp4`] (the MP4 planner and facts), [`flv`] (the FLV planner and
//! facts, with the codec strings of `loomiere_cmaf`) and [`board`] (the scoreboard),
//! so a change of their shape touches only those files. Exit status: 0 fine, 1 a problem found ([`exit::PROBLEM`]), 2 a
//! usage error (clap's).

mod account;
mod board;
mod check;
pub mod cli;
pub mod exit;
mod film;
mod flv;
mod index;
mod mp4;
mod probe;
mod runtime;
mod secret;
mod sign;
mod status;

use clap::Parser;
use std::process::ExitCode;

/// Parses the command line (clap exits 0 for `--help`/`--version`, 2 for a usage
/// error) and runs the subcommand.
pub fn main() -> ExitCode {
    let cli = cli::Cli::parse();
    match &cli.command {
        cli::Command::CheckConfig(args) => check::run(args),
        cli::Command::Sign(args) => sign::run(args),
        cli::Command::Index(args) => index::run(args),
        cli::Command::Probe(args) => probe::run(args),
        cli::Command::Status(args) => status::run(args),
    }
}
