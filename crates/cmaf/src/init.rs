//! The CMAF header, or init segment (ISO/IEC 23000-19 §7.3.2, RFC 8216 §3.3 and the
//! `EXT-X-MAP` of §4.3.2.5): `ftyp`, then a `moov` holding one track with no samples
//! and `mvex`/`trex` after the `trak` (ISO/IEC 14496-12 §8.8.1), so every sample comes
//! in media segments. The sample entries (`stsd`: `avc1`/`avcC`, `hvc1`+`hvcC`,
//! `mp4a`/`esds`, `Opus`/`dOps`, `av01`/`av1C`, ...) are copied from the source, byte
//! for byte; `tkhd`, `mdhd` and `hdlr` are copied with the track number and the
//! durations changed (the durations are 0: the segments carry the timing).

use crate::boxes::BoxWriter;
use crate::error::{defect, Result};

/// The track number every init and media segment uses: each rendition is its own
/// one-track presentation.
pub const TRACK_ID: u32 = 1;

/// The source boxes an init segment copies, each whole (header included), as the
/// source's `trak` holds them (ISO/IEC 14496-12 §8.3.2, §8.4.2, §8.4.3, §8.4.5,
/// §8.5.2).
#[derive(Clone, Copy, Debug)]
pub struct TrackBoxes<'a> {
    pub tkhd: &'a [u8],
    pub mdhd: &'a [u8],
    pub hdlr: &'a [u8],
    /// The media information header: `vmhd`, `smhd`, `sthd` or `nmhd`.
    pub media_header: &'a [u8],
    pub stsd: &'a [u8],
}

/// The init segment of one track whose media timescale is `timescale` (ticks per
/// second, from `mdhd`).
///
/// Errors: a copied box that is shorter than its version's fields, or whose header
/// does not match its length.
pub fn init_segment(src: &TrackBoxes<'_>, timescale: u32) -> Result<Vec<u8>> {
    let mut w = BoxWriter::default();
    ftyp(&mut w);
    let moov = w.begin(b"moov");
    mvhd(&mut w, timescale);
    let trak = w.begin(b"trak");
    w.bytes(&tkhd(src.tkhd)?);
    let mdia = w.begin(b"mdia");
    w.bytes(&mdhd(src.mdhd)?);
    w.bytes(checked(src.hdlr, b"hdlr")?);
    let minf = w.begin(b"minf");
    w.bytes(checked(src.media_header, b"*mhd")?);
    dinf(&mut w);
    let stbl = w.begin(b"stbl");
    w.bytes(checked(src.stsd, b"stsd")?);
    empty_tables(&mut w);
    w.end(stbl);
    w.end(minf);
    w.end(mdia);
    w.end(trak);
    mvex(&mut w);
    w.end(moov);
    Ok(w.out)
}

/// `ftyp` (§4.3): major brand `iso6` (the movie fragment features this segment needs),
/// compatible with `iso6` and the CMAF brand `cmfc` (ISO/IEC 23000-19 §7.2).
fn ftyp(w: &mut BoxWriter) {
    let b = w.begin(b"ftyp");
    w.bytes(b"iso6");
    w.u32(0);
    w.bytes(b"iso6");
    w.bytes(b"cmfc");
    w.end(b);
}

/// `mvhd` version 0 (§8.2.2): duration 0 (unknown: the fragments carry it), rate 1.0,
/// volume 1.0, the unity matrix, next track 2.
fn mvhd(w: &mut BoxWriter, timescale: u32) {
    let b = w.begin_full(b"mvhd", 0, 0);
    w.u32(0); // creation_time
    w.u32(0); // modification_time
    w.u32(timescale);
    w.u32(0); // duration
    w.u32(0x0001_0000); // rate
    w.u16(0x0100); // volume
    w.zeros(2 + 8); // reserved
    unity_matrix(w);
    w.zeros(24); // pre_defined
    w.u32(TRACK_ID + 1);
    w.end(b);
}

/// The transformation matrix that changes nothing (§8.2.2.3).
fn unity_matrix(w: &mut BoxWriter) {
    for v in [0x0001_0000u32, 0, 0, 0, 0x0001_0000, 0, 0, 0, 0x4000_0000] {
        w.u32(v);
    }
}

