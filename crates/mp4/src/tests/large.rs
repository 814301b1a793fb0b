//! Files past 4 GiB: written sparsely to a temporary file (no disk is used for the
//! holes) and memory-mapped; the planner and the oracle read only what they look up.

use super::build::Trk;
use super::file::{Built, Mov};
use super::{against_model, oracle, read, seek};
use crate::plan;
use memmap2::Mmap;
use std::fs::{self, OpenOptions};
use std::os::unix::fs::FileExt;
use std::path::PathBuf;

const GIB: u64 = 1 << 30;

/// Removes the temporary file when dropped, also when a test fails.
struct Temp(PathBuf);

impl Drop for Temp {
    fn drop(&mut self) {
        let _ = fs::remove_file(&self.0);
    }
}

/// Writes `b` sparsely to a new temporary file and maps it.
fn sparse(name: &str, b: &Built) -> (Temp, Mmap) {
    let path = std::env::temp_dir().join(format!(
        "loomiere-mp4-test-{}-{name}.mp4",
        std::process::id()
    ));
    let f = OpenOptions::new()
        .read(true)
        .write(true)
        .create_new(true)
        .open(&path)
        .unwrap();
    let temp = Temp(path);
    f.set_len(b.len).unwrap();
    for (at, bytes) in &b.parts {
        f.write_all_at(bytes, *at).unwrap();
    }
    // SAFETY: the file is private to this test (created with create_new, removed on
    // drop) and nothing truncates it while the map lives.
    let map = unsafe { Mmap::map(&f) }.unwrap();
    (temp, map)
}

/// Output tables of a relocation of `file`, after the oracle's checks.
fn relocate(file: &[u8]) -> read::MovieTables {
    oracle::relocated(file, &plan(file, seek(None, None)).unwrap()).1
}

#[test]
fn co64_chunks_past_4_gib() {
    for moov_first in [true, false] {
        let mut m = Mov::new(vec![Trk::video(100, 25), Trk::audio(188)]);
        m.tracks.iter_mut().for_each(|t| t.co64 = true);
        (m.mdat_large, m.gap, m.moov_first) = (true, 4 * GIB + 4096, moov_first);
        let built = m.build();
        let (_temp, map) = sparse(&format!("co64-{moov_first}"), &built);
        for s in [
            seek(Some(2100), None),
            seek(Some(1000), Some(2500)),
            seek(None, Some(40)),
        ] {
            against_model(&m, &map, s);
        }
        if moov_first {
            oracle::as_stored(&map, &plan(&map, seek(None, None)).unwrap());
        } else {
            let out = relocate(&map);
            assert!(out
                .tracks
                .iter()
                .all(|t| t.offsets[0] > 4 * GIB && &t.offset_typ == b"co64"));
        }
    }
}

#[test]
fn moving_moov_first_switches_stco_to_co64_past_4_gib() {
    // Video chunks first, then a hole, then the audio chunks ending 64 bytes short of
    // 4 GiB, then moov: every input offset fits stco, but moving moov (about 2 KB) in
    // front pushes the last audio chunks past 2^32, so the whole track needs co64.
    let mut m = Mov::new(vec![Trk::video(50, 25), Trk::audio(94)]);
    (m.moov_first, m.interleave, m.gap_after) = (false, false, m.tracks[0].chunks.len());
    let small = m.build();
    let moov_len = read::find(&small.bytes(), "moov").len;
    m.gap = 4 * GIB - 64 - (small.len - moov_len);
    let built = m.build();
    let (_temp, map) = sparse("stco", &built);
    let input = read::movie(&map[(built.len - moov_len) as usize..]);
    let audio = &input.tracks[1].offsets;
    assert!(audio.iter().all(|&o| o < 4 * GIB), "the input fits stco");
    assert!(
        audio.iter().any(|&o| o + moov_len < 4 * GIB)
            && audio.iter().any(|&o| o + moov_len > 4 * GIB),
        "mixed after the move"
    );
    let out = relocate(&map);
    assert_eq!(
        &out.tracks[0].offset_typ, b"stco",
        "video offsets stay small"
    );
    assert_eq!(
        &out.tracks[1].offset_typ, b"co64",
        "audio offsets pass 2^32"
    );
    assert!(out.tracks[1].offsets.iter().any(|&o| o > 4 * GIB));
    for s in [seek(Some(1000), None), seek(Some(500), Some(1500))] {
        against_model(&m, &map, s);
    }
}

#[test]
fn a_cut_of_more_than_4_gib_gets_a_64_bit_mdat() {
    // Four frames of 40 ms; frames 1 and 2 are 3 GiB and 2.5 GiB.
    let sizes = vec![1000, 3 << 30, 5 << 29, 1000];
    let mut m = Mov::new(vec![Trk::new(b"vide", 12800, vec![512; 4], sizes, 1)]);
    (m.tracks[0].co64, m.mdat_large, m.moov_first) = (true, true, false);
    let built = m.build();
    let (_temp, map) = sparse("big-cut", &built);
    let s = seek(Some(40), None);
    let p = plan(&map, s).unwrap();
    assert!(
        p.plan.len() > 11 * GIB / 2,
        "the body carries 5.5 GiB of samples"
    );
    against_model(&m, &map, s);
    against_model(&m, &map, seek(Some(80), Some(120)));
    relocate(&map);
}
