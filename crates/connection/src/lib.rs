//! The client connection of one Loomiere process: the request head in, the response
//! out, and the close.
//!
//! - [`fds`]: [`stdin`] and [`stdout`], the connection as the supervisor hands it over.
//! - [`intake`]: the one request head, from the connection or handed over by the front,
//!   under a size cap and one deadline.
//! - [`handover`]: how the front hands the head it read to the streamer it runs.
//! - [`send`]: the planned response: the head, then the body with sendfile(2), a
//!   gather buffer, TCP_CORK, send timeouts, pacing by a throttle schedule; the
//!   lingering close; SIGPIPE ignored.
//! - `wait`: poll(2) with one fixed deadline, for both directions.

pub mod fds;
pub mod handover;
pub mod intake;
pub mod send;
mod wait;

pub use fds::{stdin, stdout};