/// `dinf` with a `dref` whose one `url ` entry says "in this file" (flags 1, §8.7.2).
fn dinf(w: &mut BoxWriter) {
    let dinf = w.begin(b"dinf");
    let dref = w.begin_full(b"dref", 0, 0);
    w.u32(1);
    let url = w.begin_full(b"url ", 0, 1);
    w.end(url);
    w.end(dref);
    w.end(dinf);
}

/// `stts`, `stsc`, `stsz` and `stco` with no entries: the track's samples are all in
/// fragments (§8.8.1).
fn empty_tables(w: &mut BoxWriter) {
    for typ in [b"stts", b"stsc", b"stco"] {
        let b = w.begin_full(typ, 0, 0);
        w.u32(0);
        w.end(b);
    }
    let stsz = w.begin_full(b"stsz", 0, 0);
    w.u32(0); // sample_size
    w.u32(0); // sample_count
    w.end(stsz);
}

/// `mvex` with one `trex` (§8.8.3): description 1, no other defaults (every `trun`
/// states each sample's duration, size and flags).
fn mvex(w: &mut BoxWriter) {
    let mvex = w.begin(b"mvex");
    let trex = w.begin_full(b"trex", 0, 0);
    w.u32(TRACK_ID);
    w.u32(1); // default_sample_description_index
    w.u32(0); // default_sample_duration
    w.u32(0); // default_sample_size
    w.u32(0); // default_sample_flags
    w.end(trex);
    w.end(mvex);
}

/// A copy of `tkhd` (§8.3.2) with `track_ID` set to [`TRACK_ID`], the duration 0 and
/// the flags `track_enabled | track_in_movie` (an alternate audio track is often
/// stored disabled; as its own rendition it is the one track played).
fn tkhd(src: &[u8]) -> Result<Vec<u8>> {
    let mut v = checked(src, b"tkhd")?.to_vec();
    let h = header_len(&v);
    let (id_at, dur_at, dur_len) = if v.get(h) == Some(&1) {
        (20, 28, 8)
    } else {
        (12, 20, 4)
    };
    patch(&mut v, h + 1, &[0, 0, 3], "tkhd flags")?;
    patch(&mut v, h + id_at, &TRACK_ID.to_be_bytes(), "tkhd track_ID")?;
    patch(&mut v, h + dur_at, &vec![0; dur_len], "tkhd duration")?;
    Ok(v)
}

/// A copy of `mdhd` (§8.4.2) with the duration 0; timescale and language stay.
fn mdhd(src: &[u8]) -> Result<Vec<u8>> {
    let mut v = checked(src, b"mdhd")?.to_vec();
    let h = header_len(&v);
    let (dur_at, dur_len) = if v.get(h) == Some(&1) {
        (24, 8)
    } else {
        (16, 4)
    };
    patch(&mut v, h + dur_at, &vec![0; dur_len], "mdhd duration")?;
    Ok(v)
}

/// Overwrites `v[at..at + new.len()]`. Errors: the box is too short for the field.
fn patch(v: &mut [u8], at: usize, new: &[u8], what: &str) -> Result<()> {
    let end = at.checked_add(new.len()).filter(|&e| e <= v.len());
    let slot = end
        .map(|e| &mut v[at..e])
        .ok_or_else(|| defect!("{what} is cut short"))?;
    slot.copy_from_slice(new);
    Ok(())
}

/// Header length of a whole box: 16 with a 64-bit `largesize`, else 8.
fn header_len(b: &[u8]) -> usize {
    if b.get(..4) == Some(&[0, 0, 0, 1]) {
        16
    } else {
        8
    }
}

