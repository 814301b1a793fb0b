//! The repository's own files as the tests read them: `Cargo.toml`'s profile tables
//! (a small reader for the `[table]` / `key = value` lines they use), `README.md`'s
//! sections.

use std::path::{Path, PathBuf};

/// The repository root (where the root `Cargo.toml` is).
pub fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The text of `rel`, a file of the repository.
pub fn read(rel: &str) -> String {
    let path: PathBuf = repo().join(rel);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Every `(table, key, value)` of the root `Cargo.toml`, in order: `table` is the
/// name in the last `[...]` line (`profile.release.package.loomiere-mp4`), `value`
/// the text after `=` without a trailing comment or quotes (`z`, `true`, `2`).
pub fn cargo_toml() -> Vec<(String, String, String)> {
    let mut table = String::new();
    let mut out = Vec::new();
    for line in read("Cargo.toml").lines() {
        let line = line.split(" #").next().unwrap_or_default().trim();
        if line.starts_with('#') || line.is_empty() {
            continue;
        }
        if let Some(name) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
            table = name.trim_matches(['[', ']']).to_owned();
        } else if let Some((key, value)) = line.split_once('=') {
            let value = value.trim().trim_matches('"').to_owned();
            out.push((table.clone(), key.trim().to_owned(), value));
        }
    }
    out
}

/// The `key = value` pairs of one table of the root `Cargo.toml`.
pub fn cargo_table(name: &str) -> Vec<(String, String)> {
    cargo_toml()
        .into_iter()
        .filter(|(t, _, _)| t == name)
        .map(|(_, k, v)| (k, v))
        .collect()
}

/// The text of the README section headed `## title`, up to the next `## `.
pub fn readme_section(title: &str) -> String {
    let readme = read("README.md");
    let head = format!("\n## {title}\n");
    let start = readme
        .find(&head)
        .unwrap_or_else(|| panic!("README.md has no section '## {title}'"));
    let body = &readme[start + head.len()..];
    body[..body.find("\n## ").unwrap_or(body.len())].to_owned()
}
