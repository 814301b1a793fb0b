//! The configuration file `/etc/loomiere/stream.conf`.
//!
//! Every process reads it once at start; nothing is cached between processes.
//!
//! Format: one `key = value` per line. `#` starts a comment when it begins the line
//! (after optional whitespace), begins the value, or follows whitespace; a `#`
//! inside a word is part of the value. Blank lines are ignored. Whitespace around
//! the key, the `=` and the value is trimmed. A key may appear only once. Lines end
//! with LF; a CR before the LF is ignored.
//!
//! | key | value | default |
//! |-----|-------|---------|
//! | `root` | absolute path of the document root | `/srv/loomiere` |
//! | `request_timeout` | seconds (`2.5` allowed), > 0, <= 86400 | 10 |
//! | `send_timeout` | seconds, as above | 60 |
//! | `throttle` | seconds of media kept ahead of the play head, 0 = off, <= 86400 | 20 |
//! | `throttle_rate` | play-head speed, times real time, up to 3 decimals, 0.001 ..= 1000 | 1.0 |
//! | `throttle_min_size` | bytes, `k` suffix = 1024; smaller responses are not throttled | 1 MiB |
//! | `throttle_exempt` | `off`, or IP addresses never throttled (a cache tier) | `off` |
//! | `max_request_head` | bytes, `k` suffix = 1024, 256 ..= 1 MiB | 8192 |
//! | `max_header_lines` | 1 ..= 10000 | 100 |
//! | `index_dir` | absolute path of the planning-index cache, or `off` | `off` |
//! | `scoreboard` | absolute path of the scoreboard file, or `off` | `/run/loomiere/scoreboard` |
//! | `scoreboard_slots` | slots of a new scoreboard file, 1 ..= 1048576 | 4096 |
//! | `streamer.<ext>` | program name, absolute path, or `off` | see [`Config::default`] |
//! | `segmenter.<ext>` | program serving `/film.<ext>/<name>` (HLS, DASH), or `off` | `loomiere-hls` for `mp4`, `m4v`, `m4a`, `mov` |
//! | `segment_duration` | target seconds of an HLS/DASH segment, 1 ..= 60 | 6 |
//! | `segment_cache_control` | `Cache-Control` of playlists and segments, or `off` | `public, max-age=86400` |
//! | `type.<ext>` | media type `type/subtype`, or `off` | see [`Config::default`] |
//! | `allow_root`, `vhost.<pattern>`, `referers`, `referer_empty`, `secure_link*`, `cors_origins` | see [`loomiere_access`] | |
//!
//! Modules: [`settings`] ([`Config`], plain values), [`read`] ([`parse`], [`load`]),
//! `keys` (the table of keys), `values` (their value types), `line` (one line),
//! `roots` (`root` and `vhost.<pattern>` exclude each other), [`cli`] (`--root`,
//! `--config`, and [`cli::load_config`] putting the two together).

pub mod cli;
mod error;
mod keys;
mod line;
mod lines;
pub mod read;
mod roots;
pub mod settings;
#[cfg(test)]
mod tests;
mod values;

pub use error::ConfigError;
pub use read::{load, parse};
pub use settings::{Config, DEFAULT_ROOT, DEFAULT_SCOREBOARD, DEFAULT_SEGMENT_CACHE_CONTROL};
