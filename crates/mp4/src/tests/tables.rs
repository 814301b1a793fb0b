//! Table encodings and layouts: several `stsc` entries, `stz2`, constant `stsz`, `co64`,
//! 64-bit `mdat`, version 1 headers, empty edits, signed `ctts`, `sdtp`, `sbgp`.

use super::build::{bx, chunks_cycling, SizeBox, Trk};
use super::file::Mov;
use super::model::{expect, model};
use super::shapes::av;
use super::{against_model, cut_checked, oracle, seek};
use crate::plan;
use std::rc::Rc;

/// Sweeps seeks over `m`, as stored in memory and with `moov` at the end, and checks a
/// relocation of the latter.
fn sweep(m: &Mov) {
    for moov_first in [true, false] {
        let mut m = m.clone();
        m.moov_first = moov_first;
        let file = m.build().bytes();
        for start in (0..6000).step_by(211) {
            for end in [None, Some(start + 130), Some(start + 2100)] {
                against_model(&m, &file, seek(Some(start), end));
            }
        }
        if !moov_first {
            oracle::relocated(&file, &plan(&file, seek(None, None)).unwrap());
        }
    }
}

#[test]
fn several_stsc_entries_cut_mid_chunk_at_both_ends() {
    let mut v = Trk::video(150, 25);
    v.chunks = chunks_cycling(150, &[3, 5, 5, 2, 7, 7, 7, 1]);
    let mut a = Trk::audio(282);
    a.chunks = chunks_cycling(282, &[10, 10, 4, 9, 9, 9]);
    let m = Mov::new(vec![v, a]);
    // Video chunks start at frames 0 3 8 13 15 22 29 36 37 40 45 50 52: the cut keeps
    // frames 25..51, from inside the chunk 22..29 to inside the chunk 50..52.
    let out = cut_checked(
        &m,
        seek(Some(1000), Some(2030)),
        &expect(1000, &[Some((25, 51)), Some((45, 96))]),
    );
    let stsc = &out.tracks[0].stsc;
    assert_eq!(
        stsc.first(),
        Some(&(1, 4, 1)),
        "the first kept chunk holds frames 25..29 only"
    );
    assert_eq!(
        stsc.last(),
        Some(&(7, 1, 1)),
        "the 7th and last kept chunk holds frame 50 only"
    );
    sweep(&m);
}

#[test]
fn stz2_with_4_8_and_16_bit_fields_becomes_stsz() {
    for (bits, max) in [(4u8, 15u32), (8, 255), (16, 65535)] {
        let mut v = Trk::video(150, 25);
        v.sizes = (0..150).map(|i| 1 + (i * 7 + 3) % max).collect();
        v.size_box = SizeBox::Stz2(bits);
        let mut a = Trk::audio(282);
        a.size_box = SizeBox::Stz2(bits);
        a.sizes = (0..282).map(|i| 1 + (i * 5) % max).collect();
        let m = Mov::new(vec![v, a]);
        let out = cut_checked(
            &m,
            seek(Some(2100), None),
            &expect(2000, &[Some((50, 150)), Some((92, 282))]),
        );
        assert_eq!(
            out.tracks[0].stbl.iter().filter(|t| *t == b"stz2").count(),
            0
        );
        sweep(&m);
    }
}

#[test]
fn odd_stz2_count_with_4_bit_fields() {
    let mut a = Trk::audio(101);
    (a.size_box, a.sizes) = (SizeBox::Stz2(4), (0..101).map(|i| 1 + i % 15).collect());
    sweep(&Mov::new(vec![a]));
}

#[test]
fn constant_sample_size_stays_constant() {
    let mut a = Trk::audio(282);
    (a.size_box, a.sizes) = (SizeBox::Constant, vec![24; 282]);
    let m = Mov::new(vec![Trk::video(150, 25), a]);
    cut_checked(
        &m,
        seek(Some(3000), None),
        &expect(3000, &[Some((75, 150)), Some((139, 282))]),
    );
    sweep(&m);
}

#[test]
fn co64_input_and_64_bit_mdat_header() {
    let mut m = av();
    m.tracks.iter_mut().for_each(|t| t.co64 = true);
    m.mdat_large = true;
    cut_checked(
        &m,
        seek(Some(4200), Some(7000)),
        &expect(4000, &[Some((100, 175)), Some((186, 329))]),
    );
    sweep(&m);
}

#[test]
fn version_1_headers_without_ftyp_with_padding_track_by_track() {
    let mut m = av();
    (m.wide, m.ftyp, m.pad, m.interleave) = (true, false, 7, false);
    cut_checked(
        &m,
        seek(Some(6000), None),
        &expect(6000, &[Some((150, 250)), Some((280, 468))]),
    );
    sweep(&m);
}

#[test]
fn a_leading_empty_edit_delays_a_track() {
    // Audio starts at 500 ms. A cut at 200 ms keeps all of it behind a 300 ms empty
    // edit; a cut at 1 s starts it at 500 ms of its media (24000 ticks: sample 23,
    // minus one of pre-roll).
    let mut v = Trk::video(150, 5);
    v.sync = Some((0..150).filter(|i| i % 5 == 0).map(|i| i + 1).collect());
    let mut a = Trk::audio(235);
    a.edits = Some(vec![(500, -1), (5013, 0)]);
    let m = Mov::new(vec![v, a]);
    let out = cut_checked(
        &m,
        seek(Some(200), None),
        &expect(200, &[Some((5, 150)), Some((0, 235))]),
    );
    assert_eq!(out.tracks[1].elst.as_ref().map(|e| e[0]), Some((300, -1)));
    let out = cut_checked(
        &m,
        seek(Some(1000), None),
        &expect(1000, &[Some((25, 150)), Some((22, 235))]),
    );
    assert_eq!(out.tracks[1].elst.as_ref().map(|e| e.len()), Some(1));
    sweep(&m);
}

