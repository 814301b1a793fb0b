//! A film mapped read-only, as the streamers map it, and the `SIGBUS` a film that
//! shrinks meanwhile raises.

use std::path::Path;

/// Maps the film at `path` (empty films give an empty map, which mmap(2) refuses).
/// Call [`catch_sigbus`] first.
///
/// Errors, in words: the file cannot be opened, is not a regular file, or cannot be
/// mapped.
pub fn map(path: &Path) -> Result<Map, String> {
    let file = std::fs::File::open(path).map_err(|e| e.to_string())?;
    let meta = file.metadata().map_err(|e| e.to_string())?;
    if !meta.is_file() {
        return Err("not a regular file".into());
    }
    if meta.len() == 0 {
        return Ok(Map::Empty);
    }
    // SAFETY: read-only and private; a film truncated meanwhile raises SIGBUS, which
    // catch_sigbus turns into a message and exit status 1.
    let map = unsafe { memmap2::Mmap::map(&file) }.map_err(|e| format!("mmap: {e}"))?;
    Ok(Map::Mapped(map))
}

/// A mapped film.
pub enum Map {
    Empty,
    Mapped(memmap2::Mmap),
}

impl std::ops::Deref for Map {
    type Target = [u8];

    fn deref(&self) -> &[u8] {
        match self {
            Map::Empty => &[],
            Map::Mapped(m) => m,
        }
    }
}

/// A film that shrinks while mapped raises `SIGBUS` on the lost pages: end with a
/// message and exit status 1 instead of the signal's silent death.
pub fn catch_sigbus() {
    use nix::sys::signal::{sigaction, SaFlags, SigAction, SigHandler, SigSet, Signal};
    extern "C" fn on_sigbus(_: libc::c_int) {
        const MESSAGE: &[u8] = b"loomiere: fatal: a film shrank while it was read (SIGBUS)\n";
        // SAFETY: write(2) and _exit(2) are async-signal-safe.
        unsafe {
            libc::write(2, MESSAGE.as_ptr().cast(), MESSAGE.len());
            libc::_exit(1);
        }
    }
    let action = SigAction::new(
        SigHandler::Handler(on_sigbus),
        SaFlags::empty(),
        SigSet::empty(),
    );
    // SAFETY: the handler only makes async-signal-safe calls.
    let _ = unsafe { sigaction(Signal::SIGBUS, &action) };
}
