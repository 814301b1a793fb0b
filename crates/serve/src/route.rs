//! Which streamer serves a request: the front's routing rule, in one place.
//!
//! Today a request goes by the extension of its last path segment
//! (`streamer.<ext>` in the configuration). A rule for other shapes of target (say
//! `/films/a.mp4/master.m3u8` to a segmenting streamer) belongs in [`streamer_for`].

use loomiere_config::Config;
use loomiere_http::{Refusal, Target};
use std::path::PathBuf;

/// The program the configuration names for `target`: `streamer.<ext>` for the
/// extension of its last path segment (any case).
///
/// Errors: 404 when no streamer is configured for it.
pub fn streamer_for<'c>(config: &'c Config, target: &Target) -> Result<&'c str, Refusal> {
    let ext = target.extension().unwrap_or_default();
    config
        .streamer_for(&ext)
        .ok_or_else(|| Refusal::new(404, format!("no streamer for extension '{ext}'")))
}

/// Where the front finds `program`: an absolute path stays; a bare name is looked up
/// next to the front's own executable (never in `PATH`).
pub fn program_path(program: &str) -> PathBuf {
    if program.contains('/') {
        return PathBuf::from(program);
    }
    let dir = std::env::current_exe()
        .ok()
        .and_then(|p| p.parent().map(PathBuf::from));
    dir.map_or_else(|| PathBuf::from(program), |d| d.join(program))
}
