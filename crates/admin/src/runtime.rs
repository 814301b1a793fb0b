//! Every call into the streamers' own crates (`loomiere_config`, `loomiere_access`, `loomiere_index_cache`, `loomiere_http`)
//! is in this file, so that when their shapes change only this file follows.
//!
//! The rest of the command sees plain values: [`Loaded`] (a parsed config),
//! [`Setting`] rows, paths, and the [`LinkQuery`] of a signed link.

use loomiere_access::{request_host, CorsOrigins, Expression, Vars};
use loomiere_config::cli;
use loomiere_config::{self as config, Config};
use loomiere_http::{parse_head, parse_target, FileIdentity, Limits, Parsed};
use loomiere_index_cache as index_cache;
use md5::{Digest, Md5};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// A config file parsed by the streamers' own parser.
pub struct Loaded {
    config: Config,
}

/// Why a config cannot be used, as the streamers report it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fault {
    /// The 1-based line, when the error concerns one line.
    pub line: Option<usize>,
    /// What is wrong, without path or line.
    pub message: String,
    /// `PATH:LINE: MESSAGE`, the words of the streamers' log line.
    pub text: String,
}

/// One key of the config with its effective value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Setting {
    pub key: String,
    pub value: String,
    /// Whether the value differs from the built-in default.
    pub changed: bool,
}

/// The file the streamers read when not told otherwise: `$LOOMIERE_CONFIG`, else
/// `/etc/loomiere/stream.conf`; `explicit` when it was named (a missing named file
/// is an error, a missing default one means the defaults).
pub fn default_path(given: Option<&Path>) -> (PathBuf, bool) {
    cli::config_path(&cli::Args {
        root: None,
        config: given.map(Path::to_path_buf),
    })
}

/// Reads and parses `path` exactly as every streamer does at start.
pub fn load(path: &Path, explicit: bool) -> Result<Loaded, Fault> {
    config::load(path, explicit)
        .map(|config| Loaded { config })
        .map_err(fault)
}

/// Parses config text (no file), for finding the errors after the first.
pub fn parse(text: &str) -> Result<Loaded, Fault> {
    config::parse(text)
        .map(|config| Loaded { config })
        .map_err(fault)
}

fn fault(e: config::ConfigError) -> Fault {
    Fault {
        line: e.line,
        message: e.message.clone(),
        text: e.to_string(),
    }
}

impl Loaded {
    /// Every key with its effective value, in the order of the shipped stream.conf;
    /// `secure_link_md5_text` is the value as written in the file (the parsed
    /// expression has no text form), used only when it parses to the same expression.
    pub fn settings(&self, secure_link_md5_text: Option<&str>) -> Vec<Setting> {
        let ours = rows(&self.config, secure_link_md5_text);
        let defaults = rows(&Config::default(), None);
        ours.into_iter()
            .map(|(key, value)| {
                let default = defaults.iter().find(|(k, _)| *k == key);
                let changed = default.is_none_or(|(_, v)| *v != value);
                Setting {
                    key,
                    value,
                    changed,
                }
            })
            .collect()
    }

    /// The document roots: `("root", dir)` without virtual hosts, else one
    /// `("vhost.<pattern>", dir)` per virtual host.
    pub fn roots(&self) -> Vec<(String, PathBuf)> {
        let vhosts = &self.config.access.vhosts;
        if vhosts.is_empty() {
            let root = self.config.root_or_default().to_path_buf();
            return vec![("root".to_owned(), root)];
        }
        vhosts
            .iter()
            .map(|(p, dir)| (format!("vhost.{p}"), dir.clone()))
            .collect()
    }

    /// `segment_duration`: the target duration of HLS/DASH segments, milliseconds.
    pub fn segment_ms(&self) -> u64 {
        u64::try_from(self.config.segment_duration.as_millis()).unwrap_or(u64::MAX)
    }

    /// The program `segmenter.<ext>` names for films of extension `ext` (no dot, any
    /// case); `None` when it is `off` or not set, so their HLS names get no answer.
    pub fn segmenter_for(&self, ext: &str) -> Option<&str> {
        self.config.segmenter_for(&ext.to_ascii_lowercase())
    }

