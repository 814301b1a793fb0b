//! Corrupt inputs: each must give `Mp4Error::Defect` naming the defect, never a panic,
//! never an allocation sized by a count from the file.

use super::build::{be, bx, chunks_cycling, full, SizeBox, Trk, Tweak};
use super::file::Mov;
use super::read::{find, u32at};
use super::{defect, oracle, seek};
use crate::{plan, Mp4Error, Shape};
use std::rc::Rc;

const STBL0: &str = "moov/trak[0]/mdia/minf/stbl";
const STBL1: &str = "moov/trak[1]/mdia/minf/stbl";
const STBL2: &str = "moov/trak[2]/mdia/minf/stbl";

/// Every optional table present: B-frame video with `sdtp` and `sbgp`, audio with
/// `stz2` and `co64` in chunks of varying size (several `stsc` entries), and subtitles
/// with a constant `stsz`.
fn rich(moov_first: bool) -> Mov {
    let mut v = Trk::bframes(150);
    v.sbgp = Some(1);
    let mut a = Trk::audio(282);
    (a.size_box, a.co64) = (SizeBox::Stz2(8), true);
    a.chunks = chunks_cycling(282, &[8, 8, 3]);
    let mut s = Trk::text(6, 1000);
    s.size_box = SizeBox::Constant;
    let mut m = Mov::new(vec![v, a, s]);
    m.moov_first = moov_first;
    m
}

/// Overwrites the `u32` at payload byte `at` of the box at `path`.
fn set(file: &mut [u8], path: &str, at: u64, value: u32) {
    let h = find(file, path);
    let i = (h.at + h.hdr + at) as usize;
    file[i..i + 4].copy_from_slice(&value.to_be_bytes());
}

/// Adds `delta` to the 32-bit size of the box at `path`.
fn grow(file: &mut [u8], path: &str, delta: u32) {
    let at = find(file, path).at as usize;
    let size = u32at(file, at);
    file[at..at + 4].copy_from_slice(&(size + delta).to_be_bytes());
}

/// Plans `file` with a seek and without; the seek must fail with a defect containing
/// `want`; without a seek the answer is the file as stored, a checked relocation, or a
/// defect.
fn refused(file: &[u8], what: &str, want: &str) {
    match plan(file, seek(Some(2000), Some(4000))) {
        Err(Mp4Error::Defect(got)) => assert!(
            got.contains(want),
            "{what}: defect {got:?} does not name {want:?}"
        ),
        other => panic!("{what}: expected a defect naming {want:?}, got {other:?}"),
    }
    match plan(file, seek(None, None)) {
        Ok(p) if p.shape == Shape::AsStored => oracle::as_stored(file, &p),
        Ok(p) => drop(oracle::moved_boxes(file, &p)),
        Err(Mp4Error::Defect(_)) => {}
        Err(e) => panic!("{what}: no seek gave {e}"),
    }
}

/// A patch on a built file, its name, and the words the defect must contain.
type Case = (&'static str, fn(&mut Vec<u8>), &'static str);

