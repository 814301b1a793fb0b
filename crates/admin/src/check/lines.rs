//! The `key = value` entries of a config text, found the way the streamers' parser
//! splits lines (whitespace is space or tab; `#` starts a comment at the start of
//! the line or of the value, or after whitespace), for what the parsed config does
//! not show: the text of `secure_link_md5`, and keys this command does not know yet
//! (`scoreboard`). Only used on a text the streamers' parser accepted.

/// One entry: its 1-based line, its key and its value, both trimmed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry<'a> {
    pub line: usize,
    pub key: &'a str,
    pub value: &'a str,
}

fn is_ws(c: char) -> bool {
    c == ' ' || c == '\t'
}

/// The entries of `text`, in order.
pub fn entries(text: &str) -> Vec<Entry<'_>> {
    text.split('\n')
        .enumerate()
        .filter_map(|(i, raw)| {
            let raw = raw.strip_suffix('\r').unwrap_or(raw);
            let body = raw.trim_start_matches(is_ws);
            if body.starts_with('#') {
                return None;
            }
            let (key, rest) = body.split_once('=')?;
            Some(Entry {
                line: i + 1,
                key: key.trim_end_matches(is_ws),
                value: without_comment(rest.trim_start_matches(is_ws)),
            })
        })
        .filter(|e| !e.key.is_empty() && !e.value.is_empty())
        .collect()
}

/// The value up to a `#` that starts it or follows whitespace, trailing
/// whitespace removed.
fn without_comment(value: &str) -> &str {
    let mut prev_ws = true;
    for (i, c) in value.char_indices() {
        if c == '#' && prev_ws {
            return value[..i].trim_end_matches(is_ws);
        }
        prev_ws = is_ws(c);
    }
    value.trim_end_matches(is_ws)
}

/// The value of `key` in `text`, if an entry sets it.
pub fn value_of<'a>(text: &'a str, key: &str) -> Option<Entry<'a>> {
    entries(text).into_iter().find(|e| e.key == key)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_follow_the_comment_rules() {
        let text = "# c\n  root = /srv/a # note\r\n\nsecure_link_md5 = \"$uri a#b $secret\"\t# x\nk=#v\nbare\n";
        let got: Vec<(usize, &str, &str)> = entries(text)
            .iter()
            .map(|e| (e.line, e.key, e.value))
            .collect();
        assert_eq!(
            got,
            [
                (2, "root", "/srv/a"),
                (4, "secure_link_md5", "\"$uri a#b $secret\""),
            ]
        );
        assert_eq!(value_of(text, "root").map(|e| e.value), Some("/srv/a"));
        assert_eq!(value_of(text, "scoreboard"), None);
    }
}
