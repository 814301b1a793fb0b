//! The document root: files are opened only beneath it.
//!
//! The root directory is held as an `O_PATH` descriptor and every file is opened
//! relative to it with `openat2(2)` and `RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS`,
//! so neither `..`, an absolute path, nor a symbolic link can reach a file outside
//! the root; symbolic links that stay inside the root are followed. Where
//! `openat2` is missing (Linux < 5.6: `ENOSYS`) or filtered (seccomp: `EPERM`),
//! the path is walked one component at a time with `O_NOFOLLOW`, and every
//! symbolic link is refused.

#[cfg(test)]
mod tests;

use loomiere_http::{FileIdentity, Refusal};
use nix::errno::Errno;
use nix::fcntl::{fcntl, open, openat, openat2, FcntlArg, OFlag, OpenHow, ResolveFlag};
use nix::sys::stat::{fstat, FileStat, Mode};
use std::fs::File;
use std::io;
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, OwnedFd};
use std::path::Path;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// Flags of every file open: read only, not inherited by children, never the
/// controlling terminal, and non-blocking so that opening a FIFO cannot hang.
fn file_flags() -> OFlag {
    OFlag::O_RDONLY | OFlag::O_CLOEXEC | OFlag::O_NOCTTY | OFlag::O_NONBLOCK
}

/// An open document root directory.
#[derive(Debug)]
pub struct DocRoot {
    /// `O_PATH | O_DIRECTORY` descriptor of the root.
    dir: OwnedFd,
}

/// A regular file opened beneath the document root.
#[derive(Debug)]
pub struct OpenedFile {
    /// The open file (read only, blocking mode).
    pub file: File,
    /// Device, inode, size, modification and status change times, from `fstat`
    /// right after opening.
    pub identity: FileIdentity,
    /// Size in bytes at open time (`identity.size`).
    pub len: u64,
    /// Modification time (`identity.mtime_sec` / `mtime_nsec`).
    pub modified: SystemTime,
}

impl DocRoot {
    /// Opens the directory `path` as the document root.
    ///
    /// Errors: the path does not exist or is not a directory (`ENOTDIR`), or any
    /// other `open(2)` error.
    pub fn open(path: &Path) -> io::Result<DocRoot> {
        let flags = OFlag::O_PATH | OFlag::O_DIRECTORY | OFlag::O_CLOEXEC;
        let dir = open(path, flags, Mode::empty()).map_err(io::Error::from)?;
        Ok(DocRoot { dir })
    }

    /// Opens the regular file at `rel`, a decoded and normalized path relative to
    /// the root (segments separated by `/`, no leading `/`).
    ///
    /// Refusals: `..` segment, leading `/`, NUL, empty segment, or a path leaving
    /// the root through a symbolic link -> 403; a segment starting with `.`
    /// (dot-files), also where a symbolic link inside the root leads, a missing file,
    /// or anything but a regular file (directory, FIFO, device, socket) -> 404;
    /// permission denied -> 403; name too long -> 414 (RFC 9110 §15.5.15); other
    /// errors -> 500.
    pub fn open_file(&self, rel: &str) -> Result<OpenedFile, Refusal> {
        check_relative(rel)?;
        let fd = match open_beneath(self.dir.as_fd(), rel, ResolveFlag::RESOLVE_NO_SYMLINKS) {
            Err(Errno::ENOSYS | Errno::EPERM) => walk(self.dir.as_fd(), rel)?,
            Err(Errno::ELOOP) => {
                let fd = open_beneath(self.dir.as_fd(), rel, ResolveFlag::empty())
                    .map_err(refusal_for)?;
                check_real_path(self.dir.as_fd(), &fd)?;
                fd
            }
            other => other.map_err(refusal_for)?,
        };
        finish_open(fd)
    }
}

