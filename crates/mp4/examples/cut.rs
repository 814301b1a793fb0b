//! `cut FILE [START_MS|- [END_MS|-]] [--plan-only] [--no-time-map] [--index=PATH]`:
//! plans the body of a seek in FILE and writes it to stdout (in 1 MiB pieces); a
//! debugging aid that exercises the planner without the HTTP layer. With `--plan-only`
//! nothing is written, so `valgrind --tool=callgrind` counts the planning alone (plus
//! mapping the file); `--no-time-map` plans as a streamer does when throttling is off;
//! `--index=PATH` plans with the sample index in PATH, or builds it there when PATH
//! does not exist (as a streamer with `index_dir` does).

use loomiere_mp4::{plan_indexed, Seek, Timing};
use std::io::Write;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let flag = |name: &str| args.iter().any(|a| a == name);
    let pos: Vec<&String> = args.iter().filter(|a| !a.starts_with("--")).collect();
    let path = pos.first().ok_or(
        "usage: cut FILE [START_MS|- [END_MS|-]] [--plan-only] [--no-time-map] [--index=PATH]",
    )?;
    let file = std::fs::File::open(path)?;
    // SAFETY: a read-only private mapping of a file nobody modifies while we read it.
    let map = unsafe { memmap2::Mmap::map(&file)? };
    let ms = |i: usize| {
        pos.get(i)
            .filter(|s| s.as_str() != "-")
            .map(|s| s.parse::<u64>())
            .transpose()
    };
    let seek = Seek {
        start_ms: ms(1)?,
        end_ms: ms(2)?,
    };
    let timing = if flag("--no-time-map") {
        Timing::Skip
    } else {
        Timing::Map
    };
    let index_path = args.iter().find_map(|a| a.strip_prefix("--index="));
    let kept = index_path.map(std::fs::read).transpose().ok().flatten();
    let t0 = std::time::Instant::now();
    let planned = plan_indexed(&map, seek, timing, kept.as_deref(), index_path.is_some())?;
    let took = t0.elapsed();
    if let (Some(path), Some(built)) = (index_path, &planned.new_index) {
        std::fs::write(path, built)?;
    }
    let points = planned.time_map.points();
    eprintln!(
        "planned in {took:?}: {:?} start_ms={:?} len={} slices={} time points={} last={:?}",
        planned.shape,
        planned.start_ms,
        planned.plan.len(),
        planned.plan.slices().len(),
        points.len(),
        points.last()
    );
    if flag("--plan-only") {
        return Ok(());
    }
    let mut out = std::io::stdout().lock();
    let source: &[u8] = &map;
    for at in (0..planned.plan.len()).step_by(1 << 20) {
        out.write_all(&planned.plan.read(&source, at, at.saturating_add(1 << 20))?)?;
    }
    Ok(())
}
