//! The shared runtime of the Loomiere streamers.
//!
//! Each streamer is one process for one HTTP request: it reads the request head from
//! `LOOMIERE_REQUEST` (set by the front, `loomiere-stream`) or from stdin, plans the
//! whole response, sends it to stdout and writes one access-log line to stderr.
//!
//! - [`config`]: `/etc/loomiere/stream.conf`, re-read by every process.
//! - [`cli`]: `--root` and `--config`.
//! - [`intake`]: the request head, with size limits and one deadline.
//! - [`docroot`]: files opened strictly beneath the document root.
//! - [`index_cache`]: per-file planning indexes kept on disk (`index_dir`).
//! - [`send`]: `sendfile(2)` with a read/write fallback, timeouts, lingering close.
//! - [`log`]: the access-log line.
//! - [`sigbus`]: a source file truncated while mapped ends the process cleanly.
//! - [`throttle`]: when each body byte may leave, from the media's own time line.
//! - [`access`]: running as root, virtual hosts, the `Referer` allowlist, secure links.
//! - [`exchange`], [`serve`]: the flow that ties them together.
//! - [`alloc`]: the binaries' global allocator (dlmalloc, large blocks mapped alone).

pub mod access;
pub mod alloc;
pub mod cli;
pub mod config;
pub mod docroot;
pub mod exchange;
pub mod index_cache;
pub mod intake;
pub mod log;
pub mod send;
pub mod serve;
pub mod sigbus;
pub mod throttle;
