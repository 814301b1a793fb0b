//! The facts of built films: sample and sync counts, key-frame spacing in presentation
//! time (B-frame offsets included), durations with edit lists, and the `moov`
//! position, checked against the numbers the builder was given.

use super::build::Trk;
use super::file::Mov;
use crate::facts::{facts, Spread};

#[test]
fn counts_spacing_and_durations_are_the_built_ones() {
    // 25 fps, a key frame every 50 samples (2 s) but one gap of 25 (1 s) at sample 400.
    let mut video = Trk::video(500, 50);
    video.sync = Some(vec![1, 51, 101, 151, 201, 251, 301, 351, 376, 401, 451]);
    let mut m = Mov::new(vec![video, Trk::audio(940), Trk::text(4, 2500)]);
    m.moov_first = false;
    let f = facts(&m.build().bytes()).unwrap();
    assert!(!f.moov_first && !f.fragmented);
    let [v, a, s] = &f.tracks[..] else {
        panic!("three tracks: {f:?}")
    };
    assert_eq!((v.samples, v.sync_samples, v.has_stss), (500, 11, true));
    let spread = v.key_frame_interval.unwrap();
    assert_eq!((spread.min, spread.median, spread.max), (1.0, 2.0, 2.0));
    assert_eq!(v.duration_s, 20.0);
    assert_eq!(&v.handler, b"vide");
    assert_eq!((a.samples, a.sync_samples, a.has_stss), (940, 940, false));
    // Whole nanoseconds: 940 × 1024 / 48000 s = 20.0533333333... s.
    let audio_s = 940.0 * 1024.0 / 48000.0;
    assert!((a.duration_s - audio_s).abs() < 1e-9, "{}", a.duration_s);
    assert_eq!(a.key_frame_interval.unwrap().max, 1024.0 / 48000.0);
    assert_eq!((s.samples, s.duration_s), (4, 10.0));
    assert!((f.duration_s - audio_s).abs() < 1e-9, "{}", f.duration_s);
}

/// B-frames: the spacing is between presentation times, and the duration runs to the
/// latest composition end less the edit list's media time.
#[test]
fn b_frames_present_on_the_edited_timeline() {
    let f = facts(&Mov::new(vec![Trk::bframes(60)]).build().bytes()).unwrap();
    let v = &f.tracks[0];
    assert_eq!(v.sync_samples, 10);
    let spread = v.key_frame_interval.unwrap();
    assert_eq!((spread.min, spread.max), (0.24, 0.24));
    assert_eq!(v.duration_s, 60.0 * 0.04);
}

#[test]
fn an_empty_stss_has_no_key_frames_and_no_spacing() {
    let mut video = Trk::video(100, 25);
    video.sync = Some(Vec::new());
    let f = facts(&Mov::new(vec![video]).build().bytes()).unwrap();
    assert_eq!(
        (f.tracks[0].sync_samples, f.tracks[0].key_frame_interval),
        (0, None)
    );
}

#[test]
fn the_median_of_an_even_count_is_the_mean_of_the_middle_two() {
    let s = Spread::of(vec![4.0, 1.0, 2.0, 3.0]).unwrap();
    assert_eq!((s.min, s.median, s.max), (1.0, 2.5, 4.0));
    assert_eq!(Spread::of(Vec::new()), None);
}

/// Without `stss` every sample is a sync sample; with `ctts`, the gaps between their
/// presentation times, counted per table run, are the ones a walk sample by sample
/// finds (a `ctts` shorter than the samples included: past its end offsets are 0).
#[test]
fn every_sample_a_sync_sample_with_composition_offsets() {
    for short in [false, true] {
        let mut t = Trk::bframes(60);
        t.sync = None;
        t.edits = None;
        if short {
            t.cto.as_mut().unwrap().1.truncate(40);
        }
        let (deltas, cto) = (t.deltas.clone(), t.cto.clone().unwrap().1);
        let f = facts(&Mov::new(vec![t]).build().bytes()).unwrap();
        let mut dts = 0i64;
        let pts: Vec<i64> = (0..60)
            .map(|i| {
                let p = dts + i64::from(cto.get(i).copied().unwrap_or(0));
                dts += i64::from(deltas[i]);
                p
            })
            .collect();
        let gaps = pts
            .windows(2)
            .map(|w| (w[1] - w[0]) as f64 / 12800.0)
            .collect();
        assert_eq!(f.tracks[0].sync_samples, 60);
        assert_eq!(
            f.tracks[0].key_frame_interval,
            Spread::of(gaps),
            "short ctts: {short}"
        );
    }
}

/// A constant-size `stsz` may claim 2^32 - 1 samples in 20 bytes: the facts come from
/// the table entries (no allocation or step per claimed sample).
#[test]
fn a_huge_claimed_sample_count_costs_only_its_table_entries() {
    use super::build::{be, full};
    let mut t = Trk::audio(8);
    t.tweak = Some(std::rc::Rc::new(|kids: &mut Vec<([u8; 4], Vec<u8>)>| {
        for (typ, bytes) in kids.iter_mut() {
            let body = match &*typ {
                b"stsz" => Some(full(b"stsz", 0, 0, &be(&[1, u32::MAX]))),
                b"stts" => Some(full(b"stts", 0, 0, &be(&[1, u32::MAX, 1024]))),
                b"stsc" => Some(full(b"stsc", 0, 0, &be(&[1, 1, u32::MAX, 1]))),
                _ => None,
            };
            if let Some(b) = body {
                *bytes = b;
            }
        }
    }));
    let started = std::time::Instant::now();
    let f = facts(&Mov::new(vec![t]).build().bytes()).unwrap();
    let a = &f.tracks[0];
    assert_eq!((a.samples, a.sync_samples), (u32::MAX, u32::MAX));
    let gap = 1024.0 / 48000.0;
    assert_eq!(
        a.key_frame_interval,
        Some(Spread {
            min: gap,
            median: gap,
            max: gap
        })
    );
    assert!(started.elapsed().as_secs() < 5, "{:?}", started.elapsed());
}
