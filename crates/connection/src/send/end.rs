//! How sending a response ended, and what it sent: the words of the access log.

/// How sending a response ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum End {
    /// Every planned byte was accepted by the kernel.
    Complete,
    /// The client went away: EPIPE, ECONNRESET or ENOTCONN on write/sendfile.
    ClientClosed,
    /// The output accepted no byte for `send_timeout` (poll(2) POLLOUT timed out).
    Timeout,
    /// The source file ended before a planned file range did (sendfile(2) or pread(2)
    /// returned 0): the file was truncated or replaced while we served it.
    SourceShrank,
    /// Any other failure, with the call and the error text.
    Failed(String),
}

impl End {
    /// A short fixed word for the access log: "complete", "client-closed",
    /// "send-timeout", "source-shrank" or "error".
    pub fn as_note(&self) -> &str {
        match self {
            End::Complete => "complete",
            End::ClientClosed => "client-closed",
            End::Timeout => "send-timeout",
            End::SourceShrank => "source-shrank",
            End::Failed(_) => "error",
        }
    }
}

/// What [`send_response`](super::send_response) did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sent {
    /// Bytes of the response head accepted by the kernel.
    pub head_bytes: u64,
    /// Bytes of the body accepted by the kernel.
    pub body_bytes: u64,
    /// Why sending stopped.
    pub end: End,
}
