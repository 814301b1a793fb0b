//! [`Refusal`]: "answer the client with this status, log this reason".

use std::fmt;

/// A request we will not serve as asked: the HTTP status code to answer with
/// (RFC 9110 §15) and a short reason for the access/error log.
///
/// The `reason` is for operators, not for clients: the response body only ever
/// carries the status code and its [`reason_phrase`]. Reasons are built from our
/// own text; they never echo raw client bytes, so they are safe to log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    /// HTTP status code, e.g. `400`.
    pub status: u16,
    /// Why, in a few words, e.g. `"path traversal"`.
    pub reason: String,
}

impl Refusal {
    /// A refusal with `status` (an HTTP status code) and a log `reason`.
    pub fn new(status: u16, reason: impl Into<String>) -> Refusal {
        Refusal {
            status,
            reason: reason.into(),
        }
    }
}

impl fmt::Display for Refusal {
    /// Formats as `"STATUS reason"`, e.g. `"404 dot-file"`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.status, self.reason)
    }
}

impl std::error::Error for Refusal {}

/// The reason-phrase (RFC 9110 §15) for every status code Loomiere sends.
///
/// Unknown codes give `"Unknown"`; the phrase is informative only (RFC 9112 §4).
pub fn reason_phrase(status: u16) -> &'static str {
    match status {
        200 => "OK",
        204 => "No Content",
        206 => "Partial Content",
        304 => "Not Modified",
        400 => "Bad Request",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        408 => "Request Timeout",
        412 => "Precondition Failed",
        413 => "Content Too Large",
        414 => "URI Too Long",
        416 => "Range Not Satisfiable",
        431 => "Request Header Fields Too Large",
        500 => "Internal Server Error",
        501 => "Not Implemented",
        503 => "Service Unavailable",
        505 => "HTTP Version Not Supported",
        _ => "Unknown",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_is_status_then_reason() {
        assert_eq!(Refusal::new(404, "dot-file").to_string(), "404 dot-file");
        assert_eq!(Refusal::new(400, String::from("x")).to_string(), "400 x");
    }

    #[test]
    fn every_status_we_use_has_a_phrase() {
        let used = [
            200, 204, 206, 304, 400, 403, 404, 405, 408, 412, 414, 416, 431, 500, 501, 503, 505,
        ];
        for status in used {
            assert_ne!(reason_phrase(status), "Unknown", "{status}");
        }
        assert_eq!(reason_phrase(416), "Range Not Satisfiable");
        assert_eq!(reason_phrase(299), "Unknown");
    }
}
