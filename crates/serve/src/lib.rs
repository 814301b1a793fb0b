//! The flow of one Loomiere process, from start-up to its access-log line.
//!
//! Each program is one process for one HTTP request: it reads the request head
//! (from the connection, or handed over by the front, `loomiere-stream`), checks it,
//! plans the whole response, sends it to stdout and writes one access-log line to
//! stderr.
//!
//! - [`startup`]: what every process does first ([`start`]).
//! - [`exchange`]: [`Exchange`], one request/response as the access log sees it.
//! - [`refuse`]: answering a refusal ([`Exchange::refuse`]).
//! - [`options`]: answering `OPTIONS` and CORS preflights ([`Exchange::options`]).
//! - [`exit`]: the exit status (0, 100, 111) and when each is given.
//! - [`request`]: the checks before a file is opened, the same in the front and in
//!   every streamer ([`admit`]).
//! - [`route`]: which streamer serves a request ([`route::streamer_for`]).
//! - [`watch`]: the process's scoreboard slot, told each phase ([`Watcher`]).
//! - [`streamer`]: a streamer's flow ([`run_streamer`]) and what its format handler is
//!   given and gives back ([`Context`], [`Body`]).
//! - [`in_front`]: that flow run by the front itself, for plain files
//!   ([`serve_in_front`]).

pub mod exchange;
pub mod exit;
pub mod in_front;
pub mod options;
pub mod refuse;
pub mod request;
pub mod route;
pub mod startup;
pub mod streamer;
pub mod watch;

pub use exchange::Exchange;
pub use in_front::serve_in_front;
pub use request::{admit, Admitted};
pub use startup::{start, Startup};
pub use streamer::{run_segmenter, run_streamer, Body, Context, Handler, Opens};
pub use watch::Watcher;
