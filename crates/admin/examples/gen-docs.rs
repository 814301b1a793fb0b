//! Writes the man pages and the shell completions for the Debian package
//! (scripts/package runs it):
//!
//! ```text
//! cargo run -p loomiere-admin --example gen-docs -- OUT_DIR
//! OUT_DIR/man/loomiere.1, loomiere-check-config.1, ..., loomiere-stream.1, ...
//! OUT_DIR/completions/loomiere.bash, _loomiere (zsh), loomiere.fish
//! ```
//!
//! `loomiere`'s pages and completions come from its clap definition. The streamers
//! have no clap (they stay small): their pages come from a clap definition of the
//! two options `loomiere_config::cli` parses, and scripts/package checks that each
//! option their own `--help` prints is on their page.

use clap::{Arg, Command};
use clap_complete::Shell;
use roff::{bold, italic, roman, Roff};
use std::fs::File;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// `(program, summary, description)` of each streamer (README, "Binaries").
const STREAMERS: &[(&str, &str, &str)] = &[
    (
        "loomiere-stream",
        "Loomiere front: one HTTP request in, the streamer for its file type exec'd",
        "Reads and checks one HTTP request head on standard input, picks the streamer \
         for the file's extension (streamer.EXT in the config) and executes it with \
         the head in LOOMIERE_REQUEST, so no response byte passes through the front. \
         A supervisor runs it once per connection: tcpsvd under runit \
         (/etc/sv/loomiere-stream), systemd socket activation (loomiere-stream.socket) \
         or xinetd.",
    ),
    (
        "loomiere-mp4",
        "Loomiere MP4 streamer: ?start= and ?end= cuts of ISO BMFF films",
        "Serves one HTTP request for an MP4 film (ISO/IEC 14496-12): the file as \
         stored (moov moved first when it is at the end), or cut to ?start=S&end=E \
         seconds from the key frame at or before S, with an exact Content-Length, \
         Range and validators; throttled to the player's play head. With index_dir \
         set it keeps a small seek index per film (see loomiere index).",
    ),
    (
        "loomiere-flv",
        "Loomiere FLV streamer: byte and time seeks of Flash video",
        "Serves one HTTP request for an FLV file: from a byte offset (?start=BYTES, \
         snapped to the next key-frame tag) or a time (?start=S&units=s), with the \
         header, onMetaData and the AVC/AAC sequence headers sent again so any \
         decoder can start.",
    ),
    (
        "loomiere-hls",
        "Loomiere segmenter: HLS and DASH made from MP4 films on request",
        "Serves one HTTP request for a name inside an MP4 film's path, as \
         nginx-vod-module names them: /films/a.mp4/master.m3u8 (HLS, RFC 8216), \
         /films/a.mp4/manifest.mpd (DASH), and the media playlists (index-v1.m3u8), \
         init segments (init-v1.mp4) and CMAF media segments (seg-12-v1.m4s) they \
         name, one track per rendition. Segments start on key frames, target \
         segment_duration seconds, and carry the film's sample bytes unchanged; every \
         body is computed from the moov alone, with a strong ETag, Range and the \
         configured Cache-Control.",
    ),
    (
        "loomiere-file",
        "Loomiere file streamer: images and other static types",
        "Serves one HTTP request for a file of a configured type (images by default) \
         with its media type, Range and validators.",
    ),
    (
        "loomiere-monitor",
        "Loomiere monitor: the streamers' scoreboard as metrics and a status page",
        "Serves one HTTP request on its own port (runit service \
         /etc/sv/loomiere-monitor: tcpsvd on 127.0.0.1:8081) from the scoreboard the \
         streamers keep (the config's scoreboard key): /metrics in the Prometheus \
         text format 0.0.4, /status.json with every open stream and the counters, \
         /status as an HTML page that refreshes itself. An unusable scoreboard is \
         503 with the reason.",
    ),
];

fn main() -> ExitCode {
    let Some(out) = std::env::args_os().nth(1).map(PathBuf::from) else {
        eprintln!("usage: gen-docs OUT_DIR");
        return ExitCode::from(2);
    };
    match write_all(&out) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("gen-docs: fatal: {e}");
            ExitCode::from(111)
        }
    }
}

