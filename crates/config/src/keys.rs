//! The table of configuration keys.
//!
//! Adding a key is one row: a name and a setter that parses the value into the
//! [`Config`] field. Keys of the form `PREFIX<suffix>` (`streamer.mp4`, `type.webp`,
//! `vhost.example.com`) are one row per prefix, with a check of the suffix.

use crate::roots;
use crate::settings::Config;
use crate::values;
use loomiere_access::{referer, CorsOrigins, Expression, LinkArgs};
use loomiere_log::Quoted;

/// Parses `value` into a field of the config, or says what is wrong with it.
type Setter = fn(&mut Config, &str) -> Result<(), String>;
/// Like [`Setter`] for a per-extension key; the extension is already lower case.
type ExtSetter = fn(&mut Config, &str, &str) -> Result<(), String>;

/// A plain key: `name = value`.
struct Key {
    name: &'static str,
    set: Setter,
}

/// A family of keys `PREFIX<suffix> = value`: per extension, or per host pattern.
struct Family {
    prefix: &'static str,
    /// Checks the suffix and returns it in canonical (lower-case) form.
    suffix: fn(&str) -> Result<String, String>,
    set: ExtSetter,
}

const KEYS: &[Key] = &[
    Key {
        name: "root",
        set: |c, v| roots::set_root(c, values::absolute_path(v)?),
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
        name: "throttle",
        set: |c, v| {
            c.throttle.ahead = values::seconds_or_zero(v)?;
            Ok(())
        },
    },
    Key {
        name: "throttle_rate",
        set: |c, v| {
            c.throttle.rate = values::rate(v)?;
            Ok(())
        },
    },
    Key {
        name: "throttle_min_size",
        set: |c, v| {
            let n = values::bytes(v, 0, usize::MAX)?;
            c.throttle.min_size = u64::try_from(n).map_err(|_| "too many bytes".to_string())?;
            Ok(())
        },
    },
    Key {
        name: "throttle_exempt",
        set: |c, v| {
            c.throttle_exempt = loomiere_throttle::exempt::parse_list(v)?;
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
    Key {
        name: "index_dir",
        set: |c, v| {
            c.index_dir = values::absolute_path_or_off(v)?;
            Ok(())
        },
    },
    Key {
        name: "scoreboard",
        set: |c, v| {
            c.scoreboard = values::absolute_path_or_off(v)?;
            Ok(())
        },
    },
    Key {
        name: "scoreboard_slots",
        set: |c, v| {
            let n = values::count(v, 1, 1 << 20)?;
            c.scoreboard_slots = u64::try_from(n).map_err(|_| "too many slots".to_string())?;
            Ok(())
        },
    },
    Key {
        name: "segment_duration",
        set: |c, v| {
            c.segment_duration = values::seconds_within(v, 1, 60)?;
            Ok(())
        },
    },
    Key {
        name: "segment_cache_control",
        set: |c, v| {
            c.segment_cache_control = off_or(v, values::field_value)?;
            Ok(())
        },
    },
    Key {
        name: "allow_root",
        set: |c, v| {
            c.access.allow_root = values::flag(v, "yes", "no")?;
            Ok(())
        },
    },
    Key {
        name: "referers",
        set: |c, v| {
            c.access.referers = referer::parse_list(v)?;
            Ok(())
        },
    },
    Key {
        name: "referer_empty",
        set: |c, v| {
            c.access.referer_empty = values::flag(v, "allow", "deny")?;
            Ok(())
        },
    },
    Key {
        name: "secure_link",
        set: |c, v| {
            c.access.secure_link = LinkArgs::parse(v)?;
            Ok(())
        },
    },
    Key {
        name: "secure_link_md5",
        set: |c, v| {
            c.access.secure_link_md5 = if v == "off" {
                None
            } else {
                Some(Expression::parse(v)?)
            };
            Ok(())
        },
    },
    Key {
        name: "secure_link_secret_file",
        set: |c, v| {
            c.access.secure_link_secret_file = values::absolute_path(v)?;
            Ok(())
        },
    },
    Key {
        name: "cors_origins",
        set: |c, v| {
            c.access.cors_origins = CorsOrigins::parse(v)?;
            Ok(())
        },
    },
];

const FAMILIES: &[Family] = &[
    Family {
        prefix: "streamer.",
        suffix: values::extension,
        set: |c, ext, v| {
            set_ext(&mut c.streamers, ext, off_or(v, values::program)?);
            Ok(())
        },
    },
    Family {
        prefix: "segmenter.",
        suffix: values::extension,
        set: |c, ext, v| {
            set_ext(&mut c.segmenters, ext, off_or(v, values::program)?);
            Ok(())
        },
    },
    Family {
        prefix: "type.",
        suffix: values::extension,
        set: |c, ext, v| {
            set_ext(&mut c.content_types, ext, off_or(v, values::media_type)?);
            Ok(())
        },
    },
    Family {
        prefix: "vhost.",
        suffix: roots::vhost_key,
        set: |c, pattern, v| roots::add_vhost(c, pattern, values::absolute_path(v)?),
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
pub(crate) struct Target {
    /// The key as used for duplicate detection: plain keys as written,
    /// per-extension keys with the extension in lower case.
    pub(crate) canonical: String,
    action: Action,
}

enum Action {
    Plain(Setter),
    Ext(ExtSetter, String),
}

/// Finds `key` in the tables. Errors: unknown key, bad extension.
pub(crate) fn resolve(key: &str) -> Result<Target, String> {
    if let Some(k) = KEYS.iter().find(|k| k.name == key) {
        return Ok(Target {
            canonical: key.to_string(),
            action: Action::Plain(k.set),
        });
    }
    for family in FAMILIES {
        if let Some(ext) = key.strip_prefix(family.prefix) {
            let ext = (family.suffix)(ext)?;
            let canonical = format!("{}{ext}", family.prefix);
            return Ok(Target {
                canonical,
                action: Action::Ext(family.set, ext),
            });
        }
    }
    Err(format!("unknown key '{}'", Quoted(key)))
}

impl Target {
    /// Parses `value` and stores it in `config`.
    pub(crate) fn apply(&self, config: &mut Config, value: &str) -> Result<(), String> {
        match &self.action {
            Action::Plain(set) => set(config, value),
            Action::Ext(set, ext) => set(config, ext, value),
        }
    }
}

/// Every plain key name and per-extension prefix, for documentation checks.
#[cfg(test)]
pub(crate) fn names() -> impl Iterator<Item = &'static str> {
    KEYS.iter()
        .map(|k| k.name)
        .chain(FAMILIES.iter().map(|f| f.prefix))
}
