//! `loomiere check-config`: on the shipped stream.conf and on a table of broken
//! configs, its verdict is what the real streamers do with the same file. For each
//! case the front runs under tcpsvd as the streamers' user (`nobody` when the tests
//! run as root) and answers one request: check-config reports an error exactly when
//! that answer is a refusal (500, or 403 for every file), and only warnings (or
//! nothing) when the file is served.

use super::{loomiere, streamer_user, texts};
use crate::support::server::Spec;
use crate::support::{get, media, TempDir};
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

/// One config to judge.
struct Case {
    name: &'static str,
    /// Writes the config (and what it names) into the case's directory; returns its
    /// path.
    setup: fn(&Env) -> PathBuf,
    /// The request the front answers.
    target: fn(&Env, &Path) -> String,
    /// Whether the streamers refuse it, when the case says so for sure (`None`: it
    /// depends on this machine, as for the shipped file's /srv/loomiere).
    refused: Option<bool>,
    /// Text check-config must print on stderr (an error's line number, a warning).
    says: &'static str,
    /// Only meaningful when the tests run as root.
    root_only: bool,
}

/// A case's directory: `root/poster.png`, `root/film.mp4`.
struct Env {
    dir: TempDir,
    root: PathBuf,
    user: String,
}

impl Env {
    fn new(name: &str, user: &str) -> Env {
        let dir = TempDir::new(&format!("check-config-{name}"));
        let root = dir.join("root");
        std::fs::create_dir(&root).unwrap();
        std::fs::copy(media("poster.png"), root.join("poster.png")).unwrap();
        std::fs::copy(media("h264-aac.mp4"), root.join("film.mp4")).unwrap();
        Env {
            dir,
            root,
            user: user.to_owned(),
        }
    }

    /// `stream.conf` with `text` (`{root}` and `{dir}` replaced), throttling off.
    fn conf(&self, text: &str) -> PathBuf {
        let text = text
            .replace("{root}", &self.root.display().to_string())
            .replace("{dir}", &self.dir.join("").display().to_string());
        self.dir
            .write("stream.conf", format!("throttle = 0\n{text}"))
    }

    /// `stream.conf` with the root and a secure link whose secret is in `secret`.
    fn secure(&self, secret: &[u8], mode: u32) -> PathBuf {
        let file = self.dir.write("secret", secret);
        chmod(&file, mode);
        self.conf("root = {root}\nsecure_link_md5 = $uri $secret\nsecure_link = $arg_md5\nsecure_link_secret_file = {dir}secret\n")
    }
}

fn chmod(path: &Path, mode: u32) {
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
}

fn poster(_: &Env, _: &Path) -> String {
    "/poster.png".into()
}

fn seek(_: &Env, _: &Path) -> String {
    "/film.mp4?start=5".into()
}

/// A link `loomiere sign` made for the config, or a well-formed one when it cannot
/// sign (its secret is unreadable): the streamers then read the secret, and fail.
fn signed(_: &Env, config: &Path) -> String {
    let out = loomiere(["sign", "/poster.png", "--config", config.to_str().unwrap()]);
    if out.status.success() {
        texts(&out).0.trim().to_owned()
    } else {
        "/poster.png?md5=AAAAAAAAAAAAAAAAAAAAAA".into()
    }
}

fn shipped() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("etc/loomiere/stream.conf")
}

