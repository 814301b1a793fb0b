//! Which streamer serves a request: the front's routing rule, in one place.
//!
//! A name inside a film (`/films/a.mp4/master.m3u8`: the segment before the last has
//! an extension with a `segmenter.<ext>`) goes to that segmenting streamer; any other
//! request goes by the extension of its last path segment (`streamer.<ext>`). So a
//! directory named like a film (`a.mp4/`) with files in it is not served while a
//! segmenter is configured for that extension.

use loomiere_config::Config;
use loomiere_http::{Refusal, Target};
use std::path::PathBuf;

/// The program the configuration names for `target`: `segmenter.<ext>` for a name
/// inside a film with extension `ext` ([`Target::within_film`]), else
/// `streamer.<ext>` for the extension of its last path segment (any case).
///
/// Errors: 404 when no streamer is configured for it.
pub fn streamer_for<'c>(config: &'c Config, target: &Target) -> Result<&'c str, Refusal> {
    let segmenter = target
        .within_film()
        .and_then(|(_, ext, _)| config.segmenter_for(&ext));
    if let Some(program) = segmenter {
        return Ok(program);
    }
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

#[cfg(test)]
mod tests {
    use super::*;
    use loomiere_config::parse;
    use loomiere_http::parse_target;

    fn route(config: &Config, raw: &str) -> Result<String, u16> {
        let target = parse_target(raw).expect("test targets parse");
        streamer_for(config, &target)
            .map(str::to_owned)
            .map_err(|r| r.status)
    }

    #[test]
    fn names_inside_a_film_go_to_its_segmenter() {
        let c = Config::default();
        let cases: &[(&str, Result<&str, u16>)] = &[
            ("/films/a.mp4/master.m3u8", Ok("loomiere-hls")),
            ("/a.MOV/seg-1-v1.m4s", Ok("loomiere-hls")),
            ("/a.mp4/", Ok("loomiere-mp4")),
            ("/films/a.mp4", Ok("loomiere-mp4")),
            ("/a.flv/x.jpg", Ok("loomiere-file")),
            ("/a.3gp/master.m3u8", Err(404)),
            ("/a.mp4.d/notes.txt", Err(404)),
        ];
        for (raw, want) in cases {
            let want = want.map(str::to_owned);
            assert_eq!(route(&c, raw), want, "{raw}");
        }
    }

    #[test]
    fn a_segmenter_can_be_moved_or_turned_off() {
        let c = parse("segmenter.mp4 = off\nsegmenter.flv = /opt/seg").unwrap();
        assert_eq!(route(&c, "/a.mp4/master.m3u8"), Err(404));
        assert_eq!(route(&c, "/a.flv/master.m3u8"), Ok("/opt/seg".into()));
    }
}
