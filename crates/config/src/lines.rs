//! The configuration text split into lines, 8 bytes a step.
//!
//! `str::split('\n')` was the largest single cost of reading the shipped 8 KB file
//! (~44,000 instructions in every process: a `memchr` call per short line, built for
//! size); this scan tests 8 bytes per step for a `\n` with word arithmetic.

/// The lines of `text`, split at each `\n` exactly as `text.split('\n')` splits it
/// (the `\n` removed, a `\r` before it kept; after a final `\n`, one empty line).
pub(crate) fn split_lines(text: &str) -> impl Iterator<Item = &str> {
    let mut rest = Some(text);
    std::iter::from_fn(move || {
        let t = rest?;
        let Some(i) = newline(t.as_bytes()) else {
            rest = None;
            return Some(t);
        };
        // `i` is the index of an ASCII byte, so both ends are character boundaries.
        rest = Some(t.get(i + 1..).unwrap_or_default());
        Some(t.get(..i).unwrap_or_default())
    })
}

/// The index of the first `\n` in `bytes`, if any.
fn newline(bytes: &[u8]) -> Option<usize> {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGHS: u64 = 0x8080_8080_8080_8080;
    const NEWLINES: u64 = ONES * b'\n' as u64;
    let (words, tail) = bytes.as_chunks::<8>();
    for (k, word) in words.iter().enumerate() {
        // A zero byte of `x` is a `\n`; the lowest flagged byte is the first zero
        // (a false flag can only follow a true one).
        let x = u64::from_le_bytes(*word) ^ NEWLINES;
        let flags = x.wrapping_sub(ONES) & !x & HIGHS;
        if flags != 0 {
            return Some(k * 8 + (flags.trailing_zeros() / 8) as usize);
        }
    }
    let at = words.len() * 8;
    tail.iter().position(|&b| b == b'\n').map(|i| at + i)
}

#[cfg(test)]
mod tests {
    use super::split_lines;

    #[test]
    fn lines_are_those_of_split_at_newline() {
        let texts = [
            "",
            "\n",
            "a",
            "a\n",
            "\n\nb",
            "key = value\r\n# comment é\n\n  x = 1",
            "0123456\n01234567\n012345678\n\n",
            "ünïcödé over eight bytes, no newline at all here",
            "\u{10a}\u{a0a}\n\u{a}",
        ];
        for text in texts {
            let got: Vec<&str> = split_lines(text).collect();
            let want: Vec<&str> = text.split('\n').collect();
            assert_eq!(got, want, "{text:?}");
        }
        // Every position of the newline in and around a word.
        for n in 0..20 {
            let text = format!("{}\n{}", "x".repeat(n), "y".repeat(n % 7));
            let got: Vec<&str> = split_lines(&text).collect();
            assert_eq!(got, text.split('\n').collect::<Vec<_>>(), "{n}");
        }
    }
}