const CASES: &[Case] = &[
    Case {
        name: "shipped",
        setup: |_| shipped(),
        target: poster,
        refused: None,
        says: "check-config: ",
        root_only: false,
    },
    Case {
        name: "shipped-with-root",
        setup: |e| {
            let text = std::fs::read_to_string(shipped()).unwrap();
            e.conf(&format!("{text}\nroot = {{root}}\n"))
        },
        target: seek,
        refused: Some(false),
        says: "check-config: 0 errors",
        root_only: false,
    },
    Case {
        name: "unknown-key",
        setup: |e| e.conf("root = {root}\nthorttle = 20\n"),
        target: poster,
        refused: Some(true),
        says: "stream.conf:3: unknown key 'thorttle'",
        root_only: false,
    },
    Case {
        name: "bad-value-and-more",
        setup: |e| e.conf("max_header_lines = lots\nroot = {root}\nsend_timeout = -1\n"),
        target: poster,
        refused: Some(true),
        says: "stream.conf:4: send_timeout",
        root_only: false,
    },
    Case {
        name: "duplicate-key",
        setup: |e| e.conf("root = {root}\nroot = {root}\n"),
        target: poster,
        refused: Some(true),
        says: "stream.conf:3: duplicate key 'root' (first on line 2)",
        root_only: false,
    },
    Case {
        name: "no-equals",
        setup: |e| e.conf("root = {root}\njust words\n"),
        target: poster,
        refused: Some(true),
        says: "stream.conf:3:",
        root_only: false,
    },
    Case {
        name: "not-utf8",
        setup: |e| {
            let path = e.conf("root = {root}\n");
            let mut bytes = std::fs::read(&path).unwrap();
            bytes.extend_from_slice(b"# caf\xe9\n");
            std::fs::write(&path, bytes).unwrap();
            path
        },
        target: poster,
        refused: Some(true),
        says: "stream.conf:3: not valid UTF-8",
        root_only: false,
    },
    Case {
        name: "root-missing",
        setup: |e| e.conf("root = {dir}nowhere\n"),
        target: poster,
        refused: Some(true),
        says: "No such file",
        root_only: false,
    },
    Case {
        name: "root-is-a-file",
        setup: |e| e.conf("root = {root}/poster.png\n"),
        target: poster,
        refused: Some(true),
        says: "not a directory",
        root_only: false,
    },
    Case {
        name: "root-not-searchable",
        setup: |e| {
            chmod(&e.root, 0o600);
            e.conf("root = {root}\n")
        },
        target: poster,
        refused: Some(true),
        says: "has no x permission",
        root_only: false,
    },
    Case {
        name: "root-world-writable",
        setup: |e| {
            chmod(&e.root, 0o777);
            e.conf("root = {root}\n")
        },
        target: poster,
        refused: Some(false),
        says: "anyone may add or replace films",
        root_only: false,
    },
    Case {
        name: "vhost-root-missing",
        setup: |e| e.conf("vhost.* = {dir}nowhere\n"),
        target: poster,
        refused: Some(true),
        says: "vhost.* ",
        root_only: false,
    },
    Case {
        name: "vhost-and-root",
        setup: |e| e.conf("vhost.* = {root}\nroot = {root}\n"),
        target: poster,
        refused: Some(true),
        says: "stream.conf:3:",
        root_only: false,
    },
    Case {
        name: "config-unreadable",
        setup: |e| {
            let path = e.conf("root = {root}\n");
            chmod(&path, 0o200);
            path
        },
        target: poster,
        refused: Some(true),
        says: "error: ",
        root_only: false,
    },
    Case {
        name: "secret-missing",
        setup: |e| {
            e.conf("root = {root}\nsecure_link_md5 = $uri $secret\nsecure_link = $arg_md5\nsecure_link_secret_file = {dir}nosecret\n")
        },
        target: signed,
        refused: Some(true),
        says: "secure_link_secret_file",
        root_only: false,
    },
    Case {
        name: "secret-unreadable",
        setup: |e| e.secure(b"s3cr3t\n", 0o200),
        target: signed,
        refused: Some(true),
        says: "has no r permission",
        root_only: false,
    },
    Case {
        name: "secret-empty",
        setup: |e| e.secure(b"\n", 0o644),
        target: signed,
        refused: Some(true),
        says: "empty",
        root_only: false,
    },
    Case {
        name: "secret-world-readable",
        setup: |e| e.secure(b"s3cr3t\n", 0o644),
        target: signed,
        refused: Some(false),
        says: "every local user can read it",
        root_only: false,
    },
    Case {
        name: "index-dir-missing",
        setup: |e| e.conf("root = {root}\nindex_dir = {dir}nocache\n"),
        target: seek,
        refused: Some(false),
        says: "warning: index_dir",
        root_only: false,
    },
    Case {
        name: "index-dir-for-the-user",
        setup: |e| {
            let cache = e.dir.join("cache");
            std::fs::create_dir(&cache).unwrap();
            chmod(&cache, 0o700);
            let user = nix_user(&e.user);
            std::os::unix::fs::chown(&cache, Some(user.0), Some(user.1)).unwrap();
            e.conf("root = {root}\nindex_dir = {dir}cache\n")
        },
        target: seek,
        refused: Some(false),
        says: "check-config: 0 errors",
        root_only: false,
    },
    Case {
        name: "streamer-missing",
        setup: |e| e.conf("root = {root}\nstreamer.png = /nonexistent/loomiere-png\n"),
        target: poster,
        refused: Some(true),
        says: "streamer /nonexistent/loomiere-png (for .png)",
        root_only: false,
    },
    Case {
        name: "streamer-name-not-found",
        setup: |e| e.conf("root = {root}\nstreamer.png = loomiere-nope\n"),
        target: poster,
        refused: Some(true),
        says: "streamer loomiere-nope",
        root_only: false,
    },
    Case {
        name: "as-root-without-allow-root",
        setup: |e| e.conf("root = {root}\n"),
        target: poster,
        refused: Some(true),
        says: "refuse to serve as root",
        root_only: true,
    },
];

