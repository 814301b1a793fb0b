//! Loomiere's streamers: the format handlers behind the thin binaries in `src/bin`.
//!
//! - `loomiere-stream` ([`front`]): reads and checks the request head, picks the
//!   streamer by file extension and `execve()`s it with the head in `LOOMIERE_REQUEST`.
//! - `loomiere-mp4` ([`mp4`]): MP4 with `?start=` / `?end=` in seconds.
//! - `loomiere-file` ([`file`](mod@file)): images and other configured static types.
//! - `loomiere-flv` ([`flv`]): FLV with `?start=` byte offsets or `units=s` seconds.
//! - `loomiere-monitor` ([`monitor`]): the scoreboard as Prometheus metrics, JSON and
//!   an HTML status page, on its own port.
//! - `loomiere-hls` ([`hls`]): HLS and DASH made from an MP4 film, under its path
//!   (`/films/a.mp4/master.m3u8`).
//!
//! [`sample_index`]: the MP4 sample indexes kept in `index_dir`, shared by the MP4
//! streamer and the segmenter.

pub mod file;
pub mod flv;
pub mod front;
pub mod hls;
pub mod monitor;
pub mod mp4;
pub mod sample_index;

/// Every binary's allocator: small blocks from dlmalloc, large ones mapped on their own
/// (see [`loomiere_alloc`]).
#[global_allocator]
static ALLOC: loomiere_alloc::Split = loomiere_alloc::Split;
