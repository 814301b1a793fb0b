//! One line of the configuration file, split with nom.
//!
//! Grammar (whitespace is space or tab):
//!
//! ```text
//! line    = ws* [ comment ]                      ; blank line
//!         / ws* key ws* "=" ws* value ws* [ comment ]
//! key     = 1*( any char except ws, "=", "#" )
//! comment = "#" *any                             ; at the start of the value or after ws
//! value   = 1*any                                ; "#" inside a word is part of the value
//! ```

use loomiere_log::Quoted;
use nom::bytes::complete::take_till1;
use nom::character::complete::{char, space0};
use nom::combinator::{eof, rest};
use nom::sequence::preceded;
use nom::{IResult, Parser};

/// A parsed line: nothing to do, or one `key = value` entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Line<'a> {
    /// Empty, only whitespace, or only a comment.
    Blank,
    /// `key = value`, both trimmed, comment removed; the value is never empty.
    Entry { key: &'a str, value: &'a str },
}

fn is_ws(c: char) -> bool {
    c == ' ' || c == '\t'
}

/// A comment: `#` to the end of the line.
fn comment(input: &str) -> IResult<&str, &str> {
    preceded(char('#'), rest).parse(input)
}

/// Nothing but a comment or the end of the line is left.
fn line_end(input: &str) -> IResult<&str, &str> {
    nom::branch::alt((eof, comment)).parse(input)
}

/// The value: everything up to a `#` that starts the value or follows whitespace,
/// with trailing whitespace removed.
fn value(input: &str) -> IResult<&str, &str> {
    let mut prev_ws = true;
    let mut end = input.len();
    for (i, c) in input.char_indices() {
        if c == '#' && prev_ws {
            end = i;
            break;
        }
        prev_ws = is_ws(c);
    }
    let (text, remaining) = input.split_at(end);
    Ok((remaining, text.trim_end_matches(is_ws)))
}

/// Splits one line (without its line terminator) into a [`Line`].
///
/// Errors are messages without a line number: a line that does not start with a
/// key, a key not followed by `=`, or an empty value.
pub(crate) fn parse_line(input: &str) -> Result<Line<'_>, String> {
    // Comment and blank lines, nearly all of the shipped file, skip the parser: it
    // was ~40 % of a process's instructions before its request was read.
    if matches!(
        input.bytes().find(|&b| b != b' ' && b != b'\t'),
        None | Some(b'#')
    ) {
        return Ok(Line::Blank);
    }
    let (input, _) = ws(input);
    if line_end(input).is_ok() {
        return Ok(Line::Blank);
    }
    let Ok((input, key)) = key(input) else {
        return Err("expected 'key = value'".to_string());
    };
    let (input, _) = ws(input);
    let Ok((input, _)) = char::<&str, nom::error::Error<&str>>('=').parse(input) else {
        return Err(format!("missing '=' after key '{}'", Quoted(key)));
    };
    let (input, _) = ws(input);
    let (input, value) = value(input).map_err(|_| "bad value".to_string())?;
    if value.is_empty() {
        return Err(format!("missing value for key '{}'", Quoted(key)));
    }
    // `value` stops only at a comment or at the end, so this cannot fail.
    line_end(input).map_err(|_| "unexpected text after the value".to_string())?;
    Ok(Line::Entry { key, value })
}

fn key(input: &str) -> IResult<&str, &str> {
    take_till1(|c: char| is_ws(c) || c == '=' || c == '#').parse(input)
}

fn ws(input: &str) -> (&str, &str) {
    space0::<&str, nom::error::Error<&str>>(input).unwrap_or((input, ""))
}
