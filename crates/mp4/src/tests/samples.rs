//! The sample-table API (`walk::samples`, `walk::lookup`) against the brute-force model
//! of every sample (`Trk::sample_model`, from the builder's description and the chunk
//! offsets it laid out, never from the tables the API reads), on every table shape: several
//! `stsc` entries and sample descriptions, `stz2` of 4, 8 and 16 bits, constant sizes,
//! `co64`, `ctts` versions 0 and 1 with negative offsets, no `stss`, zero durations;
//! and the same answers with a sample index attached as without.

use super::build::{chunks_cycling, SizeBox, Trk};
use super::file::Mov;
use super::index::{index_of, movies as indexed_movies};
use crate::index::format::parse;
use crate::parse::checkpoints::EVERY;
use crate::parse::movie::{self, Movie};
use crate::parse::top;
use crate::parse::track::Track;
use crate::walk::lookup;
use crate::walk::samples::{samples, Sample};
use crate::Result;

/// Small movies of every table shape the API reads.
fn shapes() -> Vec<Mov> {
    let mut v = Trk::video(150, 25);
    v.chunks = chunks_cycling(150, &[3, 5, 5, 2, 7, 7, 7, 1]);
    v.descriptions = Some((0..v.chunks.len() as u32).map(|c| 1 + c / 4 % 2).collect());
    let mut a = Trk::audio(282);
    a.chunks = chunks_cycling(282, &[10, 10, 4, 9, 9, 9]);
    let mut movies = vec![Mov::new(vec![v, a])];
    for (bits, max) in [(4u8, 15u32), (8, 255), (16, 65535)] {
        let mut v = Trk::video(150, 25);
        v.sizes = (0..150).map(|i| 1 + (i * 7 + 3) % max).collect();
        v.size_box = SizeBox::Stz2(bits);
        let mut a = Trk::audio(101);
        (a.size_box, a.sizes) = (SizeBox::Stz2(bits), (0..101).map(|i| 1 + i % max).collect());
        movies.push(Mov::new(vec![v, a]));
    }
    let mut wide = Trk::bframes(150);
    wide.co64 = true;
    let mut constant = Trk::audio(282);
    (constant.size_box, constant.sizes, constant.co64) = (SizeBox::Constant, vec![24; 282], true);
    movies.push(Mov::new(vec![wide, constant]));
    for version in [0u8, 1] {
        let mut b = Trk::bframes(150);
        b.cto = b
            .cto
            .map(|(_, c)| (version, c.into_iter().map(|x| x - 1024).collect()));
        let mut z = Trk::audio(282);
        z.deltas[10..20].iter_mut().for_each(|d| *d = 0);
        z.deltas[281] = 0;
        let mut m = Mov::new(vec![b, z]);
        m.interleave = false;
        movies.push(m);
    }
    movies
}

/// Sample numbers to start ranges at and to ask about: both ends, around the first
/// checkpoints, and a spread between.
fn points(n: u32) -> Vec<u32> {
    let mut p: Vec<u32> = (0..n)
        .step_by((n as usize / 17).max(1))
        .chain([1, 2, EVERY - 1, EVERY, EVERY + 1, 2 * EVERY + 5, n / 2])
        .chain([n.saturating_sub(2), n.saturating_sub(1), n])
        .filter(|&i| i <= n)
        .collect();
    p.sort_unstable();
    p.dedup();
    p
}

/// Every sample of `from..to` of `t` through the iterator.
fn walked(t: &Track<'_>, from: u32, to: u32) -> Vec<Sample> {
    samples(t, from, to)
        .unwrap_or_else(|e| panic!("samples {from}..{to}: {e}"))
        .collect::<Result<Vec<_>>>()
        .unwrap_or_else(|e| panic!("samples {from}..{to}: {e}"))
}

/// Checks the iterator and the range queries of every track of `movie` against the
/// model of `m`'s tracks (`offsets`: the builder's chunk offsets).
fn check_movie(m: &Mov, offsets: &[Vec<u64>], movie: &Movie<'_>, what: &str) {
    for (k, (trk, t)) in m.tracks.iter().zip(&movie.tracks).enumerate() {
        let want = trk.sample_model(&offsets[k]);
        let n = t.samples;
        assert_eq!(want.len(), n as usize);
        let ctx = |s: String| format!("{what}, track {k}: {s}");
        assert_eq!(walked(t, 0, n), want, "{}", ctx("all samples".into()));
        for &from in &points(n) {
            for len in [0, 1, 2, 7, 300] {
                let to = from.saturating_add(len).min(n);
                let got = walked(t, from, to);
                assert!(
                    got == want[from as usize..to as usize],
                    "{}",
                    ctx(format!("samples {from}..{to}"))
                );
            }
            check_queries(t, &want, from, &ctx);
        }
    }
}

