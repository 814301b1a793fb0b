//! Corrupt files: a seek that must read through the defect gets `FlvError::Defect`
//! naming it and its byte; without a seek the file is served as stored, with the
//! defect in the notes. Never a panic.

use super::build::*;
use super::{bytes, cut, defect, millis};
use crate::{plan, Shape};

/// Sets the 24-bit `DataSize` of the tag at `at`.
fn set_size(file: &mut [u8], at: u64, size: u32) {
    let at = at as usize;
    file[at + 1..at + 4].copy_from_slice(&size.to_be_bytes()[1..]);
}

/// Every corrupt file, its name, and the words its defect must contain; the seek is
/// by time without an index, so the planner reads every tag header up to 7 s.
fn corrupt_files() -> Vec<(&'static str, Vec<u8>, String)> {
    let b = h264(false);
    let mid = b.offsets[41];
    let mut past_end = b.bytes.clone();
    set_size(&mut past_end, mid, 0xff_ffff);
    let mut garbage = b.bytes.clone();
    garbage[13..40].copy_from_slice(b"this is not an FLV tag.....");
    let mut big_offset = b.bytes.clone();
    big_offset[5..9].copy_from_slice(&u32::MAX.to_be_bytes());
    let mut small_offset = b.bytes.clone();
    small_offset[5..9].copy_from_slice(&8u32.to_be_bytes());
    let mut not_flv = b.bytes.clone();
    not_flv[..3].copy_from_slice(b"FWS");
    let total = b.bytes.len();
    vec![
        ("truncated tag header", b.bytes[..mid as usize + 5].to_vec(), format!("truncated tag at byte {mid}: 5 of the 11 header bytes")),
        ("truncated tag data", b.bytes[..mid as usize + 30].to_vec(), format!("tag at byte {mid}: data size 125 runs past the end of the file")),
        ("truncated PreviousTagSize", b.bytes[..b.offsets[42] as usize - 1].to_vec(), format!("truncated tag at byte {mid}: its PreviousTagSize is cut short")),
        ("tag size past the end", past_end, format!("tag at byte {mid}: data size 16777215 runs past the end of the file ({total} bytes)")),
        ("garbage after the header", garbage, "garbage after the FLV header (first tag at byte 13): byte 13 is not a tag: type byte 0x74".to_owned()),
        ("DataOffset past the end", big_offset, "header DataOffset 4294967295 points past the end".to_owned()),
        ("DataOffset inside the header", small_offset, "header DataOffset 8 is shorter than the 9-byte header".to_owned()),
        ("not FLV", not_flv, "not an FLV file: it starts with 46 57 53, not \"FLV\"".to_owned()),
        ("header cut short", b.bytes[..7].to_vec(), "not an FLV file: 7 bytes, shorter than the 9-byte header".to_owned()),
        ("empty", Vec::new(), "not an FLV file: 0 bytes".to_owned()),
    ]
}

#[test]
fn every_defect_on_the_way_to_the_seek_point_is_named() {
    for (what, file, want) in corrupt_files() {
        let why = defect(plan(&file, millis(Some(7000), None)));
        assert!(why.contains(&want), "{what}: {why:?} lacks {want:?}");
    }
}

#[test]
fn without_a_seek_a_corrupt_file_is_served_as_stored_with_the_defect_logged() {
    for (what, file, _) in corrupt_files() {
        let (p, out) = cut(&file, bytes(None, None));
        assert_eq!(p.shape, Shape::AsStored, "{what}");
        assert!(out == file, "{what}: the body is not the file");
        assert!(!p.notes.is_empty(), "{what}: no note about the defect");
    }
}

#[test]
fn a_defect_after_the_seek_point_ends_the_time_map_but_not_the_answer() {
    let b = h264(false);
    let file = &b.bytes[..b.offsets[80] as usize + 20];
    let (p, out) = cut(file, bytes(Some(b.offsets[43]), None));
    assert_eq!(
        out,
        super::expected(&b, 5, &[0, 1, 2], 43, file.len() as u64)
    );
    assert!(
        p.notes
            .iter()
            .any(|n| n.contains("time map stops early") && n.contains("data size")),
        "{:?}",
        p.notes
    );
    let why = defect(plan(file, millis(Some(4500), Some(9000))));
    assert!(
        why.contains("runs past the end of the file"),
        "an end past the defect: {why}"
    );
}

#[test]
fn a_defect_before_a_byte_seek_point_does_not_matter() {
    let mut b = h264(false);
    set_size(&mut b.bytes, b.offsets[30], 0xff_ffff);
    let (p, out) = cut(&b.bytes, bytes(Some(b.offsets[63]), None));
    assert_eq!(
        out,
        super::expected(&b, 5, &[0, 1, 2], 63, b.bytes.len() as u64)
    );
    assert!(p.notes.is_empty(), "{:?}", p.notes);
    let (p, _) = cut(&b.bytes, bytes(Some(b.offsets[30]), None));
    assert_eq!(
        p.start,
        Some(b.offsets[43]),
        "the broken tag is no boundary: snapped past it"
    );
}
