//! `loomiere index DIR|FILM...`: the MP4 streamer's sample index for every film, built
//! ahead of time so that no viewer waits for the first seek's walk of the tables.
//!
//! Entries are the streamer's own ([`crate::runtime::IndexCache`]), built by the
//! streamer's planner ([`crate::mp4::build_index`]); a film whose entry the
//! streamers would load is skipped. The streamers load only entries their own user
//! wrote, so as root the command first becomes that user (`--user`, default
//! `loomiere`).

mod films;
mod one;

use crate::account::Account;
use crate::cli::Index;
use crate::runtime::{self, IndexCache};
use indicatif::{ProgressBar, ProgressStyle};
use one::Outcome;
use std::process::ExitCode;
use std::sync::Mutex;
use std::time::Instant;

/// Runs `index`. Exit status: 0 when every film is indexed, up to date, or cannot
/// have an index; 1 when one failed or nothing could be done.
pub fn run(args: &Index) -> ExitCode {
    match index(args) {
        Ok(code) => code,
        Err(e) => crate::exit::fail("index", &e),
    }
}

fn index(args: &Index) -> Result<ExitCode, String> {
    switch_user(args.user.as_deref())?;
    let (path, explicit) = runtime::default_path(args.config.config.as_deref());
    let loaded = runtime::load(&path, explicit).map_err(|f| f.text)?;
    let dir = loaded.index_dir().ok_or_else(|| {
        format!(
            "index_dir is off in {}: there is nowhere to keep indexes",
            path.display()
        )
    })?;
    let cache = IndexCache {
        dir,
        kind: crate::mp4::INDEX_KIND,
        version: crate::mp4::INDEX_VERSION,
    };
    cache
        .writable()
        .map_err(|e| format!("index_dir {}: {e}", dir.display()))?;
    let started = Instant::now();
    let (films, problems) = films::collect(&args.paths, &loaded);
    crate::film::catch_sigbus();
    let bar = progress(films.len());
    let tally = Mutex::new(Tally::default());
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(args.jobs.map_or(0, usize::from))
        .build()
        .map_err(|e| format!("cannot start threads: {e}"))?;
    pool.scope(|scope| {
        for film in &films {
            let (cache, bar, tally) = (&cache, &bar, &tally);
            scope.spawn(move |_| {
                let outcome = one::index_one(cache, film);
                if let Outcome::Failed(why) | Outcome::Uncuttable(why) = &outcome {
                    bar.suspend(|| eprintln!("{}: {why}", film.display()));
                }
                tally
                    .lock()
                    .unwrap_or_else(|p| p.into_inner())
                    .add(&outcome);
                bar.inc(1);
            });
        }
    });
    bar.finish_and_clear();
    for p in &problems {
        eprintln!("{p}");
    }
    let tally = tally.into_inner().unwrap_or_else(|p| p.into_inner());
    let failed = tally.failed + problems.len();
    println!(
        "index: {} films in {:.1} s: {} indexed, {} up to date, {} too small for an index, {} cannot be cut, {} failed",
        films.len(),
        started.elapsed().as_secs_f64(),
        tally.indexed,
        tally.up_to_date,
        tally.small,
        tally.uncuttable,
        failed,
    );
    Ok(if failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(crate::exit::PROBLEM)
    })
}

/// As root, becomes `user` (default `loomiere`); as anyone else, stays, unless told
/// to become another user, which only root may.
fn switch_user(user: Option<&str>) -> Result<(), String> {
    let me = nix::unistd::geteuid();
    if !me.is_root() {
        let name = nix::unistd::User::from_uid(me)
            .ok()
            .flatten()
            .map(|u| u.name);
        return match user {
            Some(u) if Some(u) != name.as_deref() => Err(format!(
                "only root can index as user {u}: run this command as {u}"
            )),
            _ => Ok(()),
        };
    }
    let account = Account::lookup(user.unwrap_or("loomiere"))?;
    if account.is_root() {
        return Ok(());
    }
    account.become_it()
}

/// A progress bar on stderr when it is a terminal (indicatif hides it otherwise).
fn progress(films: usize) -> ProgressBar {
    let bar = ProgressBar::new(u64::try_from(films).unwrap_or(u64::MAX));
    let style = ProgressStyle::with_template("{bar:40} {pos}/{len} films, {elapsed} (eta {eta})");
    if let Ok(style) = style {
        bar.set_style(style);
    }
    bar
}

/// How many films ended which way.
#[derive(Debug, Default)]
struct Tally {
    indexed: usize,
    up_to_date: usize,
    small: usize,
    uncuttable: usize,
    failed: usize,
}

impl Tally {
    fn add(&mut self, outcome: &Outcome) {
        let n = match outcome {
            Outcome::Indexed => &mut self.indexed,
            Outcome::UpToDate => &mut self.up_to_date,
            Outcome::Small => &mut self.small,
            Outcome::Uncuttable(_) => &mut self.uncuttable,
            Outcome::Failed(_) => &mut self.failed,
        };
        *n += 1;
    }
}
