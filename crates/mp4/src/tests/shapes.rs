//! The three shapes of a body (as stored, moov first, cut) and requests refused as
//! `BadSeek`.

use super::build::{bx, sample_parts, Trk};
use super::file::Mov;
use super::{oracle, read, seek};
use crate::{plan, Mp4Error, Shape};

/// Ten seconds of 25 fps video (key frame every second) and AAC-like audio.
pub(super) fn av() -> Mov {
    Mov::new(vec![Trk::video(250, 25), Trk::audio(468)])
}

#[test]
fn builder_puts_every_sample_where_its_tables_say() {
    for moov_first in [true, false] {
        let mut m = av();
        m.moov_first = moov_first;
        m.pad = 3;
        let file = m.build().bytes();
        let moov = read::find(&file, "moov");
        let movie = read::movie(&file[moov.at as usize..(moov.at + moov.len) as usize]);
        for (t, tables) in movie.tracks.iter().enumerate() {
            for (i, (off, size)) in read::spans(tables).into_iter().enumerate() {
                for (rel, want) in sample_parts(t, i as u32, size) {
                    let at = (off + rel) as usize;
                    assert_eq!(file[at..at + want.len()], want[..], "track {t} sample {i}");
                }
            }
        }
    }
}

#[test]
fn no_seek_with_moov_first_is_the_file_as_stored() {
    let file = av().build().bytes();
    oracle::as_stored(&file, &plan(&file, seek(None, None)).unwrap());
}

#[test]
fn no_seek_with_moov_at_the_end_moves_moov_first() {
    let mut m = av();
    m.moov_first = false;
    let file = m.build().bytes();
    let p = plan(&file, seek(None, None)).unwrap();
    assert_eq!(
        p.plan.len(),
        file.len() as u64,
        "relocation keeps the length"
    );
    let (input, out) = oracle::relocated(&file, &p);
    let moov_len = read::find(&file, "moov").len;
    for (i, o) in input.tracks.iter().zip(&out.tracks) {
        let shifted: Vec<u64> = i.offsets.iter().map(|x| x + moov_len).collect();
        assert_eq!(o.offsets, shifted, "every chunk moves by the moov size");
    }
    // Boxes after moov stay after the media data.
    let mut file = file;
    file.extend(bx(b"free", b"trailing"));
    file.extend(bx(b"uuid", &[7; 20]));
    oracle::relocated(&file, &plan(&file, seek(None, None)).unwrap());
}

#[test]
fn unrecognised_files_without_a_seek_are_sent_as_stored() {
    for file in [
        vec![],
        b"not an mp4 at all".to_vec(),
        vec![0, 0, 0, 8, b'f', b'r', b'e', b'e'],
    ] {
        oracle::as_stored(&file, &plan(&file, seek(None, None)).unwrap());
        assert!(matches!(
            plan(&file, seek(Some(0), None)),
            Err(Mp4Error::Defect(_))
        ));
    }
}

#[test]
fn fragmented_files_are_sent_whole_and_refuse_a_seek() {
    for moov_first in [true, false] {
        let mut m = av();
        (m.fragmented, m.moov_first) = (true, moov_first);
        let file = m.build().bytes();
        oracle::as_stored(&file, &plan(&file, seek(None, None)).unwrap());
        for s in [
            seek(Some(0), None),
            seek(Some(1000), None),
            seek(None, Some(1000)),
        ] {
            let e = plan(&file, s).unwrap_err();
            assert!(
                matches!(&e, Mp4Error::BadSeek(t) if t.contains("fragmented")),
                "{e}"
            );
        }
    }
}

#[test]
fn seeks_outside_the_movie_are_bad_seeks() {
    let file = av().build().bytes();
    let cases = [
        (Some(10_000), None),     // at the duration (video 10 s, audio 9.984 s)
        (Some(10_001), None),     // after the duration
        (Some(u64::MAX), None),   // no overflow on huge values
        (Some(3000), Some(3000)), // empty range
        (Some(3000), Some(2000)), // end before start
        (None, Some(0)),          // end at 0
        (Some(u64::MAX), Some(u64::MAX)),
    ];
    for (start, end) in cases {
        match plan(&file, seek(start, end)) {
            Err(Mp4Error::BadSeek(_)) => {}
            other => panic!("{start:?}..{end:?}: {other:?}"),
        }
    }
}

#[test]
fn an_end_past_the_duration_means_to_the_end() {
    let file = av().build().bytes();
    let whole = plan(&file, seek(Some(0), None)).unwrap();
    for end in [10_000, 10_001, u64::MAX] {
        let p = plan(&file, seek(Some(0), Some(end))).unwrap();
        assert_eq!((p.shape, &p.plan), (Shape::Cut, &whole.plan), "end {end}");
    }
}
