//! Sending one of the monitor's answers: a complete head and a body made in memory.

use loomiere_connection::send::{finish_connection, send_response};
use loomiere_connection::{stdin, stdout};
use loomiere_http::{format_http_date, reason_phrase};
use loomiere_plan::Plan;
use loomiere_serve::exit::after_send;
use loomiere_serve::Exchange;
use std::process::ExitCode;
use std::time::SystemTime;

/// What [`send`] did.
pub struct Sent {
    /// Body bytes planned.
    pub planned: u64,
    /// Body bytes sent.
    pub body_bytes: u64,
    /// The process's exit status.
    pub exit: ExitCode,
}

/// Sends `status` with `body` as `content_type` (no body for HEAD), never cached
/// (`Cache-Control: no-store`, RFC 9111 §5.2.2.5), closes the connection and logs
/// the exchange with `notes`.
pub fn send(ex: &Exchange, status: u16, content_type: &str, body: &str, notes: &[&str]) -> Sent {
    let mut head = format!(
        "HTTP/1.1 {status} {}\r\nDate: {}\r\nServer: loomiere\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n",
        reason_phrase(status),
        format_http_date(SystemTime::now()),
        body.len()
    )
    .into_bytes();
    let planned = if ex.is_head() { 0 } else { body.len() as u64 };
    if !ex.is_head() {
        head.extend_from_slice(body.as_bytes());
    }
    let sent = send_response(stdout(), &head, &Plan::new(), None, None, ex.send_timeout());
    finish_connection(stdout(), stdin());
    let body_bytes = sent.head_bytes.saturating_sub(head.len() as u64 - planned);
    let mut all = vec![sent.end.as_note()];
    all.extend_from_slice(notes);
    ex.log(status, body_bytes, &all);
    Sent {
        planned,
        body_bytes,
        exit: after_send(&sent.end),
    }
}
