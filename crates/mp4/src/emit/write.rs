//! Writers for the boxes a cut rewrites (ISO/IEC 14496-12 §8.2.2, §8.3.2, §8.4.2,
//! §8.6, §8.7). Unchanged table parts stay file ranges; only what changes is generated.

use crate::cut::runs::RunsCut;
use crate::cut::stsc::StscCut;
use crate::emit::out::Out;
use crate::emit::shifted::ShiftedEntries;
use crate::error::{add, defect, Result};
use crate::parse::boxes::{header, Bx};
use crate::parse::sizes::Sizes;
use crate::parse::stsc::Stsc;
use std::sync::Arc;

/// Box header plus FullBox version/flags copied from the original box.
fn full_header(typ: &[u8; 4], original: &Bx<'_>, body_len: u64) -> Result<Vec<u8>> {
    let vf = original
        .payload()
        .get(..4)
        .ok_or_else(|| defect!("'{}' has no version/flags", original.name()))?;
    let mut h = header(typ, body_len + 4)?;
    h.extend_from_slice(vf);
    Ok(h)
}

/// A copy of `b` with the duration field at payload byte `at` (4 bytes for version 0,
/// 8 for version 1) set to `duration`. Used for `mvhd` (§8.2.2), `tkhd` (§8.3.2) and
/// `mdhd` (§8.4.2). Errors: the new value does not fit a version 0 field.
pub(crate) fn with_duration(
    b: &Bx<'_>,
    v0_at: usize,
    v1_at: usize,
    duration: u64,
) -> Result<Vec<u8>> {
    let mut v = b.data.to_vec();
    let wide = b.version()? == 1;
    let at = b.header_len + if wide { v1_at } else { v0_at };
    let field: Vec<u8> = if wide {
        duration.to_be_bytes().to_vec()
    } else {
        u32::try_from(duration)
            .map_err(|_| defect!("'{}' duration {duration} needs version 1", b.name()))?
            .to_be_bytes()
            .to_vec()
    };
    let slot = v
        .get_mut(at..at + field.len())
        .ok_or_else(|| defect!("'{}' is cut short", b.name()))?;
    slot.copy_from_slice(&field);
    Ok(v)
}

/// A cut run-length table (`stts`, `ctts`, `sbgp`): header, then `prefix_len` bytes
/// copied from the original payload after version/flags (`sbgp` grouping fields), the
/// new entry count, then head entry, middle file range, tail entry.
pub(crate) fn runs_box(original: &Bx<'_>, prefix_len: usize, t: &RunsCut) -> Result<Out> {
    let prefix = original
        .payload()
        .get(4..4 + prefix_len)
        .ok_or_else(|| defect!("'{}' is cut short", original.name()))?;
    let middle_len = t.middle.map_or(0, |m| m.1);
    let body_len = prefix_len as u64 + 4 + t.head.len() as u64 + middle_len + t.tail.len() as u64;
    let mut o = Out::default();
    let mut h = full_header(&original.typ, original, body_len)?;
    h.extend_from_slice(prefix);
    h.extend_from_slice(&t.count.to_be_bytes());
    h.extend_from_slice(&t.head);
    o.bytes(h)?;
    if let Some((offset, len)) = t.middle {
        o.file(offset, len)?;
    }
    o.bytes(t.tail.clone())?;
    Ok(o)
}

/// `stss` (§8.6.2) of a cut: source entries `from..to` (1-based sample numbers),
/// renumbered by subtracting `first` while sending.
pub(crate) fn stss_box(original: &Bx<'_>, from: u32, to: u32, first: u32) -> Result<Out> {
    let count = to - from;
    let mut head = full_header(b"stss", original, 4 + 4 * u64::from(count))?;
    head.extend_from_slice(&count.to_be_bytes());
    let mut o = Out::default();
    o.bytes(head)?;
    let src = add(
        original.payload_offset(),
        8 + 4 * u64::from(from),
        "stss entry",
    )?;
    o.gen(Arc::new(ShiftedEntries {
        src,
        count,
        size: 4,
        shift: first,
    }))?;
    Ok(o)
}

