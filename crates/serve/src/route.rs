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

/// Checks that the configuration routes `target` to `program`, for a streamer that
/// read the request itself (a supervisor runs it directly: no front chose it): the
/// program [`streamer_for`] names must have `program` as its file name (so both
/// `loomiere-mp4` and `/usr/lib/loomiere/loomiere-mp4` name `loomiere-mp4`). A port
/// that serves one format thus answers only for the extensions the configuration
/// gives that format, as the front would: a direct `loomiere-mp4` does not serve
/// `notes.txt` as `video/mp4`.
///
/// Errors: 404 as [`streamer_for`], or 404 when the extension goes to another
/// streamer.
pub fn check_routed_to(config: &Config, target: &Target, program: &str) -> Result<(), Refusal> {
    let routed = streamer_for(config, target)?;
    let ours = routed
        .strip_suffix(program)
        .is_some_and(|dir| dir.is_empty() || dir.ends_with('/'));
    if ours {
        return Ok(());
    }
    Err(Refusal::new(
        404,
        format!("extension routed to {routed}, not {program}"),
    ))
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
