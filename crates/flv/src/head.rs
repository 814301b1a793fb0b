//! The FLV header (Adobe FLV v10.1 §E.2) and the head of the tag stream: the script
//! data and decoder configurations that come before the first audio or video sample.

use crate::amf::{marker, Amf};
use crate::bytes::{be, len, slice};
use crate::error::{defect, FlvError, Result};
use crate::tag::{self, Role, Tag, Walk};

/// Bytes in the FLV header of version 1.
pub(crate) const HEADER_LEN: u64 = 9;
/// Most tags examined for the head: files put `onMetaData` and the sequence headers
/// first, so a longer head is not looked into.
pub(crate) const HEAD_TAGS: usize = 64;

/// `TypeFlagsAudio` and `TypeFlagsVideo` in the header flags byte.
pub(crate) const FLAG_AUDIO: u8 = 0x04;
pub(crate) const FLAG_VIDEO: u8 = 0x01;

/// What the planner keeps from the start of the file.
#[derive(Debug, Clone)]
pub(crate) struct Head {
    /// The header's flags byte.
    pub flags: u8,
    /// File offset of the first tag (`DataOffset` + `PreviousTagSize0`).
    pub first_tag: u64,
    /// The first script tag named `onMetaData` in the head.
    pub meta: Option<Tag>,
    /// The last AVC/HEVC sequence header (decoder configuration) in the head.
    pub video_config: Option<Tag>,
    /// The last AAC sequence header (`AudioSpecificConfig`) in the head.
    pub audio_config: Option<Tag>,
    /// File offset of the first tag after the head (the end of the file when none).
    pub rest: u64,
}

impl Head {
    /// True when the file has video: the header says so, or a video configuration is
    /// present.
    pub fn has_video(&self) -> bool {
        self.flags & FLAG_VIDEO != 0 || self.video_config.is_some()
    }

    /// The head tags resent in front of a seek to `offset`: those before it, in file
    /// order.
    pub fn resent_before(&self, offset: u64) -> Vec<Tag> {
        let mut tags: Vec<Tag> = [self.meta, self.video_config, self.audio_config]
            .into_iter()
            .flatten()
            .collect();
        tags.retain(|t| t.offset < offset);
        tags.sort_by_key(|t| t.offset);
        tags
    }
}

/// Parses the header and walks the head (at most [`HEAD_TAGS`] tags, stopping at the
/// first audio or video sample).
///
/// Errors: not an FLV file, a `DataOffset` outside the file, anything but a tag after
/// the header ("garbage after the FLV header"), or a defective tag in the head.
pub(crate) fn parse(file: &[u8]) -> Result<Head> {
    let total = len(file);
    let h = slice(file, 0, HEADER_LEN)
        .ok_or_else(|| defect!("not an FLV file: {total} bytes, shorter than the 9-byte header"))?;
    if &h[..3] != b"FLV" {
        return Err(defect!(
            "not an FLV file: it starts with {:02x} {:02x} {:02x}, not \"FLV\"",
            h[0],
            h[1],
            h[2]
        ));
    }
    let data_offset = be(h, 5, 4).unwrap_or(0);
    if data_offset < HEADER_LEN {
        return Err(defect!(
            "header DataOffset {data_offset} is shorter than the 9-byte header"
        ));
    }
    let first_tag = data_offset + tag::TRAILER;
    if first_tag > total {
        return Err(defect!(
            "header DataOffset {data_offset} points past the end of the file ({total} bytes)"
        ));
    }
    let mut head = Head {
        flags: h[4],
        first_tag,
        meta: None,
        video_config: None,
        audio_config: None,
        rest: total,
    };
    for (n, t) in Walk::from(file, first_tag).enumerate() {
        let t = t.map_err(|e| {
            if n == 0 {
                after_header(e, first_tag)
            } else {
                e
            }
        })?;
        if n == HEAD_TAGS {
            head.rest = t.offset;
            break;
        }
        match tag::role(file, &t) {
            Role::Script if head.meta.is_none() && is_on_metadata(file, &t) => head.meta = Some(t),
            Role::Script => {}
            Role::VideoConfig => head.video_config = Some(t),
            Role::AudioConfig => head.audio_config = Some(t),
            _ => {
                head.rest = t.offset;
                break;
            }
        }
    }
    Ok(head)
}

/// A defect in the first tag is reported as what it is: bytes after the header that
/// are not a tag.
fn after_header(e: FlvError, at: u64) -> FlvError {
    match e {
        FlvError::Defect(s) => {
            defect!("garbage after the FLV header (first tag at byte {at}): {s}")
        }
        other => other,
    }
}

/// The script tag's name (its first AMF0 value) is the string "onMetaData".
fn is_on_metadata(file: &[u8], t: &Tag) -> bool {
    let Some(data) = slice(file, t.data(), t.size) else {
        return false;
    };
    let mut a = Amf::new(data);
    a.u8("name marker").ok() == Some(marker::STRING)
        && a.short_string().ok() == Some(b"onMetaData".as_slice())
}

/// The 13 bytes that open every output: "FLV", version 1, the original audio/video
/// flags, `DataOffset` 9, `PreviousTagSize0` 0 (§E.2, §E.3).
pub(crate) fn output_header(flags: u8) -> [u8; 13] {
    let f = flags & (FLAG_AUDIO | FLAG_VIDEO);
    [b'F', b'L', b'V', 1, f, 0, 0, 0, 9, 0, 0, 0, 0]
}
