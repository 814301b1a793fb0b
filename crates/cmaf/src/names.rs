//! The names that follow a film's path in a segmented URL, in nginx-vod-module's style
//! (`/films/a.mp4/master.m3u8`): one spelling per resource, so every cache keys one
//! URL per body.
//!
//! | name | what |
//! | --- | --- |
//! | `master.m3u8` | HLS multivariant playlist (RFC 8216 §4.3.4) |
//! | `manifest.mpd` | DASH MPD (ISO/IEC 23009-1) |
//! | `index-v1.m3u8`, `index-a2.m3u8` | HLS media playlist of a rendition (§4.3.3) |
//! | `init-v1.mp4` | init segment of a rendition (CMAF header) |
//! | `seg-12-v1.m4s` | media segment 12 (from 1) of a rendition |
//!
//! A rendition is `v<k>` (the k-th video track of the film, from 1) or `a<k>` (the
//! k-th audio track). Numbers are decimal digits with no leading zero.

use std::fmt;

/// What a rendition carries.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Kind {
    Video,
    Audio,
}

/// One track of the film, as the URLs name it: the `number`-th track of its kind (1-based).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Rendition {
    pub kind: Kind,
    pub number: u32,
}

impl fmt::Display for Rendition {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let k = match self.kind {
            Kind::Video => 'v',
            Kind::Audio => 'a',
        };
        write!(f, "{k}{}", self.number)
    }
}

/// A parsed name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Name {
    /// `master.m3u8`.
    Master,
    /// `manifest.mpd`.
    Manifest,
    /// `index-<r>.m3u8`.
    MediaPlaylist(Rendition),
    /// `init-<r>.mp4`.
    Init(Rendition),
    /// `seg-<n>-<r>.m4s`: segment `n` (from 1).
    Segment(u32, Rendition),
}

impl Name {
    /// Parses the last component of a segmented URL; `None` when it is none of the
    /// names above (the caller answers 404).
    pub fn parse(s: &str) -> Option<Name> {
        match s {
            "master.m3u8" => return Some(Name::Master),
            "manifest.mpd" => return Some(Name::Manifest),
            _ => {}
        }
        if let Some(r) = s
            .strip_prefix("index-")
            .and_then(|r| r.strip_suffix(".m3u8"))
        {
            return rendition(r).map(Name::MediaPlaylist);
        }
        if let Some(r) = s.strip_prefix("init-").and_then(|r| r.strip_suffix(".mp4")) {
            return rendition(r).map(Name::Init);
        }
        let rest = s.strip_prefix("seg-")?.strip_suffix(".m4s")?;
        let (n, r) = rest.split_once('-')?;
        Some(Name::Segment(number(n)?, rendition(r)?))
    }

    /// The media type of the body (RFC 8216 §4, ISO/IEC 23009-1 Annex C, RFC 4337).
    pub fn content_type(&self) -> &'static str {
        match self {
            Name::Master | Name::MediaPlaylist(_) => "application/vnd.apple.mpegurl",
            Name::Manifest => "application/dash+xml",
            Name::Init(r) | Name::Segment(_, r) => match r.kind {
                Kind::Video => "video/mp4",
                Kind::Audio => "audio/mp4",
            },
        }
    }
}

impl fmt::Display for Name {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Name::Master => f.write_str("master.m3u8"),
            Name::Manifest => f.write_str("manifest.mpd"),
            Name::MediaPlaylist(r) => write!(f, "index-{r}.m3u8"),
            Name::Init(r) => write!(f, "init-{r}.mp4"),
            Name::Segment(n, r) => write!(f, "seg-{n}-{r}.m4s"),
        }
    }
}

/// `v<k>` or `a<k>`.
fn rendition(s: &str) -> Option<Rendition> {
    let kind = match s.as_bytes().first()? {
        b'v' => Kind::Video,
        b'a' => Kind::Audio,
        _ => return None,
    };
    Some(Rendition {
        kind,
        number: number(&s[1..])?,
    })
}

/// A decimal number from 1 to `u32::MAX` with no sign and no leading zero.
fn number(s: &str) -> Option<u32> {
    let digits = !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if !digits || s.starts_with('0') {
        return None;
    }
    s.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    const V1: Rendition = Rendition {
        kind: Kind::Video,
        number: 1,
    };
    const A2: Rendition = Rendition {
        kind: Kind::Audio,
        number: 2,
    };

    #[test]
    fn names_round_trip() {
        for n in [
            Name::Master,
            Name::Manifest,
            Name::MediaPlaylist(A2),
            Name::Init(V1),
            Name::Segment(12, V1),
            Name::Segment(u32::MAX, A2),
        ] {
            assert_eq!(Name::parse(&n.to_string()), Some(n), "{n}");
        }
    }

    #[test]
    fn other_spellings_are_not_names() {
        for s in [
            "",
            "master.m3u",
            "Master.m3u8",
            "index-v0.m3u8",
            "index-v01.m3u8",
            "index-x1.m3u8",
            "index-v.m3u8",
            "index-v1-a1.m3u8",
            "init-a1.m4s",
            "seg-0-v1.m4s",
            "seg-01-v1.m4s",
            "seg--1-v1.m4s",
            "seg-+1-v1.m4s",
            "seg-1x-v1.m4s",
            "seg-4294967296-v1.m4s",
            "seg-99999999999999999999-v1.m4s",
            "seg-1-v1.mp4",
            "seg-1.m4s",
            "seg-1-v1-a1.m4s",
            "../master.m3u8",
        ] {
            assert_eq!(Name::parse(s), None, "{s:?}");
        }
    }
}
