//! The table of configuration keys.
//!
//! Adding a key is one row: a name and a setter that parses the value into the
//! [`Config`] field. Keys of the form `PREFIX<ext>` (`streamer.mp4`, `type.webp`)
//! are one row per prefix.

use super::{values, Config};

/// Parses `value` into a field of the config, or says what is wrong with it.
type Setter = fn(&mut Config, &str) -> Result<(), String>;
/// Like [`Setter`] for a per-extension key; the extension is already lower case.
type ExtSetter = fn(&mut Config, &str, &str) -> Result<(), String>;

/// A plain key: `name = value`.
struct Key {
    name: &'static str,
    set: Setter,
}

/// A family of per-extension keys: `PREFIX<ext> = value`.
struct Family {
    prefix: &'static str,
    set: ExtSetter,
}

const KEYS: &[Key] = &[
    Key {
        name: "root",
        set: |c, v| {
            c.root = Some(values::absolute_path(v)?);
            Ok(())
        },
    },
    Key {
        name: "request_timeout",
        set: |c, v| {
            c.request_timeout = values::seconds(v)?;
            Ok(())
        },
    },
    Key {
        name: "send_timeout",
        set: |c, v| {
            c.send_timeout = values::seconds(v)?;
            Ok(())
        },
    },
    Key {
        name: "max_request_head",
        set: |c, v| {
            c.max_request_head = values::bytes(v, 256, 1 << 20)?;
            Ok(())
        },
    },
    Key {
        name: "max_header_lines",
        set: |c, v| {
            c.max_header_lines = values::count(v, 1, 10_000)?;
            Ok(())
        },
    },
];

const FAMILIES: &[Family] = &[
    Family {
        prefix: "streamer.",
        set: |c, ext, v| {
            set_ext(&mut c.streamers, ext, off_or(v, values::program)?);
            Ok(())
        },
    },
    Family {
        prefix: "type.",
        set: |c, ext, v| {
            set_ext(&mut c.content_types, ext, off_or(v, values::media_type)?);
            Ok(())
        },
    },
];

/// `off` is `None` (remove the extension); anything else goes through `parse`.
fn off_or(
    value: &str,
    parse: fn(&str) -> Result<String, String>,
) -> Result<Option<String>, String> {
    if value == "off" {
        Ok(None)
    } else {
        parse(value).map(Some)
    }
}

/// Replaces the entry for `ext` in place, appends it, or removes it (`None`).
fn set_ext(table: &mut Vec<(String, String)>, ext: &str, value: Option<String>) {
    let pos = table.iter().position(|(e, _)| e == ext);
    match (pos, value) {
        (Some(i), Some(v)) => table[i].1 = v,
        (None, Some(v)) => table.push((ext.to_string(), v)),
        (Some(i), None) => {
            table.remove(i);
        }
        (None, None) => {}
    }
}

/// A key found in the table, ready to apply.
pub(super) struct Target {
    /// The key as used for duplicate detection: plain keys as written,
    /// per-extension keys with the extension in lower case.
    pub(super) canonical: String,
    action: Action,
}

enum Action {
    Plain(Setter),
    Ext(ExtSetter, String),
}

/// Finds `key` in the tables. Errors: unknown key, bad extension.
pub(super) fn resolve(key: &str) -> Result<Target, String> {
    if let Some(k) = KEYS.iter().find(|k| k.name == key) {
        return Ok(Target {
            canonical: key.to_string(),
            action: Action::Plain(k.set),
        });
    }
    for family in FAMILIES {
        if let Some(ext) = key.strip_prefix(family.prefix) {
            let ext = values::extension(ext)?;
            let canonical = format!("{}{ext}", family.prefix);
            return Ok(Target {
                canonical,
                action: Action::Ext(family.set, ext),
            });
        }
    }
    Err(format!("unknown key '{}'", key.escape_debug()))
}

impl Target {
    /// Parses `value` and stores it in `config`.
    pub(super) fn apply(&self, config: &mut Config, value: &str) -> Result<(), String> {
        match &self.action {
            Action::Plain(set) => set(config, value),
            Action::Ext(set, ext) => set(config, ext, value),
        }
    }
}

/// Every plain key name and per-extension prefix, for documentation checks.
#[cfg(test)]
pub(super) fn names() -> impl Iterator<Item = &'static str> {
    KEYS.iter().map(|k| k.name).chain(FAMILIES.iter().map(|f| f.prefix))
}
