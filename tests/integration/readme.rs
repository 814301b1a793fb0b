//! README.md says what the tree does: its "Static build" section is checked against
//! `Cargo.toml`, `scripts/build-static` and `docs/`.

use crate::support::manifest::{cargo_table, read, readme_section, repo};

/// Regression: the section said `opt-level = "s"` with the MP4 planner at 3 while
/// `Cargo.toml` said "z" and 2, and sent readers to a note users do not have. Every
/// `key = value` of `[profile.release]` and the MP4 planner's `opt-level` must be
/// stated as they are in `Cargo.toml`; the flags it names must be the script's; the
/// guide it links must exist.
#[test]
fn the_static_build_section_matches_the_tree() {
    let section = readme_section("Static build");
    let guide = read("docs/static-build.md");
    let release = cargo_table("profile.release");
    assert!(!release.is_empty(), "Cargo.toml has no [profile.release]");
    for (key, value) in &release {
        let quoted = if value.parse::<u64>().is_ok() || value == "true" || value == "false" {
            format!("`{key} = {value}`")
        } else {
            format!("`{key} = \"{value}\"`")
        };
        for (name, text) in [
            ("README's Static build", &section),
            ("docs/static-build.md", &guide),
        ] {
            assert!(
                text.contains(&quoted),
                "{name} does not state {quoted} from [profile.release]"
            );
        }
    }
    let mp4 = cargo_table("profile.release.package.loomiere-mp4");
    let level = mp4
        .iter()
        .find(|(k, _)| k == "opt-level")
        .map(|(_, v)| v.clone())
        .expect("Cargo.toml sets the MP4 planner's opt-level");
    // As TOML spells it: a number bare, a word ("s", "z") quoted.
    let level = if level.parse::<u8>().is_ok() {
        level
    } else {
        format!("\"{level}\"")
    };
    let stated = format!("`loomiere-mp4`) at `opt-level = {level}`");
    assert!(section.contains(&stated), "README does not say ...{stated}");
    assert!(
        guide.contains(&stated),
        "docs/static-build.md does not say ...{stated}"
    );
    // Each opt-level they name is one Cargo.toml sets.
    for text in [&section, &guide] {
        for word in text.split("opt-level = ").skip(1) {
            let said = word.split('`').next().unwrap_or_default().trim_matches('"');
            let set = release
                .iter()
                .chain(&mp4)
                .any(|(k, v)| k == "opt-level" && v == said);
            assert!(
                set,
                "opt-level {said} is named, but Cargo.toml does not set it"
            );
        }
    }
    let script = read("scripts/build-static");
    for flag in [
        "panic=immediate-abort",
        "force-unwind-tables=no",
        "noseparate-code",
    ] {
        assert!(script.contains(flag), "scripts/build-static has no {flag}");
    }
    assert!(
        section.contains("[docs/static-build.md](docs/static-build.md)")
            && repo().join("docs/static-build.md").is_file(),
        "README must link docs/static-build.md, which must exist"
    );
    assert!(
        !read("README.md").contains("shared/notes"),
        "README points to shared/notes, which users do not have"
    );
    // The size table names exactly the binaries Cargo.toml builds.
    let mut bins: Vec<String> = cargo_table("bin")
        .into_iter()
        .filter(|(k, _)| k == "name")
        .map(|(_, v)| v)
        .collect();
    let mut listed: Vec<String> = section
        .lines()
        .filter_map(|l| l.strip_prefix("| `")?.split('`').next().map(str::to_owned))
        .collect();
    bins.sort();
    listed.sort();
    assert_eq!(
        listed, bins,
        "README's size table and Cargo.toml's [[bin]]s"
    );
    for line in section.lines().filter(|l| l.starts_with("| `loomiere-")) {
        let bytes: u64 = line
            .split('|')
            .nth(2)
            .and_then(|c| c.split(" bytes").next())
            .map(|n| n.trim().replace(',', ""))
            .and_then(|n| n.parse().ok())
            .unwrap_or_else(|| panic!("no byte count in {line:?}"));
        assert!(
            bytes <= 256 * 1024,
            "README lists a binary over 256 KiB: {line}"
        );
    }
}
