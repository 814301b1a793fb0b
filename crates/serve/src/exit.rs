//! The exit status of every Loomiere program, in the runit/daemontools convention
//! (100 for a permanent failure such as a usage error, 111 for a temporary one), so
//! a supervisor's log (`tcpsvd: info: end PID exit 111`) tells them apart.
//!
//! | status | when |
//! |--------|------|
//! | 0 | the request was answered (served or refused with an error status), the client went away (EPIPE, ECONNRESET) or stopped reading (send timeout), or it closed before sending a byte |
//! | 100 | a usage error on the command line ([`loomiere_config::cli::EXIT_USAGE`]) |
//! | 111 | a temporary failure on our side: sending the answer failed for a reason other than the client ([`End::Failed`]), or the source file changed under us while it was being planned (SIGBUS, [`loomiere_docroot::sigbus::EXIT_CODE`]) |

use loomiere_connection::send::End;
use std::process::ExitCode;

/// Exit status of a temporary failure (runit convention).
pub const EXIT_TEMPORARY: u8 = 111;

/// The exit status after an answer whose sending ended with `end`: 111 for
/// [`End::Failed`], else 0.
pub fn after_send(end: &End) -> ExitCode {
    match end {
        End::Failed(_) => ExitCode::from(EXIT_TEMPORARY),
        _ => ExitCode::SUCCESS,
    }
}
