//! Segmented delivery (`Segmented`) on films built byte by byte: inputs the fuzz target
//! `segmented` found, each pinned here so it stays a clean error instead of a panic.

use super::build::Trk;
use super::file::Mov;
use super::read::find;
use crate::{Mp4Error, Segmented};
use loomiere_cmaf::names::{Kind, Rendition};

const V1: Rendition = Rendition {
    kind: Kind::Video,
    number: 1,
};
const A1: Rendition = Rendition {
    kind: Kind::Audio,
    number: 1,
};

/// 6 s of B-frame video and audio, moov first.
fn film() -> Vec<u8> {
    Mov::new(vec![Trk::bframes(150), Trk::audio(282)])
        .build()
        .bytes()
}

/// Segment 0 is no segment: a 404 (`NotFound`), not an overflow of `n - 1` (the
/// `segmented` fuzz target's first crash; the URL parser never names segment 0, but
/// `Segmented::segment` is public).
#[test]
fn segment_zero_is_not_found() {
    let file = film();
    let f = Segmented::open(&file, None, 2000).expect("opens");
    for r in [V1, A1] {
        assert!(f.segment(1, r).is_ok(), "{r}: segment 1 exists");
        match f.segment(0, r) {
            Err(Mp4Error::NotFound(s)) => assert!(s.contains("count from 1"), "{s}"),
            other => panic!("{r}: segment 0 gave {:?}", other.map(|p| p.len())),
        }
    }
}

/// The last segment number there is, and the one past it (`u32::MAX` included).
#[test]
fn numbers_past_the_end_are_not_found() {
    let file = film();
    let f = Segmented::open(&file, None, 2000).expect("opens");
    for r in [V1, A1] {
        let last = (1..100).take_while(|&n| f.segment(n, r).is_ok()).last();
        let last = last.expect("at least one segment");
        for n in [last + 1, u32::MAX] {
            assert!(
                matches!(f.segment(n, r), Err(Mp4Error::NotFound(_))),
                "{r}: segment {n}"
            );
        }
    }
}

/// A chunk in the middle of a segment that lies past the end of the file is a defect
/// (500), not a planned body shorter than its Content-Length: only the segment's last
/// sample was checked, but chunk offsets need not grow (the fuzz target's second crash).
#[test]
fn a_chunk_past_the_end_is_a_defect() {
    let mut file = film();
    let stco = find(&file, "moov/trak[0]/mdia/minf/stbl/stco");
    // Payload: version and flags, entry count, then chunk offsets; the third chunk
    // (video samples 11 to 15, in segment 1) moves past the end.
    let at = (stco.at + stco.hdr + 8 + 2 * 4) as usize;
    file[at..at + 4].copy_from_slice(&0xffff_ff00u32.to_be_bytes());
    let f = Segmented::open(&file, None, 2000).expect("opens");
    match f.segment(1, V1) {
        Err(Mp4Error::Defect(s)) => assert!(s.contains("past the end of the file"), "{s}"),
        other => panic!("segment 1 gave {:?}", other.map(|p| p.slices().to_vec())),
    }
    assert!(f.segment(1, A1).is_ok(), "the audio's chunks are untouched");
}
