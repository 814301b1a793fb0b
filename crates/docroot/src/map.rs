//! Mapping an opened file for planning: the planners read `&[u8]`, and a file cut
//! short meanwhile is survived ([`crate::sigbus`]).

use crate::open::OpenedFile;
use std::io;

impl OpenedFile {
    /// Maps the first [`OpenedFile::len`] bytes of the file read-only, for planning.
    ///
    /// Errors: the file is empty (`InvalidInput`; a zero-length mapping is not
    /// possible, callers treat an empty file as an empty body without mapping),
    /// the length does not fit in `usize`, or `mmap(2)` fails.
    ///
    /// If the file is truncated while mapped, reading the lost pages raises `SIGBUS`;
    /// with [`crate::sigbus::install`] done, the process then answers 500, logs it
    /// and exits 111 (see [`crate::sigbus`]). Drop or [retire](Mapping::retire) the
    /// [`Mapping`] before sending.
    pub fn map(&self) -> io::Result<Mapping> {
        if self.len == 0 {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "cannot map an empty file",
            ));
        }
        let len = usize::try_from(self.len)
            .map_err(|_| io::Error::new(io::ErrorKind::InvalidInput, "file too large to map"))?;
        // SAFETY: the mapping is read-only and private to this process. The only
        // hazard is another process truncating the file, which raises SIGBUS on
        // access (handled by crate::sigbus); it cannot cause a data race in safe code.
        let map = unsafe { memmap2::MmapOptions::new().len(len).map(&self.file) }?;
        Ok(Mapping {
            map,
            _reading: crate::sigbus::Reading::start(),
        })
    }
}

/// A read-only map of an [`OpenedFile`], derefs to its bytes. While it lives, a
/// `SIGBUS` is answered with a 500 (see [`crate::sigbus::Reading`]).
#[derive(Debug)]
pub struct Mapping {
    map: memmap2::Mmap,
    _reading: crate::sigbus::Reading,
}

impl Mapping {
    /// Ends the reading period (a `SIGBUS` no longer answers 500) but keeps the pages
    /// mapped until the [`Retired`] value is dropped: unmapping a 2-hour film's tables
    /// (munmap(2) of ~800 touched pages, ~0.1 ms) need not delay the first response
    /// byte. Nothing reads a retired mapping, so it cannot raise `SIGBUS`.
    pub fn retire(self) -> Retired {
        Retired(self.map)
    }
}

/// A mapping planning is done with; dropping it unmaps the file (see [`Mapping::retire`]).
#[derive(Debug)]
pub struct Retired(#[allow(dead_code)] memmap2::Mmap);

impl std::ops::Deref for Mapping {
    type Target = [u8];

    fn deref(&self) -> &[u8] {
        &self.map
    }
}