const PATCHES: &[Case] = &[
    (
        "stsz count above its entries",
        |f| set(f, &format!("{STBL0}/stsz"), 8, 151),
        "'stsz' entry count 151 is larger than its box",
    ),
    (
        "stz2 count above its entries",
        |f| set(f, &format!("{STBL1}/stz2"), 8, 283),
        "'stz2' entry count",
    ),
    (
        "stts shorter than stsz",
        |f| set(f, &format!("{STBL0}/stts"), 8, 149),
        "stts covers 149 samples but stsz has 150",
    ),
    (
        "stco fewer chunks than samples",
        |f| set(f, &format!("{STBL0}/stco"), 4, 29),
        "stsc/stco describe 145 samples",
    ),
    (
        "co64 fewer chunks than samples",
        |f| set(f, &format!("{STBL1}/co64"), 4, 40),
        "stsc/stco describe",
    ),
    (
        "stsc fewer samples per chunk",
        |f| set(f, &format!("{STBL0}/stsc"), 12, 4),
        "stsc/stco describe 120 samples",
    ),
    (
        "stsc first_chunk repeated",
        |f| set(f, &format!("{STBL1}/stsc"), 20, 1),
        "stsc first_chunk 1 is not increasing (entry 1)",
    ),
    (
        "stsc first_chunk not 1",
        |f| set(f, &format!("{STBL1}/stsc"), 8, 2),
        "stsc first_chunk 2 is not increasing (entry 0)",
    ),
    (
        "stsc first_chunk 0",
        |f| set(f, &format!("{STBL0}/stsc"), 8, 0),
        "not increasing",
    ),
    (
        "stsc zero samples per chunk",
        |f| set(f, &format!("{STBL1}/stsc"), 12, 0),
        "zero samples per chunk",
    ),
    (
        "stss not increasing",
        |f| set(f, &format!("{STBL0}/stss"), 12, 1),
        "stss entry 1 (1) is not increasing",
    ),
    (
        "stss zero",
        |f| set(f, &format!("{STBL0}/stss"), 8, 0),
        "stss entry 0 (0)",
    ),
    (
        "stss past the samples",
        |f| set(f, &format!("{STBL0}/stss"), 12 + 4 * 23, 151),
        "stss entry 24 (151)",
    ),
    (
        "mdhd timescale zero",
        |f| set(f, "moov/trak[1]/mdia/mdhd", 12, 0),
        "mdhd timescale is zero",
    ),
    (
        "mvhd timescale zero",
        |f| set(f, "moov/mvhd", 12, 0),
        "mvhd timescale is zero",
    ),
    (
        "elst media_time negative",
        |f| set(f, "moov/trak[0]/edts/elst", 12, -2i32 as u32),
        "media_time -2 is negative",
    ),
    (
        "stz2 field size 7",
        |f| set(f, &format!("{STBL1}/stz2"), 4, 7),
        "stz2 field_size 7",
    ),
    (
        "stts box larger than stbl",
        |f| grow(f, &format!("{STBL0}/stts"), 100_000),
        "larger than",
    ),
    (
        "trak larger than moov",
        |f| grow(f, "moov/trak[1]", 100_000),
        "larger than",
    ),
    (
        "last stbl child larger than stbl by one",
        |f| grow(f, &format!("{STBL2}/stco"), 1),
        "larger than",
    ),
    (
        "moov larger than the file",
        |f| grow(f, "moov", 100_000),
        "larger than",
    ),
    (
        "moov cut short",
        |f| {
            let m = find(f, "moov");
            f.truncate((m.at + m.len / 2) as usize)
        },
        "larger than",
    ),
];

#[test]
fn patched_tables_are_named_defects() {
    for moov_first in [true, false] {
        let good = rich(moov_first).build().bytes();
        plan(&good, seek(Some(2000), Some(4000))).expect("the unpatched file plans");
        for (what, patch, want) in PATCHES {
            let mut file = good.clone();
            patch(&mut file);
            refused(&file, what, want);
        }
    }
}

#[test]
fn entry_counts_of_all_ones_in_every_table() {
    let tables = [
        (format!("{STBL0}/stts"), 4),
        (format!("{STBL0}/ctts"), 4),
        (format!("{STBL0}/stss"), 4),
        (format!("{STBL0}/stsc"), 4),
        (format!("{STBL0}/stsz"), 8),
        (format!("{STBL0}/stco"), 4),
        (format!("{STBL0}/sbgp"), 12),
        ("moov/trak[0]/edts/elst".to_string(), 4),
        (format!("{STBL1}/stz2"), 8),
        (format!("{STBL1}/co64"), 4),
        (format!("{STBL2}/stsz"), 8), // constant size: the count is checked against stts
    ];
    for moov_first in [true, false] {
        let good = rich(moov_first).build().bytes();
        for (path, at) in &tables {
            let mut file = good.clone();
            set(&mut file, path, *at, u32::MAX);
            let name = &path[path.len() - 4..];
            refused(
                &file,
                path,
                if name == "stsz" && path.starts_with("moov/trak[2]") {
                    "stts covers 6 samples but stsz has 4294967295"
                } else {
                    name
                },
            );
        }
    }
}

