//! What an FLV file is, for an operator (`loomiere probe`): its header flags, what
//! `onMetaData` says (duration, codec ids, a `keyframes` index), and what the tag
//! headers say (codec, decoder configuration, tag counts, key-frame times), read
//! through the same header, tag and AMF0 readers the planner uses (Adobe FLV v10.1
//! §E.2–§E.4).

use crate::amf::{marker, Amf};
use crate::bytes::{byte, slice};
use crate::error::Result;
use crate::head::{self, Head, FLAG_AUDIO, FLAG_VIDEO};
use crate::meta::{self, Keyframes};
use crate::tag::{self, Kind, Role, Tag, Walk};
use std::collections::BTreeMap;

/// The facts of one FLV file.
#[derive(Clone, Debug, PartialEq)]
pub struct Film {
    /// `TypeFlagsAudio` and `TypeFlagsVideo` of the header (§E.2).
    pub flags_audio: bool,
    pub flags_video: bool,
    /// The `onMetaData` script tag, if the file has one in its head.
    pub meta: Option<Meta>,
    /// The `keyframes` index of `onMetaData` (yamdi, flvtool2, ffmpeg's
    /// `add_keyframe_index`).
    pub index: IndexState,
    /// The video tags, when there are any.
    pub video: Option<Stream>,
    /// The audio tags, when there are any.
    pub audio: Option<Stream>,
    /// The defect that stopped the walk over the tags, with what was counted before
    /// it kept above (a truncated last tag, garbage in the middle).
    pub stopped: Option<String>,
}

/// What `onMetaData` says (an ECMA array or object of properties; numbers only).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Meta {
    /// `duration`, seconds.
    pub duration_s: Option<f64>,
    /// `videocodecid` (§E.4.3.1 `CodecID`).
    pub videocodecid: Option<f64>,
    /// `audiocodecid` (§E.4.2.1 `SoundFormat`).
    pub audiocodecid: Option<f64>,
}

/// The `keyframes` index of `onMetaData`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum IndexState {
    /// No `keyframes` entry (or no `onMetaData`).
    Absent,
    /// An entry the planner does not trust, and why (time seeks then walk the tags).
    Unusable(String),
    /// A usable index of this many key frames.
    Usable(usize),
}

/// The tags of one kind (audio or video).
#[derive(Clone, Debug, PartialEq)]
pub struct Stream {
    /// `CodecID` of video tags, `SoundFormat` of audio tags, from the first tag;
    /// for an enhanced-RTMP video tag, its FourCC is in [`Stream::fourcc`] instead.
    pub codec_id: u8,
    /// The FourCC of an enhanced-RTMP video header (`avc1`, `hvc1`, `av01`, `vp09`).
    pub fourcc: Option<[u8; 4]>,
    /// The decoder configuration of the last sequence header in the head: an
    /// AVC/HEVC decoder configuration record (ISO/IEC 14496-15) or an AAC
    /// AudioSpecificConfig (ISO/IEC 14496-3 §1.6.2.1).
    pub config: Option<Vec<u8>>,
    /// Media tags: every tag of the kind except sequence headers and end-of-sequence
    /// tags (the packets a demuxer returns).
    pub tags: u64,
    /// Key frames: video `FrameType` 1 tags with a coded frame; every audio tag.
    pub key_frames: u64,
    /// The gaps between consecutive key frames' timestamps, milliseconds, each with
    /// how many times it occurs (memory by distinct gaps, not by tags).
    pub key_frame_gaps_ms: BTreeMap<i128, u64>,
    /// The last key frame's timestamp, milliseconds.
    pub last_key_ms: Option<u32>,
    /// Timestamps of the first and last media tag, milliseconds.
    pub first_ms: u32,
    pub last_ms: u32,
}

/// Reads the facts of `file` (the whole FLV, usually mapped). A defect past the head
/// ends the tag walk and is kept in [`Film::stopped`].
///
/// Errors: [`crate::FlvError::Defect`] for a file that is not FLV, a header
/// `DataOffset` outside the file, garbage after the header, a defective tag in the
/// head or a malformed `onMetaData`.
pub fn facts(file: &[u8]) -> Result<Film> {
    let head = head::parse(file)?;
    let index = match &head.meta {
        Some(m) => meta::keyframes(file, m, head.first_tag)?,
        None => Keyframes::Absent,
    };
    let mut film = Film {
        flags_audio: head.flags & FLAG_AUDIO != 0,
        flags_video: head.flags & FLAG_VIDEO != 0,
        meta: head.meta.map(|m| meta_of(file, &m)),
        index: match index {
            Keyframes::Absent => IndexState::Absent,
            Keyframes::Unusable(why) => IndexState::Unusable(why),
            Keyframes::Usable(i) => IndexState::Usable(i.positions.len()),
        },
        video: None,
        audio: None,
        stopped: None,
    };
    walk(file, &head, &mut film);
    Ok(film)
}

