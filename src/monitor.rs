//! The monitor, `loomiere-monitor`: one request per process on its own port (tcpsvd
//! on 127.0.0.1:8081 by default, access control from tcpsvd's rules), answered from
//! the scoreboard the streamers keep ([`loomiere_scoreboard`]):
//!
//! | target | answer |
//! |--------|--------|
//! | `/metrics` | Prometheus text exposition format 0.0.4 ([`metrics`]) |
//! | `/status.json` | every open stream and the global counters ([`json`]) |
//! | `/status` | the same as an HTML page that refreshes itself ([`html`]) |
//!
//! A missing, damaged or foreign scoreboard is 503 with the reason in the body and
//! the log; an unknown target 404; a method other than GET or HEAD 405.

pub mod html;
pub mod json;
pub mod metrics;
mod respond;
pub mod view;

#[cfg(test)]
mod tests;

use loomiere_config::Config;
use loomiere_connection::intake::acquire_head;
use loomiere_http::Refusal;
use loomiere_scoreboard::{names, Board, Outcome};
use loomiere_serve::request::{limits, parse_checked};
use loomiere_serve::{start, Exchange, Startup};
use std::process::ExitCode;
use view::View;

/// The program's name, as the scoreboard counts its requests (`monitor`).
pub const PROGRAM: &str = "loomiere-monitor";

/// What a target of the monitor answers with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Page {
    Metrics,
    StatusJson,
    StatusHtml,
}

impl Page {
    /// The page for a request-target's path (the query is ignored), if any.
    pub fn for_target(target: &str) -> Option<Page> {
        match target.split('?').next().unwrap_or_default() {
            "/metrics" => Some(Page::Metrics),
            "/status.json" => Some(Page::StatusJson),
            "/status" | "/" => Some(Page::StatusHtml),
            _ => None,
        }
    }

    /// Its body and `Content-Type` for `view`.
    pub fn render(self, view: &View) -> (String, &'static str) {
        match self {
            Page::Metrics => (metrics::render(view), metrics::CONTENT_TYPE),
            Page::StatusJson => (json::render(view), "application/json"),
            Page::StatusHtml => (html::render(view), "text/html; charset=utf-8"),
        }
    }
}

/// Runs the monitor for one connection. Exit status as for every program
/// (`loomiere_serve::exit`).
pub fn run() -> ExitCode {
    let Startup {
        mut ex,
        config,
        base,
        ..
    } = match start(PROGRAM) {
        Ok(s) => s,
        Err(code) => return code,
    };
    let (head, _) = match acquire_head(&limits(&base), base.request_timeout) {
        Ok(h) => h,
        Err(e) => return ex.intake_failed(&e),
    };
    ex.note_request(&head);
    let page = config
        .map_err(|e| Refusal::new(500, format!("config {e}")))
        .and_then(|()| admit(&head, &base, &mut ex));
    match page {
        Ok(page) => answer(page, &base, &ex),
        Err(r) => ex.refuse(&r),
    }
}

/// Checks the request (not as root without `allow_root`; the head, method and
/// `Host`, RFC 9112 §3.2) and picks its page. Errors: those refusals, or 404.
fn admit(head: &[u8], config: &Config, ex: &mut Exchange) -> Result<Page, Refusal> {
    loomiere_access::refuse_root(&config.access)?;
    let (request, _) = parse_checked(head, config, ex)?;
    if request.method != "GET" && request.method != "HEAD" {
        return Err(Refusal::new(405, "the monitor answers GET and HEAD only"));
    }
    Page::for_target(request.target)
        .ok_or_else(|| Refusal::new(404, "the monitor serves /metrics, /status.json, /status"))
}

/// Opens the scoreboard and answers `page` from it, or 503 with the reason; counts
/// the request in the scoreboard's counters when it could be opened.
fn answer(page: Page, config: &Config, ex: &Exchange) -> ExitCode {
    let board = match &config.scoreboard {
        None => Err("scoreboard = off: the streamers keep no scoreboard".to_owned()),
        Some(path) => Board::open(path).map_err(|e| format!("scoreboard {}: {e}", path.display())),
    };
    let sent = match &board {
        Ok(board) => {
            let (body, content_type) = page.render(&View::now(board));
            respond::send(ex, 200, content_type, &body, &[])
        }
        Err(reason) => respond::send(
            ex,
            503,
            "text/plain; charset=utf-8",
            &format!("{reason}\n"),
            &[reason],
        ),
    };
    if let Ok(board) = &board {
        board.count(
            names::streamer_index(PROGRAM),
            &Outcome {
                status: 200,
                planned: sent.planned,
                sent: sent.body_bytes,
                end: None,
            },
        );
    }
    sent.exit
}
