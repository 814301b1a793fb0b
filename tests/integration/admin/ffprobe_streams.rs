//! The judge of `loomiere probe`: what `ffprobe` says of each stream of a film, with
//! its packets' key-frame flags (`-show_packets`), as JSON.

use crate::support::tool;
use serde_json::Value;
use std::path::Path;
use std::process::Command;

/// One stream as ffprobe reads it.
#[derive(Debug)]
pub struct Stream {
    pub codec_type: String,
    pub codec_name: String,
    /// `stream=duration`, seconds (`None` when `N/A`, as in FLV).
    pub duration: Option<f64>,
    /// `nb_read_packets` (`-count_packets`): the packets its demuxer returns.
    pub packets: u64,
    /// `nb_frames`: the samples the container lists (`N/A` for FLV).
    pub frames: Option<u64>,
    /// `language` tag, when not `und`.
    pub language: Option<String>,
    /// Presentation times of the key-frame packets (flag `K`), in decode order.
    pub key_times: Vec<f64>,
    /// The longest packet duration, seconds (one frame of this stream).
    pub frame: f64,
}

/// The `format=duration`, seconds, and every stream of `path`.
pub fn streams(path: &Path) -> (Option<f64>, Vec<Stream>) {
    let meta = json(
        path,
        &[
            "-count_packets",
            "-show_entries",
            "stream=index,codec_type,codec_name,duration,nb_read_packets,nb_frames:stream_tags=language:format=duration",
        ],
    );
    let packets = json(
        path,
        &[
            "-show_entries",
            "packet=stream_index,pts_time,duration_time,flags",
        ],
    );
    let packets = packets["packets"].as_array().cloned().unwrap_or_default();
    let streams = meta["streams"]
        .as_array()
        .expect("ffprobe streams")
        .iter()
        .map(|s| stream(s, &packets))
        .collect();
    (number(&meta["format"]["duration"]), streams)
}

fn stream(s: &Value, packets: &[Value]) -> Stream {
    let index = s["index"].as_u64().expect("stream index");
    let mine: Vec<&Value> = packets
        .iter()
        .filter(|p| p["stream_index"].as_u64() == Some(index))
        .collect();
    let key_times = mine
        .iter()
        .filter(|p| p["flags"].as_str().is_some_and(|f| f.starts_with('K')))
        .filter_map(|p| number(&p["pts_time"]))
        .collect();
    let frame = mine
        .iter()
        .filter_map(|p| number(&p["duration_time"]))
        .fold(0.0, f64::max);
    Stream {
        codec_type: s["codec_type"].as_str().unwrap_or_default().to_owned(),
        codec_name: s["codec_name"].as_str().unwrap_or_default().to_owned(),
        duration: number(&s["duration"]),
        packets: number(&s["nb_read_packets"]).expect("nb_read_packets") as u64,
        frames: number(&s["nb_frames"]).map(|n| n as u64),
        language: s["tags"]["language"]
            .as_str()
            .filter(|l| *l != "und")
            .map(str::to_owned),
        key_times,
        frame,
    }
}

/// ffprobe prints numbers as strings (`"40.000000"`), `N/A` when it has none.
fn number(v: &Value) -> Option<f64> {
    v.as_str()
        .and_then(|s| s.parse().ok())
        .or_else(|| v.as_f64())
}

fn json(path: &Path, args: &[&str]) -> Value {
    let out = Command::new(tool("ffprobe"))
        .args(["-v", "error", "-of", "json"])
        .args(args)
        .arg(path)
        .output()
        .expect("run ffprobe");
    assert!(
        out.status.success(),
        "ffprobe {args:?} {}: {}",
        path.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("ffprobe JSON")
}

/// Least, median (mean of the middle two for an even count) and greatest gap between
/// consecutive `times`; `None` with fewer than two.
pub fn spread(times: &[f64]) -> Option<(f64, f64, f64)> {
    let mut gaps: Vec<f64> = times.windows(2).map(|w| w[1] - w[0]).collect();
    gaps.sort_by(f64::total_cmp);
    let n = gaps.len();
    let median = match n {
        0 => return None,
        _ if n % 2 == 1 => gaps[n / 2],
        _ => (gaps[n / 2 - 1] + gaps[n / 2]) / 2.0,
    };
    Some((gaps[0], median, gaps[n - 1]))
}
