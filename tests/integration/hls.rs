//! HLS and DASH made from MP4 films by `loomiere-hls`, through the front under tcpsvd:
//! every rendition packet-exact against its source track ([`exact`]), the playlists
//! and the MPD as RFC 8216 and ISO/IEC 23009-1 want them ([`manifests`]), the names
//! that do not exist ([`names`]), caching and ranges ([`web`]), and real players
//! ([`players`]: hls.js and dash.js in headless Chromium, mpv, ffmpeg), and the sample
//! index kept in `index_dir` ([`index`]).

use crate::support::{get, media_dir, Response, Server, TempDir};

mod exact;
mod index;
mod manifests;
mod names;
mod players;
mod web;

/// Every film the segmenter is judged on.
const FILMS: &[&str] = crate::support::media::MP4_FILMS;

/// The front under tcpsvd serving the media directory, with `extra` config lines.
fn server(dir: &TempDir, extra: &str) -> Server {
    let config = dir.config("stream.conf", Some(media_dir()), extra);
    Server::stream(dir, &config)
}

/// GETs `target` and expects a complete 200.
fn fetch(server: &Server, target: &str) -> Response {
    let r = server.send(&get(target));
    r.expect(200).complete();
    r
}

/// GETs `target` as text (a playlist or the MPD).
fn text(server: &Server, target: &str) -> String {
    String::from_utf8(fetch(server, target).body).expect("playlists are UTF-8")
}

/// The URIs of a media playlist: the `EXT-X-MAP` URI, then each segment's, with the
/// `EXTINF` duration of each segment in seconds.
struct MediaPlaylist {
    map: String,
    segments: Vec<(f64, String)>,
    target_duration: u64,
}

fn media_playlist(body: &str) -> MediaPlaylist {
    let mut map = None;
    let mut target_duration = None;
    let mut segments = Vec::new();
    let mut pending = None;
    for line in body.lines() {
        if let Some(v) = line.strip_prefix("#EXT-X-MAP:URI=") {
            map = Some(v.trim_matches('"').to_owned());
        } else if let Some(v) = line.strip_prefix("#EXT-X-TARGETDURATION:") {
            target_duration = Some(v.parse().expect("integer target duration"));
        } else if let Some(v) = line.strip_prefix("#EXTINF:") {
            let d = v.trim_end_matches(',').split(',').next().unwrap();
            pending = Some(d.parse::<f64>().expect("EXTINF seconds"));
        } else if !line.starts_with('#') && !line.is_empty() {
            let d = pending.take().expect("a URI follows its EXTINF");
            segments.push((d, line.to_owned()));
        }
    }
    MediaPlaylist {
        map: map.expect("EXT-X-MAP"),
        segments,
        target_duration: target_duration.expect("EXT-X-TARGETDURATION"),
    }
}

/// The media playlist URIs the master playlist names: video variants, then audio.
fn renditions(master: &str) -> Vec<String> {
    let mut video = Vec::new();
    let mut audio = Vec::new();
    let mut next_is_variant = false;
    for line in master.lines() {
        if line.starts_with("#EXT-X-STREAM-INF:") {
            next_is_variant = true;
        } else if next_is_variant && !line.starts_with('#') {
            video.push(line.to_owned());
            next_is_variant = false;
        } else if line.starts_with("#EXT-X-MEDIA:") {
            let uri = attribute(line, "URI").expect("EXT-X-MEDIA URI");
            audio.push(uri);
        }
    }
    video.extend(audio);
    video
}

/// The value of attribute `name` in a tag's attribute list (quotes removed).
fn attribute(line: &str, name: &str) -> Option<String> {
    let list = line.split_once(':')?.1;
    let mut rest = list;
    while !rest.is_empty() {
        let (key, after) = rest.split_once('=')?;
        let (value, tail) = if let Some(q) = after.strip_prefix('"') {
            let end = q.find('"')?;
            (&q[..end], q[end + 1..].trim_start_matches(','))
        } else {
            match after.split_once(',') {
                Some((v, t)) => (v, t),
                None => (after, ""),
            }
        };
        if key == name {
            return Some(value.to_owned());
        }
        rest = tail;
    }
    None
}