#[test]
fn chunks_outside_the_file_or_the_sample_data() {
    for moov_first in [true, false] {
        let good = rich(moov_first).build().bytes();
        let len = good.len() as u32;
        let stco = format!("{STBL0}/stco");
        let kept = 8 + 4 * 12; // chunk 13 of 30: frames 60..65, inside 2 s..4 s
        for (offset, want) in [
            (len - 10, "lies past the end of the file"),
            (len + 10, "past the end"),
            (u32::MAX, "past the end"),
        ] {
            let mut file = good.clone();
            set(&mut file, &stco, kept, offset);
            refused(&file, &format!("stco at {offset}"), want);
        }
    }
    // Moved first without a seek, a chunk that points into moov or past the file has
    // nowhere to go.
    let good = rich(false).build().bytes();
    let moov = find(&good, "moov");
    for offset in [moov.at as u32 + 20, good.len() as u32 + 10] {
        let mut file = good.clone();
        set(&mut file, &format!("{STBL0}/stco"), 8, offset);
        let got = defect(plan(&file, seek(None, None)));
        assert!(got.contains("points outside the sample data"), "{got}");
    }
}

/// A tweak on the `stbl` of the first track, or on the `moov` children.
enum Where {
    Stbl,
    Moov,
}

/// Files whose box structure is broken by inserting or removing boxes.
fn structural() -> Vec<(&'static str, Where, Tweak, &'static str)> {
    let insert = |at: usize, b: Vec<u8>| -> Tweak {
        Rc::new(move |k: &mut Vec<([u8; 4], Vec<u8>)>| {
            k.insert(at.min(k.len()), (*b"junk", b.clone()))
        })
    };
    let remove = |typ: &'static [u8; 4]| -> Tweak {
        Rc::new(move |k: &mut Vec<([u8; 4], Vec<u8>)>| k.retain(|c| &c.0 != typ))
    };
    let size0 = [&[0, 0, 0, 0][..], b"free", b"junk"].concat();
    let large = |n: u64| [&[0, 0, 0, 1][..], b"free", &n.to_be_bytes()].concat();
    let end = usize::MAX;
    vec![
        (
            "size 0 first in moov",
            Where::Moov,
            insert(0, size0.clone()),
            "size 0",
        ),
        (
            "size 0 last in moov",
            Where::Moov,
            insert(end, size0.clone()),
            "size 0",
        ),
        (
            "size 0 first in stbl",
            Where::Stbl,
            insert(0, size0.clone()),
            "size 0",
        ),
        (
            "size 0 last in stbl",
            Where::Stbl,
            insert(end, size0),
            "size 0",
        ),
        (
            "size 1 with largesize 8",
            Where::Stbl,
            insert(2, large(8)),
            "size 8 is smaller than its header",
        ),
        (
            "size 1 with largesize 15",
            Where::Moov,
            insert(1, large(15)),
            "size 15 is smaller than its header",
        ),
        (
            "size 1 with largesize past stbl",
            Where::Stbl,
            insert(2, large(10_000)),
            "larger than",
        ),
        (
            "size 1 with largesize 2^64-1",
            Where::Moov,
            insert(end, large(u64::MAX)),
            "larger than",
        ),
        (
            "size 1 header cut short",
            Where::Stbl,
            insert(end, large(16)[..12].to_vec()),
            "largesize is cut short",
        ),
        (
            "size 4 in moov",
            Where::Moov,
            insert(1, [&[0, 0, 0, 4][..], b"free"].concat()),
            "size 4 is smaller than its header",
        ),
        (
            "uuid shorter than its header",
            Where::Stbl,
            insert(1, bx(b"uuid", &[0; 12])),
            "size 20 is smaller than its header",
        ),
        (
            "box header cut short",
            Where::Stbl,
            insert(end, vec![0, 0, 0]),
            "box header is cut short",
        ),
        (
            "no stco or co64",
            Where::Stbl,
            remove(b"stco"),
            "'stbl' has no 'co64'",
        ),
        (
            "no stsz or stz2",
            Where::Stbl,
            remove(b"stsz"),
            "'stbl' has no 'stz2'",
        ),
        (
            "no stts",
            Where::Stbl,
            remove(b"stts"),
            "'stbl' has no 'stts'",
        ),
        (
            "no stsc",
            Where::Stbl,
            remove(b"stsc"),
            "'stbl' has no 'stsc'",
        ),
        (
            "no mvhd",
            Where::Moov,
            remove(b"mvhd"),
            "'moov' has no 'mvhd'",
        ),
        (
            "stsz without its fields",
            Where::Stbl,
            Rc::new(|k: &mut Vec<([u8; 4], Vec<u8>)>| {
                k.iter_mut()
                    .filter(|c| &c.0 == b"stsz")
                    .for_each(|c| c.1 = full(b"stsz", 0, 0, &[0; 4]))
            }),
            "stsz sample_count is cut short",
        ),
    ]
}

