//! The secret file of secure links (`secure_link_secret_file`), read as the
//! streamers read it for `$secret`: a regular file of at most 4 KiB, without one
//! final `\n` or `\r\n`, not empty. Opened non-blocking, so a FIFO cannot hang us.

use std::io::Read;
use std::os::unix::fs::OpenOptionsExt;
use std::path::Path;

/// The largest secret the streamers accept, in bytes.
pub const MAX_SECRET: u64 = 4096;

/// The secret bytes. Errors, in words: cannot open or read, not a regular file,
/// larger than 4 KiB, empty.
pub fn read(path: &Path) -> Result<Vec<u8>, String> {
    let fail = |why: String| format!("secure_link_secret_file {}: {why}", path.display());
    let file = std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK | libc::O_NOCTTY)
        .open(path)
        .map_err(|e| fail(e.to_string()))?;
    if !file.metadata().map_err(|e| fail(e.to_string()))?.is_file() {
        return Err(fail("not a regular file".into()));
    }
    let mut bytes = Vec::new();
    file.take(MAX_SECRET + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| fail(e.to_string()))?;
    if bytes.len() as u64 > MAX_SECRET {
        return Err(fail("larger than 4 KiB".into()));
    }
    if bytes.last() == Some(&b'\n') {
        bytes.pop();
        if bytes.last() == Some(&b'\r') {
            bytes.pop();
        }
    }
    if bytes.is_empty() {
        return Err(fail("empty".into()));
    }
    Ok(bytes)
}
