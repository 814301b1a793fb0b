//! A small on-disk cache of per-file planning indexes (config key `index_dir`).
//!
//! A streamer that has planned a response from a media file may keep what it learned
//! (for MP4: checkpoints of the sample tables) so that the next seek in the same file
//! reads kilobytes instead of megabytes. The payload is opaque here; it is read back
//! only while the media file is in the same state (device, inode, size, modification
//! and status change times), for the same kind and format version.
//!
//! One entry per media inode, named `<kind>-<dev hex>-<ino hex>` (e.g.
//! `mp4-fe00-a8a2ce`), so a changed file overwrites its old entry. Layout, all
//! integers little-endian:
//!
//! ```text
//! magic "LOOMIDX1" | kind [u8; 4] | version u32 | dev u64 | ino u64 | size u64
//! | mtime_sec i64 | mtime_nsec u32 | ctime_sec i64 | ctime_nsec u32
//! | payload_len u64 | payload (payload_len bytes, nothing after it)
//! ```
//!
//! Entries are written to a temporary file and renamed into place, so a reader sees
//! a whole old entry or a whole new one. Nothing is fsync'ed: after a crash an entry
//! may be short or empty, which [`load`] treats as missing. The payload comes from a
//! file: its reader must validate it like any other file-supplied bytes.

#[cfg(test)]
mod tests;

use loomiere_http::FileIdentity;
use nix::fcntl::{open, OFlag};
use nix::sys::stat::{fstat, Mode};
use std::fs::File;
use std::io::{self, Write};
use std::path::Path;

/// The largest payload stored or loaded, in bytes (4 MiB).
pub const MAX_INDEX_BYTES: u64 = 4 << 20;

/// First bytes of every entry; the digit is the layout version.
const MAGIC: &[u8; 8] = b"LOOMIDX1";

/// Bytes before the payload: magic, kind, version, 3 × u64, i64 + u32 twice, u64.
const HEADER_LEN: u64 = 8 + 4 + 4 + 8 + 8 + 8 + 8 + 4 + 8 + 4 + 8;

/// Loads the cached payload of kind `kind` (e.g. `*b"mp4 "`) and format `version`
/// for `file`, or `None` when there is none, it is for another file state (dev,
/// ino, size, mtime, ctime differ), another kind or version, truncated or followed
/// by other bytes, larger than [`MAX_INDEX_BYTES`], not a regular file (a symbolic
/// link is not followed), owned by another user, or unreadable. `kind` must be
/// ASCII letters and digits padded with spaces; any other kind gives `None`. Never
/// panics.
///
/// The entry is mapped, not read: its pages are the page cache's, shared by every
/// streamer planning from it, so a loaded index adds nothing to a stream's private
/// memory (a copy would stay in the allocator's heap for the whole stream).
pub fn load(dir: &Path, file: &FileIdentity, kind: [u8; 4], version: u32) -> Option<Payload> {
    let map = map_entry(&dir.join(entry_name(file, kind)?))?;
    let start = usize::try_from(HEADER_LEN).ok()?;
    let payload_len = u64::try_from(map.len().checked_sub(start)?).ok()?;
    // Comparing with the header this payload would get checks every field at once,
    // `payload_len` included: a short entry or one with trailing bytes differs.
    let expected = header(file, kind, version, payload_len);
    if map.get(..start)? != expected.as_slice() {
        return None;
    }
    Some(Payload { map, start })
}

/// A loaded payload: the entry file mapped read-only, deref to the payload bytes.
/// Another process replacing the entry renames a new file over it, which leaves this
/// mapping intact.
pub struct Payload {
    map: memmap2::Mmap,
    start: usize,
}

impl std::ops::Deref for Payload {
    type Target = [u8];

    fn deref(&self) -> &[u8] {
        self.map.get(self.start..).unwrap_or_default()
    }
}

impl std::fmt::Debug for Payload {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Payload({} bytes)", self.len())
    }
}

impl PartialEq for Payload {
    fn eq(&self, other: &Payload) -> bool {
        **self == **other
    }
}

