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
    /// Every one of its slots is held by a live process.
    Full(usize),
}

impl fmt::Display for OpenError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            OpenError::Io(what, e) => write!(f, "{what}: {e}"),
            OpenError::Damaged(d) => write!(f, "damaged: {d}"),
            OpenError::Full(n) => write!(f, "all {n} slots are taken"),
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
        // raw_os_error, not kind(): the streamers need not carry std's errno table.
        Err(OpenError::Io(_, e)) if e.raw_os_error() == Some(libc::ENOENT) => {
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
    let len = file_len(&file).map_err(|e| OpenError::Io("fstat", e))?;
    let mut bytes = [0u8; HEADER_WORDS * 8];
    let got = read_up_to(&file, &mut bytes).map_err(|e| OpenError::Io("pread", e))?;
    let mut header = [0u64; HEADER_WORDS];
    for (w, c) in header.iter_mut().zip(bytes.chunks_exact(8)) {
        let mut b = [0u8; 8];
        b.copy_from_slice(c);
        *w = u64::from_ne_bytes(b);
    }
    let layout = Layout::check(&header[..got / 8], len).map_err(OpenError::Damaged)?;
    map(&file, layout, writable)
}

/// The size of `file` from fstat(2) (not std's metadata, which brings statx(2) and
/// its fallbacks into every streamer: kilobytes they do not have to spare).
fn file_len(file: &File) -> io::Result<u64> {
    use std::os::fd::AsRawFd;
    let mut st = std::mem::MaybeUninit::<libc::stat>::uninit();
    // SAFETY: fstat writes a whole `stat` into the buffer when it returns 0, and only
    // then is it read.
    let st = unsafe {
        if libc::fstat(file.as_raw_fd(), st.as_mut_ptr()) != 0 {
            return Err(io::Error::last_os_error());
        }
        st.assume_init()
    };
    u64::try_from(st.st_size).map_err(|_| io::Error::other("negative size"))
}

/// Reads into `buf` from offset 0 until it is full or the file ends; the bytes read.
fn read_up_to(file: &File, buf: &mut [u8]) -> io::Result<usize> {
    let mut got = 0;
    while got < buf.len() {
        match file.read_at(&mut buf[got..], got as u64) {
            Ok(0) => break,
            Ok(n) => got += n,
            Err(e) if e.raw_os_error() == Some(libc::EINTR) => {}
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
        Err(e) if e.raw_os_error() != Some(libc::EEXIST) => Err(OpenError::Io("link", e)),
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
    // ftruncate(2) itself: std's set_len brings its u64 -> i64 error path along.
    use std::os::fd::AsRawFd;
    let len = libc::off_t::try_from(layout.bytes()).unwrap_or(libc::off_t::MAX);
    // SAFETY: a plain system call on a descriptor we own.
    if unsafe { libc::ftruncate(file.as_raw_fd(), len) } != 0 {
        return Err(OpenError::Io("ftruncate", io::Error::last_os_error()));
    }
    let created = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let mut header = [0u8; HEADER_WORDS * 8];
    for (c, w) in header.chunks_exact_mut(8).zip(layout.header(created)) {
        c.copy_from_slice(&w.to_ne_bytes());
    }
    file.write_all_at(&header, 0)
        .map_err(|e| OpenError::Io("pwrite", e))
}
