//! Refusing an exchange: an error answer (RFC 9110 §15) with a short text body, sent
//! and logged with its reason; and sending any such small, complete answer.

use crate::exchange::Exchange;
use crate::exit::after_send;
use loomiere_connection::intake::IntakeError;
use loomiere_connection::send::{finish_connection, send_response};
use loomiere_connection::{stdin, stdout};
use loomiere_http::{error_head, Refusal, ALLOW};
use loomiere_plan::Plan;
use std::process::ExitCode;
use std::time::SystemTime;

impl Exchange {
    /// Answers with the refusal's status and a short text body, then logs the reason.
    /// A 405 carries `Allow` (RFC 9110 §15.5.6); every refusal carries the request's
    /// CORS fields ([`Exchange::cors`]) once they are known. Returns the process's
    /// exit status ([`after_send`]).
    pub fn refuse(&self, r: &Refusal) -> ExitCode {
        let mut extra = self.cors().fields();
        if r.status == 405 {
            extra.insert(0, ("Allow", ALLOW));
        }
        let response = error_head(r.status, &extra, self.is_head(), SystemTime::now());
        self.send_whole(r.status, &response, &r.reason)
    }

    /// Sends `response`, a complete small answer (head and any body), closes the
    /// connection, counts it in the scoreboard and logs `status` with `note`. Returns
    /// the exit status.
    pub(crate) fn send_whole(&self, status: u16, response: &[u8], note: &str) -> ExitCode {
        // As for every answer, the log counts body bytes: those after the blank line.
        let head_len = response
            .windows(4)
            .position(|w| w == b"\r\n\r\n")
            .map_or(response.len(), |p| p + 4) as u64;
        let planned = (response.len() as u64).saturating_sub(head_len);
        self.watcher().answering(status, planned);
        let sent = send_response(
            stdout(),
            response,
            &Plan::new(),
            None,
            None,
            self.send_timeout(),
        );
        self.watcher().draining();
        finish_connection(stdout(), stdin());
        let body = sent.head_bytes.saturating_sub(head_len);
        self.watcher()
            .finish(status, planned, body, Some(&sent.end));
        self.log(status, body, &[note, sent.end.as_note()]);
        after_send(&sent.end)
    }

    /// Handles an intake failure: logs a connection closed before any byte, or refuses.
    /// Returns the process's exit status.
    pub fn intake_failed(&self, e: &IntakeError) -> ExitCode {
        match e {
            IntakeError::Closed => {
                self.log(0, 0, &["closed-before-request"]);
                ExitCode::SUCCESS
            }
            IntakeError::Refused(r) => self.refuse(r),
        }
    }
}