/// Stores `payload` (at most [`MAX_INDEX_BYTES`]) as the entry of kind `kind` and
/// format `version` for `file`, replacing any entry for the same inode.
///
/// Atomic: writes a temporary file `.<name>.<pid>.tmp` in `dir` (`O_CREAT | O_EXCL
/// | O_NOFOLLOW | O_CLOEXEC`, mode 0600), then `rename(2)`s it over the final name;
/// a temporary file this call created is removed on any error. Errors: a kind that
/// is not ASCII letters and digits padded with spaces, or a payload that is too
/// large (`InvalidInput`); any `open`, `write` or `rename` error (a missing or
/// read-only `dir`, a directory at the final name). A cache is never fatal: callers
/// log the error and go on.
pub fn store(
    dir: &Path,
    file: &FileIdentity,
    kind: [u8; 4],
    version: u32,
    payload: &[u8],
) -> io::Result<()> {
    let name = entry_name(file, kind).ok_or_else(|| invalid("bad index kind"))?;
    let payload_len = u64::try_from(payload.len())
        .ok()
        .filter(|&n| n <= MAX_INDEX_BYTES)
        .ok_or_else(|| invalid("index larger than 4 MiB"))?;
    let temp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    let mut out = create_new(&temp)?;
    let written = out
        .write_all(&header(file, kind, version, payload_len))
        .and_then(|()| out.write_all(payload))
        .and_then(|()| std::fs::rename(&temp, dir.join(&name)));
    if written.is_err() {
        let _ = std::fs::remove_file(&temp);
    }
    written
}

/// Checks that `dir` is a directory this process may create entries in (write and
/// search permission, for the effective user), so a caller can skip building an
/// index it could not keep. Errors: as `faccessat(2)` (`ENOENT`, `ENOTDIR`, `EACCES`,
/// `EROFS`, ...).
pub fn writable(dir: &Path) -> io::Result<()> {
    let how = nix::unistd::AccessFlags::W_OK | nix::unistd::AccessFlags::X_OK;
    nix::unistd::faccessat(
        nix::fcntl::AT_FDCWD,
        dir,
        how,
        nix::fcntl::AtFlags::AT_EACCESS,
    )
    .map_err(io::Error::from)
}

/// `<kind without spaces, lower case>-<dev hex>-<ino hex>`; `None` unless the kind
/// is 1 to 4 ASCII letters or digits with spaces around them.
fn entry_name(file: &FileIdentity, kind: [u8; 4]) -> Option<String> {
    let label = kind.trim_ascii();
    if label.is_empty() || !label.iter().all(u8::is_ascii_alphanumeric) {
        return None;
    }
    let label = std::str::from_utf8(label).ok()?.to_ascii_lowercase();
    Some(format!("{label}-{:x}-{:x}", file.dev, file.ino))
}

/// The [`HEADER_LEN`] bytes that start the entry for these values.
fn header(file: &FileIdentity, kind: [u8; 4], version: u32, payload_len: u64) -> Vec<u8> {
    let fields: [&[u8]; 11] = [
        MAGIC,
        &kind,
        &version.to_le_bytes(),
        &file.dev.to_le_bytes(),
        &file.ino.to_le_bytes(),
        &file.size.to_le_bytes(),
        &file.mtime_sec.to_le_bytes(),
        &file.mtime_nsec.to_le_bytes(),
        &file.ctime_sec.to_le_bytes(),
        &file.ctime_nsec.to_le_bytes(),
        &payload_len.to_le_bytes(),
    ];
    fields.concat()
}

/// The whole entry at `path` mapped, if it is a regular file (not followed if a
/// symbolic link) of a header and at most [`MAX_INDEX_BYTES`] of payload (checked with
/// `fstat` before mapping).
fn map_entry(path: &Path) -> Option<memmap2::Mmap> {
    // O_NONBLOCK: opening a FIFO planted at the name must not wait for a writer.
    let flags = OFlag::O_RDONLY | OFlag::O_NOFOLLOW | OFlag::O_CLOEXEC | OFlag::O_NONBLOCK;
    let fd = open(path, flags, Mode::empty()).ok()?;
    let stat = fstat(&fd).ok()?;
    // Only entries this user wrote: in a directory others can write to, a planted
    // entry would otherwise steer planning.
    if stat.st_mode & libc::S_IFMT != libc::S_IFREG
        || stat.st_uid != nix::unistd::geteuid().as_raw()
    {
        return None;
    }
    let size = u64::try_from(stat.st_size).ok()?;
    if size < HEADER_LEN || size > HEADER_LEN.checked_add(MAX_INDEX_BYTES)? {
        return None;
    }
    // SAFETY: a read-only private mapping. Entries are replaced by rename(2), never
    // rewritten in place; one truncated by another hand raises SIGBUS on access,
    // which the streamer answers with a 500 (`loomiere_docroot::sigbus`) while it plans.
    unsafe {
        memmap2::MmapOptions::new()
            .len(usize::try_from(size).ok()?)
            .map(&File::from(fd))
    }
    .ok()
}

/// Creates `path` for writing: it must not exist yet (not even as a symbolic link).
fn create_new(path: &Path) -> io::Result<File> {
    let flags =
        OFlag::O_WRONLY | OFlag::O_CREAT | OFlag::O_EXCL | OFlag::O_NOFOLLOW | OFlag::O_CLOEXEC;
    let fd = open(path, flags, Mode::from_bits_truncate(0o600)).map_err(io::Error::from)?;
    Ok(File::from(fd))
}

fn invalid(message: &'static str) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidInput, message)
}
