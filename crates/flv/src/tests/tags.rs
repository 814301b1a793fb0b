//! Tag headers and what a tag is to a seek, over tags built byte by byte.

use super::build::*;
use crate::tag::{self, Kind, Role};

#[test]
fn header_fields_including_the_extended_timestamp() {
    let b = build(5, &[T::new(9, 0x0123_4567, vec![0x17, 1, 0, 0, 0])]);
    let t = tag::read(&b.bytes, 13).unwrap().unwrap();
    assert_eq!(
        (t.kind, t.filtered, t.size, t.ts, t.stream_id),
        (Kind::Video, false, 5, 0x0123_4567, 0)
    );
    assert_eq!((t.data(), t.trailer(), t.next()), (24, 29, 33));
    assert_eq!(
        tag::read(&b.bytes, 33).unwrap(),
        None,
        "exactly at the end: no tag"
    );
}

#[test]
fn defective_headers_name_the_defect_and_the_byte() {
    let good = build(5, &[avc_key(0, 20)]).bytes;
    let mut reserved = good.clone();
    reserved[13] = 0x49;
    let mut unknown = good.clone();
    unknown[13] = 7;
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        (
            "header cut short",
            good[..20].to_vec(),
            "truncated tag at byte 13: 7 of the 11 header bytes",
        ),
        (
            "data past the end",
            good[..40].to_vec(),
            "data size 25 runs past the end of the file (40 bytes)",
        ),
        (
            "trailer cut short",
            good[..good.len() - 2].to_vec(),
            "truncated tag at byte 13: its PreviousTagSize is cut short",
        ),
        (
            "reserved bits",
            reserved,
            "byte 13 is not a tag: type byte 0x49",
        ),
        (
            "unknown type",
            unknown,
            "byte 13 is not a tag: type byte 0x07",
        ),
    ];
    for (what, file, want) in cases {
        let got = tag::read(&file, 13).expect_err(what).to_string();
        assert!(
            got.contains(want),
            "{what}: {got:?} does not contain {want:?}"
        );
    }
}

#[test]
fn roles_of_every_codec_layout() {
    let ex = |b: u8| T::new(9, 0, vec![b, 0, 0, 0, 0]);
    let cases: Vec<(&str, T, Role)> = vec![
        ("AVC sequence header", avc_config(), Role::VideoConfig),
        ("AVC key frame", avc_key(0, 4), Role::VideoKey),
        ("AVC inter frame", avc_inter(0, 4), Role::Video),
        ("AVC end of sequence marked key", avc_end(0), Role::Video),
        (
            "HEVC (codec 12) key frame",
            T::new(9, 0, vec![0x1c, 1, 0, 0, 0]),
            Role::VideoKey,
        ),
        (
            "HEVC (codec 12) sequence header",
            T::new(9, 0, vec![0x1c, 0, 0, 0, 0]),
            Role::VideoConfig,
        ),
        ("Sorenson key frame", h263(0, true, 4), Role::VideoKey),
        ("Sorenson inter frame", h263(0, false, 4), Role::Video),
        ("VP6 key frame", T::new(9, 0, vec![0x14, 0]), Role::VideoKey),
        (
            "video info/command frame",
            T::new(9, 0, vec![0x57, 0]),
            Role::Video,
        ),
        ("enhanced SequenceStart", ex(0x90), Role::VideoConfig),
        ("enhanced CodedFrames key", ex(0x91), Role::VideoKey),
        ("enhanced CodedFramesX key", ex(0x93), Role::VideoKey),
        ("enhanced CodedFrames inter", ex(0xa1), Role::Video),
        ("enhanced SequenceEnd", ex(0x92), Role::Video),
        ("enhanced command frame", ex(0xd0), Role::Video),
        ("empty video tag", T::new(9, 0, vec![]), Role::Video),
        (
            "AVC tag cut after one byte",
            T::new(9, 0, vec![0x17]),
            Role::Video,
        ),
        (
            "encrypted (filtered) key frame",
            T::new(9 | 0x20, 0, vec![0x17, 1, 0, 0, 0]),
            Role::Video,
        ),
        ("AAC config", aac_config(), Role::AudioConfig),
        ("AAC raw", aac(0, 4), Role::Audio),
        ("MP3", mp3(0, 4), Role::Audio),
        ("script", meta(None), Role::Script),
    ];
    for (what, t, want) in cases {
        let b = build(5, &[t]);
        let got = tag::read(&b.bytes, 13).unwrap().unwrap();
        assert_eq!(tag::role(&b.bytes, &got), want, "{what}");
    }
}

#[test]
fn a_boundary_needs_stream_id_zero_a_matching_trailer_and_a_tag_after_it() {
    let good = build(5, &[avc_key(0, 8), aac(0, 8)]);
    assert!(tag::plausible(&good.bytes, 13).is_some());
    assert!(
        tag::plausible(&good.bytes, good.offsets[1]).is_some(),
        "the last tag: followed by the end"
    );
    for at in 14..good.offsets[1] {
        assert!(
            tag::plausible(&good.bytes, at).is_none(),
            "byte {at} inside a tag"
        );
    }
    let mut sid = avc_key(0, 8);
    sid.stream_id = 1;
    let mut trailer = avc_key(0, 8);
    trailer.trailer = Some(0);
    let mut next_bad = build(5, &[avc_key(0, 8), aac(0, 8)]).bytes;
    next_bad[good.offsets[1] as usize] = 0x41;
    assert!(
        tag::plausible(&build(5, &[sid]).bytes, 13).is_none(),
        "stream id 1"
    );
    assert!(
        tag::plausible(&build(5, &[trailer]).bytes, 13).is_none(),
        "PreviousTagSize 0"
    );
    assert!(
        tag::plausible(&next_bad, 13).is_none(),
        "followed by a byte that starts no tag"
    );
}
