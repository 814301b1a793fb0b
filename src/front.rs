//! The front, `loomiere-stream`: run by tcpsvd, xinetd or systemd for each connection.
//! It reads and checks the request head, picks the streamer by file extension
//! (`streamer.<ext>` in the config) and `execve()`s it with the raw head handed over
//! (`LOOMIERE_REQUEST`, or a descriptor for a long head: see
//! [`loomiere_connection::handover`]), so no response byte passes through the front.
//! One exception: a request routed to `loomiere-file` (plain files) is served here,
//! with that streamer's own code linked in ([`crate::file`]), saving a program start.

use loomiere_config::cli::Args;
use loomiere_config::Config;
use loomiere_connection::handover::hand_over;
use loomiere_connection::intake::read_head;
use loomiere_connection::stdin;
use loomiere_http::Refusal;
use loomiere_serve::request::limits;
use loomiere_serve::route::{program_path, streamer_for};
use loomiere_serve::watch::SLOT_ENV;
use loomiere_serve::{admit, serve_in_front, start, Exchange, Startup};
use std::mem::ManuallyDrop;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

/// Runs the front. Returns only when it could not hand over to a streamer.
pub fn run() -> ExitCode {
    let Startup {
        args,
        mut ex,
        config,
        base,
    } = match start("loomiere-stream") {
        Ok(s) => s,
        Err(code) => return code,
    };
    ex.watch(&base, "loomiere-stream");
    // Never freed: the process ends after this request, and dropping the tables of a
    // configuration took ~11,000 instructions.
    let base = ManuallyDrop::new(base);
    let head = match read_head(stdin(), &limits(&base), base.request_timeout) {
        Ok(h) => h,
        Err(e) => return ex.intake_failed(&e),
    };
    ex.note_request(&head);
    let refusal = match config {
        Err(e) => Refusal::new(500, format!("config {e}")),
        Ok(()) => match route(&head, &base, &mut ex) {
            Ok(Next::Streamer(program)) if serves_in_front(&program) => {
                return serve_in_front(
                    &head,
                    &base,
                    &mut ex,
                    FILE_STREAMER,
                    crate::file::FORMAT_VERSION,
                    crate::file::handle,
                )
            }
            Ok(Next::Streamer(program)) => exec(&program, &args, &head, ex.watcher().index()),
            Ok(Next::Options) => return ex.options(),
            Err(r) => r,
        },
    };
    ex.refuse(&refusal)
}

/// What the front does with an admitted request.
enum Next {
    /// Runs this streamer program.
    Streamer(PathBuf),
    /// Answers `OPTIONS` itself (the answer names no representation).
    Options,
}

/// The plain-file streamer, whose requests the front serves itself.
const FILE_STREAMER: &str = "loomiere-file";

/// True when `program` is the plain-file streamer (its file name is
/// [`FILE_STREAMER`], wherever the configuration puts it): the front then runs that
/// streamer's flow itself ([`serve_in_front`]) instead of execing it.
fn serves_in_front(program: &Path) -> bool {
    program.file_name().is_some_and(|n| n == FILE_STREAMER)
}

/// The streamer program for this request, or [`Next::Options`] for an `OPTIONS`
/// whose extension has a streamer. Errors: running as root without `allow_root`
/// (500), the head's own refusals, the access rules' refusals (unknown virtual host,
/// foreign `Referer`, bad secure link: the same checks the streamer makes again), or
/// 404 when no streamer is configured for the extension.
fn route(head: &[u8], config: &Config, ex: &mut Exchange) -> Result<Next, Refusal> {
    let admitted = admit(head, config, ex)?;
    let program = program_path(streamer_for(config, &admitted.target)?);
    if admitted.request.method == "OPTIONS" {
        return Ok(Next::Options);
    }
    Ok(Next::Streamer(program))
}

/// Replaces this process with the streamer, naming the scoreboard `slot` this
/// process holds (the streamer adopts it: same pid). Returns the refusal when
/// `execve` fails.
fn exec(program: &PathBuf, args: &Args, head: &[u8], slot: Option<usize>) -> Refusal {
    let mut cmd = Command::new(program);
    if let Some(i) = slot {
        cmd.env(SLOT_ENV, i.to_string());
    }
    if let Some(root) = &args.root {
        cmd.arg("--root").arg(root);
    }
    if let Some(config) = &args.config {
        cmd.arg("--config").arg(config);
    }
    // Kept open until execve(2), which the streamer then inherits.
    let _head_fd = match hand_over(&mut cmd, head) {
        Ok(fd) => fd,
        Err(e) => return Refusal::new(500, format!("handing the request head over: {e}")),
    };
    let err = cmd.exec();
    Refusal::new(500, format!("exec {}: {err}", program.display()))
}
