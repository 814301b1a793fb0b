//! The document root and the files served from it.
//!
//! - [`open`]: [`DocRoot`], files opened strictly beneath it (`openat2(2)`
//!   `RESOLVE_BENEATH`), and the [`OpenedFile`] with its identity.
//! - [`map`]: an opened file mapped read-only for planning ([`Mapping`]), unmapped off
//!   the path to the first byte ([`Retired`]).
//! - [`sigbus`]: a source file truncated while it is mapped ends the process cleanly
//!   (a 500 while planning, a log line, exit 111).

pub mod map;
pub mod open;
pub mod sigbus;

pub use map::{Mapping, Retired};
pub use open::{DocRoot, OpenedFile};
