//! Short texts in slot words: bytes packed eight to a word, NUL-padded, cut to fit.

use std::sync::atomic::{AtomicU64, Ordering};

/// Stores `text` in `words` (at most `words.len() * 8` bytes of it; the rest NUL).
/// A character cut at the end reads back as U+FFFD ([`load`]). Never inlined: one
/// copy for every caller.
#[inline(never)]
pub(crate) fn store(words: &[AtomicU64], text: &[u8]) {
    let bytes = &text[..text.len().min(words.len() * 8)];
    for (i, w) in words.iter().enumerate() {
        let mut b = [0u8; 8];
        let from = (i * 8).min(bytes.len());
        let to = (from + 8).min(bytes.len());
        b[..to - from].copy_from_slice(&bytes[from..to]);
        w.store(u64::from_ne_bytes(b), Ordering::Relaxed);
    }
}

/// Reads the text in `words`: the bytes before the first NUL, invalid UTF-8 replaced.
pub(crate) fn load(words: &[AtomicU64]) -> String {
    let mut bytes: Vec<u8> = words
        .iter()
        .flat_map(|w| w.load(Ordering::Relaxed).to_ne_bytes())
        .collect();
    if let Some(nul) = bytes.iter().position(|b| *b == 0) {
        bytes.truncate(nul);
    }
    String::from_utf8_lossy(&bytes).into_owned()
}
