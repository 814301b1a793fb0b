//! FLV tags (Adobe FLV v10.1 §E.4.1 `FLVTAG`): an 11-byte header, `DataSize` bytes of
//! data, then the 4-byte `PreviousTagSize` (= 11 + `DataSize`) of the body layout
//! (§E.3). What a tag is to a seek (key frame, sequence header) is read from the first
//! bytes of its data (§E.4.2.1 `AUDIODATA`, §E.4.3.1 `VIDEODATA`).

use crate::bytes::{be, byte, len, slice};
use crate::error::{defect, Result};

/// Bytes in a tag header: type, `DataSize` (24 bits), `Timestamp` (24 + 8 bits),
/// `StreamID` (24 bits).
pub(crate) const HEADER: u64 = 11;
/// Bytes in the `PreviousTagSize` that follows every tag.
pub(crate) const TRAILER: u64 = 4;

/// `TagType` (§E.4.1), the low 5 bits of the first header byte.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    /// 8.
    Audio,
    /// 9.
    Video,
    /// 18: script data (`onMetaData`).
    Script,
}

/// One tag header, checked to fit in the file together with its `PreviousTagSize`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Tag {
    /// File offset of the first header byte.
    pub offset: u64,
    pub kind: Kind,
    /// The `Filter` bit: the data is encrypted, so it is never read.
    pub filtered: bool,
    /// `DataSize`, bytes.
    pub size: u64,
    /// `Timestamp` with `TimestampExtended` as its upper 8 bits, milliseconds.
    pub ts: u32,
    /// `StreamID` (always 0 in a valid file).
    pub stream_id: u32,
}

impl Tag {
    /// File offset of the first data byte.
    pub fn data(&self) -> u64 {
        self.offset + HEADER
    }

    /// Header plus data, bytes (the value `PreviousTagSize` must hold).
    pub fn tag_len(&self) -> u64 {
        HEADER + self.size
    }

    /// File offset of the `PreviousTagSize` after the data.
    pub fn trailer(&self) -> u64 {
        self.offset + self.tag_len()
    }

    /// File offset of the next tag.
    pub fn next(&self) -> u64 {
        self.trailer() + TRAILER
    }
}

/// The type byte at `at` names a tag: reserved bits clear, type 8, 9 or 18.
pub(crate) fn kind_of(b: u8) -> Option<(Kind, bool)> {
    if b & 0xc0 != 0 {
        return None;
    }
    let kind = match b & 0x1f {
        8 => Kind::Audio,
        9 => Kind::Video,
        18 => Kind::Script,
        _ => return None,
    };
    Some((kind, b & 0x20 != 0))
}

/// Reads the tag at `offset`; `None` exactly at the end of the file.
///
/// Errors (defects naming the byte): a header cut short, a type byte that names no
/// tag, data running past the end of the file, a missing `PreviousTagSize`.
pub(crate) fn read(file: &[u8], offset: u64) -> Result<Option<Tag>> {
    let total = len(file);
    if offset == total {
        return Ok(None);
    }
    let left = total.checked_sub(offset).ok_or_else(|| {
        defect!("tag offset {offset} is past the end of the file ({total} bytes)")
    })?;
    let h = slice(file, offset, HEADER).ok_or_else(|| {
        defect!("truncated tag at byte {offset}: {left} of the 11 header bytes present")
    })?;
    let (kind, filtered) = kind_of(h[0]).ok_or_else(|| defect!("byte {offset} is not a tag: type byte 0x{:02x} is not audio (8), video (9) or script data (18)", h[0]))?;
    let size = u64::from(u32::from_be_bytes([0, h[1], h[2], h[3]]));
    // `TimestampExtended` (byte 7) is the upper 8 bits of the 32-bit timestamp.
    let ts = u32::from_be_bytes([h[7], h[4], h[5], h[6]]);
    let stream_id = u32::from_be_bytes([0, h[8], h[9], h[10]]);
    // offset <= the file length <= isize::MAX and size < 2^24, so the sums in the
    // `Tag` methods cannot overflow.
    let tag = Tag {
        offset,
        kind,
        filtered,
        size,
        ts,
        stream_id,
    };
    if tag.trailer() > total {
        return Err(defect!(
            "tag at byte {offset}: data size {size} runs past the end of the file ({total} bytes)"
        ));
    }
    if tag.next() > total {
        return Err(defect!("truncated tag at byte {offset}: its PreviousTagSize is cut short by the end of the file ({total} bytes)"));
    }
    Ok(Some(tag))
}