/// `stsc` (§8.7.4) of a cut: generated head entries, the source's middle entries
/// renumbered while sending, and a generated tail entry.
pub(crate) fn stsc_box(original: &Bx<'_>, table: &Stsc<'_>, cut: &StscCut) -> Result<Out> {
    let mut head = full_header(b"stsc", original, 4 + 12 * u64::from(cut.count()))?;
    head.extend_from_slice(&cut.count().to_be_bytes());
    let entry = |v: &mut Vec<u8>, (a, b, c): &(u32, u32, u32)| {
        [a, b, c]
            .iter()
            .for_each(|x| v.extend_from_slice(&x.to_be_bytes()))
    };
    cut.head.iter().for_each(|e| entry(&mut head, e));
    let mut o = Out::default();
    o.bytes(head)?;
    if let Some((from, count)) = cut.middle {
        let src = add(table.entries.offset, u64::from(from) * 12, "stsc entry")?;
        o.gen(Arc::new(ShiftedEntries {
            src,
            count,
            size: 12,
            shift: cut.shift,
        }))?;
    }
    let mut tail = Vec::new();
    cut.tail.iter().for_each(|e| entry(&mut tail, e));
    o.bytes(tail)?;
    Ok(o)
}

/// `stsz` (§8.7.3.2) for samples `first..end`: a constant size stays constant, a 32-bit
/// table becomes a file range, and a compact `stz2` table is expanded to `stsz`.
pub(crate) fn stsz_box(sizes: &Sizes<'_>, first: u32, end: u32) -> Result<Out> {
    let n = end - first;
    let mut o = Out::default();
    match sizes {
        Sizes::Constant { size, .. } => {
            o.bytes(fixed_stsz_header(*size, n, 0)?)?;
        }
        Sizes::Table {
            entries,
            field_bits: 32,
            ..
        } => {
            o.bytes(fixed_stsz_header(0, n, 4 * u64::from(n))?)?;
            o.file(entries.offset + 4 * u64::from(first), 4 * u64::from(n))?;
        }
        Sizes::Table { .. } => {
            let mut v = fixed_stsz_header(0, n, 4 * u64::from(n))?;
            (first..end).for_each(|i| v.extend_from_slice(&sizes.get(i).to_be_bytes()));
            o.bytes(v)?;
        }
    }
    Ok(o)
}

/// `stsz` header with version/flags 0, `sample_size` and `sample_count`; `table_len`
/// bytes of entries are to follow.
fn fixed_stsz_header(size: u32, count: u32, table_len: u64) -> Result<Vec<u8>> {
    let mut v = header(b"stsz", 12 + table_len)?;
    v.extend_from_slice(&[0, 0, 0, 0]);
    v.extend_from_slice(&size.to_be_bytes());
    v.extend_from_slice(&count.to_be_bytes());
    Ok(v)
}

/// `sdtp` (§8.6.4) for samples `first..end`: one byte per sample, as a file range
/// (clipped to the entries the original really has).
pub(crate) fn sdtp_box(original: &Bx<'_>, first: u32, end: u32) -> Result<Out> {
    let have = original.payload().len().saturating_sub(4) as u64;
    let from = u64::from(first).min(have);
    let to = u64::from(end).min(have);
    let mut o = Out::default();
    o.bytes(full_header(b"sdtp", original, to - from)?)?;
    o.file(original.payload_offset() + 4 + from, to - from)?;
    Ok(o)
}

/// `edts` with one `elst` (§8.6.6): an optional empty edit of `empty` movie ticks, then
/// one media edit of `duration` movie ticks from `media_time` (media ticks), rate 1.
pub(crate) fn edts_box(empty: u64, duration: u64, media_time: u64) -> Result<Vec<u8>> {
    let wide = [empty, duration, media_time]
        .iter()
        .any(|&v| v > i32::MAX as u64);
    let mut entries: Vec<(u64, i64)> = Vec::new();
    if empty > 0 {
        entries.push((empty, -1));
    }
    let mt = i64::try_from(media_time).map_err(|_| defect!("media_time {media_time} too large"))?;
    entries.push((duration, mt));
    let size = if wide { 20 } else { 12 };
    let mut elst = header(b"elst", 8 + size * entries.len() as u64)?;
    elst.extend_from_slice(&[u8::from(wide), 0, 0, 0]);
    elst.extend_from_slice(&(entries.len() as u32).to_be_bytes());
    for (d, t) in entries {
        if wide {
            elst.extend_from_slice(&d.to_be_bytes());
            elst.extend_from_slice(&t.to_be_bytes());
        } else {
            // wide is false, so both fit in 32 bits.
            elst.extend_from_slice(&(d as u32).to_be_bytes());
            elst.extend_from_slice(&(t as i32).to_be_bytes());
        }
        elst.extend_from_slice(&[0, 1, 0, 0]);
    }
    let mut edts = header(b"edts", elst.len() as u64)?;
    edts.extend_from_slice(&elst);
    Ok(edts)
}
