//! Truncated and damaged files: every prefix of small valid files, `moov` first and at
//! the end, and random damage inside `moov`.
//! No prefix may panic; each plans or is refused as a defect, and a prefix that still
//! plans a cut gives exactly the body of the whole file (its `moov` is intact and the
//! kept samples lie inside the prefix).

use super::build::{SizeBox, Trk};
use super::file::Mov;
use super::{oracle, seek};
use crate::{plan, Mp4Error, Seek, Shape};
use std::panic::catch_unwind;

/// Small movies: plain video and audio, and one with B-frames, sample groups, `stz2`,
/// `co64` and a 64-bit `mdat` header.
fn movies() -> Vec<Mov> {
    let plain = Mov::new(vec![Trk::video(30, 10), Trk::audio(50)]);
    let mut v = Trk::bframes(24);
    v.sbgp = Some(0);
    let mut a = Trk::audio(50);
    (a.size_box, a.co64) = (SizeBox::Stz2(8), true);
    let mut rich = Mov::new(vec![v, a]);
    rich.mdat_large = true;
    vec![plain, rich]
}

#[test]
fn every_prefix_plans_the_same_body_or_is_a_defect() {
    let seeks: [Seek; 4] = [
        seek(Some(500), None),
        seek(None, Some(400)),
        seek(Some(300), Some(700)),
        seek(None, None),
    ];
    for mut m in movies() {
        for moov_first in [true, false] {
            m.moov_first = moov_first;
            let file = m.build().bytes();
            let whole: Vec<_> = seeks.iter().map(|&s| plan(&file, s).unwrap()).collect();
            let mut cuts_planned = 0;
            for n in 0..file.len() {
                let prefix = &file[..n];
                for (&s, whole) in seeks.iter().zip(&whole) {
                    let r = catch_unwind(|| plan(prefix, s))
                        .unwrap_or_else(|_| panic!("panic on a {n}-byte prefix, {s:?}"));
                    match r {
                        Ok(p) if p.shape == Shape::AsStored => oracle::as_stored(prefix, &p),
                        Ok(p) => {
                            assert_eq!(
                                (p.shape, &p.plan),
                                (whole.shape, &whole.plan),
                                "{n}-byte prefix, {s:?}"
                            );
                            oracle::well_formed(prefix, &p);
                            cuts_planned += 1;
                        }
                        Err(Mp4Error::Defect(_)) => {}
                        Err(e) => panic!("{n}-byte prefix, {s:?}: {e}"),
                    }
                }
            }
            // With moov first, a prefix that holds the first 400 ms of samples still plans.
            assert_eq!(
                cuts_planned > 0,
                moov_first,
                "cuts planned on prefixes: {cuts_planned}"
            );
        }
    }
}

/// A small deterministic xorshift generator, so a failure names a reproducible case.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// Random damage inside `moov` (bytes and 32-bit fields set to telling values): never
/// a panic; a cut that still plans is a well-formed MP4 whose samples lie in its
/// `mdat`, a relocation keeps every other box.
#[test]
fn random_damage_in_moov_never_panics() {
    let seeks: [Seek; 3] = [
        seek(Some(500), None),
        seek(None, Some(400)),
        seek(None, None),
    ];
    let values = [
        0u32,
        1,
        2,
        7,
        0x7fff_ffff,
        0x8000_0000,
        u32::MAX,
        u32::MAX - 1,
        1000,
    ];
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    for mut m in movies() {
        for moov_first in [true, false] {
            m.moov_first = moov_first;
            let file = m.build().bytes();
            let moov = super::read::find(&file, "moov");
            let (from, len) = (moov.at as usize, moov.len as usize);
            for case in 0..1500 {
                let mut bad = file.clone();
                for _ in 0..1 + rng.below(3) {
                    let at = from + rng.below(len - 4);
                    match rng.below(3) {
                        0 => bad[at] = rng.next() as u8,
                        1 => bad[at..at + 4]
                            .copy_from_slice(&values[rng.below(values.len())].to_be_bytes()),
                        _ => bad[at & !3..(at & !3) + 4]
                            .copy_from_slice(&(rng.next() as u32 % 64).to_be_bytes()),
                    }
                }
                for &s in &seeks {
                    let r = catch_unwind(|| plan(&bad, s))
                        .unwrap_or_else(|_| panic!("panic: damage case {case}, {s:?}"));
                    match r {
                        Ok(p) if p.shape == Shape::AsStored => oracle::as_stored(&bad, &p),
                        Ok(p) if p.shape == Shape::MoovFirst => drop(oracle::moved_boxes(&bad, &p)),
                        Ok(p) => oracle::well_formed(&bad, &p),
                        Err(_) => {}
                    }
                }
            }
        }
    }
}
