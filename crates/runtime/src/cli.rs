//! Command-line arguments shared by every Loomiere program.
//!
//! ```text
//! PROGRAM [--root DIR] [--config FILE]
//! ```
//!
//! Exit codes follow the runit/daemontools convention: 0 after `--help` or
//! `--version`, 100 for a usage error.

use crate::config::{self, Config, ConfigError};
use clap::{CommandFactory, FromArgMatches, Parser};
use std::ffi::OsString;
use std::path::PathBuf;
use std::process::ExitCode;

/// The configuration file read when neither `--config` nor [`CONFIG_ENV`] is given.
pub const DEFAULT_CONFIG: &str = "/etc/loomiere/stream.conf";

/// The environment variable naming the configuration file (when not empty).
pub const CONFIG_ENV: &str = "LOOMIERE_CONFIG";

/// Exit code of a usage error (runit/daemontools convention).
pub const EXIT_USAGE: u8 = 100;

/// The parsed command line.
#[derive(Debug, Clone, PartialEq, Eq, Parser)]
#[command(
    version,
    about = "Serve one HTTP request read from stdin (or LOOMIERE_REQUEST) to stdout",
    long_about = None
)]
pub struct Args {
    /// Document root for every host; overrides `root` and `vhost.*` in the configuration file [default: /srv/loomiere]
    #[arg(long, value_name = "DIR")]
    pub root: Option<PathBuf>,

    /// Configuration file [default: $LOOMIERE_CONFIG, else /etc/loomiere/stream.conf]
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
}

/// Parses `argv` for `program` (the name shown in help and errors).
fn try_parse_from<I, T>(program: &'static str, argv: I) -> Result<Args, clap::Error>
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    let mut command = Args::command().name(program).bin_name(program);
    let matches = command.try_get_matches_from_mut(argv)?;
    Args::from_arg_matches(&matches).map_err(|e| e.format(&mut command))
}

/// Turns a clap error into the process exit: help and version are printed to
/// stdout (exit 0), usage errors to stderr (exit 100).
fn exit_for(error: &clap::Error) -> ExitCode {
    // Printing can only fail when stdout/stderr are gone; the exit code still says it.
    let _ = error.print();
    if error.use_stderr() {
        ExitCode::from(EXIT_USAGE)
    } else {
        ExitCode::SUCCESS
    }
}

/// Parses the process arguments for `program`.
///
/// `Err` means "exit now with this code": after printing `--help`/`--version`
/// (`ExitCode::SUCCESS`) or a usage error on stderr (exit code 100).
pub fn parse_args(program: &'static str) -> Result<Args, ExitCode> {
    try_parse_from(program, std::env::args_os()).map_err(|e| exit_for(&e))
}

/// The configuration file to read and whether it was named explicitly:
/// `--config`, else a non-empty `LOOMIERE_CONFIG`, else [`DEFAULT_CONFIG`]
/// (`explicit = false`: a missing default file is not an error).
pub fn config_path(args: &Args) -> (PathBuf, bool) {
    config_path_with(args, std::env::var_os(CONFIG_ENV))
}

fn config_path_with(args: &Args, env: Option<OsString>) -> (PathBuf, bool) {
    match (&args.config, env) {
        (Some(path), _) => (path.clone(), true),
        (None, Some(env)) if !env.is_empty() => (PathBuf::from(env), true),
        _ => (PathBuf::from(DEFAULT_CONFIG), false),
    }
}

