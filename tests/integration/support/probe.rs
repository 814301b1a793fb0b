//! Judges of MP4 output: `ffprobe` and `ffmpeg` run on files, and a box walker.

use super::tool;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::{Arc, Mutex, OnceLock};

/// One stream as `ffprobe` sees it.
#[derive(Debug, Clone, PartialEq)]
pub struct Stream {
    pub codec_type: String,
    pub codec_name: String,
    /// Seconds; `None` when ffprobe says `N/A`.
    pub start_time: Option<f64>,
    pub duration: Option<f64>,
}

/// The streams and the container duration of one file.
#[derive(Debug, Clone)]
pub struct Probe {
    pub streams: Vec<Stream>,
    /// `format=duration`, seconds.
    pub duration: f64,
}

impl Probe {
    /// `(codec_type, codec_name)` of every stream, in order.
    pub fn kinds(&self) -> Vec<(String, String)> {
        self.streams
            .iter()
            .map(|s| (s.codec_type.clone(), s.codec_name.clone()))
            .collect()
    }
}

/// Runs `program` with `args`, where the word `IN` stands for `path`.
fn run(program: &'static str, args: &[&str], path: &Path) -> Output {
    Command::new(tool(program))
        .args(args.iter().map(|a| {
            if *a == "IN" {
                path.as_os_str()
            } else {
                a.as_ref()
            }
        }))
        .output()
        .unwrap_or_else(|e| panic!("run {program}: {e}"))
}

