//! `loomiere check-config [FILE]`: the config as the streamers see it.
//!
//! 1. The file is read and parsed by the streamers' own code
//!    ([`crate::runtime::load`]); on an error, every further error is found by
//!    parsing again with the failing line blanked out (line numbers stay).
//! 2. Every key is printed with its effective value; `*` marks those not at their
//!    default.
//! 3. The paths it names are checked for the streamers' user ([`paths`]).

mod findings;
mod lines;
mod paths;

use crate::account::Account;
use crate::cli::CheckConfig;
use crate::runtime::{self, Fault};
use findings::Findings;
use std::path::Path;
use std::process::ExitCode;

/// The most errors listed for one file.
const MAX_ERRORS: usize = 50;

/// Runs `check-config`. Exit status: 0 when nothing was found, 1 otherwise.
pub fn run(args: &CheckConfig) -> ExitCode {
    let user = match Account::lookup(&args.user) {
        Ok(a) => a,
        Err(e) => return crate::exit::fail("check-config", &e),
    };
    let (path, explicit) = runtime::default_path(args.file.as_deref());
    let mut f = Findings::default();
    println!(
        "{} as the streamers read it, running as {} (uid {}):",
        path.display(),
        user.name,
        user.uid
    );
    if path.exists() || explicit {
        paths::config_file(&path, &user, &mut f);
    } else {
        println!("  (no such file: the streamers use the built-in defaults)");
    }
    match runtime::load(&path, explicit) {
        Err(first) => all_errors(&path, first, &mut f),
        Ok(loaded) => {
            let text = std::fs::read_to_string(&path).unwrap_or_default();
            let md5 = lines::value_of(&text, "secure_link_md5").map(|e| e.value);
            for s in loaded.settings(md5) {
                let mark = if s.changed { '*' } else { ' ' };
                println!("{mark} {:<24} = {}", s.key, s.value);
            }
            let exe_dir = std::env::current_exe()
                .ok()
                .and_then(|p| p.parent().map(Path::to_path_buf));
            let subject = paths::Subject {
                loaded: &loaded,
                text: &text,
                user: &user,
                bin_dir: args.bin_dir.as_deref().or(exe_dir.as_deref()),
            };
            paths::check_all(&subject, &mut f);
        }
    }
    for line in f.lines() {
        eprintln!("{line}");
    }
    if f.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(crate::exit::PROBLEM)
    }
}

/// Records `first` (what the streamers log), then the errors after it.
fn all_errors(path: &Path, first: Fault, f: &mut Findings) {
    f.error(format!(
        "{}: the streamers answer 500 to every request",
        first.text
    ));
    let Some(mut line) = first.line else {
        return;
    };
    let Ok(text) = std::fs::read_to_string(path) else {
        return;
    };
    let mut lines: Vec<&str> = text.split('\n').collect();
    for _ in 1..MAX_ERRORS {
        let Some(slot) = line.checked_sub(1).and_then(|i| lines.get_mut(i)) else {
            return;
        };
        *slot = "";
        match runtime::parse(&lines.join("\n")) {
            Ok(_) => return,
            Err(Fault {
                line: Some(next),
                message,
                ..
            }) if next != line => {
                f.error(format!("{}:{next}: {message}", path.display()));
                line = next;
            }
            Err(_) => return,
        }
    }
}
