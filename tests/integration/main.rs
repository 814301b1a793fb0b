//! Loomiere's integration tests: the real binaries behind the real supervisors
//! (`tcpsvd`, `systemd-socket-activate --inetd`) on loopback ports, spoken to over
//! TCP, with MP4 output judged by `ffprobe`/`ffmpeg`.
//!
//! Needs `tcpsvd` (ipsvd), `systemd-socket-activate` (systemd), `ffmpeg` and `ffprobe`
//! on `PATH` (and `promtool`, `prometheus` for the monitor's tests); a missing tool fails the test that needs it. Media come from
//! `$LOOMIERE_MEDIA`, else `<repo>/media`, made once by `scripts/gen-media`.

mod support;

mod access;
mod admin;
mod config;
mod corrupt;
mod cors;
mod direct;
mod file;
mod flv;
mod hls;
mod hostile;
mod http;
mod monitor;
mod mp4_index;
mod mp4_seek;
mod readme;
mod release;
mod supervisors;
mod throttle;
mod tls;
mod varnish;
