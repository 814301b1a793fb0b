//! Shared helpers: temporary directories, media and tools, supervisors on loopback
//! ports, a tiny HTTP/1.x client, and `ffprobe`/`ffmpeg` judges.

pub mod browser;
pub mod client;
pub mod curl;
pub mod manifest;
pub mod media;
pub mod probe;
pub mod server;
pub mod temp;
pub mod tls;
pub mod varnish;

pub use client::{get, request, Response};
pub use curl::curl;
pub use media::{media, media_dir, tool};
pub use server::Server;
pub use temp::TempDir;

/// Path of one of this package's binaries, built by cargo for this test.
pub fn bin(name: &str) -> &'static str {
    match name {
        "loomiere-stream" => env!("CARGO_BIN_EXE_loomiere-stream"),
        "loomiere-mp4" => env!("CARGO_BIN_EXE_loomiere-mp4"),
        "loomiere-file" => env!("CARGO_BIN_EXE_loomiere-file"),
        "loomiere-flv" => env!("CARGO_BIN_EXE_loomiere-flv"),
        "loomiere-monitor" => env!("CARGO_BIN_EXE_loomiere-monitor"),
        "loomiere-hls" => env!("CARGO_BIN_EXE_loomiere-hls"),
        other => panic!("no binary named {other}"),
    }
}
