//! `loomiere probe FILM... [--json]`: what each film is (container, `moov` position,
//! fragmented or not, tracks with codec, language, duration, samples and key-frame
//! spacing) and whether `?start=` and HLS can serve it, and why not.
//!
//! The facts come from the streamers' own readers (`loomiere_mp4::facts`,
//! `loomiere_flv::facts`) and the verdicts from their own planners, so the probe
//! says what the streamers would do, with the config's `segment_duration` and its
//! routing (`streamer.<ext>`, `segmenter.<ext>`: [`route`]). Exit status: 0 when
//! every film can be served every way the config offers for it, 1 otherwise.

mod human;
mod of_flv;
mod of_mp4;
mod report;
mod route;

use crate::cli::Probe;
use crate::runtime;
use report::{Container, Report};
use std::path::Path;
use std::process::ExitCode;

/// Runs `probe`.
pub fn run(args: &Probe) -> ExitCode {
    let (path, explicit) = runtime::default_path(args.config.config.as_deref());
    let loaded = match runtime::load(&path, explicit) {
        Ok(l) => l,
        Err(f) => return crate::exit::fail("probe", &f.text),
    };
    crate::film::catch_sigbus();
    let reports: Vec<Report> = args
        .films
        .iter()
        .map(|f| {
            let mut r = probe(f, route::hint(f, &loaded), loaded.segment_ms());
            route::start(f, &mut r, &loaded, &path);
            r.hls_off = route::hls_off(f, &r, &loaded, &path);
            r.settle();
            r
        })
        .collect();
    if args.json {
        match serde_json::to_string_pretty(&reports) {
            Ok(text) => println!("{text}"),
            Err(e) => return crate::exit::fail("probe", &format!("cannot write JSON: {e}")),
        }
    } else {
        for r in &reports {
            print!("{}", human::text(r));
        }
    }
    if reports.iter().all(|r| r.ok) {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(crate::exit::PROBLEM)
    }
}

/// The report on the film at `path`, with HLS segments of `segment_ms` ms; `hint`
/// is the container its extension's streamer reads.
fn probe(path: &Path, hint: Option<Container>, segment_ms: u64) -> Report {
    let name = path.display().to_string();
    match crate::film::map(path) {
        Ok(bytes) => report_of(name, &bytes, hint, segment_ms),
        Err(e) => failed(name, Container::Other, e),
    }
}

/// The report on the film `bytes`, named `name`, with HLS segments of `segment_ms` ms.
/// A file of neither container whose extension goes to a streamer (`hint`) is
/// refused in its reader's words, as that streamer refuses it.
fn report_of(name: String, bytes: &[u8], hint: Option<Container>, segment_ms: u64) -> Report {
    let mut r = match (container(bytes), hint) {
        (Container::Mp4, _) => of_mp4::report(name, bytes, segment_ms),
        (Container::Flv, _) => of_flv::report(name, bytes),
        (Container::Other, _) if bytes.is_empty() => {
            failed(name, Container::Other, "empty file".into())
        }
        (Container::Other, Some(c @ (Container::Mp4 | Container::Flv))) => {
            let read = if c == Container::Mp4 {
                of_mp4::report(name, bytes, segment_ms)
            } else {
                of_flv::report(name, bytes)
            };
            // A film whose first box is not one of FIRST_BOXES may still read.
            match read.error {
                Some(why) => failed(read.film, Container::Other, format!("not a film: {why}")),
                None => read,
            }
        }
        (Container::Other, _) => failed(
            name,
            Container::Other,
            "not a film: it starts with neither an MP4 box (ISO/IEC 14496-12) nor the FLV signature".into(),
        ),
    };
    r.settle();
    r
}

/// A report that says only why the film could not be read.
fn failed(name: String, container: Container, error: String) -> Report {
    let mut r = Report::new(name, container);
    r.error = Some(error);
    r
}

/// Top-level box types an MP4 file may start with (ISO/IEC 14496-12 §4.2, §6.2.3,
/// §8.16.2: `ftyp`, `styp`, or a box written before it).
const FIRST_BOXES: [&[u8; 4]; 11] = [
    b"ftyp", b"styp", b"moov", b"mdat", b"free", b"skip", b"wide", b"pdin", b"uuid", b"sidx",
    b"meta",
];

/// The container of a file, from its first bytes.
fn container(bytes: &[u8]) -> Container {
    if bytes.starts_with(b"FLV") {
        Container::Flv
    } else if bytes
        .get(4..8)
        .is_some_and(|t| FIRST_BOXES.iter().any(|b| b.as_slice() == t))
    {
        Container::Mp4
    } else {
        Container::Other
    }
}

#[cfg(test)]
mod tests;