    pub fn index_dir(&self) -> Option<&Path> {
        self.config.index_dir.as_deref()
    }

    /// The scoreboard file, `None` for `scoreboard = off`.
    pub fn scoreboard(&self) -> Option<&Path> {
        self.config.scoreboard.as_deref()
    }

    pub fn allow_root(&self) -> bool {
        self.config.access.allow_root
    }

    /// `secure_link_secret_file`, when secure links are on and use `$secret`.
    pub fn secret_file(&self) -> Option<&Path> {
        let access = &self.config.access;
        let md5 = access.secure_link_md5.as_ref()?;
        md5.uses_secret()
            .then_some(access.secure_link_secret_file.as_path())
    }

    /// `(extension, program)` for every extension the front routes.
    pub fn streamers(&self) -> &[(String, String)] {
        &self.config.streamers
    }

    /// Whether files with extension `ext` (no dot, any case) go to the MP4 streamer.
    pub fn is_mp4(&self, ext: &str) -> bool {
        self.streamer_name(ext) == Some("loomiere-mp4")
    }

    /// The file name of the program `streamer.<ext>` names (`loomiere-mp4`), `None`
    /// when it is `off` or not set.
    pub fn streamer_name(&self, ext: &str) -> Option<&str> {
        self.config
            .streamer_for(ext)
            .and_then(|p| Path::new(p).file_name())
            .and_then(|n| n.to_str())
    }

    /// The query parameters that sign `request` for the configured
    /// `secure_link_md5`, computed with the streamers' own request parser and
    /// expression (so their check cannot disagree). Errors, in words: secure links
    /// are off, a bad path, an expiry given for links that never expire or missing
    /// for links that do, a variable the expression uses that was not given.
    pub fn sign(&self, request: &LinkRequest<'_>) -> Result<LinkQuery, String> {
        let access = &self.config.access;
        let md5 = access
            .secure_link_md5
            .as_ref()
            .ok_or("secure links are off (secure_link_md5 = off)")?;
        let expires =
            match (&access.secure_link.expires, request.expires) {
                (Some(name), Some(t)) => Some((name.clone(), t.to_string())),
                (Some(_), None) => return Err("these links expire: give --expires".into()),
                (None, Some(_)) => return Err(
                    "secure_link names no expiry parameter, so links never expire: drop --expires"
                        .into(),
                ),
                (None, None) => None,
            };
        let head = request.head();
        let limits = Limits {
            max_head_bytes: self.config.max_request_head,
            max_header_lines: self.config.max_header_lines,
        };
        let parsed = parse_head(head.as_bytes(), &limits).map_err(|r| r.reason.to_string());
        let Parsed::Complete { request: req, .. } = parsed? else {
            return Err("the request head is incomplete".into());
        };
        let target = parse_target(req.target).map_err(|r| format!("bad path: {}", r.reason))?;
        let host = request_host(&req, &target).unwrap_or_default();
        let uri = format!("/{}", target.path);
        let vars = |remote_addr, host| Vars {
            uri: &uri,
            query: &target.query,
            remote_addr,
            host,
            expires: expires.as_ref().map_or("", |(_, t)| t.as_str()),
            secret: request.secret,
            request: &req,
        };
        let remote = request.remote_addr.unwrap_or("");
        let text = md5.expand(&vars(remote, &host));
        if request.remote_addr.is_none() && text != md5.expand(&vars("192.0.2.1", &host)) {
            return Err("secure_link_md5 uses $remote_addr: give --ip".into());
        }
        if request.host.is_none() && text != md5.expand(&vars(remote, "example.invalid")) {
            return Err("secure_link_md5 uses $host: give --host".into());
        }
        let digest: [u8; 16] = Md5::digest(&text).into();
        Ok(LinkQuery {
            hash: (access.secure_link.hash.clone(), base64url(&digest)),
            expires,
        })
    }
}

