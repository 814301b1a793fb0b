//! A CMAF media segment of one track (ISO/IEC 23000-19 §7.3.3, RFC 8216 §3.3): `styp`,
//! one `moof` (`mfhd`, `traf` with `tfhd`, `tfdt` and one `trun`; ISO/IEC 14496-12
//! §8.8.4 to §8.8.12) and one `mdat` whose payload is the source's sample bytes, planned
//! as ranges of the source file so they are sent straight from it.

use crate::boxes::{mdat_header, BoxWriter};
use crate::error::{defect, Result};
use crate::init::TRACK_ID;
use loomiere_plan::Plan;

/// One sample of a segment, in decode order.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SampleRow {
    /// Duration in media ticks (the source's `stts` delta).
    pub duration: u32,
    /// Size in bytes.
    pub size: u32,
    /// Composition time offset in media ticks, signed (`trun` version 1).
    pub cto: i32,
    /// A sync sample (`stss`; every sample of a track without one).
    pub sync: bool,
}

/// The header of a media segment: what goes before its sample bytes.
#[derive(Clone, Copy, Debug)]
pub struct Fragment<'a> {
    /// `mfhd` sequence_number: the segment's number (1-based, as in its URL).
    pub sequence: u32,
    /// `tfdt` baseMediaDecodeTime: decode time of the first sample, media ticks.
    pub base_decode_time: u64,
    /// The `stsd` entry (1-based) the samples use.
    pub description_index: u32,
    /// Whether the `trun` carries composition offsets: true for a track with any
    /// (`ctts`), so every segment of it has the same layout and its size is known
    /// from its sample count (see [`segment_header_len`]).
    pub offsets: bool,
    /// The samples, in decode order (at least one).
    pub samples: &'a [SampleRow],
}

/// `tfhd` flag: the data offsets are relative to the `moof` (§8.8.7.1).
const DEFAULT_BASE_IS_MOOF: u32 = 0x02_0000;
/// `tfhd` flag: `sample_description_index` is present.
const DESCRIPTION_PRESENT: u32 = 0x00_0002;
/// `trun` flags (§8.8.8.1): data offset, then per sample duration, size, flags and
/// composition time offset.
const DATA_OFFSET: u32 = 0x00_0001;
const DURATIONS: u32 = 0x00_0100;
const SIZES: u32 = 0x00_0200;
const FLAGS: u32 = 0x00_0400;
const OFFSETS: u32 = 0x00_0800;

/// Sample flags (§8.8.3.1) of a sync sample: depends on no other sample.
pub const SYNC_FLAGS: u32 = 0x0200_0000;
/// Sample flags of any other sample: depends on others, and is not a sync sample.
pub const NON_SYNC_FLAGS: u32 = 0x0101_0000;

impl Fragment<'_> {
    /// Bytes of sample data the `mdat` carries.
    pub fn payload_len(&self) -> u64 {
        self.samples.iter().map(|s| u64::from(s.size)).sum()
    }
}

/// `styp`, `moof` and the `mdat` header of `f`; its sample bytes follow.
///
/// Errors: no samples, or a segment too large for a 32-bit `trun` data offset.
pub fn segment_header(f: &Fragment<'_>) -> Result<Vec<u8>> {
    if f.samples.is_empty() {
        return Err(defect!("a media segment needs at least one sample"));
    }
    let mdat = mdat_header(f.payload_len()).ok_or_else(|| defect!("segment too large"))?;
    let mut w = BoxWriter::default();
    styp(&mut w);
    let moof_start = w.out.len();
    let moof = w.begin(b"moof");
    let mfhd = w.begin_full(b"mfhd", 0, 0);
    w.u32(f.sequence);
    w.end(mfhd);
    let traf = w.begin(b"traf");
    tfhd(&mut w, f.description_index);
    let tfdt = w.begin_full(b"tfdt", 1, 0);
    w.u64(f.base_decode_time);
    w.end(tfdt);
    let data_offset_at = trun(&mut w, f);
    w.end(traf);
    w.end(moof);
    // The payload starts after the moof and the mdat header (default-base-is-moof).
    let offset = w.out.len() - moof_start + mdat.len();
    let offset = i32::try_from(offset).map_err(|_| defect!("moof too large"))?;
    w.out[data_offset_at..data_offset_at + 4].copy_from_slice(&offset.to_be_bytes());
    w.bytes(&mdat);
    Ok(w.out)
}

/// The whole media segment of `f` as a plan: the header, then the sample bytes as the
/// file ranges `data` (`(offset, len)` in bytes, in decode order; adjacent ranges merge).
///
/// Errors: as [`segment_header`]; `data` does not hold exactly the samples' bytes; a
/// range past `u64`.
pub fn media_segment(f: &Fragment<'_>, data: &[(u64, u64)]) -> Result<Plan> {
    let total = data.iter().try_fold(0u64, |acc, r| acc.checked_add(r.1));
    if total != Some(f.payload_len()) {
        return Err(defect!(
            "the sample ranges do not hold the segment's samples"
        ));
    }
    let mut plan = Plan::new();
    plan.push_bytes(segment_header(f)?)
        .map_err(|e| defect!("{e}"))?;
    for &(offset, len) in data {
        plan.push_file(offset, len).map_err(|e| defect!("{e}"))?;
    }
    Ok(plan)
}

