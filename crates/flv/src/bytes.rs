//! Big-endian readers over the file (Adobe FLV v10.1 Annex E: every multi-byte
//! integer is big-endian). Offsets are file offsets in bytes (`u64`); every read is
//! bounds-checked and returns `None` when the bytes are not all present.

/// The `len` bytes at `at`, or `None` when they run past the end of `d`.
pub(crate) fn slice(d: &[u8], at: u64, len: u64) -> Option<&[u8]> {
    let start = usize::try_from(at).ok()?;
    let end = start.checked_add(usize::try_from(len).ok()?)?;
    d.get(start..end)
}

/// The unsigned big-endian integer of `n` bytes (1 to 8) at `at`.
pub(crate) fn be(d: &[u8], at: u64, n: u64) -> Option<u64> {
    debug_assert!((1..=8).contains(&n));
    let b = slice(d, at, n)?;
    Some(b.iter().fold(0u64, |acc, &x| (acc << 8) | u64::from(x)))
}

/// The byte at `at`.
pub(crate) fn byte(d: &[u8], at: u64) -> Option<u8> {
    d.get(usize::try_from(at).ok()?).copied()
}

/// `d.len()` as `u64` (a slice never holds more than `isize::MAX` bytes).
pub(crate) fn len(d: &[u8]) -> u64 {
    d.len() as u64
}
