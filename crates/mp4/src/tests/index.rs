//! The sample index: a cut planned with it is the cut planned without it (same body
//! bytes, same time map), every lookup equals the walk from the table's start, and a
//! damaged or foreign index is refused or cannot make planning panic.

use super::build::{chunks_cycling, SizeBox, Trk};
use super::file::Mov;
use super::read::View;
use super::seek;
use crate::index::build::build;
use crate::index::format::{digest, parse};
use crate::parse::checkpoints::EVERY;
use crate::parse::runs::RunPos;
use crate::parse::{movie, top};
use crate::walk::chunks::ChunkWalk;
use crate::{plan_body, plan_indexed, Planned, Seek, Timing, MIN_MOOV_FOR_INDEX};

/// Movies with tracks of several times [`EVERY`] samples and every table shape the
/// checkpoints cover: `ctts`, `stsc` entries of many chunk sizes (one chunk of more than
/// `EVERY` samples), `co64`, `stz2`, constant sizes, not interleaved.
pub(super) fn movies() -> Vec<Mov> {
    let mut odd_audio = Trk::audio(9000);
    odd_audio.chunks = chunks_cycling(9000, &[21, 22, 1, 1500, 3]);
    let mut wide = Trk::video(4000, 12);
    wide.co64 = true;
    let mut small = Trk::audio(7000);
    small.size_box = SizeBox::Stz2(16);
    let mut constant = Trk::audio(5000);
    (constant.size_box, constant.sizes) = (SizeBox::Constant, vec![25; 5000]);
    let mut apart = Mov::new(vec![Trk::bframes(4000), Trk::audio(7000)]);
    apart.interleave = false;
    vec![
        Mov::new(vec![Trk::bframes(5000), odd_audio]),
        Mov::new(vec![wide, small]),
        Mov::new(vec![Trk::video(3500, 25), constant]),
        apart,
    ]
}

/// The index of `file`, built from its tables.
pub(super) fn index_of(file: &[u8]) -> Vec<u8> {
    let mv = movie::parse(top::scan(file).unwrap().moov, None).unwrap();
    build(&mv).expect("index")
}

/// Seeks over the whole of `m`, with and without an end.
fn seeks(m: &Mov) -> Vec<Seek> {
    let ms = m
        .tracks
        .iter()
        .map(|t| t.movie_duration(1000))
        .max()
        .unwrap();
    let starts = (0..ms)
        .step_by((ms / 23) as usize)
        .chain([1, ms / 2 + 7, ms - 1]);
    starts
        .flat_map(|s| {
            [
                seek(Some(s), None),
                seek(Some(s), Some(s + 4321)),
                seek(None, Some(s + 1)),
            ]
        })
        .collect()
}

/// The body bytes, shape, start and time map of a planned cut, or the error text.
fn outcome(
    file: &[u8],
    p: crate::Result<Planned>,
) -> Result<(Vec<u8>, String, Option<u64>, loomiere_plan::TimeMap), String> {
    let p = p.map_err(|e| e.to_string())?;
    let view = View {
        plan: &p.plan,
        src: file,
    };
    Ok((
        view.read(0, view.len()),
        format!("{:?}", p.shape),
        p.start_ms,
        p.time_map,
    ))
}

#[test]
fn a_cut_with_the_index_is_the_cut_without_it() {
    for m in movies() {
        let file = m.build().bytes();
        let idx = index_of(&file);
        let checkpoints = parse(&idx).expect("the built index parses");
        assert!(
            movie::parse(top::scan(&file).unwrap().moov, Some(&checkpoints))
                .unwrap()
                .indexed,
            "the index fits its own file"
        );
        for s in seeks(&m) {
            for timing in [Timing::Map, Timing::Skip] {
                let plain = outcome(&file, plan_body(&file, s, timing));
                let indexed = outcome(&file, plan_indexed(&file, s, timing, Some(&idx), false));
                assert!(
                    plain == indexed,
                    "{s:?} {timing:?}: the indexed cut differs"
                );
            }
        }
    }
}

#[test]
fn lookups_from_checkpoints_equal_walks_from_the_start() {
    for m in movies() {
        let file = m.build().bytes();
        let idx = index_of(&file);
        let checkpoints = parse(&idx).unwrap();
        let moov = top::scan(&file).unwrap().moov;
        let (plain, checkpointed) = (
            movie::parse(moov, None).unwrap(),
            movie::parse(moov, Some(&checkpoints)).unwrap(),
        );
        for (p, q) in plain.tracks.iter().zip(&checkpointed.tracks) {
            let n = p.samples;
            let points: Vec<u32> = (0..n)
                .step_by(97)
                .chain([0, EVERY - 1, EVERY, 2 * EVERY + 1, n - 1, n])
                .filter(|&i| i <= n)
                .collect();
            for &i in &points {
                if let (Some(a), Some(b)) = (p.ctts, q.ctts) {
                    assert_eq!(
                        a.locate(RunPos::default(), u64::from(i)),
                        b.locate(RunPos::default(), u64::from(i)),
                        "ctts {i}"
                    );
                }
                let (mut a, mut b) = (
                    ChunkWalk::new(&p.stsc, p.chunks.count()),
                    ChunkWalk::new(&q.stsc, q.chunks.count()),
                );
                a.skip_to_sample(u64::from(i));
                b.skip_to_sample(u64::from(i));
                assert_eq!(a.next(), b.next(), "chunk of sample {i}");
                for &j in points.iter().filter(|&&j| j >= i) {
                    assert_eq!(p.sizes.sum(i, j), q.sizes.sum(i, j), "sizes {i}..{j}");
                }
            }
            let c = p.chunks.count();
            for from in (0..c).step_by(113).chain([0, 1, EVERY, c]) {
                for to in (from..=c).step_by(257).chain([c]) {
                    assert_eq!(
                        p.chunks.min_max_entries(from, to),
                        q.chunks.min_max(from, to),
                        "chunks {from}..{to}"
                    );
                }
            }
        }
    }
}