/// Counts the tags from the first on, into `film`.
fn walk(file: &[u8], head: &Head, film: &mut Film) {
    for t in Walk::from(file, head.first_tag) {
        let t = match t {
            Ok(t) => t,
            Err(e) => {
                film.stopped = Some(e.to_string());
                return;
            }
        };
        let role = tag::role(file, &t);
        let slot = match t.kind {
            Kind::Video => &mut film.video,
            Kind::Audio => &mut film.audio,
            Kind::Script => continue,
        };
        let s = slot.get_or_insert_with(|| stream(file, &t));
        if t.kind == Kind::Video && sequence_end(file, &t) {
            continue;
        }
        match role {
            Role::VideoConfig | Role::AudioConfig => s.config = config(file, &t, role),
            Role::VideoKey | Role::Audio => s.add(t.ts, true),
            _ => s.add(t.ts, false),
        }
    }
}

impl Stream {
    /// Counts a media tag at `ts` ms, a key frame when `key`.
    fn add(&mut self, ts: u32, key: bool) {
        if self.tags == 0 {
            self.first_ms = ts;
        }
        self.tags += 1;
        self.last_ms = ts;
        if key {
            if let Some(last) = self.last_key_ms {
                let gap = i128::from(ts) - i128::from(last);
                *self.key_frame_gaps_ms.entry(gap).or_default() += 1;
            }
            self.key_frames += 1;
            self.last_key_ms = Some(ts);
        }
    }
}

/// True for an end-of-sequence video tag, which holds no frame: AVC/HEVC
/// `AVCPacketType` 2 (§E.4.3.1), or enhanced-RTMP `PacketType` 2 (`SequenceEnd`).
fn sequence_end(file: &[u8], t: &Tag) -> bool {
    let (Some(first), Some(second)) = (
        (t.size > 1).then(|| byte(file, t.data())).flatten(),
        (t.size > 1).then(|| byte(file, t.data() + 1)).flatten(),
    ) else {
        return false;
    };
    if first & 0x80 != 0 {
        return first & 0x0f == 2;
    }
    matches!(first & 0x0f, 7 | 12) && second == 2
}

/// A stream for the kind of `t`, its codec from `t`'s first data byte.
fn stream(file: &[u8], t: &Tag) -> Stream {
    let first = (t.size > 0)
        .then(|| byte(file, t.data()))
        .flatten()
        .unwrap_or(0);
    let enhanced = t.kind == Kind::Video && first & 0x80 != 0;
    let fourcc = enhanced
        .then(|| slice(file, t.data() + 1, 4))
        .flatten()
        .and_then(|b| b.try_into().ok());
    Stream {
        codec_id: if t.kind == Kind::Video {
            first & 0x0f
        } else {
            first >> 4
        },
        fourcc,
        config: None,
        tags: 0,
        key_frames: 0,
        key_frame_gaps_ms: BTreeMap::new(),
        last_key_ms: None,
        first_ms: 0,
        last_ms: 0,
    }
}

/// The decoder configuration a sequence header `t` carries: after `AVCPacketType`
/// and `CompositionTime` (5 bytes) for AVC/HEVC, after the FourCC (5 bytes) for
/// enhanced RTMP, after `AACPacketType` (2 bytes) for AAC.
fn config(file: &[u8], t: &Tag, role: Role) -> Option<Vec<u8>> {
    let skip = if role == Role::AudioConfig { 2 } else { 5 };
    let len = t.size.checked_sub(skip)?;
    slice(file, t.data() + skip, len).map(<[u8]>::to_vec)
}

/// The numbers `onMetaData` holds that a probe reports; a malformed value ends the
/// reading (what was read before it is kept).
fn meta_of(file: &[u8], t: &Tag) -> Meta {
    let mut out = Meta::default();
    let data = slice(file, t.data(), t.size).unwrap_or_default();
    let mut a = Amf::new(data);
    let opened = a.skip(0).and_then(|()| a.u8("onMetaData value marker"));
    match opened {
        Ok(marker::ECMA_ARRAY) if a.ecma_count().is_ok() => {}
        Ok(marker::OBJECT) => {}
        _ => return out,
    }
    let _ = a.properties(0, |name, a, depth| {
        let slot = match name {
            b"duration" => &mut out.duration_s,
            b"videocodecid" => &mut out.videocodecid,
            b"audiocodecid" => &mut out.audiocodecid,
            _ => return a.skip(depth),
        };
        match a.u8("value marker")? {
            marker::NUMBER => *slot = Some(a.f64()?),
            m => a.skip_body(m, depth)?,
        }
        Ok(())
    });
    out
}
