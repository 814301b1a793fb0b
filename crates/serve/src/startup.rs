//! What every process does first, before it reads a request.

use crate::exchange::Exchange;
use loomiere_config::cli::{load_config, parse_args, Args};
use loomiere_config::{Config, ConfigError};
use loomiere_connection::send::ignore_sigpipe;
use std::process::ExitCode;

/// What [`start`] gives: the arguments, the exchange (clock started), and the
/// configuration.
pub struct Startup {
    pub args: Args,
    pub ex: Exchange,
    /// Why the configuration could not be read, if it could not (the request then
    /// gets 500).
    pub config: Result<(), ConfigError>,
    /// The configuration, or the defaults when it could not be read: then only the
    /// limits used to read the request that the 500 answers.
    pub base: Config,
}

/// Starts a process named `program`: arguments, `SIGPIPE` ignored, the `SIGBUS`
/// handler set ([`loomiere_docroot::sigbus`]), a line for crashes
/// ([`loomiere_log::note_crashes`]), the clock started, and the configuration read.
///
/// Errors: the exit code for `--help`, `--version` or a usage error (100).
pub fn start(program: &'static str) -> Result<Startup, ExitCode> {
    let args = parse_args(program)?;
    ignore_sigpipe();
    loomiere_docroot::sigbus::install(program);
    loomiere_log::note_crashes(program);
    let mut ex = Exchange::begin();
    let (base, config) = match load_config(&args) {
        Ok(c) => (c, Ok(())),
        Err(e) => (Config::default(), Err(e)),
    };
    ex.configure(&base);
    Ok(Startup {
        args,
        ex,
        config,
        base,
    })
}