/// The tag at `offset` if it looks like a real tag start, for finding a boundary from
/// an arbitrary byte: it reads, its `StreamID` is 0, its `PreviousTagSize` equals 11 +
/// `DataSize`, and the next tag (if any) begins with a valid type byte.
pub(crate) fn plausible(file: &[u8], offset: u64) -> Option<Tag> {
    let first = byte(file, offset)?;
    kind_of(first)?;
    if be(file, offset + 8, 3)? != 0 {
        return None;
    }
    let tag = read(file, offset).ok()??;
    if be(file, tag.trailer(), TRAILER)? != tag.tag_len() {
        return None;
    }
    match byte(file, tag.next()) {
        None => Some(tag),
        Some(b) => kind_of(b).map(|_| tag),
    }
}

/// What a tag is to a seek.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Role {
    Script,
    /// AVC/HEVC `AVCPacketType` 0, or an enhanced-RTMP `SequenceStart`.
    VideoConfig,
    /// AAC `AACPacketType` 0.
    AudioConfig,
    /// `FrameType` 1 carrying a coded frame: a point to start decoding at.
    VideoKey,
    Video,
    Audio,
}

impl Role {
    /// Audio or video samples (not script data, not a decoder configuration).
    pub fn is_media(self) -> bool {
        matches!(self, Role::VideoKey | Role::Video | Role::Audio)
    }
}

/// What `tag` is, from the first two data bytes. Encrypted (`Filter`) tags are opaque
/// media, never key frames.
pub(crate) fn role(file: &[u8], tag: &Tag) -> Role {
    let first = if tag.size > 0 {
        byte(file, tag.data())
    } else {
        None
    };
    let second = if tag.size > 1 {
        byte(file, tag.data() + 1)
    } else {
        None
    };
    match (tag.kind, tag.filtered, first) {
        (Kind::Script, _, _) => Role::Script,
        (Kind::Audio, false, Some(b)) if b >> 4 == 10 && second == Some(0) => Role::AudioConfig,
        (Kind::Audio, _, _) => Role::Audio,
        (Kind::Video, false, Some(b)) => video_role(b, second),
        (Kind::Video, _, _) => Role::Video,
    }
}

/// §E.4.3.1: `FrameType` (4 bits) and `CodecID` (4 bits), then `AVCPacketType` for AVC
/// (7) and HEVC (12, the common extension). With the top bit set it is an enhanced-RTMP
/// header (veovera E-RTMP v1): `FrameType` (3 bits) and `PacketType` (4 bits), where 0
/// is `SequenceStart` and 1 / 3 are coded frames.
fn video_role(b: u8, second: Option<u8>) -> Role {
    // `FrameType` 5 is a video info / command frame: no picture, no configuration.
    if b & 0x80 != 0 {
        let frame = (b >> 4) & 0x07;
        return match b & 0x0f {
            _ if frame == 5 => Role::Video,
            0 => Role::VideoConfig,
            1 | 3 if frame == 1 => Role::VideoKey,
            _ => Role::Video,
        };
    }
    let (frame, codec) = (b >> 4, b & 0x0f);
    let packet = if codec == 7 || codec == 12 {
        second
    } else {
        Some(1)
    };
    match packet {
        _ if frame == 5 => Role::Video,
        Some(0) => Role::VideoConfig,
        Some(1) if frame == 1 => Role::VideoKey,
        _ => Role::Video,
    }
}

/// Tags in file order from a known tag start; ends at the end of the file, or after
/// the first defect (which it yields). Each step moves at least 15 bytes forward.
pub(crate) struct Walk<'a> {
    file: &'a [u8],
    at: Option<u64>,
}

impl<'a> Walk<'a> {
    pub fn from(file: &'a [u8], offset: u64) -> Self {
        Walk {
            file,
            at: Some(offset),
        }
    }
}

impl Iterator for Walk<'_> {
    type Item = Result<Tag>;

    fn next(&mut self) -> Option<Self::Item> {
        let at = self.at?;
        match read(self.file, at) {
            Ok(Some(tag)) => {
                self.at = Some(tag.next());
                Some(Ok(tag))
            }
            Ok(None) => {
                self.at = None;
                None
            }
            Err(e) => {
                self.at = None;
                Some(Err(e))
            }
        }
    }
}