/// Refuses what a normalized relative path never contains, before any system call.
fn check_relative(rel: &str) -> Result<(), Refusal> {
    if rel.is_empty() {
        return Err(Refusal::new(404, "not a regular file"));
    }
    if rel.starts_with('/') {
        return Err(Refusal::new(403, "absolute path"));
    }
    if rel.contains('\0') {
        return Err(Refusal::new(403, "NUL in path"));
    }
    if rel.split('/').any(|s| s == "..") {
        return Err(Refusal::new(403, "'..' in path"));
    }
    if rel.split('/').any(|s| s.starts_with('.')) {
        return Err(Refusal::new(404, "dot-file"));
    }
    if rel.split('/').any(str::is_empty) {
        return Err(Refusal::new(403, "empty path segment"));
    }
    Ok(())
}

/// `openat2(dir, rel, file_flags, RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS | extra)`.
/// With `RESOLVE_NO_SYMLINKS` in `extra`, a path through a symbolic link fails with
/// `ELOOP`: the checked path is then the file's own.
#[inline(never)]
fn open_beneath(dir: BorrowedFd<'_>, rel: &str, extra: ResolveFlag) -> nix::Result<OwnedFd> {
    let how = OpenHow::new()
        .flags(file_flags())
        .resolve(ResolveFlag::RESOLVE_BENEATH | ResolveFlag::RESOLVE_NO_MAGICLINKS | extra);
    openat2(dir, rel, how)
}

/// Refuses a file reached through a symbolic link inside the root when its real path
/// below the root has a dot segment (404), or when that path cannot be read from
/// `/proc/self/fd` or does not lie below the root's (403, as the walk refuses every
/// symbolic link).
fn check_real_path(root: BorrowedFd<'_>, file: &OwnedFd) -> Result<(), Refusal> {
    let (mut root_buf, mut file_buf) = ([0u8; 4096], [0u8; 4096]);
    let (Some(root), Some(file)) = (
        real_path(root, &mut root_buf),
        real_path(file.as_fd(), &mut file_buf),
    ) else {
        return Err(Refusal::new(
            403,
            "symlink refused (no /proc to check its target)",
        ));
    };
    let below = file.strip_prefix(root).and_then(|b| {
        if root.ends_with(b"/") {
            Some(b)
        } else {
            b.strip_prefix(b"/")
        }
    });
    match below {
        None => Err(Refusal::new(403, "outside document root")),
        Some(b)
            if b.split(|&c| c == b'/')
                .any(|segment| segment.starts_with(b".")) =>
        {
            Err(Refusal::new(404, "dot-file"))
        }
        Some(_) => Ok(()),
    }
}

/// The path `fd` was opened at, read from `/proc/self/fd/N` into `buf`; `None`
/// without `/proc` or for a path longer than `buf`.
fn real_path<'b>(fd: BorrowedFd<'_>, buf: &'b mut [u8; 4096]) -> Option<&'b [u8]> {
    let mut link = *b"/proc/self/fd/\0\0\0\0\0\0\0\0\0\0\0";
    let (mut n, mut end) = (u32::try_from(fd.as_raw_fd()).ok()?, 14);
    let width = n.checked_ilog10().unwrap_or(0) as usize + 1;
    while end < 14 + width {
        *link.get_mut(14 + width - 1 - (end - 14))? = b'0' + (n % 10) as u8;
        (n, end) = (n / 10, end + 1);
    }
    // SAFETY: `link` ends with a NUL (at most 10 digits follow the 14-byte prefix in
    // its 25 bytes); `buf` is writable for its whole length.
    let n = unsafe { libc::readlink(link.as_ptr().cast(), buf.as_mut_ptr().cast(), buf.len()) };
    let n = usize::try_from(n).ok().filter(|&n| n < buf.len())?;
    buf.get(..n)
}

