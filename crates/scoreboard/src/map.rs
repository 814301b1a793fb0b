//! The scoreboard file on disk and its shared mapping: made atomically (a full file
//! linked into place, so no process ever maps a half-made one), checked through
//! pread(2) before it is mapped, mapped `MAP_SHARED`.

use crate::layout::{Damage, Layout, HEADER_WORDS};
use std::fmt;
use std::fs::{File, OpenOptions};
use std::io;
use std::os::unix::fs::{FileExt, OpenOptionsExt};
use std::path::Path;
use std::sync::atomic::AtomicU64;

/// Why a scoreboard could not be opened.
#[derive(Debug)]
pub enum OpenError {
    /// A system call failed: which step, and the error (a missing directory, no
    /// permission).
    Io(&'static str, io::Error),
    /// The file is there but is not a scoreboard this build can use.
    Damaged(Damage),
}

impl fmt::Display for OpenError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            OpenError::Io(what, e) => write!(f, "{what}: {e}"),
            OpenError::Damaged(d) => write!(f, "damaged: {d}"),
        }
    }
}

/// A scoreboard file mapped into this process.
pub struct Mapping {
    ptr: *mut AtomicU64,
    layout: Layout,
}

impl Mapping {
    /// The file's words (all of them: header, counters, slots).
    pub fn words(&self) -> &[AtomicU64] {
        // SAFETY: `ptr` is a live MAP_SHARED mapping of `layout.words()` words, page
        // aligned, unmapped only in Drop; AtomicU64 has the layout of u64, and every
        // access through it is atomic, so other processes writing the same file race
        // with nothing non-atomic.
        unsafe { std::slice::from_raw_parts(self.ptr, self.layout.words()) }
    }

    /// Its geometry.
    pub fn layout(&self) -> Layout {
        self.layout
    }
}

impl Drop for Mapping {
    fn drop(&mut self) {
        // SAFETY: the mapping made in `map` with this length; no reference outlives
        // `self` (words() borrows it).
        unsafe { libc::munmap(self.ptr.cast(), self.layout.bytes() as usize) };
    }
}

/// Opens the scoreboard at `path` for writing, making it first (mode 0600, `slots`
/// slots) when it does not exist. An existing file keeps its own slot count.
///
/// Errors: [`OpenError::Io`] (no directory, no permission), [`OpenError::Damaged`].
pub fn create_or_open(path: &Path, slots: u64) -> Result<Mapping, OpenError> {
    match open(path, true) {
        Err(OpenError::Io(_, e)) if e.kind() == io::ErrorKind::NotFound => {
            create(path, Layout::new(slots))?;
            open(path, true)
        }
        other => other,
    }
}

/// Opens an existing scoreboard, `writable` or read-only (then nothing may be stored
/// through [`Mapping::words`]: a store would fault).
///
/// Errors: as [`create_or_open`]; a missing file is [`OpenError::Io`] NotFound.
pub fn open(path: &Path, writable: bool) -> Result<Mapping, OpenError> {
    let file = OpenOptions::new()
        .read(true)
        .write(writable)
        .open(path)
        .map_err(|e| OpenError::Io("open", e))?;
    let len = file
        .metadata()
        .map_err(|e| OpenError::Io("fstat", e))?
        .len();
    let mut bytes = [0u8; HEADER_WORDS * 8];
    let got = read_up_to(&file, &mut bytes).map_err(|e| OpenError::Io("pread", e))?;
    let header: Vec<u64> = bytes[..got - got % 8]
        .chunks_exact(8)
        .map(|c| u64::from_ne_bytes(c.try_into().unwrap_or_default()))
        .collect();
    let layout = Layout::check(&header, len).map_err(OpenError::Damaged)?;
    map(&file, layout, writable)
}

/// Reads into `buf` from offset 0 until it is full or the file ends; the bytes read.
fn read_up_to(file: &File, buf: &mut [u8]) -> io::Result<usize> {
    let mut got = 0;
    while got < buf.len() {
        match file.read_at(&mut buf[got..], got as u64) {
            Ok(0) => break,
            Ok(n) => got += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(got)
}

/// Maps `file` (checked to be exactly `layout.bytes()` long) shared.
fn map(file: &File, layout: Layout, writable: bool) -> Result<Mapping, OpenError> {
    use std::os::fd::AsRawFd;
    let prot = if writable {
        libc::PROT_READ | libc::PROT_WRITE
    } else {
        libc::PROT_READ
    };
    let len = layout.bytes() as usize;
    // SAFETY: a fresh mapping at an address the kernel picks, of a file we hold open;
    // the result is checked against MAP_FAILED.
    let ptr = unsafe {
        libc::mmap(
            std::ptr::null_mut(),
            len,
            prot,
            libc::MAP_SHARED,
            file.as_raw_fd(),
            0,
        )
    };
    if ptr == libc::MAP_FAILED {
        return Err(OpenError::Io("mmap", io::Error::last_os_error()));
    }
    Ok(Mapping {
        ptr: ptr.cast(),
        layout,
    })
}

/// Makes a complete scoreboard at `path`: a temporary file beside it (mode 0600,
/// O_EXCL), sized and given its header, then link(2)ed into place. Another process
/// that made one first wins (EEXIST is success).
fn create(path: &Path, layout: Layout) -> Result<(), OpenError> {
    let mut tmp = path.as_os_str().to_owned();
    tmp.push(format!(".{}.tmp", std::process::id()));
    let tmp = Path::new(&tmp);
    let made = fill(tmp, layout).and_then(|()| match std::fs::hard_link(tmp, path) {
        Err(e) if e.kind() != io::ErrorKind::AlreadyExists => Err(OpenError::Io("link", e)),
        _ => Ok(()),
    });
    let _ = std::fs::remove_file(tmp);
    made
}

/// Writes a new scoreboard file of `layout` at `tmp`.
fn fill(tmp: &Path, layout: Layout) -> Result<(), OpenError> {
    let file = OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(tmp)
        .map_err(|e| OpenError::Io("create", e))?;
    file.set_len(layout.bytes())
        .map_err(|e| OpenError::Io("ftruncate", e))?;
    let created = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let header: Vec<u8> = layout
        .header(created)
        .iter()
        .flat_map(|w| w.to_ne_bytes())
        .collect();
    file.write_all_at(&header, 0)
        .map_err(|e| OpenError::Io("pwrite", e))
}