#[test]
fn broken_box_structure_is_a_named_defect() {
    for moov_first in [true, false] {
        for (what, place, tweak, want) in structural() {
            let mut m = rich(moov_first);
            match place {
                Where::Stbl => m.tracks[0].tweak = Some(tweak),
                Where::Moov => m.moov_tweak = Some(tweak),
            }
            refused(&m.build().bytes(), what, want);
        }
    }
}

/// Regression: a 2 KB file with a constant `stsz` claiming 2^32 - 1 one-byte samples
/// (and `stts`/`stsc` entries to match) made a seek walk billions of samples, for minutes.
#[test]
fn a_constant_sample_size_cannot_claim_more_samples_than_the_file_holds() {
    let mut v = Trk::video(10, 5);
    v.tweak = Some(Rc::new(|kids: &mut Vec<([u8; 4], Vec<u8>)>| {
        kids.retain(|k| &k.0 != b"stss");
        for k in kids.iter_mut() {
            match &k.0 {
                b"stts" => k.1 = full(b"stts", 0, 0, &be(&[1, u32::MAX, 1])),
                b"stsz" => k.1 = full(b"stsz", 0, 0, &be(&[1, u32::MAX])),
                b"stsc" => k.1 = full(b"stsc", 0, 0, &be(&[1, 1, u32::MAX, 1])),
                _ => {}
            }
        }
    }));
    let file = Mov::new(vec![v]).build().bytes();
    for start in [0, 1_000_000, 300_000_000] {
        let got = defect(plan(&file, seek(Some(start), None)));
        assert!(
            got.contains("4294967295 samples of 4294967295 bytes do not fit"),
            "{got}"
        );
    }
}

/// A second track's `stss` is not the one the start snaps to, but its cut renumbers it
/// as a source range: entries out of order are a defect there too.
#[test]
fn an_unordered_stss_on_another_track_is_a_named_defect() {
    let mut audio = Trk::audio(468);
    audio.sync = Some(vec![1, 100, 50, 200]);
    let m = Mov::new(vec![Trk::video(250, 25), audio]);
    refused(
        &m.build().bytes(),
        "audio stss out of order",
        "stss entry 2 (50) is not increasing",
    );
}

/// Regression: a constant-size `stsz` claiming 2^32 - 1 one-byte samples made a media
/// segment gather billions of rows (found by `loomiere probe`'s tests). Opening the film
/// for segments is now a defect naming the rendition.
#[test]
fn a_sample_count_the_file_cannot_hold_is_refused_before_segmenting() {
    let mut a = Trk::audio(282);
    (a.size_box, a.sizes) = (SizeBox::Constant, vec![24; 282]);
    a.chunks = chunks_cycling(282, &[282]);
    let mut file = Mov::new(vec![Trk::video(150, 25), a]).build().bytes();
    // stsz payload: version+flags, sample_size, sample_count.
    set(&mut file, &format!("{STBL1}/stsz"), 4, 1);
    set(&mut file, &format!("{STBL1}/stsz"), 8, u32::MAX);
    // stts: one entry covering them all (version+flags, entry_count, count, delta).
    set(&mut file, &format!("{STBL1}/stts"), 4, 1);
    set(&mut file, &format!("{STBL1}/stts"), 8, u32::MAX);
    // stsc: its one chunk holds them all (entry_count, first_chunk, samples_per_chunk).
    set(&mut file, &format!("{STBL1}/stsc"), 12, u32::MAX);
    match crate::Segmented::open(&file, None, 6000) {
        Err(Mp4Error::Defect(why)) => assert!(why.contains("a1 claims 4294967295"), "{why}"),
        Err(e) => panic!("expected a defect, got {e}"),
        Ok(_) => panic!("expected a defect, the film opened"),
    }
}