/// What a link is signed for.
pub struct LinkRequest<'a> {
    /// The request-target as in the URL (`/films/a.mp4?start=30`).
    pub path: &'a str,
    pub remote_addr: Option<&'a str>,
    pub host: Option<&'a str>,
    /// `(name, value)` request headers, for `$http_NAME`.
    pub headers: &'a [(String, String)],
    /// Expiry time, seconds since the Unix epoch.
    pub expires: Option<u64>,
    /// The contents of the secret file (empty when the expression has no `$secret`).
    pub secret: &'a [u8],
}

impl LinkRequest<'_> {
    fn head(&self) -> String {
        let mut head = match self.host {
            Some(h) => format!("GET {} HTTP/1.1\r\nHost: {h}\r\n", self.path),
            None => format!("GET {} HTTP/1.0\r\n", self.path),
        };
        for (name, value) in self.headers {
            head.push_str(&format!("{name}: {value}\r\n"));
        }
        head.push_str("\r\n");
        head
    }
}

/// The parameters to add to a link: `(name, value)` of the hash and of the expiry.
pub struct LinkQuery {
    pub hash: (String, String),
    pub expires: Option<(String, String)>,
}

/// Unpadded base64url (RFC 4648 §5), as nginx's secure_link reads it.
fn base64url(bytes: &[u8]) -> String {
    use base64::Engine;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// The rows of [`Loaded::settings`] for `c`, as `key = value` text that parses back
/// to the same config.
fn rows(c: &Config, md5_text: Option<&str>) -> Vec<(String, String)> {
    let a = &c.access;
    let mut v: Vec<(String, String)> = vec![
        row("root", c.root_or_default().display()),
        row("request_timeout", seconds(c.request_timeout)),
        row("send_timeout", seconds(c.send_timeout)),
        row("throttle", seconds(c.throttle.ahead)),
        row("throttle_rate", rate(c.throttle.rate.per_mille())),
        row("throttle_min_size", bytes(c.throttle.min_size)),
        row("throttle_exempt", list_or_off(&c.throttle_exempt)),
        row("max_request_head", c.max_request_head),
        row("max_header_lines", c.max_header_lines),
        row("index_dir", path_or_off(c.index_dir.as_deref())),
        row("segment_duration", seconds(c.segment_duration)),
        row(
            "segment_cache_control",
            c.segment_cache_control.as_deref().unwrap_or("off"),
        ),
    ];
    for (prefix, table, default) in [
        ("streamer.", &c.streamers, Config::default().streamers),
        ("segmenter.", &c.segmenters, Config::default().segmenters),
        ("type.", &c.content_types, Config::default().content_types),
    ] {
        let mut exts: Vec<&str> = Vec::new();
        for (ext, _) in default.iter().chain(table.iter()) {
            if !exts.contains(&ext.as_str()) {
                exts.push(ext);
            }
        }
        for ext in exts {
            let value = table
                .iter()
                .find(|(e, _)| e == ext)
                .map(|(_, p)| p.as_str());
            v.push(row(&format!("{prefix}{ext}"), value.unwrap_or("off")));
        }
    }
    v.push(row("allow_root", if a.allow_root { "yes" } else { "no" }));
    for (pattern, dir) in &a.vhosts {
        v.push(row(&format!("vhost.{pattern}"), dir.display()));
    }
    let referers: Vec<String> = a.referers.iter().map(ToString::to_string).collect();
    let referers = if referers.is_empty() {
        "off".to_owned()
    } else {
        referers.join(" ")
    };
    v.push(row("referers", referers));
    v.push(row(
        "referer_empty",
        if a.referer_empty { "allow" } else { "deny" },
    ));
    let link = &a.secure_link;
    v.push(row(
        "secure_link",
        match &link.expires {
            Some(e) => format!("$arg_{},$arg_{e}", link.hash),
            None => format!("$arg_{}", link.hash),
        },
    ));
    v.push(row(
        "secure_link_md5",
        md5_value(a.secure_link_md5.as_ref(), md5_text),
    ));
    v.push(row(
        "secure_link_secret_file",
        a.secure_link_secret_file.display(),
    ));
    v.push(row("cors_origins", cors_value(&a.cors_origins)));
    v
}

/// A list of `Display` values separated by spaces, or `off` when empty.
fn list_or_off<T: ToString>(list: &[T]) -> String {
    if list.is_empty() {
        return "off".to_owned();
    }
    let words: Vec<String> = list.iter().map(ToString::to_string).collect();
    words.join(" ")
}

/// `cors_origins` as the file would say it.
fn cors_value(origins: &CorsOrigins) -> String {
    match origins {
        CorsOrigins::Off => "off".to_owned(),
        CorsOrigins::Any => "*".to_owned(),
        CorsOrigins::List(list) => {
            let words: Vec<String> = list.iter().map(ToString::to_string).collect();
            words.join(" ")
        }
    }
}

fn row(key: &str, value: impl std::fmt::Display) -> (String, String) {
    (key.to_owned(), value.to_string())
}

/// `off`, or the text as written when it parses to `expr`.
fn md5_value(expr: Option<&Expression>, text: Option<&str>) -> String {
    let Some(expr) = expr else {
        return "off".to_owned();
    };
    match text {
        Some(t) if Expression::parse(t).as_ref() == Ok(expr) => t.to_owned(),
        _ => "(set, not shown)".to_owned(),
    }
}

/// Seconds with the decimals needed, as the config writes them (`10`, `2.5`).
fn seconds(d: Duration) -> String {
    let frac = format!("{:09}", d.subsec_nanos());
    let frac = frac.trim_end_matches('0');
    if frac.is_empty() {
        d.as_secs().to_string()
    } else {
        format!("{}.{frac}", d.as_secs())
    }
}

/// A multiple of real time from thousandths (`1.0`, `0.5`, `2.25`).
fn rate(per_mille: u32) -> String {
    let frac = format!("{:03}", per_mille % 1000);
    let frac = frac.trim_end_matches('0');
    format!(
        "{}.{}",
        per_mille / 1000,
        if frac.is_empty() { "0" } else { frac }
    )
}

/// Bytes, in KiB (`1024k`) when whole.
fn bytes(n: u64) -> String {
    if n != 0 && n.is_multiple_of(1024) {
        format!("{}k", n / 1024)
    } else {
        n.to_string()
    }
}

fn path_or_off(p: Option<&Path>) -> String {
    p.map_or_else(|| "off".to_owned(), |p| p.display().to_string())
}

/// The identity the streamers key a film's index by, from `stat` fields.
fn identity(m: &std::fs::Metadata) -> Option<FileIdentity> {
    use std::os::unix::fs::MetadataExt;
    Some(FileIdentity {
        dev: m.dev(),
        ino: m.ino(),
        size: m.size(),
        mtime_sec: m.mtime(),
        mtime_nsec: u32::try_from(m.mtime_nsec()).ok()?,
        ctime_sec: m.ctime(),
        ctime_nsec: u32::try_from(m.ctime_nsec()).ok()?,
    })
}

/// The index cache (`index_dir`) seen from the MP4 streamer's side.
pub struct IndexCache<'a> {
    pub dir: &'a Path,
    /// The kind and format version of the MP4 streamer's entries.
    pub kind: [u8; 4],
    pub version: u32,
}