/// Loads the configuration chosen by [`config_path`] and applies `--root` over it:
/// the command line wins over the file, so `--root` replaces `root` and every
/// `vhost.<pattern>` line (all hosts are then served from it).
pub fn load_config(args: &Args) -> Result<Config, ConfigError> {
    let (path, explicit) = config_path(args);
    let mut config = config::load(&path, explicit)?;
    if let Some(root) = &args.root {
        config.root = Some(root.clone());
        config.access.vhosts.clear();
    }
    Ok(config)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(root: Option<&str>, config: Option<&str>) -> Args {
        Args {
            root: root.map(PathBuf::from),
            config: config.map(PathBuf::from),
        }
    }

    #[test]
    fn parses_good_command_lines() {
        let cases: &[(&[&str], Args)] = &[
            (&["p"], args(None, None)),
            (&["p", "--root", "/srv"], args(Some("/srv"), None)),
            (
                &["p", "--root=/srv", "--config", "c.conf"],
                args(Some("/srv"), Some("c.conf")),
            ),
            (&["p", "--config=/x.conf"], args(None, Some("/x.conf"))),
        ];
        for (argv, expected) in cases {
            assert_eq!(
                try_parse_from("p", *argv).ok().as_ref(),
                Some(expected),
                "{argv:?}"
            );
        }
    }

    #[test]
    fn help_and_version_are_not_usage_errors() {
        // `use_stderr` is what `exit_for` turns into exit code 100 (true) or 0.
        let cases: &[(&[&str], bool)] = &[
            (&["p", "--help"], false),
            (&["p", "--version"], false),
            (&["p", "--bogus"], true),
            (&["p", "--root"], true),
            (&["p", "extra"], true),
            (&["p", "--root", "/a", "--root", "/b"], true),
        ];
        for (argv, usage_error) in cases {
            let err = try_parse_from("p", *argv).expect_err("must not parse");
            assert_eq!(err.use_stderr(), *usage_error, "{argv:?}");
        }
    }

    #[test]
    fn help_names_the_program_and_options() {
        let err = try_parse_from("loomiere-mp4", ["loomiere-mp4", "--help"]).unwrap_err();
        let help = err.to_string();
        for words in [
            "loomiere-mp4",
            "--root <DIR>",
            "--config <FILE>",
            "LOOMIERE_CONFIG",
        ] {
            assert!(help.contains(words), "{words} missing from {help}");
        }
    }

    #[test]
    fn chooses_config_path() {
        let cases: &[(Option<&str>, Option<&str>, &str, bool)] = &[
            (None, None, DEFAULT_CONFIG, false),
            (None, Some(""), DEFAULT_CONFIG, false),
            (None, Some("/env.conf"), "/env.conf", true),
            (Some("/arg.conf"), Some("/env.conf"), "/arg.conf", true),
            (Some("rel.conf"), None, "rel.conf", true),
        ];
        for (arg, env, path, explicit) in cases {
            let got = config_path_with(&args(None, *arg), env.map(OsString::from));
            assert_eq!(got, (PathBuf::from(path), *explicit), "{arg:?} {env:?}");
        }
    }

    #[test]
    fn root_argument_overrides_file() {
        let dir = std::env::temp_dir().join(format!("loomiere-cli-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let conf = dir.join("stream.conf");
        std::fs::write(&conf, "root = /from-file\n").unwrap();
        let conf = conf.to_str().unwrap();
        let from_file = load_config(&args(None, Some(conf))).unwrap();
        assert_eq!(
            from_file.root_or_default(),
            std::path::Path::new("/from-file")
        );
        let overridden = load_config(&args(Some("/from-arg"), Some(conf))).unwrap();
        assert_eq!(
            overridden.root_or_default(),
            std::path::Path::new("/from-arg")
        );
        // --root also replaces the virtual hosts: every host is served from it.
        let vhosts = dir.join("vhosts.conf");
        std::fs::write(&vhosts, "vhost.example.com = /a\n").unwrap();
        let vhosts = vhosts.to_str().unwrap();
        assert_eq!(load_config(&args(None, Some(vhosts))).unwrap().access.vhosts.len(), 1);
        let overridden = load_config(&args(Some("/from-arg"), Some(vhosts))).unwrap();
        assert!(overridden.access.vhosts.is_empty());
        assert_eq!(overridden.root_or_default(), std::path::Path::new("/from-arg"));
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