/// Opens `rel` one component at a time without following any symbolic link.
fn walk(root: BorrowedFd<'_>, rel: &str) -> Result<OwnedFd, Refusal> {
    let (parents, name) = match rel.rsplit_once('/') {
        Some((parents, name)) => (Some(parents), name),
        None => (None, rel),
    };
    let mut dir: Option<OwnedFd> = None;
    for segment in parents.into_iter().flat_map(|p| p.split('/')) {
        let parent = dir.as_ref().map_or(root, |d| d.as_fd());
        let flags = OFlag::O_PATH | OFlag::O_NOFOLLOW | OFlag::O_CLOEXEC;
        let next = openat(parent, segment, flags, Mode::empty()).map_err(refusal_for)?;
        match file_type(&fstat(&next).map_err(refusal_for)?) {
            libc::S_IFDIR => dir = Some(next),
            libc::S_IFLNK => return Err(Refusal::new(403, "symlink refused")),
            _ => return Err(Refusal::new(404, "no such file")),
        }
    }
    let parent = dir.as_ref().map_or(root, |d| d.as_fd());
    openat(
        parent,
        name,
        file_flags() | OFlag::O_NOFOLLOW,
        Mode::empty(),
    )
    .map_err(refusal_for)
}

fn file_type(stat: &FileStat) -> libc::mode_t {
    stat.st_mode & libc::S_IFMT
}

/// Maps an `open`/`openat2`/`fstat` error to the answer for the client.
fn refusal_for(errno: Errno) -> Refusal {
    match errno {
        Errno::ENOENT | Errno::ENOTDIR => Refusal::new(404, "no such file"),
        Errno::EXDEV => Refusal::new(403, "outside document root"),
        Errno::ELOOP => Refusal::new(403, "symlink refused"),
        Errno::EACCES | Errno::EPERM => Refusal::new(403, "permission denied"),
        Errno::ENAMETOOLONG => Refusal::new(414, "path too long"),
        // Opening a socket (ENXIO) or a device without a driver (ENODEV).
        Errno::ENXIO | Errno::ENODEV => Refusal::new(404, "not a regular file"),
        other => Refusal::new(500, format!("open failed: {}", other.desc())),
    }
}

/// Checks that `fd` is a regular file, puts it back in blocking mode, and
/// records its identity.
fn finish_open(fd: OwnedFd) -> Result<OpenedFile, Refusal> {
    let stat = fstat(&fd).map_err(refusal_for)?;
    if file_type(&stat) != libc::S_IFREG {
        return Err(Refusal::new(404, "not a regular file"));
    }
    let flags = fcntl(&fd, FcntlArg::F_GETFL).map_err(refusal_for)?;
    let flags = OFlag::from_bits_truncate(flags) - OFlag::O_NONBLOCK;
    fcntl(&fd, FcntlArg::F_SETFL(flags)).map_err(refusal_for)?;
    let identity =
        identity_of(&stat).ok_or_else(|| Refusal::new(500, "file metadata out of range"))?;
    let modified = system_time(identity.mtime_sec, identity.mtime_nsec)
        .ok_or_else(|| Refusal::new(500, "file time out of range"))?;
    let len = identity.size;
    Ok(OpenedFile {
        file: File::from(fd),
        identity,
        len,
        modified,
    })
}

/// The [`FileIdentity`] of a `stat`; `None` if a field does not fit (negative size
/// or nanoseconds).
// The conversions are no-ops on some targets and checks on others.
#[allow(clippy::useless_conversion)]
fn identity_of(stat: &FileStat) -> Option<FileIdentity> {
    Some(FileIdentity {
        dev: u64::try_from(stat.st_dev).ok()?,
        ino: u64::try_from(stat.st_ino).ok()?,
        size: u64::try_from(stat.st_size).ok()?,
        mtime_sec: i64::try_from(stat.st_mtime).ok()?,
        mtime_nsec: u32::try_from(stat.st_mtime_nsec).ok()?,
        ctime_sec: i64::try_from(stat.st_ctime).ok()?,
        ctime_nsec: u32::try_from(stat.st_ctime_nsec).ok()?,
    })
}

/// `UNIX_EPOCH + sec + nsec`, for negative `sec` too.
fn system_time(sec: i64, nsec: u32) -> Option<SystemTime> {
    let whole = Duration::from_secs(sec.unsigned_abs());
    let base = if sec >= 0 {
        UNIX_EPOCH.checked_add(whole)
    } else {
        UNIX_EPOCH.checked_sub(whole)
    };
    base?.checked_add(Duration::from_nanos(u64::from(nsec)))
}
