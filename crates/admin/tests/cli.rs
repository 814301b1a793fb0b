//! The command line of `loomiere` itself: help, version, exit statuses. (What the
//! subcommands do, against the real streamers and nginx, is tested in the root
//! package's integration tests, `tests/integration/admin`.)

use std::process::{Command, Output};

fn loomiere(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_loomiere"))
        .args(args)
        .env_remove("LOOMIERE_CONFIG")
        .output()
        .expect("run loomiere")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

const SUBCOMMANDS: [&str; 5] = ["check-config", "sign", "index", "probe", "status"];

#[test]
fn help_lists_every_subcommand_and_each_has_its_own() {
    let top = loomiere(&["--help"]);
    assert_eq!(top.status.code(), Some(0));
    let help = text(&top.stdout);
    for sub in SUBCOMMANDS {
        assert!(
            help.contains(&format!("\n  {sub} ")),
            "{sub} missing:\n{help}"
        );
        let own = loomiere(&[sub, "--help"]);
        assert_eq!(own.status.code(), Some(0), "{sub} --help");
        let own = text(&own.stdout);
        assert!(own.contains(&format!("Usage: loomiere {sub}")), "{own}");
    }
}

#[test]
fn version_names_the_package_version() {
    let out = loomiere(&["--version"]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        text(&out.stdout).trim(),
        format!("loomiere {}", env!("CARGO_PKG_VERSION"))
    );
}

/// clap's own errors: exit status 2 and its message on stderr.
#[test]
fn usage_errors_exit_2_with_clap_messages() {
    let cases: &[&[&str]] = &[
        &[],
        &["bogus"],
        &["sign"],
        &["sign", "/a.mp4", "--expires", "soon"],
        &["sign", "/a.mp4", "--ip", "not-an-ip"],
        &["index"],
        &["index", "-j", "0", "/x"],
        &["check-config", "--no-such-option"],
        &["status", "extra"],
        &["probe"],
        &["probe", "--jsn", "/a.mp4"],
    ];
    for args in cases {
        let out = loomiere(args);
        assert_eq!(
            out.status.code(),
            Some(2),
            "{args:?}: {}",
            text(&out.stderr)
        );
        let stderr = text(&out.stderr);
        assert!(
            stderr.starts_with("error: ") || stderr.contains("Usage: loomiere"),
            "{args:?}: {stderr}"
        );
        assert!(out.stdout.is_empty(), "{args:?}");
    }
}

/// A problem found, or a job that cannot be done: exit status 1 and why.
#[test]
fn problems_exit_1_with_the_reason() {
    let dir = std::env::temp_dir().join(format!("loomiere-admin-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let conf = dir.join("stream.conf");
    // A scoreboard path of its own: the machine's default one may exist (a server
    // started by scripts/serve or the package makes it).
    let board = dir.join("no-such-dir/scoreboard");
    std::fs::write(
        &conf,
        format!("throttle = 0\nscoreboard = {}\n", board.display()),
    )
    .unwrap();
    let conf_arg = conf.to_str().unwrap();
    let missing = dir.join("missing.conf");
    let me = nix_user();
    let cases: Vec<(Vec<&str>, &str)> = vec![
        (vec!["status", "--config", conf_arg], "no scoreboard at"),
        (
            vec!["check-config", missing.to_str().unwrap(), "--user", &me],
            "cannot read",
        ),
        (
            vec!["check-config", conf_arg, "--user", "no-such-user-x"],
            "no user 'no-such-user-x'",
        ),
        (
            vec!["sign", "/a.mp4", "--expires", "2h", "--config", conf_arg],
            "secure links are off",
        ),
        (
            vec!["index", "/tmp", "--config", conf_arg, "--user", &me],
            "index_dir is off",
        ),
    ];
    for (args, why) in cases {
        let out = loomiere(&args);
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        let stderr = text(&out.stderr);
        assert!(stderr.contains(why), "{args:?}: {stderr}");
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

/// The name of the user running the tests (from `id -un`).
fn nix_user() -> String {
    let out = Command::new("id").arg("-un").output().expect("id -un");
    text(&out.stdout).trim().to_owned()
}