fn write_all(out: &Path) -> io::Result<()> {
    let mut cmd = loomiere_admin::cli::command();
    cmd.build();
    let man = out.join("man");
    std::fs::create_dir_all(&man)?;
    // One page per subcommand (loomiere-check-config.1, ...), not for `help`.
    for sub in cmd.get_subcommands().filter(|s| s.get_name() != "help") {
        let name = format!("loomiere-{}", sub.get_name());
        let page = sub
            .clone()
            .name(name.clone())
            .bin_name(format!("loomiere {}", sub.get_name()));
        let mut file = File::create(man.join(format!("{name}.1")))?;
        clap_mangen::Man::new(page).render(&mut file)?;
    }
    page(&man, cmd.clone(), &admin_sections(&cmd))?;
    for (name, summary, description) in STREAMERS {
        page(
            &man,
            streamer(name, summary, description),
            &streamer_sections(),
        )?;
    }
    let completions = out.join("completions");
    std::fs::create_dir_all(&completions)?;
    for shell in [Shell::Bash, Shell::Zsh, Shell::Fish] {
        clap_complete::generate_to(shell, &mut cmd, "loomiere", &completions)?;
    }
    Ok(())
}

/// Writes `NAME.1`: clap_mangen's sections, then `extra` ones.
fn page(dir: &Path, cmd: Command, extra: &[(&str, Vec<String>)]) -> io::Result<()> {
    let mut file = File::create(dir.join(format!("{}.1", cmd.get_name())))?;
    let man = clap_mangen::Man::new(cmd.clone());
    man.render_title(&mut file)?;
    man.render_name_section(&mut file)?;
    man.render_synopsis_section(&mut file)?;
    man.render_description_section(&mut file)?;
    man.render_options_section(&mut file)?;
    if cmd.has_subcommands() {
        man.render_subcommands_section(&mut file)?;
    }
    let mut roff = Roff::new();
    for (title, paragraphs) in extra {
        roff.control("SH", [*title]);
        for p in paragraphs {
            roff.control("PP", []);
            roff.text([roman(p.as_str())]);
        }
    }
    roff.control("SH", ["SEE ALSO"]);
    let others = [
        "loomiere",
        "loomiere-stream",
        "loomiere-mp4",
        "loomiere-flv",
        "loomiere-hls",
        "loomiere-file",
        "loomiere-monitor",
    ];
    let mut refs = Vec::new();
    for (i, other) in others.iter().filter(|o| **o != cmd.get_name()).enumerate() {
        if i > 0 {
            refs.push(roman(", "));
        }
        refs.push(bold(*other));
        refs.push(roman("(1)"));
    }
    refs.extend([
        roman(", "),
        bold("tcpsvd"),
        roman("(8), "),
        italic("/usr/share/doc/loomiere/README.md"),
    ]);
    roff.text(refs);
    roff.to_writer(&mut file)?;
    man.render_version_section(&mut file)?;
    file.flush()
}

/// The streamers' command line as `loomiere_config::cli` parses it.
fn streamer(name: &'static str, summary: &'static str, description: &'static str) -> Command {
    Command::new(name)
        .version(env!("CARGO_PKG_VERSION"))
        .about(summary)
        .long_about(description)
        .arg(
            Arg::new("root")
                .long("root")
                .value_name("DIR")
                .help("Document root for every host; overrides `root` and `vhost.*` in the configuration file [default: /srv/loomiere]"),
        )
        .arg(
            Arg::new("config")
                .long("config")
                .value_name("FILE")
                .help("Configuration file [default: $LOOMIERE_CONFIG, else /etc/loomiere/stream.conf]"),
        )
}

fn streamer_sections() -> Vec<(&'static str, Vec<String>)> {
    vec![
        (
            "ENVIRONMENT",
            vec![
                "LOOMIERE_CONFIG names the configuration file when --config is not given.".into(),
                "LOOMIERE_REQUEST carries the request head from loomiere-stream to the streamer it executes; without it the request is read from standard input.".into(),
                "TCPREMOTEIP (set by tcpsvd) is the client's address in the access log; without it the address comes from getpeername(2) on standard input.".into(),
            ],
        ),
        (
            "FILES",
            vec!["/etc/loomiere/stream.conf: read by every process at start, so an edit applies to the next connection. An unknown key or a bad value is logged with its line number and the request gets 500 (loomiere check-config finds such errors first).".into()],
        ),
        (
            "EXIT STATUS",
            vec!["0 for every answered request, refusals included; 100 for a usage error; 1 when sending failed on the server's side; 111 when the file shrank while it was read. Each request writes one access-log line to standard error.".into()],
        ),
    ]
}

fn admin_sections(cmd: &Command) -> Vec<(&'static str, Vec<String>)> {
    let subs: Vec<String> = cmd
        .get_subcommands()
        .filter(|s| s.get_name() != "help")
        .map(|s| format!("loomiere-{}(1)", s.get_name()))
        .collect();
    vec![
        (
            "EXIT STATUS",
            vec!["0 when all is fine, 1 when a check found a problem or a command failed, 2 for a usage error.".into()],
        ),
        (
            "FILES",
            vec!["/etc/loomiere/stream.conf (or $LOOMIERE_CONFIG): the streamers' configuration, read by every subcommand.".into()],
        ),
        ("SUBCOMMAND PAGES", vec![subs.join(", ")]),
    ]
}