#[test]
fn signed_ctts_without_an_edit_list() {
    let mut v = Trk::bframes(150);
    v.edits = None;
    v.cto = v
        .cto
        .map(|(_, c)| (1, c.into_iter().map(|x| x - 512).collect()));
    let m = Mov::new(vec![v, Trk::audio(282)]);
    assert!(model(&m, seek(Some(1000), None)).is_some());
    sweep(&m);
}

#[test]
fn sdtp_and_sample_groups_are_cut() {
    for version in [0, 1] {
        let mut m = av();
        m.tracks[0].sdtp = true;
        m.tracks[0].sbgp = Some(version);
        m.tracks[1].sbgp = Some(version);
        cut_checked(
            &m,
            seek(Some(2500), Some(4500)),
            &expect(2000, &[Some((50, 113)), Some((92, 211))]),
        );
        sweep(&m);
    }
}

#[test]
fn a_valid_size_1_box_and_unknown_boxes_inside_stbl() {
    let mut m = av();
    m.tracks[0].tweak = Some(Rc::new(|kids: &mut Vec<([u8; 4], Vec<u8>)>| {
        let large = [&[0, 0, 0, 1][..], b"free", &20u64.to_be_bytes(), b"abcd"].concat();
        kids.insert(1, (*b"free", large));
        kids.push((*b"stps", bx(b"stps", &[0; 8])));
    }));
    let file = m.build().bytes();
    let p = plan(&file, seek(Some(2000), None)).unwrap();
    let out = oracle::cut(&file, &m, &p, &model(&m, seek(Some(2000), None)).unwrap());
    let kept: Vec<&[u8; 4]> = out.tracks[0].stbl.iter().collect();
    assert_eq!(
        kept,
        [b"stsd", b"stts", b"stss", b"stsc", b"stsz", b"stco"],
        "a cut keeps only the tables it rewrites"
    );
    m.moov_first = false;
    let file = m.build().bytes();
    let (_, out) = oracle::relocated(&file, &plan(&file, seek(None, None)).unwrap());
    assert_eq!(
        out.tracks[0].stbl[1], *b"free",
        "a relocation copies every other box"
    );
}

#[test]
fn stsc_entries_past_the_last_chunk_are_ignored() {
    let mut m = av();
    m.tracks[0].tweak = Some(Rc::new(|kids: &mut Vec<([u8; 4], Vec<u8>)>| {
        let stsc = &mut kids.iter_mut().find(|k| &k.0 == b"stsc").unwrap().1;
        *stsc = super::build::full(b"stsc", 0, 0, &super::build::be(&[2, 1, 5, 1, 51, 9, 1]));
    }));
    sweep(&m);
}

#[test]
fn zero_sample_durations_and_an_empty_track() {
    let mut m = av();
    m.tracks[0].deltas[120] = 0;
    m.tracks[0].deltas[249] = 0;
    m.tracks[1].deltas[10..20].iter_mut().for_each(|d| *d = 0);
    let mut none = Trk::text(0, 1000);
    none.chunks.clear();
    m.tracks.push(none);
    sweep(&m);
    // Audio samples 10..20 last 0 ticks, so 2 s (96000 ticks) falls in sample 103.
    let want = expect(2000, &[Some((50, 250)), Some((102, 468)), None]);
    cut_checked(&m, seek(Some(2500), None), &want);
}

#[test]
fn a_second_video_track_and_a_late_first_video_track() {
    let mut late = Trk::video(200, 10);
    late.edits = Some(vec![(300, -1), (8000, 0)]);
    sweep(&Mov::new(vec![late, Trk::video(250, 25), Trk::audio(468)]));
}

#[test]
fn short_optional_tables_are_clipped_not_overrun() {
    // sdtp with 10 entries, ctts and sbgp covering 40 samples, of 150.
    let mut v = Trk::bframes(150);
    v.sbgp = Some(0);
    v.tweak = Some(Rc::new(|kids: &mut Vec<([u8; 4], Vec<u8>)>| {
        for (typ, b) in kids.iter_mut() {
            match &*typ {
                b"sdtp" => b.truncate(22),
                b"ctts" => *b = super::build::full(b"ctts", 0, 0, &super::build::be(&[1, 40, 512])),
                b"sbgp" => {
                    *b = super::build::full(
                        b"sbgp",
                        0,
                        0,
                        &[&b"roll"[..], &super::build::be(&[1, 40, 1])].concat(),
                    )
                }
                _ => {}
            }
            let len = b.len() as u32;
            b[..4].copy_from_slice(&len.to_be_bytes());
        }
    }));
    let m = Mov::new(vec![v, Trk::audio(282)]);
    let file = m.build().bytes();
    for s in [
        seek(Some(0), Some(300)),
        seek(Some(1000), None),
        seek(None, Some(5000)),
    ] {
        let p = plan(&file, s).unwrap();
        oracle::well_formed(&file, &p);
        let out = super::oracle::open(&super::read::View {
            plan: &p.plan,
            src: &file,
        })
        .1;
        let t = &out.tracks[0];
        let first = if s.start_ms == Some(1000) { 24 } else { 0 };
        assert_eq!(
            t.sdtp.as_ref().map(Vec::len),
            Some(10usize.saturating_sub(first).min(t.sizes.len()))
        );
        assert_eq!(
            t.ctts.as_ref().map(|c| c.1.len()),
            Some(40usize.saturating_sub(first).min(t.sizes.len()))
        );
        assert_eq!(
            t.sbgp.as_ref().map(Vec::len),
            Some(40usize.saturating_sub(first).min(t.sizes.len()))
        );
    }
}