#[test]
fn the_checkpoints_are_read() {
    // Raising stsz sum k by k bytes changes long sums: proof that they come from the
    // index, not from the table (short ones still read the table).
    let m = &movies()[0];
    let file = m.build().bytes();
    let mut idx = index_of(&file);
    for (k, at) in sum_offsets(&idx).into_iter().enumerate() {
        let v = u64::from_le_bytes(idx[at..at + 8].try_into().unwrap()) + k as u64;
        idx[at..at + 8].copy_from_slice(&v.to_le_bytes());
    }
    // Sealed again, as if built so: the digest would refuse the edit otherwise.
    let body = idx.len() - 8;
    let sealed = digest(&idx[..body]).to_le_bytes();
    idx[body..].copy_from_slice(&sealed);
    let checkpoints = parse(&idx).unwrap();
    let moov = top::scan(&file).unwrap().moov;
    let (plain, checkpointed) = (
        movie::parse(moov, None).unwrap(),
        movie::parse(moov, Some(&checkpoints)).unwrap(),
    );
    let (p, q) = (&plain.tracks[0].sizes, &checkpointed.tracks[0].sizes);
    assert_eq!(q.sum(EVERY, 4 * EVERY), p.sum(EVERY, 4 * EVERY) + 3);
    assert_eq!(q.sum(10, 20), p.sum(10, 20));
}

/// Offsets of the `stsz` sums of the first track in an index (layout in `index::format`).
fn sum_offsets(idx: &[u8]) -> Vec<usize> {
    let le = |at: usize| u32::from_le_bytes(idx[at..at + 4].try_into().unwrap());
    let (samples, flags) = (le(16), le(32));
    assert_eq!(flags & 3, 3, "first track has ctts checkpoints and sums");
    let n = samples.div_ceil(EVERY) as usize;
    let start = 16 + 40 + n * 12 + n * 16;
    (0..=n).map(|k| start + k * 8).collect()
}

#[test]
fn damaged_or_foreign_indexes_are_refused_or_harmless() {
    let movies = movies();
    let file = movies[0].build().bytes();
    let idx = index_of(&file);
    let s = seek(Some(77_000), None);
    for len in (0..idx.len()).step_by(7) {
        assert!(parse(&idx[..len]).is_none(), "cut to {len} bytes");
    }
    let mut longer = idx.clone();
    longer.push(0);
    assert!(parse(&longer).is_none(), "a trailing byte");
    let want = outcome(&file, plan_body(&file, s, Timing::Map));
    for at in (0..idx.len()).step_by(5) {
        for flip in [0x01u8, 0x80, 0xff] {
            let mut bad = idx.clone();
            bad[at] ^= flip;
            assert!(parse(&bad).is_none(), "byte {at} ^ {flip:#x} is caught");
            assert!(
                outcome(
                    &file,
                    plan_indexed(&file, s, Timing::Map, Some(&bad), false)
                ) == want,
                "byte {at} ^ {flip:#x}"
            );
        }
    }
    let other = movies[1].build().bytes();
    let foreign = parse(&idx).unwrap();
    assert!(
        !movie::parse(top::scan(&other).unwrap().moov, Some(&foreign))
            .unwrap()
            .indexed,
        "an index of other tables is not used"
    );
    assert!(
        outcome(&other, plan_body(&other, s, Timing::Map))
            == outcome(
                &other,
                plan_indexed(&other, s, Timing::Map, Some(&idx), false)
            )
    );
}

#[test]
fn a_cut_builds_an_index_only_for_a_large_moov_and_only_without_one() {
    let small = Mov::new(vec![Trk::video(300, 25), Trk::audio(500)])
        .build()
        .bytes();
    let large = movies()[0].build().bytes();
    assert!(top::scan(&small).unwrap().moov.len() < MIN_MOOV_FOR_INDEX);
    assert!(top::scan(&large).unwrap().moov.len() >= MIN_MOOV_FOR_INDEX);
    let s = seek(Some(3000), None);
    assert_eq!(
        plan_indexed(&small, s, Timing::Map, None, true)
            .unwrap()
            .new_index,
        None
    );
    let built = plan_indexed(&large, s, Timing::Map, None, true)
        .unwrap()
        .new_index
        .expect("an index for a large moov");
    assert_eq!(built, index_of(&large));
    assert_eq!(
        plan_indexed(&large, s, Timing::Map, Some(&built), true)
            .unwrap()
            .new_index,
        None,
        "a usable index is not rebuilt"
    );
    assert_eq!(
        plan_indexed(&large, seek(None, None), Timing::Map, None, true)
            .unwrap()
            .new_index,
        None,
        "no cut, no index"
    );
}