/// `(uid, gid)` of `name` (from `id`).
fn nix_user(name: &str) -> (u32, u32) {
    let id = |flag: &str| {
        let out = std::process::Command::new("id")
            .args([flag, name])
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout).trim().parse().unwrap()
    };
    (id("-u"), id("-g"))
}

#[test]
fn check_config_verdicts_match_what_the_streamers_do() {
    let (test_user, options) = streamer_user();
    let as_root = crate::access::running_as_root();
    let mut report = Vec::new();
    for case in CASES.iter().filter(|c| as_root || !c.root_only) {
        // The root-only case runs everything as root, without tcpsvd -u.
        let (user, options) = if case.root_only {
            ("root".to_owned(), vec![])
        } else {
            (test_user.clone(), options.clone())
        };
        let env = Env::new(case.name, &user);
        let config = (case.setup)(&env);
        let out = loomiere([
            "check-config".as_ref(),
            config.as_os_str(),
            "--user".as_ref(),
            user.as_ref(),
        ]);
        let (_, stderr) = texts(&out);
        let errors = stderr.lines().any(|l| l.starts_with("error: "));
        let target = (case.target)(&env, &config);
        let server = Spec::stream(&config).options(options).start(&env.dir);
        let status = server.send(&get(&target)).status;
        let refused = matches!(status, 403 | 500);
        let exit = out.status.code();
        report.push(format!(
            "{}: check-config exit {exit:?}, errors {errors}; {target} -> {status}",
            case.name
        ));
        assert_eq!(
            errors, refused,
            "{}: check-config says errors={errors}, the streamer answered {status} to {target}:\n{stderr}",
            case.name
        );
        assert_eq!(
            exit,
            Some(if stderr.contains("check-config: 0 errors, 0 warnings") {
                0
            } else {
                1
            }),
            "{}: {stderr}",
            case.name
        );
        if let Some(want) = case.refused {
            assert_eq!(
                refused, want,
                "{}: {target} -> {status}:\n{stderr}",
                case.name
            );
        }
        assert!(
            stderr.contains(case.says),
            "{}: no {:?} in:\n{stderr}",
            case.name,
            case.says
        );
        // Leave the directory removable.
        chmod(&env.root, 0o755);
    }
    eprintln!("{}", report.join("\n"));
}
