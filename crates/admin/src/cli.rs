//! The command line of `loomiere`, as clap derive types. `--help` on every
//! subcommand, `--version`, and clap's own messages for usage errors (exit 2).
//!
//! The same definition makes the man page and the shell completions when packaging
//! (`examples/gen-docs.rs`, through [`command`]).

use clap::{Args, CommandFactory, Parser, Subcommand};
use std::path::PathBuf;
use std::time::Duration;

/// `loomiere`: the operator's command for the Loomiere streamers.
#[derive(Debug, Parser)]
#[command(
    name = "loomiere",
    version,
    about = "Check the Loomiere config, sign links, build seek indexes, probe films",
    long_about = "The operator's command for the Loomiere streamers (loomiere-stream, \
                  loomiere-mp4, loomiere-flv, loomiere-file).\n\n\
                  Exit status: 0 when all is fine, 1 when a check found a problem or a \
                  command failed, 2 for a usage error."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Parse the config as the streamers do, print every key, check paths and modes
    #[command(
        long_about = "Parses the config file exactly as the streamers do (the same parser), \
                      prints every key's effective value (`*` marks the ones not at their \
                      default) and every error with its line number, then checks that the \
                      document roots, index_dir, scoreboard (when the key exists) and \
                      secure_link_secret_file exist with safe modes for the user the \
                      streamers run as.\n\n\
                      An `error` is something that makes the streamers refuse requests \
                      (500, or 403 for every file); a `warning` is unsafe or slower but \
                      served. Exit status 1 when there is either."
    )]
    CheckConfig(CheckConfig),
    /// Print a link signed for the configured secure_link_md5
    #[command(
        long_about = "Prints PATH with the md5 and expiry parameters of a link signed for \
                      the configured secure_link_md5 (the text nginx's secure_link_md5 \
                      hashes), accepted by the Loomiere streamers and by nginx's \
                      secure_link module alike. The secret is read from \
                      secure_link_secret_file when the expression uses $secret."
    )]
    Sign(Sign),
    /// Build the seek index of every MP4 film under DIR (or of each FILM) in index_dir
    #[command(
        long_about = "Builds the sample index the MP4 streamer keeps in index_dir, for \
                      every file under each DIR that the config gives to loomiere-mp4 (and \
                      for each FILM named), in parallel; films whose index is up to date \
                      are skipped. Shows a progress bar on a terminal and prints a summary \
                      line. Run as root, it works as --user (the streamers load only the \
                      entries their own user wrote)."
    )]
    Index(Index),
    /// Tell what each film is and whether ?start= and HLS can serve it
    #[command(
        long_about = "For each FILM: the container (MP4, FLV or other), where the MP4 moov \
                      is (start or end), whether it is fragmented, and each track: handler, \
                      codec string (RFC 6381), language, duration, sample count and the \
                      key-frame interval (min/median/max seconds between sync samples). For \
                      FLV: the duration, the codecs from the tag headers and whether \
                      onMetaData has a keyframes index. Then whether a ?start= seek and \
                      HLS can serve the film, planned as the streamers plan them, and why \
                      not if not. HLS segments last segment_duration from the config; \
                      when streamer.<ext> or segmenter.<ext> is off for the film's \
                      extension it says so, and when streamer.<ext> names a program that \
                      cannot read the film, ?start= is a no.\n\n\
                      Exit status 1 when a film cannot be read or cannot be served a way \
                      the config offers for it (fragmented MP4: no ?start=, no HLS)."
    )]
    Probe(Probe),
    /// Show the open streams and the totals from the streamers' scoreboard
    #[command(
        long_about = "Shows the open streams (pid, state, status, streamer, bytes sent \
                      of planned, age, client, request) and the totals (requests, bytes \
                      sent and saved, early ends) from the scoreboard the streamers keep \
                      (the config's scoreboard key). Slots of streamers that are gone \
                      are reclaimed on the way when it may write the file. With --watch, \
                      again every SECONDS, like top. Exit status 1 when there is no \
                      usable scoreboard (off, missing, damaged), with the reason."
    )]
    Status(Status),
}

