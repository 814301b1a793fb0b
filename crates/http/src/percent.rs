//! Percent-decoding (RFC 3986 §2.1), shared by the request-target and the query.

use std::borrow::Cow;

/// Decodes `%HH` escapes once; with `plus_is_space`, `+` becomes a space
/// (`application/x-www-form-urlencoded` queries). Other bytes are copied.
///
/// Borrows when there is nothing to decode. `Err(())` for a `%` not followed by
/// two hex digits (`%zz`, a truncated `%4`).
pub(crate) fn percent_decode(input: &[u8], plus_is_space: bool) -> Result<Cow<'_, [u8]>, ()> {
    let special = |b: &u8| *b == b'%' || (plus_is_space && *b == b'+');
    if !input.iter().any(special) {
        return Ok(Cow::Borrowed(input));
    }
    let mut out = Vec::with_capacity(input.len());
    let mut rest = input;
    while let Some((&b, after)) = rest.split_first() {
        rest = after;
        match b {
            b'%' => {
                let (hi, lo, after) = match rest {
                    [hi, lo, after @ ..] => (hex_value(*hi)?, hex_value(*lo)?, after),
                    _ => return Err(()),
                };
                out.push(hi << 4 | lo);
                rest = after;
            }
            b'+' if plus_is_space => out.push(b' '),
            _ => out.push(b),
        }
    }
    Ok(Cow::Owned(out))
}

fn hex_value(b: u8) -> Result<u8, ()> {
    match b {
        b'0'..=b'9' => Ok(b - b'0'),
        b'a'..=b'f' => Ok(b - b'a' + 10),
        b'A'..=b'F' => Ok(b - b'A' + 10),
        _ => Err(()),
    }
}

#[cfg(test)]
mod tests {
    use super::percent_decode;

    #[test]
    fn decode_table() {
        type Row = (&'static str, bool, Result<&'static [u8], ()>);
        let table: &[Row] = &[
            ("abc", false, Ok(b"abc")),
            ("a%2fb", false, Ok(b"a/b")),
            ("a%2Fb", false, Ok(b"a/b")),
            ("%252e", false, Ok(b"%2e")),
            ("%00", false, Ok(b"\0")),
            ("%c0%ae", false, Ok(b"\xc0\xae")),
            ("a+b", false, Ok(b"a+b")),
            ("a+b", true, Ok(b"a b")),
            ("a%2Bb", true, Ok(b"a+b")),
            ("%", false, Err(())),
            ("%4", false, Err(())),
            ("%zz", false, Err(())),
            ("%4g", false, Err(())),
            ("ok%", true, Err(())),
        ];
        for (input, plus, want) in table {
            let got = percent_decode(input.as_bytes(), *plus);
            assert_eq!(got.as_deref().map_err(|_| ()), *want, "{input:?}");
        }
    }
}