/// `styp` (§8.16.2): major brand `msdh` (a media segment), compatible with `msdh` and
/// CMAF's segment brand `cmfs`.
fn styp(w: &mut BoxWriter) {
    let b = w.begin(b"styp");
    w.bytes(b"msdh");
    w.u32(0);
    w.bytes(b"msdh");
    w.bytes(b"cmfs");
    w.end(b);
}

/// `tfhd` (§8.8.7): default-base-is-moof, and the description index when it is not the
/// `trex` default 1.
fn tfhd(w: &mut BoxWriter, description_index: u32) {
    let extra = if description_index == 1 {
        0
    } else {
        DESCRIPTION_PRESENT
    };
    let b = w.begin_full(b"tfhd", 0, DEFAULT_BASE_IS_MOOF | extra);
    w.u32(TRACK_ID);
    if extra != 0 {
        w.u32(description_index);
    }
    w.end(b);
}

/// `trun` version 1 (§8.8.8, signed composition offsets) with every sample's duration,
/// size and flags, and composition offsets when `f.offsets`. Returns where the data
/// offset is, to fill in once the `moof` size is known.
fn trun(w: &mut BoxWriter, f: &Fragment<'_>) -> usize {
    let offsets = f.offsets;
    let flags = DATA_OFFSET | DURATIONS | SIZES | FLAGS | if offsets { OFFSETS } else { 0 };
    let b = w.begin_full(b"trun", 1, flags);
    // The sample count fits: a segment's rows come from one track's u32-numbered samples.
    w.u32(f.samples.len() as u32);
    let at = w.out.len();
    w.i32(0);
    for s in f.samples {
        w.u32(s.duration);
        w.u32(s.size);
        w.u32(if s.sync { SYNC_FLAGS } else { NON_SYNC_FLAGS });
        if offsets {
            w.i32(s.cto);
        }
    }
    w.end(b);
    at
}

/// Bytes of the header [`segment_header`] writes for `samples` samples, without
/// writing it: for playlists' bandwidths, which count whole segments.
pub fn segment_header_len(
    samples: u64,
    offsets: bool,
    description_index: u32,
    payload: u64,
) -> u64 {
    let styp = 8 + 4 + 4 + 8;
    let tfhd = 16 + if description_index == 1 { 0 } else { 4 };
    let trun = 20 + samples * if offsets { 16 } else { 12 };
    let moof = 8 + 16 + 8 + tfhd + 20 + trun;
    let mdat = if payload.saturating_add(8) > u64::from(u32::MAX) {
        16
    } else {
        8
    };
    styp + moof + mdat
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(n: u32, cto: i32) -> Vec<SampleRow> {
        (0..n)
            .map(|i| SampleRow {
                duration: 512,
                size: 100 + i,
                cto,
                sync: i == 0,
            })
            .collect()
    }

    #[test]
    fn header_length_is_predicted_exactly() {
        for (n, cto, sdi) in [(1, 0, 1), (7, 0, 1), (7, -1024, 1), (3, 512, 2)] {
            let r = rows(n, cto);
            let f = Fragment {
                sequence: 3,
                base_decode_time: 1 << 40,
                description_index: sdi,
                offsets: cto != 0,
                samples: &r,
            };
            let h = segment_header(&f).unwrap();
            let want = segment_header_len(u64::from(n), cto != 0, sdi, f.payload_len());
            assert_eq!(h.len() as u64, want, "{n} samples, cto {cto}, sdi {sdi}");
        }
    }

    #[test]
    fn data_offset_points_past_the_mdat_header() {
        let r = rows(2, 0);
        let f = Fragment {
            sequence: 1,
            base_decode_time: 0,
            description_index: 1,
            offsets: false,
            samples: &r,
        };
        let h = segment_header(&f).unwrap();
        let moof = h.windows(4).position(|w| w == b"moof").unwrap() - 4;
        let trun = h.windows(4).position(|w| w == b"trun").unwrap() - 4;
        let offset = i32::from_be_bytes(h[trun + 16..trun + 20].try_into().unwrap());
        assert_eq!(
            moof + offset as usize,
            h.len(),
            "payload follows the header"
        );
        assert_eq!(&h[h.len() - 4..], b"mdat");
    }

    #[test]
    fn media_segment_refuses_ranges_that_do_not_hold_the_samples() {
        let r = rows(2, 0); // 100 + 101 bytes
        let f = Fragment {
            sequence: 1,
            base_decode_time: 0,
            description_index: 1,
            offsets: false,
            samples: &r,
        };
        assert!(media_segment(&f, &[(1000, 201)]).is_ok());
        assert!(media_segment(&f, &[(1000, 200)]).is_err());
        assert!(media_segment(&f, &[(u64::MAX, 201)]).is_err());
        let none = Fragment { samples: &[], ..f };
        assert!(segment_header(&none).is_err());
    }
}