impl IndexCache<'_> {
    /// Whether the streamers would load an entry for the film with metadata `m`
    /// (same file state, same kind and version, owned by this user).
    pub fn has(&self, m: &std::fs::Metadata) -> bool {
        identity(m)
            .is_some_and(|id| index_cache::load(self.dir, &id, self.kind, self.version).is_some())
    }

    /// Stores `payload` as the film's entry, as the streamer would.
    pub fn store(&self, m: &std::fs::Metadata, payload: &[u8]) -> std::io::Result<()> {
        let id = identity(m).ok_or_else(|| std::io::Error::other("file times out of range"))?;
        index_cache::store(self.dir, &id, self.kind, self.version, payload)
    }

    /// Whether this user may create entries in the directory.
    pub fn writable(&self) -> std::io::Result<()> {
        index_cache::writable(self.dir)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every rendered value parses back to the same config: the listing shows what
    /// the streamers will use.
    #[test]
    fn settings_parse_back_to_the_same_config() {
        let text = "root = /srv/x\nrequest_timeout = 2.5\nthrottle = 0\nthrottle_rate = 1.25\n\
                    throttle_min_size = 1000\nmax_request_head = 4k\nindex_dir = /var/cache/l\n\
                    segment_duration = 4\nsegment_cache_control = no-store\nsegmenter.mov = off\n\
                    streamer.jpg = off\nstreamer.mkv = /opt/m\ntype.mkv = video/x-matroska\n\
                    referers = example.com .example.org\nreferer_empty = deny\n\
                    secure_link = $arg_h\nsecure_link_md5 = \"$uri $secret\"\n\
                    cors_origins = https://example.com http://*.example.org:8080 http://[::1]:*\n\
                    throttle_exempt = 10.0.0.5 ::1\n";
        let loaded = parse(text).unwrap();
        let settings = loaded.settings(Some("\"$uri $secret\""));
        let back: String = settings
            .iter()
            .map(|s| format!("{} = {}\n", s.key, s.value))
            .collect();
        let again = parse(&back).unwrap_or_else(|e| panic!("{}: {back}", e.text));
        assert_eq!(again.config, loaded.config, "{back}");
        let changed: Vec<&str> = settings
            .iter()
            .filter(|s| s.changed)
            .map(|s| s.key.as_str())
            .collect();
        assert_eq!(
            changed,
            [
                "root",
                "request_timeout",
                "throttle",
                "throttle_rate",
                "throttle_min_size",
                "throttle_exempt",
                "max_request_head",
                "index_dir",
                "segment_duration",
                "segment_cache_control",
                "streamer.jpg",
                "streamer.mkv",
                "segmenter.mov",
                "type.mkv",
                "referers",
                "referer_empty",
                "secure_link",
                "secure_link_md5",
                "cors_origins"
            ]
        );
    }

    #[test]
    fn defaults_are_unmarked_and_shown_as_the_shipped_file_documents_them() {
        let settings = parse("").unwrap().settings(None);
        assert!(settings.iter().all(|s| !s.changed));
        let shipped = include_str!("../../../etc/loomiere/stream.conf");
        for s in settings.iter().filter(|s| s.key != "root") {
            let line = format!("#{} ", s.key);
            let doc = shipped
                .lines()
                .find(|l| l.starts_with(&line))
                .unwrap_or_else(|| panic!("{} not in stream.conf", s.key));
            let doc_value = doc.split_once('=').unwrap().1.trim();
            let same = parse(&format!("{} = {doc_value}", s.key))
                .unwrap()
                .settings(None);
            let shown = same.iter().find(|x| x.key == s.key).unwrap();
            assert_eq!(shown.value, s.value, "{doc}");
        }
    }

    #[test]
    fn md5_text_is_shown_only_when_it_is_the_parsed_expression() {
        let loaded = parse("secure_link_md5 = $uri $secret\n").unwrap();
        let shown = |t| {
            let s = loaded.settings(t);
            s.into_iter()
                .find(|s| s.key == "secure_link_md5")
                .unwrap()
                .value
        };
        assert_eq!(shown(Some("$uri $secret")), "$uri $secret");
        assert_eq!(shown(Some("$uri")), "(set, not shown)");
        assert_eq!(shown(None), "(set, not shown)");
    }

    #[test]
    fn seconds_rates_and_bytes_render_as_the_config_writes_them() {
        assert_eq!(seconds(Duration::from_millis(2500)), "2.5");
        assert_eq!(seconds(Duration::from_secs(60)), "60");
        assert_eq!(seconds(Duration::from_nanos(1)), "0.000000001");
        assert_eq!(rate(1000), "1.0");
        assert_eq!(rate(1), "0.001");
        assert_eq!(rate(2250), "2.25");
        assert_eq!(bytes(1 << 20), "1024k");
        assert_eq!(bytes(1000), "1000");
        assert_eq!(bytes(0), "0");
    }
}
