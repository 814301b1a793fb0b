//! A streamer's flow run inside the front, without an `execve(2)`: for plain files,
//! whose handler is small enough to link into the front (`loomiere-file`'s code), a
//! second program start was a third of a small file's cost (45 KB image: 0.59× the
//! one-exec floor through the front, 0.75× for `loomiere-file` run alone).

use crate::exchange::Exchange;
use crate::streamer::{serve, Opens, Streamer};
use crate::Handler;
use loomiere_config::Config;
use loomiere_connection::intake::Source;
use std::process::ExitCode;

/// Serves the request whose raw `head` the front has read and routed to `program`
/// (for instance `loomiere-file`), in this process, as that streamer would after being
/// handed the head: the same checks, plan (`handler`), `ETag` (`format_version`),
/// send, access-log line and scoreboard counts (under `program`'s name). Returns the
/// exit status ([`crate::exit`]).
pub fn serve_in_front(
    head: &[u8],
    config: &Config,
    ex: &mut Exchange,
    program: &'static str,
    format_version: u32,
    handler: Handler,
) -> ExitCode {
    ex.serve_as(program);
    let streamer = Streamer {
        program,
        format_version,
        handler,
        opens: Opens::Target,
    };
    serve(head, Source::Front, config, ex, &streamer).unwrap_or_else(|r| ex.refuse(&r))
}