/// `b` when it is one whole box of type `typ` (`*` matches any byte) whose header
/// states exactly its length. Errors: anything else.
fn checked<'a>(b: &'a [u8], typ: &[u8; 4]) -> Result<&'a [u8]> {
    let name_ok = b
        .get(4..8)
        .is_some_and(|t| t.iter().zip(typ).all(|(c, w)| *w == b'*' || c == w));
    let size = match b
        .get(..4)
        .map(|s| u32::from_be_bytes([s[0], s[1], s[2], s[3]]))
    {
        Some(1) => b
            .get(8..16)
            .map(|s| u64::from_be_bytes(s.try_into().unwrap_or([0; 8]))),
        other => other.map(u64::from),
    };
    if !name_ok || size != Some(b.len() as u64) || b.len() < header_len(b) + 4 {
        let shown = String::from_utf8_lossy(typ).into_owned();
        return Err(defect!("the source's '{shown}' box is malformed"));
    }
    Ok(b)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bx(typ: &[u8; 4], body: &[u8]) -> Vec<u8> {
        let mut v = ((body.len() + 8) as u32).to_be_bytes().to_vec();
        v.extend_from_slice(typ);
        v.extend_from_slice(body);
        v
    }

    /// (type, offset, length) of the boxes at the start of `b`, descending into the
    /// containers named.
    fn walk(b: &[u8], base: usize, out: &mut Vec<(String, usize, usize)>) {
        let mut at = 0;
        while at + 8 <= b.len() {
            let size = u32::from_be_bytes(b[at..at + 4].try_into().unwrap()) as usize;
            let typ = String::from_utf8_lossy(&b[at + 4..at + 8]).into_owned();
            assert!(
                size >= 8 && at + size <= b.len(),
                "{typ} at {at}: size {size}"
            );
            out.push((typ.clone(), base + at, size));
            if ["moov", "trak", "mdia", "minf", "stbl", "dinf", "mvex"].contains(&typ.as_str()) {
                walk(&b[at + 8..at + size], base + at + 8, out);
            }
            at += size;
        }
        assert_eq!(at, b.len(), "boxes fill their parent");
    }

    #[test]
    fn init_segment_copies_the_entries_and_renumbers_the_track() {
        let mut tkhd_body = vec![0, 0, 0, 0]; // version 0, flags 0 (disabled)
        tkhd_body.extend_from_slice(&[0; 8]);
        tkhd_body.extend_from_slice(&7u32.to_be_bytes()); // track_ID 7
        tkhd_body.extend_from_slice(&[0; 4]);
        tkhd_body.extend_from_slice(&99u32.to_be_bytes()); // duration
        tkhd_body.extend_from_slice(&[0xAB; 60]);
        let mut mdhd_body = vec![0; 12];
        mdhd_body.extend_from_slice(&48_000u32.to_be_bytes());
        mdhd_body.extend_from_slice(&5u32.to_be_bytes());
        mdhd_body.extend_from_slice(&[0x15, 0xc7, 0, 0]); // "eng"
        let stsd = bx(
            b"stsd",
            &[0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 8, b'm', b'p', b'4', b'a'],
        );
        let (tkhd, mdhd) = (bx(b"tkhd", &tkhd_body), bx(b"mdhd", &mdhd_body));
        let (hdlr, smhd) = (bx(b"hdlr", &[0; 24]), bx(b"smhd", &[0; 8]));
        let src = TrackBoxes {
            tkhd: &tkhd,
            mdhd: &mdhd,
            hdlr: &hdlr,
            media_header: &smhd,
            stsd: &stsd,
        };
        let out = init_segment(&src, 48_000).unwrap();
        let mut boxes = Vec::new();
        walk(&out, 0, &mut boxes);
        let names: Vec<&str> = boxes.iter().map(|b| b.0.as_str()).collect();
        let want = "ftyp moov mvhd trak tkhd mdia mdhd hdlr minf smhd dinf dref stbl stsd stts stsc stco stsz mvex trex";
        assert_eq!(names.join(" "), want);
        let find = |n: &str| {
            boxes
                .iter()
                .find(|b| b.0 == n)
                .map(|b| &out[b.1..b.1 + b.2])
                .unwrap()
        };
        let t = find("tkhd");
        assert_eq!(
            (&t[9..12], &t[20..24], &t[28..32]),
            (&[0, 0, 3][..], &1u32.to_be_bytes()[..], &[0u8; 4][..])
        );
        assert_eq!(&t[32..], &tkhd[32..], "the rest of tkhd is the source's");
        let m = find("mdhd");
        assert_eq!(
            (&m[20..24], &m[24..28], &m[28..30]),
            (
                &48_000u32.to_be_bytes()[..],
                &[0u8; 4][..],
                &[0x15, 0xc7][..]
            )
        );
        assert_eq!(find("stsd"), &stsd[..]);
        let bad = TrackBoxes {
            stsd: &stsd[..stsd.len() - 1],
            ..src
        };
        assert!(
            init_segment(&bad, 48_000).is_err(),
            "a box whose size is not its length"
        );
        let short = bx(b"mdhd", &[0; 10]);
        assert!(init_segment(
            &TrackBoxes {
                mdhd: &short,
                ..src
            },
            48_000
        )
        .is_err());
    }
}
