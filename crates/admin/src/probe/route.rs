//! What the config does with a film, by its extension: which streamer reads it
//! (`streamer.<ext>`) and whether HLS is offered for it (`segmenter.<ext>`), as the
//! front (`loomiere-stream`) routes requests.

use super::report::{Container, Report, Verdict};
use crate::runtime::Loaded;
use std::path::Path;

/// The extension of `path` (empty when it has none or it is not UTF-8).
fn extension(path: &Path) -> &str {
    path.extension()
        .and_then(|e| e.to_str())
        .unwrap_or_default()
}

/// The container the streamer of `path`'s extension reads (`streamer.<ext>`).
pub fn hint(path: &Path, loaded: &Loaded) -> Option<Container> {
    match loaded.streamer_name(extension(path))? {
        "loomiere-mp4" => Some(Container::Mp4),
        "loomiere-flv" => Some(Container::Flv),
        _ => None,
    }
}

/// Checks that the config at `config` sends the film at `path` to the streamer of
/// its container (`streamer.<ext>`): when it names another program, that program
/// cannot read it, so the `?start=` verdict becomes no; when it is off or unset, the
/// film is not served, which [`Report::start_off`] says.
pub fn start(path: &Path, r: &mut Report, loaded: &Loaded, config: &Path) {
    let want = match (r.container, &r.start) {
        (_, None) | (Container::Other, _) => return,
        (Container::Mp4, _) => "loomiere-mp4",
        (Container::Flv, _) => "loomiere-flv",
    };
    let ext = extension(path);
    let config = config.display();
    match loaded.streamer_name(ext) {
        Some(name) if name == want => {}
        _ if ext.is_empty() => {
            r.start_off = Some("a file without an extension goes to no streamer".into());
        }
        Some(name) => {
            let why = format!(
                "streamer.{ext} is {name} in {config}, which cannot read this film: {want} can"
            );
            r.start = Some(Verdict::of(Err(why)));
        }
        None => r.start_off = Some(format!("streamer.{ext} is off or unset in {config}")),
    }
}

/// Why the config at `config` offers no HLS for the MP4 film at `path` (no
/// `segmenter.<ext>` for its extension), if it does not.
pub fn hls_off(path: &Path, r: &Report, loaded: &Loaded, config: &Path) -> Option<String> {
    r.hls.as_ref()?;
    let ext = extension(path);
    match loaded.segmenter_for(ext) {
        Some(_) => None,
        None if ext.is_empty() => Some("a file without an extension has no segmenter".into()),
        None => Some(format!(
            "segmenter.{ext} is off or unset in {}",
            config.display()
        )),
    }
}