/// The range queries at sample `i` (up to the sample count) against the model.
fn check_queries(t: &Track<'_>, want: &[Sample], i: u32, ctx: &dyn Fn(String) -> String) {
    let n = want.len() as u32;
    let total = want.last().map_or(0, |s| s.dts + u64::from(s.duration));
    let dts_of = |j: u32| want.get(j as usize).map_or(total, |s| s.dts);
    assert_eq!(
        lookup::dts(t, i).unwrap(),
        dts_of(i),
        "{}",
        ctx(format!("dts {i}"))
    );
    for ticks in [dts_of(i), dts_of(i) + 1, dts_of(i).saturating_sub(1)] {
        let first = (0..n).find(|&j| dts_of(j) >= ticks).unwrap_or(n);
        assert_eq!(
            lookup::first_dts_at_least(t, ticks),
            first,
            "{}",
            ctx(format!("first sample at {ticks} ticks"))
        );
    }
    for to in [i, (i + 1).min(n), (i + 3000).min(n), n] {
        let bytes: u64 = want[i as usize..to as usize]
            .iter()
            .map(|s| u64::from(s.size))
            .sum();
        assert_eq!(
            lookup::bytes(t, i, to).unwrap(),
            bytes,
            "{}",
            ctx(format!("bytes {i}..{to}"))
        );
        let syncs: Vec<(u32, u64)> = want[i as usize..to as usize]
            .iter()
            .filter(|s| s.is_sync)
            .map(|s| (s.number, s.dts))
            .collect();
        let got = lookup::syncs_between(t, i, to)
            .unwrap()
            .collect::<Result<Vec<_>>>()
            .unwrap();
        assert_eq!(got, syncs, "{}", ctx(format!("syncs {i}..{to}")));
    }
    let Some(s) = want.get(i as usize) else {
        assert!(lookup::cto(t, i).is_err() && lookup::chunk_of(t, i).is_err());
        return;
    };
    assert_eq!(
        lookup::cto(t, i).unwrap(),
        s.cto,
        "{}",
        ctx(format!("cto {i}"))
    );
    assert_eq!(
        lookup::offset_of(t, i).unwrap(),
        s.offset,
        "{}",
        ctx(format!("offset {i}"))
    );
    let (c, _) = lookup::chunk_of(t, i).unwrap();
    let first = c.first_sample as usize;
    assert!(first <= i as usize && (i as usize) < first + c.samples as usize);
    assert_eq!(
        (
            want[first].offset,
            c.description,
            want[first..first + c.samples as usize]
                .windows(2)
                .all(|w| w[1].offset == w[0].offset + u64::from(w[0].size))
        ),
        (t.chunks.get(c.number), s.sample_description_index, true),
        "{}",
        ctx(format!("chunk of {i}"))
    );
}

#[test]
fn samples_and_range_queries_match_the_model_on_every_table_shape() {
    for (k, m) in shapes().iter().enumerate() {
        for moov_first in [true, false] {
            let mut m = m.clone();
            m.moov_first = moov_first;
            let built = m.build();
            let file = built.bytes();
            let mv = movie::parse(top::scan(&file).unwrap().moov, None).unwrap();
            check_movie(&m, &built.chunk_offsets, &mv, &format!("shape {k}"));
        }
    }
}

#[test]
fn samples_are_the_same_with_checkpoints_and_without() {
    for (k, m) in indexed_movies().iter().enumerate() {
        let built = m.build();
        let file = built.bytes();
        let moov = top::scan(&file).unwrap().moov;
        let idx = index_of(&file);
        let checkpoints = parse(&idx).expect("the built index parses");
        let plain = movie::parse(moov, None).unwrap();
        let indexed = movie::parse(moov, Some(&checkpoints)).unwrap();
        assert!(indexed.indexed, "movie {k} takes its index");
        let what = format!("movie {k}");
        check_movie(m, &built.chunk_offsets, &plain, &format!("{what} without"));
        check_movie(m, &built.chunk_offsets, &indexed, &format!("{what} with"));
    }
}

#[test]
fn ranges_past_the_samples_are_errors_not_panics() {
    let file = Mov::new(vec![Trk::bframes(60)]).build().bytes();
    let mv = movie::parse(top::scan(&file).unwrap().moov, None).unwrap();
    let t = &mv.tracks[0];
    assert!(samples(t, 0, 61).is_err());
    assert!(samples(t, 5, 4).is_err());
    assert!(lookup::dts(t, 61).is_err());
    assert!(lookup::bytes(t, 0, 61).is_err());
    assert!(lookup::bytes(t, 2, 1).is_err());
    assert!(lookup::cto(t, 60).is_err());
    assert!(lookup::offset_of(t, 60).is_err());
    assert!(lookup::syncs_between(t, 0, 61).is_err());
    assert_eq!(lookup::first_dts_at_least(t, u64::MAX), 60);
    assert_eq!(walked(t, 60, 60), vec![]);
}

#[test]
fn sync_samples_out_of_order_are_a_defect_where_walked() {
    let mut v = Trk::video(100, 10);
    v.sync = Some(vec![1, 21, 11, 31, 41]);
    let file = Mov::new(vec![v]).build().bytes();
    let mv = movie::parse(top::scan(&file).unwrap().moov, None).unwrap();
    let t = &mv.tracks[0];
    let items: Vec<Result<Sample>> = samples(t, 0, 100).unwrap().collect();
    let err = items.iter().position(Result::is_err).expect("a defect");
    assert_eq!(err, items.len() - 1, "the walk stops at the defect");
    let text = items[err].clone().unwrap_err().to_string();
    assert!(
        text.contains("stss entry 2 (11) is not increasing"),
        "{text}"
    );
    assert!(
        lookup::syncs_between(t, 50, 60).is_err(),
        "the table is checked"
    );
}
