//! Cuts by time: where each track starts and ends, pre-roll, B-frames, dropped tracks,
//! and a sweep of many seeks compared with the model.

use super::build::Trk;
use super::file::Mov;
use super::model::expect;
use super::read::MovieTables;
use super::shapes::av;
use super::{against_model, cut_checked, seek};

/// The `media_time` of each output track's media edit (0 without an edit list).
fn media_times(out: &MovieTables) -> Vec<i64> {
    out.tracks
        .iter()
        .map(|t| t.elst.as_ref().map_or(0, |e| e.last().unwrap().1))
        .collect()
}

#[test]
fn start_on_a_key_frame() {
    // Video frame 50 (2.000 s) is a key frame. Audio: 2 s = 96000 ticks lies in
    // sample 93 (95232..96256); one sample of pre-roll makes it 92, and the edit list
    // hides 96000 - 92 * 1024 = 1792 ticks.
    let out = cut_checked(
        &av(),
        seek(Some(2000), None),
        &expect(2000, &[Some((50, 250)), Some((92, 468))]),
    );
    assert_eq!(
        media_times(&out),
        [0, 1792],
        "video starts exactly on its first sample, audio hides its pre-roll"
    );
}

#[test]
fn start_between_key_frames_snaps_back_and_cuts_audio_at_the_same_time() {
    let out = cut_checked(
        &av(),
        seek(Some(2500), None),
        &expect(2000, &[Some((50, 250)), Some((92, 468))]),
    );
    assert_eq!(
        out.tracks[0].sync.as_deref().map(|s| s[..3].to_vec()),
        Some(vec![1, 26, 51])
    );
}

#[test]
fn start_and_end() {
    // End 5 s: video frame 125 and audio sample 235 (240000 / 1024 = 234.4, rounded up)
    // are the first ones left out.
    cut_checked(
        &av(),
        seek(Some(2500), Some(5000)),
        &expect(2000, &[Some((50, 125)), Some((92, 235))]),
    );
}

#[test]
fn end_only() {
    let out = cut_checked(
        &av(),
        seek(None, Some(3000)),
        &expect(0, &[Some((0, 75)), Some((0, 141))]),
    );
    assert_eq!(media_times(&out), [0, 0], "nothing to hide at the start");
    assert_eq!(
        out.duration, 3000,
        "mvhd: audio keeps 3.008 s of samples, but the edits stop at the end"
    );
}

#[test]
fn b_frames_keep_their_composition_offsets_and_edit() {
    // GOPs of 6 frames (240 ms); 1 s snaps to frame 24 (960 ms), whose composition
    // offset of one frame is hidden again by the edit list. Audio: 960 ms = 46080 ticks
    // = sample 45 exactly; pre-roll makes it 44 and media_time 1024.
    let m = Mov::new(vec![Trk::bframes(150), Trk::audio(282)]);
    let out = cut_checked(
        &m,
        seek(Some(1000), None),
        &expect(960, &[Some((24, 150)), Some((44, 282))]),
    );
    assert_eq!(media_times(&out), [512, 1024]);
}

#[test]
fn audio_only_cuts_at_the_requested_time() {
    let m = Mov::new(vec![Trk::audio(468)]);
    cut_checked(
        &m,
        seek(Some(2000), Some(2500)),
        &expect(2000, &[Some((92, 118))]),
    );
}

#[test]
fn a_subtitle_track_that_ends_before_the_cut_is_left_empty() {
    let mut m = av();
    m.tracks.push(Trk::text(3, 1000));
    m.tracks.push(Trk::text(10, 1000));
    let want = expect(
        5000,
        &[Some((125, 250)), Some((233, 468)), None, Some((5, 10))],
    );
    let out = cut_checked(&m, seek(Some(5000), None), &want);
    assert_eq!(
        out.tracks.iter().map(|t| t.sizes.len()).collect::<Vec<_>>(),
        vec![125, 235, 0, 5]
    );
}

#[test]
fn every_track_is_dropped_only_when_nothing_is_left() {
    // Subtitles only, one 1 s cue at 0 and the movie said to last 10 s.
    let mut m = Mov::new(vec![Trk::text(1, 1000)]);
    m.tracks[0].edits = Some(vec![(10_000, 0)]);
    let file = m.build().bytes();
    for s in [
        seek(Some(0), None),
        seek(Some(999), None),
        seek(Some(1000), None),
        seek(Some(5000), None),
    ] {
        against_model(&m, &file, s);
    }
}

/// Many seeks on several movies, each compared with the model and the oracle.
#[test]
fn sweep_of_seeks_matches_the_model() {
    let mut subs = av();
    subs.tracks.push(Trk::text(4, 1500));
    let movies = [
        av(),
        Mov::new(vec![Trk::bframes(150), Trk::audio(282)]),
        subs,
        Mov::new(vec![Trk::audio(100), Trk::video(60, 7)]),
    ];
    for m in &movies {
        let file = m.build().bytes();
        for start in (0..10_500).step_by(337) {
            for end in [None, Some(start + 1), Some(start + 750), Some(start + 3333)] {
                against_model(m, &file, seek(Some(start), end));
            }
            against_model(m, &file, seek(None, Some(start + 1)));
        }
    }
}
