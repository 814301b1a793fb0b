//! Command-line arguments shared by every Loomiere program.
//!
//! ```text
//! PROGRAM [--root DIR] [--config FILE]
//! ```
//!
//! Exit codes follow the runit/daemontools convention: 0 after `--help` or
//! `--version`, 100 for a usage error.
//!
//! The options are read with `lexopt` (a lexer: `--opt VALUE`, `--opt=VALUE`, `--`,
//! grouped short flags) and the help and error texts, clap's words, are written
//! here: clap took about 168 KiB of each static binary for these two options,
//! more than all the rest of `loomiere-file`.

use crate::error::ConfigError;
use crate::read;
use crate::roots;
use crate::settings::Config;
use lexopt::{Arg, Parser};
use std::ffi::{OsStr, OsString};
use std::io::Write;
use std::os::unix::ffi::OsStrExt;
use std::path::PathBuf;
use std::process::ExitCode;

/// The configuration file read when neither `--config` nor [`CONFIG_ENV`] is given.
pub const DEFAULT_CONFIG: &str = "/etc/loomiere/stream.conf";

/// The environment variable naming the configuration file (when not empty).
pub const CONFIG_ENV: &str = "LOOMIERE_CONFIG";

/// Exit code of a usage error (runit/daemontools convention).
pub const EXIT_USAGE: u8 = 100;

/// The `--help` text after its first line (`Usage: PROGRAM ...` is put in front).
const OPTIONS_HELP: &str = "\
Options:
      --root <DIR>     Document root for every host; overrides `root` and `vhost.*` in the configuration file [default: /srv/loomiere]
      --config <FILE>  Configuration file [default: $LOOMIERE_CONFIG, else /etc/loomiere/stream.conf]
  -h, --help           Print help
  -V, --version        Print version
";

/// What the program does, first line of `--help`.
const ABOUT: &str = "Serve one HTTP request read from stdin (or LOOMIERE_REQUEST) to stdout";

/// The parsed command line.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Args {
    /// `--root DIR`: document root for every host; overrides `root` and `vhost.*`
    /// in the configuration file.
    pub root: Option<PathBuf>,
    /// `--config FILE`: the configuration file (see [`config_path`]).
    pub config: Option<PathBuf>,
}

/// Why parsing stopped without [`Args`]: the text to print, and whether it is a
/// usage error (stderr, exit 100) rather than `--help`/`--version` (stdout, exit 0).
#[derive(Debug, Clone, PartialEq, Eq)]
struct Stop {
    text: String,
    usage_error: bool,
}

impl Stop {
    /// A usage error: `error: MESSAGE`, the usage line, and a pointer to `--help`.
    fn usage(program: &str, message: &str) -> Stop {
        let text = format!("error: {message}\n\nUsage: {program} [OPTIONS]\n\nFor more information, try '--help'.\n");
        Stop {
            text,
            usage_error: true,
        }
    }

    /// A missing value for `option` (`--root <DIR>`): no usage line, as clap had it.
    fn missing_value(option: &str) -> Stop {
        let text = format!("error: a value is required for '{option}' but none was supplied\n\nFor more information, try '--help'.\n");
        Stop {
            text,
            usage_error: true,
        }
    }

    /// `--help`: what the program does, the usage line and the options, on stdout.
    fn help(program: &str) -> Stop {
        let text = format!("{ABOUT}\n\nUsage: {program} [OPTIONS]\n\n{OPTIONS_HELP}");
        Stop {
            text,
            usage_error: false,
        }
    }

    /// `--version`: `PROGRAM VERSION` on stdout.
    fn version(program: &str) -> Stop {
        let text = format!("{program} {}\n", env!("CARGO_PKG_VERSION"));
        Stop {
            text,
            usage_error: false,
        }
    }
}

/// The usage-error message for a `lexopt` error, worded as the rest of this module.
/// (`lexopt`'s own `Display` quotes values with `Debug`, which costs more code.)
fn describe(error: lexopt::Error) -> String {
    match error {
        lexopt::Error::UnexpectedOption(option) => format!("unexpected argument '{option}' found"),
        lexopt::Error::UnexpectedArgument(value) => {
            format!("unexpected argument '{}' found", value.to_string_lossy())
        }
        lexopt::Error::UnexpectedValue { option, value } => {
            format!(
                "unexpected value '{}' for '{option}' found; no more were expected",
                value.to_string_lossy()
            )
        }
        // `Parser::next` makes only the three above; the others come from methods
        // this module does not use (`value`, `ValueExt`) or from custom errors.
        _ => "invalid arguments".to_owned(),
    }
}