fn stdout_ok(program: &'static str, args: &[&str], path: &Path) -> String {
    let out = run(program, args, path);
    assert!(
        out.status.success(),
        "{program} {args:?} on {} failed: {}",
        path.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap_or_else(|e| panic!("{program} output is not UTF-8: {e}"))
}

/// What `ffmpeg -v error -i FILE -f null -` prints: empty when the whole file
/// decodes cleanly. Every video and audio stream is decoded; subtitle packets are
/// read and copied (the null muxer has no subtitle encoder). Frames keep the
/// demuxer's time base (`-enc_time_base -1`): a variable-frame-rate piece of a film
/// (one HLS segment) otherwise lands two frames on one tick of ffmpeg's guessed
/// frame rate, and the muxer's complaint about that is no decoding error.
pub fn decode_errors(path: &Path) -> String {
    let args = [
        "-nostdin",
        "-v",
        "error",
        "-i",
        "IN",
        "-map",
        "0:v?",
        "-map",
        "0:a?",
        "-map",
        "0:s?",
        "-c:s",
        "copy",
        "-enc_time_base",
        "-1",
        "-f",
        "null",
        "-",
    ];
    let out = run("ffmpeg", &args, path);
    let mut text = String::from_utf8_lossy(&out.stderr).into_owned();
    if !out.status.success() {
        text.push_str(&format!("\n(ffmpeg exit status {})", out.status));
    }
    text
}

/// The flags of the first video packet in file order, e.g. `K_` for a key frame.
pub fn first_video_flags(path: &Path) -> String {
    let args = [
        "-v",
        "error",
        "-select_streams",
        "v:0",
        "-show_entries",
        "packet=flags",
        "-read_intervals",
        "%+#1",
        "-of",
        "csv=p=0",
        "IN",
    ];
    stdout_ok("ffprobe", &args, path).trim().to_owned()
}

/// Streams (`codec_type`, `codec_name`, `start_time`, `duration`) and format duration.
pub fn probe(path: &Path) -> Probe {
    let args = [
        "-v",
        "error",
        "-show_entries",
        "stream=codec_type,codec_name,start_time,duration:format=duration",
        "-of",
        "default",
        "IN",
    ];
    let text = stdout_ok("ffprobe", &args, path);
    let mut streams = Vec::new();
    let mut duration = None;
    let mut fields: HashMap<String, String> = HashMap::new();
    for line in text.lines() {
        match line {
            "[STREAM]" | "[FORMAT]" => fields.clear(),
            "[/STREAM]" => streams.push(Stream {
                codec_type: fields.get("codec_type").cloned().unwrap_or_default(),
                codec_name: fields.get("codec_name").cloned().unwrap_or_default(),
                start_time: number(fields.get("start_time")),
                duration: number(fields.get("duration")),
            }),
            "[/FORMAT]" => duration = number(fields.get("duration")),
            _ => {
                if let Some((k, v)) = line.split_once('=') {
                    fields.insert(k.to_owned(), v.to_owned());
                }
            }
        }
    }
    let duration =
        duration.unwrap_or_else(|| panic!("no format duration for {}:\n{text}", path.display()));
    Probe { streams, duration }
}

fn number(v: Option<&String>) -> Option<f64> {
    v.and_then(|v| v.parse().ok())
}

/// `ffmpeg -f framemd5` of every stream: one checksum per decoded frame, with times.
pub fn framemd5(path: &Path) -> String {
    stdout_ok(
        "ffmpeg",
        &[
            "-nostdin", "-v", "error", "-i", "IN", "-map", "0", "-f", "framemd5", "-",
        ],
        path,
    )
}

/// What the tests need to know about an original file, computed once per file.
#[derive(Debug)]
pub struct Original {
    pub probe: Probe,
    /// Presentation times (s) of the video key frames, ascending.
    pub key_times: Vec<f64>,
    /// The longest gap between consecutive video frames (s): "one frame".
    pub frame: f64,
}

impl Original {
    /// The time the output must start at: the last key frame at or before `start`.
    pub fn snapped(&self, start: f64) -> f64 {
        let at_or_before = self.key_times.iter().copied().rfind(|&k| k <= start + 1e-6);
        at_or_before
            .unwrap_or_else(|| panic!("no key frame at or before {start} in {:?}", self.key_times))
    }
}

/// The facts about `path`, from `ffprobe` on the first call for that path.
pub fn original(path: &Path) -> Arc<Original> {
    static CACHE: OnceLock<Mutex<HashMap<PathBuf, Arc<Original>>>> = OnceLock::new();
    let cache = CACHE.get_or_init(Default::default);
    if let Some(o) = cache.lock().unwrap_or_else(|e| e.into_inner()).get(path) {
        return o.clone();
    }
    let o = Arc::new(analyse(path));
    cache
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .insert(path.to_owned(), o.clone());
    o
}

fn analyse(path: &Path) -> Original {
    let args = [
        "-v",
        "error",
        "-select_streams",
        "v:0",
        "-show_entries",
        "packet=pts_time,flags",
        "-of",
        "csv=p=0",
        "IN",
    ];
    let text = stdout_ok("ffprobe", &args, path);
    let mut frames: Vec<(f64, bool)> = text
        .lines()
        .filter_map(|l| {
            let (pts, flags) = l.split_once(',')?;
            Some((pts.parse().ok()?, flags.contains('K')))
        })
        .collect();
    frames.sort_by(|a, b| a.0.total_cmp(&b.0));
    assert!(
        frames.len() > 10,
        "too few video packets in {}: {text}",
        path.display()
    );
    let key_times = frames.iter().filter(|f| f.1).map(|f| f.0).collect();
    let frame = frames
        .windows(2)
        .map(|w| w[1].0 - w[0].0)
        .fold(0.0, f64::max);
    Original {
        probe: probe(path),
        key_times,
        frame,
    }
}

/// The four-character types of the top-level boxes of an MP4 held in `bytes`.
/// Panics on a box that does not fit.
pub fn top_boxes(bytes: &[u8]) -> Vec<String> {
    let mut types = Vec::new();
    let mut at = 0usize;
    while at < bytes.len() {
        let head = bytes
            .get(at..at + 8)
            .unwrap_or_else(|| panic!("truncated box header at {at}"));
        let size32 = u32::from_be_bytes(head[..4].try_into().unwrap());
        let size = match size32 {
            0 => bytes.len() - at,
            1 => {
                let large = bytes
                    .get(at + 8..at + 16)
                    .unwrap_or_else(|| panic!("truncated largesize at {at}"));
                usize::try_from(u64::from_be_bytes(large.try_into().unwrap())).unwrap()
            }
            n => n as usize,
        };
        assert!(
            size >= 8 && at + size <= bytes.len(),
            "box at {at} of size {size} does not fit in {}",
            bytes.len()
        );
        types.push(String::from_utf8_lossy(&head[4..8]).into_owned());
        at += size;
    }
    types
}

/// What keeps `path` from being playable from its first byte: ffmpeg decode errors,
/// and a first video packet that is not a key frame. Empty when it plays.
pub fn playback_faults(path: &Path) -> Vec<String> {
    let mut bad = Vec::new();
    let errors = decode_errors(path);
    if !errors.trim().is_empty() {
        bad.push(format!("ffmpeg decode errors: {}", errors.trim()));
    }
    let flags = first_video_flags(path);
    if !flags.contains('K') {
        bad.push(format!(
            "first video packet has flags {flags:?}, not a key frame"
        ));
    }
    bad
}
