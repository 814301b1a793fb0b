//! Field readers over a bounded slice: big-endian for box fields (ISO/IEC 14496-12
//! §4.2: all box fields are big-endian), every read bounds-checked and naming the field
//! it failed on; little-endian for checkpoint records ([`super::checkpoints`]).

use crate::error::{defect, Result};

/// Reads `N` bytes at `at`.
fn take<const N: usize>(d: &[u8], at: usize, what: &str) -> Result<[u8; N]> {
    at.checked_add(N)
        .and_then(|end| d.get(at..end))
        .and_then(|s| s.try_into().ok())
        .ok_or_else(|| defect!("{what} is cut short"))
}

/// Big-endian `u32` at byte `at` of `d`.
pub(crate) fn u32_at(d: &[u8], at: usize, what: &str) -> Result<u32> {
    take::<4>(d, at, what).map(u32::from_be_bytes)
}

/// Big-endian `u64` at byte `at` of `d`.
pub(crate) fn u64_at(d: &[u8], at: usize, what: &str) -> Result<u64> {
    take::<8>(d, at, what).map(u64::from_be_bytes)
}

/// Unchecked-length big-endian `u32` for slices already proven long enough
/// (table views check `count * entry_size` against the box before reading).
#[inline]
pub(crate) fn u32_in(d: &[u8], at: usize) -> u32 {
    let b: [u8; 4] = d[at..at + 4].try_into().expect("a 4-byte slice");
    u32::from_be_bytes(b)
}

/// Big-endian `u64` for slices already proven long enough.
#[inline]
pub(crate) fn u64_in(d: &[u8], at: usize) -> u64 {
    let b: [u8; 8] = d[at..at + 8].try_into().expect("an 8-byte slice");
    u64::from_be_bytes(b)
}

/// The little-endian `u32` at byte `at` of `b`, `None` when `b` is too short.
pub(crate) fn le32(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_le_bytes(
        b.get(at..at.checked_add(4)?)?.try_into().ok()?,
    ))
}

/// The little-endian `u64` at byte `at` of `b`, `None` when `b` is too short.
pub(crate) fn le64(b: &[u8], at: usize) -> Option<u64> {
    Some(u64::from_le_bytes(
        b.get(at..at.checked_add(8)?)?.try_into().ok()?,
    ))
}

/// Shows a four-character code for logs, escaping non-printable bytes.
pub(crate) fn fourcc(t: &[u8; 4]) -> String {
    t.iter()
        .map(|&c| {
            if c.is_ascii_graphic() || c == b' ' {
                (c as char).to_string()
            } else {
                format!("\\x{c:02x}")
            }
        })
        .collect()
}
