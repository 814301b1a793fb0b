//! What a segmented rendition takes from a source track's headers: the boxes its init
//! segment copies (ISO/IEC 14496-12 §8.3.2 `tkhd`, §8.4.2 `mdhd`, §8.4.3 `hdlr`,
//! §8.4.5 media headers, §8.5.2 `stsd`), its language (`mdhd`, or `elng` §8.4.6), and
//! from the first sample entry its code, its decoder configuration record and its
//! display size or channels and sampling rate (§12.1.3, §12.2.3).

use crate::error::{defect, Result};
use crate::parse::boxes::{Bx, Children};
use crate::parse::bytes::u32_at;
use crate::parse::track::Track;
use loomiere_cmaf::init::TrackBoxes;

/// The first sample entry of a track.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Entry<'a> {
    /// Its four-character code: `avc1`, `hvc1`, `mp4a`, `Opus`, `av01`, ...
    pub code: [u8; 4],
    /// The payload of its decoder configuration box (`avcC`, `hvcC`, `esds`, `dOps`,
    /// `av1C`, `vpcC`), if it has one.
    pub config: Option<&'a [u8]>,
    /// Visual entries: width and height in pixels.
    pub width: u16,
    pub height: u16,
    /// Audio entries: channels and sampling rate in Hz (0 when the entry does not say).
    pub channels: u16,
    pub sample_rate: u32,
}

/// A track's headers as segmented delivery uses them.
pub(crate) struct Headers<'a> {
    /// Whole boxes, for the init segment.
    pub boxes: TrackBoxes<'a>,
    /// BCP 47 from `elng`, else the `mdhd` ISO 639-2/T code; `None` for `und`.
    pub language: Option<String>,
    pub entry: Entry<'a>,
}

/// Decoder configuration boxes, in the order looked for.
const CONFIGS: [&[u8; 4]; 6] = [b"avcC", b"hvcC", b"esds", b"dOps", b"av1C", b"vpcC"];

/// Reads `t`'s headers. Errors: a missing `tkhd`, `mdhd`, `hdlr`, media header or
/// `stsd`, an `stsd` without entries, or a first entry cut short.
pub(crate) fn headers<'a>(t: &Track<'a>) -> Result<Headers<'a>> {
    let mdia = t.trak.require(b"mdia")?;
    let mdhd = mdia.require(b"mdhd")?;
    let minf = mdia.require(b"minf")?;
    let media_header = minf
        .children()
        .filter_map(std::result::Result::ok)
        .find(|b| matches!(&b.typ, b"vmhd" | b"smhd" | b"sthd" | b"nmhd" | b"hmhd"))
        .ok_or_else(|| defect!("'minf' has no media header box"))?;
    let stsd = minf.require(b"stbl")?.require(b"stsd")?;
    let boxes = TrackBoxes {
        tkhd: t.trak.require(b"tkhd")?.data,
        mdhd: mdhd.data,
        hdlr: mdia.require(b"hdlr")?.data,
        media_header: media_header.data,
        stsd: stsd.data,
    };
    let language = match mdia.child(b"elng")? {
        Some(e) => elng(&e),
        None => mdhd_language(&mdhd)?,
    };
    Ok(Headers {
        boxes,
        language,
        entry: first_entry(&stsd, t.is_video(), t.is_audio())?,
    })
}

/// The `mdhd` language (§8.4.2.3): three 5-bit letters offset by 0x60; `und` and
/// anything that is not three lowercase letters give `None`.
fn mdhd_language(mdhd: &Bx<'_>) -> Result<Option<String>> {
    let at = if mdhd.version()? == 1 { 32 } else { 20 };
    let packed = u32_at(mdhd.payload(), at, "mdhd language")? >> 16;
    let letters: Vec<u8> = [10u32, 5, 0]
        .iter()
        .map(|s| ((packed >> s) & 0x1f) as u8 + 0x60)
        .collect();
    let code = String::from_utf8(letters).unwrap_or_default();
    Ok(Some(code).filter(|c| c != "und" && c.bytes().all(|b| b.is_ascii_lowercase())))
}

/// The `elng` tag (§8.4.6): a NUL-terminated BCP 47 string after version and flags;
/// only letters, digits and `-` are kept (it goes into manifests).
fn elng(b: &Bx<'_>) -> Option<String> {
    let text = b.payload().get(4..)?;
    let text = text.split(|&c| c == 0).next()?;
    let ok = !text.is_empty() && text.iter().all(|c| c.is_ascii_alphanumeric() || *c == b'-');
    ok.then(|| String::from_utf8_lossy(text).into_owned())
        .filter(|t| t != "und")
}

/// The first entry of `stsd` (§8.5.2): version and flags, entry count, entries.
fn first_entry<'a>(stsd: &Bx<'a>, video: bool, audio: bool) -> Result<Entry<'a>> {
    let count = u32_at(stsd.payload(), 4, "stsd entry_count")?;
    let first = Children::new(
        stsd.payload().get(8..).unwrap_or_default(),
        stsd.payload_offset() + 8,
    )
    .next();
    let e = match (count, first) {
        (1.., Some(e)) => e?,
        _ => return Err(defect!("'stsd' has no sample entry")),
    };
    let p = e.payload();
    let mut entry = Entry {
        code: e.typ,
        ..Entry::default()
    };
    let be16 = |at: usize| p.get(at..at + 2).map(|b| u16::from_be_bytes([b[0], b[1]]));
    let children_at = if video {
        (entry.width, entry.height) = (be16(24).unwrap_or(0), be16(26).unwrap_or(0));
        78
    } else if audio {
        entry.channels = be16(16).unwrap_or(0);
        entry.sample_rate = u32::from(be16(24).unwrap_or(0));
        // QuickTime sound descriptions: version 1 adds 16 bytes, version 2 adds 36.
        match be16(8) {
            Some(1) => 44,
            Some(2) => 64,
            _ => 28,
        }
    } else {
        8
    };
    entry.config = config(p.get(children_at..).unwrap_or_default(), e.payload_offset());
    Ok(entry)
}

/// The payload of the first decoder configuration box among `children` (also inside a
/// QuickTime `wave` box, where `mp4a` keeps its `esds`).
fn config(children: &[u8], base: u64) -> Option<&[u8]> {
    for c in Children::new(children, base).map_while(std::result::Result::ok) {
        if CONFIGS.contains(&&c.typ) {
            return Some(c.payload());
        }
        if &c.typ == b"wave" {
            if let Some(found) = config(c.payload(), c.payload_offset()) {
                return Some(found);
            }
        }
    }
    None
}