/// `loomiere status [--watch SECONDS]`.
#[derive(Debug, Args)]
pub struct Status {
    /// Show it again every SECONDS (1, 0.5, 2s; humantime syntax for units)
    #[arg(long, value_name = "SECONDS", value_parser = seconds)]
    pub watch: Option<Duration>,
    #[command(flatten)]
    pub config: ConfigFile,
}

/// `SECONDS` as a number (`0.5`) or a humantime duration (`2s`).
fn seconds(text: &str) -> Result<Duration, String> {
    match text.parse::<f64>() {
        Ok(s) if s.is_finite() && s > 0.0 && s <= 86_400.0 => Ok(Duration::from_secs_f64(s)),
        Ok(_) => Err("expected more than 0 and at most 86400 seconds".to_owned()),
        Err(_) => humantime::parse_duration(text).map_err(|e| e.to_string()),
    }
}

/// Where the config file is, for every subcommand that reads it.
#[derive(Debug, Args)]
pub struct ConfigFile {
    /// The config file [default: $LOOMIERE_CONFIG, else /etc/loomiere/stream.conf]
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
}

/// `loomiere check-config [FILE] [--user USER]`.
#[derive(Debug, Args)]
pub struct CheckConfig {
    /// The config file [default: $LOOMIERE_CONFIG, else /etc/loomiere/stream.conf]
    #[arg(value_name = "FILE")]
    pub file: Option<PathBuf>,
    /// The user the streamers run as (tcpsvd -u, User=, xinetd user)
    #[arg(long, value_name = "USER", default_value = "loomiere")]
    pub user: String,
    /// Where loomiere-stream is: bare streamer names (streamer.mp4 = loomiere-mp4) are
    /// looked up there [default: the directory of this program]
    #[arg(long, value_name = "DIR")]
    pub bin_dir: Option<PathBuf>,
}

/// `loomiere sign PATH --expires 2h [--ip ADDR]`.
#[derive(Debug, Args)]
pub struct Sign {
    /// The path of the link, as in the URL, with its query if any (/films/a.mp4?start=30)
    #[arg(value_name = "PATH")]
    pub path: String,
    /// How long the link stays valid: 2h, 90min, 1day, 30s (humantime syntax)
    #[arg(long, value_name = "DURATION", value_parser = humantime::parse_duration)]
    pub expires: Option<Duration>,
    /// The client's address, for $remote_addr
    #[arg(long, value_name = "ADDR")]
    pub ip: Option<std::net::IpAddr>,
    /// The request's host, for $host
    #[arg(long, value_name = "HOST")]
    pub host: Option<String>,
    /// A request header for $http_NAME, as NAME=VALUE (repeatable)
    #[arg(long, value_name = "NAME=VALUE")]
    pub header: Vec<String>,
    #[command(flatten)]
    pub config: ConfigFile,
}

/// `loomiere index [-j N] DIR|FILM...`.
#[derive(Debug, Args)]
pub struct Index {
    /// Directories to walk and films to index
    #[arg(value_name = "DIR|FILM", required = true)]
    pub paths: Vec<PathBuf>,
    /// Films indexed at once [default: the number of CPUs]
    #[arg(short, long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..))]
    pub jobs: Option<u16>,
    /// The user the streamers run as: as root, the command switches to it, so they
    /// load its entries [default when run as root: loomiere]
    #[arg(long, value_name = "USER")]
    pub user: Option<String>,
    #[command(flatten)]
    pub config: ConfigFile,
}

/// `loomiere probe FILM... [--json]`.
#[derive(Debug, Args)]
pub struct Probe {
    /// The films (MP4 or FLV files)
    #[arg(value_name = "FILM", required = true)]
    pub films: Vec<PathBuf>,
    /// Print a JSON array, one object a film, for scripts
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub config: ConfigFile,
}

/// The clap command, for the man page and the completions.
pub fn command() -> clap::Command {
    Cli::command()
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_definition_is_consistent() {
        super::command().debug_assert();
    }
}
