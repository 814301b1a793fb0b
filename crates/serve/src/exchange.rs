//! One request/response exchange as the access log sees it: who asked, what, when it
//! started; and its one log line at the end.
//!
//! The life of an exchange, in the order the flow ([`crate::streamer`], and the front
//! in `src/front.rs`) goes through it: [`Exchange::begin`] (at start-up), the request
//! head read ([`loomiere_connection::intake`]), [`Exchange::set_request`] once the
//! request line is known, then either a refusal ([`Exchange::refuse`], in
//! [`crate::refuse`]) or a planned answer sent and [`Exchange::sent`]. Each of these
//! tells the process's scoreboard slot ([`Exchange::watch`], [`crate::watch`]) that
//! the exchange moved on.

use crate::watch::Watcher;
use loomiere_access::Cors;
use loomiere_config::Config;
use loomiere_connection::send::Sent;
use loomiere_http::{parse_head, Limits, Parsed, Request};
use loomiere_log::{remote_addr, write_access_line, AccessLine};
use std::time::{Duration, Instant};

/// The state of one exchange, for its access-log line.
pub struct Exchange {
    started: Instant,
    remote: String,
    method: String,
    target: String,
    is_head: bool,
    send_timeout: Duration,
    /// Body bytes of the planned answer (0 until [`Exchange::answering`]).
    planned: u64,
    /// The scoreboard slot, if any ([`Exchange::watch`]).
    watcher: Watcher,
    cors: Cors,
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
            planned: 0,
            watcher: Watcher::default(),
            cors: Cors::default(),
        }
    }

    /// Claims this process's scoreboard slot as `program` ([`Watcher::claim`]; a
    /// streamer execed by the front adopts the front's).
    pub fn watch(&mut self, config: &Config, program: &str) {
        self.watcher = Watcher::claim(config, program, &self.remote);
    }

    /// The exchange is `program`'s from now on, in the scoreboard too (see
    /// [`Watcher::serve_as`]).
    pub fn serve_as(&mut self, program: &str) {
        self.watcher.serve_as(program);
    }

    /// The scoreboard slot (which may be none).
    pub fn watcher(&self) -> &Watcher {
        &self.watcher
    }

    /// The answer is planned: `status` with `planned` body bytes; sending begins.
    pub fn answering(&mut self, status: u16, planned: u64) {
        self.planned = planned;
        self.watcher.answering(status, planned);
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
        loomiere_docroot::sigbus::set_head(self.is_head);
        let host = req.header("host").unwrap_or_default();
        self.watcher.request(host, req.target.as_bytes());
    }

    /// Records the request line of `head` for the log when it parses, without
    /// judging it: used when the exchange is refused before the request is checked
    /// (a bad configuration).
    pub fn note_request(&mut self, head: &[u8]) {
        if let Ok(Parsed::Complete { request, .. }) = parse_head(head, &Limits::default()) {
            self.set_request(&request);
        }
    }

    /// Records the CORS decision for the request ([`loomiere_access::cors::decide`]):
    /// every answer sent from then on carries its fields.
    pub fn set_cors(&mut self, cors: Cors) {
        self.cors = cors;
    }

    /// The CORS decision for the request (none before [`Exchange::set_cors`]).
    pub fn cors(&self) -> &Cors {
        &self.cors
    }

    /// The client's address as the access log shows it (`-` when unknown).
    pub fn remote(&self) -> &str {
        &self.remote
    }

    /// True when the request is HEAD (no body in any answer).
    pub fn is_head(&self) -> bool {
        self.is_head
    }

    /// The longest time without progress allowed while sending an answer.
    pub fn send_timeout(&self) -> Duration {
        self.send_timeout
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

    /// Counts a completed send in the scoreboard, then logs it: how it ended, then
    /// `notes`.
    pub fn sent(&self, status: u16, sent: &Sent, notes: &[&str]) {
        let mut all: Vec<&str> = vec![sent.end.as_note()];
        all.extend_from_slice(notes);
        // Counted before the line is written: whoever sees the line sees the count.
        let planned = self.planned;
        self.watcher
            .finish(status, planned, sent.body_bytes, Some(&sent.end));
        self.log(status, sent.body_bytes, &all);
    }
}