/// True for an argument that reads as an option (`-x`, `--config`), which is
/// not taken as the value of the option before it; `-` alone is a value.
fn looks_like_option(arg: &OsStr) -> bool {
    arg.len() > 1 && arg.as_bytes().first() == Some(&b'-')
}

/// Reads the value of `option` (`--root <DIR>`) into `slot`: joined (`--root=DIR`),
/// else the next argument unless it [`looks_like_option`] (`--root --config x` is a
/// missing value, not a root named `--config`). Errors: a missing or empty value, or
/// the option given twice.
fn take_path(
    parser: &mut Parser,
    slot: &mut Option<PathBuf>,
    program: &str,
    option: &str,
) -> Result<(), Stop> {
    let joined = parser.optional_value();
    let value = joined.or_else(|| {
        parser
            .try_raw_args()?
            .next_if(|arg| !looks_like_option(arg))
    });
    let Some(value) = value.filter(|v| !v.is_empty()) else {
        return Err(Stop::missing_value(option));
    };
    if slot.is_some() {
        return Err(Stop::usage(
            program,
            &format!("the argument '{option}' cannot be used multiple times"),
        ));
    }
    *slot = Some(PathBuf::from(value));
    Ok(())
}

/// The stop for the long flag `name` (`--help`, `--version`): `then`, or a usage
/// error when the flag was given a value (`--help=x`).
fn flag(parser: &mut Parser, program: &str, name: &str, then: fn(&str) -> Stop) -> Stop {
    match parser.optional_value() {
        None => then(program),
        Some(value) => {
            let error = lexopt::Error::UnexpectedValue {
                option: name.to_owned(),
                value,
            };
            Stop::usage(program, &describe(error))
        }
    }
}

/// Parses `argv` (program name first) for `program` (the name shown in help and
/// errors). `--help`/`-h` and `--version`/`-V` stop at once, as does the first error.
fn try_parse_from<I>(program: &str, argv: I) -> Result<Args, Stop>
where
    I: IntoIterator,
    I::Item: Into<OsString>,
{
    let mut parser = Parser::from_iter(argv);
    let mut args = Args::default();
    loop {
        let arg = parser
            .next()
            .map_err(|e| Stop::usage(program, &describe(e)))?;
        match arg {
            None => return Ok(args),
            Some(Arg::Short('h')) => return Err(Stop::help(program)),
            Some(Arg::Short('V')) => return Err(Stop::version(program)),
            Some(Arg::Long("help")) => {
                return Err(flag(&mut parser, program, "--help", Stop::help))
            }
            Some(Arg::Long("version")) => {
                return Err(flag(&mut parser, program, "--version", Stop::version))
            }
            Some(Arg::Long("root")) => {
                take_path(&mut parser, &mut args.root, program, "--root <DIR>")?
            }
            Some(Arg::Long("config")) => {
                take_path(&mut parser, &mut args.config, program, "--config <FILE>")?
            }
            Some(other) => return Err(Stop::usage(program, &describe(other.unexpected()))),
        }
    }
}

