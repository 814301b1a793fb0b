//! `segments FILE NAME [--ms=6000] [--index=PATH] [--plan-only]`: what the segmented
//! URL `FILE/NAME` answers (`master.m3u8`, `manifest.mpd`, `index-v1.m3u8`,
//! `init-a1.mp4`, `seg-12-v1.m4s`), written to stdout; a debugging aid that exercises
//! the segment planner without the HTTP layer. `NAME` may also be `all-v1` (the init
//! segment and every media segment of v1, concatenated: what a player appends). With
//! `--plan-only` nothing is written, so `valgrind --tool=callgrind` counts the work
//! alone; `--index=PATH` plans with the sample index in PATH (built by the `cut`
//! example's `--index=`).

use loomiere_cmaf::names::{Name, Rendition};
use loomiere_mp4::Segmented;
use loomiere_plan::Plan;
use std::io::Write;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let opt = |name: &str| args.iter().find_map(|a| a.strip_prefix(name));
    let pos: Vec<&String> = args.iter().filter(|a| !a.starts_with("--")).collect();
    let (Some(path), Some(name)) = (pos.first(), pos.get(1)) else {
        return Err("usage: segments FILE NAME [--ms=6000] [--index=PATH] [--plan-only]".into());
    };
    let file = std::fs::File::open(path)?;
    // SAFETY: a read-only private mapping of a file nobody modifies while we read it.
    let map = unsafe { memmap2::Mmap::map(&file)? };
    let ms = opt("--ms=").map_or(Ok(6000), str::parse)?;
    let index = opt("--index=").map(std::fs::read).transpose()?;
    let film = Segmented::open(&map, index.as_deref(), ms)?;
    let mut bodies: Vec<Plan> = Vec::new();
    if let Some(r) = name.strip_prefix("all-") {
        let r = match Name::parse(&format!("init-{r}.mp4")) {
            Some(Name::Init(r)) => r,
            _ => return Err(format!("not a rendition: {r}").into()),
        };
        bodies.push(bytes(film.init(r)?)?);
        bodies.extend(all_segments(&film, r)?);
    } else {
        bodies.push(match Name::parse(name).ok_or("not a segmented name")? {
            Name::Master => bytes(film.master()?.into_bytes())?,
            Name::Manifest => bytes(film.mpd()?.into_bytes())?,
            Name::MediaPlaylist(r) => bytes(film.media_playlist(r)?.into_bytes())?,
            Name::Init(r) => bytes(film.init(r)?)?,
            Name::Segment(n, r) => film.segment(n, r)?,
        });
    }
    if args.iter().any(|a| a == "--plan-only") {
        return Ok(());
    }
    let source = file;
    let mut out = std::io::stdout().lock();
    for p in &bodies {
        out.write_all(&p.read(&source, 0, p.len())?)?;
    }
    Ok(())
}

/// Every media segment of `r`, in order.
fn all_segments(
    film: &Segmented<'_>,
    r: Rendition,
) -> Result<Vec<Plan>, Box<dyn std::error::Error>> {
    let mut out = Vec::new();
    for n in 1.. {
        match film.segment(n, r) {
            Ok(p) => out.push(p),
            Err(loomiere_mp4::Mp4Error::NotFound(_)) => break,
            Err(e) => return Err(e.into()),
        }
    }
    Ok(out)
}

fn bytes(b: Vec<u8>) -> Result<Plan, Box<dyn std::error::Error>> {
    let mut p = Plan::new();
    p.push_bytes(b)?;
    Ok(p)
}
