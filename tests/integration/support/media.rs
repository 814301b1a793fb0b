//! Test media and external tools.
//!
//! Media live in `$LOOMIERE_MEDIA` when it is set (used as is), else in
//! `<repo>/media`, made (once per test run) by `scripts/gen-media`, which keeps files
//! that already exist. A missing tool or file fails the test with a clear message.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

/// Every file the tests use.
const FILES: &[&str] = &[
    "h264-aac.mp4",
    "h264-aac-moov-end.mp4",
    "two-audio.mp4",
    "hevc-aac.mp4",
    "fragmented.mp4",
    "vfr.mp4",
    "av1-opus.mp4",
    "poster.jpg",
    "poster.png",
    "poster.gif",
    "poster.webp",
    "poster.bmp",
    "poster.tiff",
];

/// The plain (unfragmented) MP4 films `scripts/gen-media` makes: what the segmenter and
/// `loomiere probe` are judged on (the 2-hour film is in `scripts/bench`).
pub const MP4_FILMS: &[&str] = &[
    "h264-aac.mp4",
    "h264-aac-moov-end.mp4",
    "two-audio.mp4",
    "hevc-aac.mp4",
    "vfr.mp4",
    "av1-opus.mp4",
];

/// The FLV files `scripts/gen-media` makes.
pub const FLV_FILMS: &[&str] = &[
    "h264-aac.flv",
    "h264-aac-index.flv",
    "h264-aac-noindex.flv",
    "flv1-mp3.flv",
];

/// The media directory (absolute), made ready on first use.
pub fn media_dir() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(prepare)
}

/// Absolute path of media file `name`.
pub fn media(name: &str) -> PathBuf {
    media_dir().join(name)
}

fn prepare() -> PathBuf {
    let dir = match std::env::var_os("LOOMIERE_MEDIA").filter(|v| !v.is_empty()) {
        Some(dir) => PathBuf::from(dir),
        None => {
            let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("media");
            generate(&dir);
            dir
        }
    };
    let dir = dir
        .canonicalize()
        .unwrap_or_else(|e| panic!("media directory {}: {e}", dir.display()));
    let missing: Vec<&str> = FILES
        .iter()
        .copied()
        .filter(|f| !dir.join(f).is_file())
        .collect();
    assert!(
        missing.is_empty(),
        "media files {missing:?} missing from {}; run scripts/gen-media {}",
        dir.display(),
        dir.display()
    );
    dir
}

fn generate(dir: &Path) {
    tool("ffmpeg");
    tool("ffprobe");
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/gen-media");
    let out = Command::new(&script)
        .arg(dir)
        .output()
        .unwrap_or_else(|e| panic!("cannot run {}: {e}", script.display()));
    assert!(
        out.status.success(),
        "{} {} failed ({}):\n{}{}",
        script.display(),
        dir.display(),
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Returns `name` after checking that it is an executable on `PATH`; panics (fails
/// the test, never skips it) when it is missing.
pub fn tool(name: &'static str) -> &'static str {
    let path = std::env::var_os("PATH").unwrap_or_default();
    let found = std::env::split_paths(&path).any(|d| is_executable(&d.join(name)));
    assert!(
        found,
        "`{name}` is not on PATH: these integration tests need it (see tests/integration/main.rs)"
    );
    name
}

fn is_executable(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}