/// Prints the text of `stop` and turns it into the process exit: help and version
/// go to stdout (exit 0), usage errors to stderr (exit 100).
fn exit_for(stop: &Stop) -> ExitCode {
    // Printing can only fail when stdout/stderr are gone; the exit code still says it.
    if stop.usage_error {
        let _ = std::io::stderr().write_all(stop.text.as_bytes());
        ExitCode::from(EXIT_USAGE)
    } else {
        let _ = std::io::stdout().write_all(stop.text.as_bytes());
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
    let mut config = read::load(&path, explicit)?;
    if let Some(root) = &args.root {
        roots::override_root(&mut config, root.clone());
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
    fn parses_values_as_given() {
        use std::os::unix::ffi::OsStringExt;
        let cases: &[(&[&str], Option<&str>)] = &[
            // Joined with '=', a value may start with '-'; apart, only "-" may.
            (&["p", "--root=-d"], Some("-d")),
            (&["p", "--root", "-"], Some("-")),
            (&["p", "--root", "a b"], Some("a b")),
            (&["p", "--root", "/a=b"], Some("/a=b")),
        ];
        for (argv, root) in cases {
            let got = try_parse_from("p", *argv).map(|a| a.root);
            assert_eq!(got, Ok(root.map(PathBuf::from)), "{argv:?}");
        }
        // Paths need not be UTF-8.
        let raw = OsString::from_vec(vec![b'/', 0xff]);
        let argv = [OsString::from("p"), OsString::from("--config"), raw.clone()];
        let got = try_parse_from("p", argv).ok().and_then(|a| a.config);
        assert_eq!(got, Some(PathBuf::from(raw)));
    }

    #[test]
    fn help_and_version_are_not_usage_errors() {
        // `usage_error` is what `exit_for` turns into exit code 100 (true) or 0.
        let cases: &[(&[&str], bool)] = &[
            (&["p", "--help"], false),
            (&["p", "-h"], false),
            (&["p", "--version"], false),
            (&["p", "-V"], false),
            (&["p", "--root", "/a", "-hV"], false),
            (&["p", "--bogus"], true),
            (&["p", "--root"], true),
            (&["p", "extra"], true),
            (&["p", "--root", "/a", "--root", "/b"], true),
        ];
        for (argv, usage_error) in cases {
            let err = try_parse_from("p", *argv).expect_err("must not parse");
            assert_eq!(err.usage_error, *usage_error, "{argv:?}");
        }
    }

    #[test]
    fn usage_errors_say_what_is_wrong() {
        // The same words as clap's, which these programs used before.
        const USAGE: &str = "\n\nUsage: p [OPTIONS]\n\nFor more information, try '--help'.\n";
        const NO_USAGE: &str = "\n\nFor more information, try '--help'.\n";
        let missing_root = "error: a value is required for '--root <DIR>' but none was supplied";
        let cases: &[(&[&str], &str, &str)] = &[
            (
                &["p", "--bogus"],
                "error: unexpected argument '--bogus' found",
                USAGE,
            ),
            (&["p", "-x"], "error: unexpected argument '-x' found", USAGE),
            (
                &["p", "extra"],
                "error: unexpected argument 'extra' found",
                USAGE,
            ),
            (
                &["p", "--", "--root"],
                "error: unexpected argument '--root' found",
                USAGE,
            ),
            (&["p", "--root"], missing_root, NO_USAGE),
            (&["p", "--root="], missing_root, NO_USAGE),
            (&["p", "--root", "--config", "c"], missing_root, NO_USAGE),
            (&["p", "--root", "-x"], missing_root, NO_USAGE),
            (&["p", "--root", "--"], missing_root, NO_USAGE),
            (
                &["p", "--config", ""],
                "error: a value is required for '--config <FILE>' but none was supplied",
                NO_USAGE,
            ),
            (
                &["p", "--config=a", "--config", "b"],
                "error: the argument '--config <FILE>' cannot be used multiple times",
                USAGE,
            ),
            (
                &["p", "--help=x"],
                "error: unexpected value 'x' for '--help' found; no more were expected",
                USAGE,
            ),
            (
                &["p", "--version=x"],
                "error: unexpected value 'x' for '--version' found; no more were expected",
                USAGE,
            ),
        ];
        for (argv, message, tail) in cases {
            let err = try_parse_from("p", *argv).expect_err("must not parse");
            assert!(err.usage_error, "{argv:?}");
            assert_eq!(err.text, format!("{message}{tail}"), "{argv:?}");
        }
    }

    #[test]
    fn version_names_the_program() {
        let err =
            try_parse_from("loomiere-flv", ["loomiere-flv", "--version"]).expect_err("version");
        assert_eq!(
            err.text,
            format!("loomiere-flv {}\n", env!("CARGO_PKG_VERSION"))
        );
    }

    #[test]
    fn help_names_the_program_and_options() {
        let err = try_parse_from("loomiere-mp4", ["loomiere-mp4", "--help"]).unwrap_err();
        let help = err.text;
        for words in [
            "Usage: loomiere-mp4 [OPTIONS]",
            "--root <DIR>",
            "--config <FILE>",
            "LOOMIERE_CONFIG",
            "-h, --help",
            "-V, --version",
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
        assert_eq!(
            load_config(&args(None, Some(vhosts)))
                .unwrap()
                .access
                .vhosts
                .len(),
            1
        );
        let overridden = load_config(&args(Some("/from-arg"), Some(vhosts))).unwrap();
        assert!(overridden.access.vhosts.is_empty());
        assert_eq!(
            overridden.root_or_default(),
            std::path::Path::new("/from-arg")
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
