//! One request/response exchange as the access log and error answers see it: who asked,
//! what, when it started, and how to refuse it (RFC 9110 §15) with one log line.

use crate::cli::{load_config, parse_args, Args};
use crate::config::{Config, ConfigError};
use crate::intake::IntakeError;
use crate::log::{remote_addr, write_access_line, AccessLine};
use crate::send::{finish_connection, ignore_sigpipe, send_response, Sent};
use loomiere_http::{
    check_request, error_head, parse_head, parse_target, Limits, Parsed, Refusal, Request, Target,
    ALLOW,
};
use loomiere_plan::Plan;
use std::os::fd::BorrowedFd;
use std::process::ExitCode;
use std::time::{Duration, Instant, SystemTime};

/// The state of one exchange, for its access-log line.
pub struct Exchange {
    started: Instant,
    remote: String,
    method: String,
    target: String,
    is_head: bool,
    send_timeout: Duration,
}

impl Exchange {
    /// Starts the clock and reads the client address (`TCPREMOTEIP` or `getpeername`).
    pub fn begin() -> Self {
        Exchange {
            started: Instant::now(),
            remote: remote_addr(),
            method: String::new(),
            target: String::new(),
            is_head: false,
            send_timeout: Duration::from_secs(60),
        }
    }

    /// Applies the configured send timeout to refusals sent from now on.
    pub fn configure(&mut self, config: &Config) {
        self.send_timeout = config.send_timeout;
    }

    /// Records the request line for the log, and whether the method is HEAD.
    pub fn set_request(&mut self, req: &Request<'_>) {
        self.method = req.method.to_owned();
        self.target = req.target.to_owned();
        self.is_head = req.is_head();
        crate::sigbus::set_head(self.is_head);
    }

    /// The client's address as the access log shows it (`-` when unknown).
    pub fn remote(&self) -> &str {
        &self.remote
    }

    /// True when the request is HEAD (no body in any answer).
    pub fn is_head(&self) -> bool {
        self.is_head
    }

    /// Writes the access-log line: status, body bytes sent, duration, notes.
    pub fn log(&self, status: u16, bytes: u64, notes: &[&str]) {
        let line = AccessLine {
            remote: &self.remote,
            method: &self.method,
            target: &self.target,
            status,
            bytes,
            duration: self.started.elapsed(),
            notes,
        };
        write_access_line(&line);
    }

    /// Answers with the refusal's status and a short text body, then logs the reason.
    /// A 405 carries `Allow` (RFC 9110 §15.5.6).
    pub fn refuse(&self, r: &Refusal) {
        let extra: &[(&str, &str)] = if r.status == 405 {
            &[("Allow", ALLOW)]
        } else {
            &[]
        };
        let response = error_head(r.status, extra, self.is_head, SystemTime::now());
        let sent = send_response(
            stdout(),
            &response,
            &Plan::new(),
            None,
            None,
            self.send_timeout,
        );
        finish_connection(stdout(), stdin());
        // As for every answer, the log counts body bytes: those after the blank line.
        let head_len = response
            .windows(4)
            .position(|w| w == b"\r\n\r\n")
            .map_or(response.len(), |p| p + 4) as u64;
        let body = sent.head_bytes.saturating_sub(head_len);
        self.log(r.status, body, &[&r.reason, sent.end.as_note()]);
    }

    /// Records the request line of `head` for the log when it parses, without
    /// judging it: used when the exchange is refused before the request is checked
    /// (a bad configuration).
    pub fn note_request(&mut self, head: &[u8]) {
        if let Ok(Parsed::Complete { request, .. }) = parse_head(head, &Limits::default()) {
            self.set_request(&request);
        }
    }

    /// Handles an intake failure: logs a connection closed before any byte, or refuses.
    pub fn intake_failed(&self, e: &IntakeError) {
        match e {
            IntakeError::Closed => self.log(0, 0, &["closed-before-request"]),
            IntakeError::Refused(r) => self.refuse(r),
        }
    }

    /// Logs a completed send.
    pub fn sent(&self, status: u16, sent: &Sent, notes: &[&str]) {
        let mut all: Vec<&str> = vec![sent.end.as_note()];
        all.extend_from_slice(notes);
        self.log(status, sent.body_bytes, &all);
    }
}

/// What every process does first: arguments, `SIGPIPE` ignored, the `SIGBUS` handler
/// set ([`crate::sigbus`]), a line for crashes ([`crate::log::note_crashes`]), the
/// clock started, and the configuration read.
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

/// Starts a process named `program`. Errors: the exit code for `--help`, `--version`
/// or a usage error (100).
pub fn start(program: &'static str) -> Result<Startup, ExitCode> {
    let args = parse_args(program)?;
    ignore_sigpipe();
    crate::sigbus::install(program);
    crate::log::note_crashes(program);
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

/// Standard output, where the response goes.
pub fn stdout() -> BorrowedFd<'static> {
    // SAFETY: fd 1 is never closed by this process, so the borrow lives as long as it.
    unsafe { BorrowedFd::borrow_raw(1) }
}

/// Standard input, where the request comes from.
pub fn stdin() -> BorrowedFd<'static> {
    // SAFETY: fd 0 is never closed by this process, so the borrow lives as long as it.
    unsafe { BorrowedFd::borrow_raw(0) }
}

/// The request limits from the configuration.
pub fn limits(config: &Config) -> Limits {
    Limits {
        max_head_bytes: config.max_request_head,
        max_header_lines: config.max_header_lines,
    }
}

/// Parses a complete head, checks method and `Host` (RFC 9112 §3.2) and decodes the
/// request-target. Records the request line in `ex` as soon as it is known.
pub fn parse_checked<'h>(
    head: &'h [u8],
    limits: &Limits,
    ex: &mut Exchange,
) -> Result<(Request<'h>, Target), Refusal> {
    let request = match parse_head(head, limits)? {
        Parsed::Complete { request, .. } => request,
        Parsed::Partial => return Err(Refusal::new(400, "incomplete request head")),
    };
    ex.set_request(&request);
    check_request(&request)?;
    let target = parse_target(request.target)?;
    Ok((request, target))
}
