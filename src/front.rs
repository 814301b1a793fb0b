//! The front, `loomiere-stream`: run by tcpsvd, xinetd or systemd for each connection.
//! It reads and checks the request head, picks the streamer by file extension
//! (`streamer.<ext>` in the config) and `execve()`s it with the raw head in
//! `LOOMIERE_REQUEST`, so no response byte passes through the front.

use loomiere_http::Refusal;
use loomiere_runtime::access;
use loomiere_runtime::cli::Args;
use loomiere_runtime::exchange::{limits, parse_checked, start, stdin, Exchange, Startup};
use loomiere_runtime::intake::{read_head, REQUEST_ENV};
use std::ffi::OsStr;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::process::CommandExt;
use std::path::PathBuf;
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
    let head = match read_head(stdin(), &limits(&base), base.request_timeout) {
        Ok(h) => h,
        Err(e) => {
            ex.intake_failed(&e);
            return ExitCode::SUCCESS;
        }
    };
    ex.note_request(&head);
    let refusal = match config {
        Err(e) => Refusal::new(500, format!("config {e}")),
        Ok(()) => match route(&head, &base, &mut ex) {
            Ok(program) => exec(&program, &args, &head),
            Err(r) => r,
        },
    };
    ex.refuse(&refusal);
    ExitCode::SUCCESS
}

/// The streamer program for this request. Errors: running as root without
/// `allow_root` (500), the head's own refusals, the access rules' refusals (unknown
/// virtual host, foreign `Referer`, bad secure link: the same checks the streamer
/// makes again), or 404 when no streamer is configured for the extension.
fn route(
    head: &[u8],
    config: &loomiere_runtime::config::Config,
    ex: &mut Exchange,
) -> Result<PathBuf, Refusal> {
    access::refuse_root(config)?;
    let (request, target) = parse_checked(head, &limits(config), ex)?;
    access::admit(&request, &target, config, ex.remote())?;
    let ext = target.extension().unwrap_or_default();
    let program = config
        .streamer_for(&ext)
        .ok_or_else(|| Refusal::new(404, format!("no streamer for extension '{ext}'")))?;
    Ok(resolve(program))
}

/// An absolute program path stays; a bare name is looked up next to this executable.
fn resolve(program: &str) -> PathBuf {
    if program.contains('/') {
        return PathBuf::from(program);
    }
    let dir = std::env::current_exe()
        .ok()
        .and_then(|p| p.parent().map(PathBuf::from));
    dir.map_or_else(|| PathBuf::from(program), |d| d.join(program))
}

/// Replaces this process with the streamer. Returns the refusal when `execve` fails.
fn exec(program: &PathBuf, args: &Args, head: &[u8]) -> Refusal {
    let mut cmd = Command::new(program);
    if let Some(root) = &args.root {
        cmd.arg("--root").arg(root);
    }
    if let Some(config) = &args.config {
        cmd.arg("--config").arg(config);
    }
    cmd.env(REQUEST_ENV, OsStr::from_bytes(head));
    let err = cmd.exec();
    Refusal::new(500, format!("exec {}: {err}", program.display()))
}
