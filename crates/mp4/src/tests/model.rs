//! A brute-force model of where a cut falls, computed sample by sample from the
//! builder's description (never from the planner's tables): the expected kept range
//! of every track. Hand-written expectations in the cases pin the model down; loops
//! over many seeks then compare the planner with the model.

use super::build::Trk;
use super::file::Mov;
use crate::walk::samples::Sample;
use crate::Seek;
use std::collections::HashSet;

/// Nanoseconds per second.
pub(super) const NS: i128 = 1_000_000_000;

/// `ticks` at `scale` in ns, rounded toward −∞.
pub(super) fn ns(ticks: i128, scale: u32) -> i128 {
    (ticks * NS).div_euclid(i128::from(scale))
}

fn ticks_near(ns: i128, scale: u32) -> i128 {
    (ns * i128::from(scale) + NS / 2).div_euclid(NS)
}

fn ticks_up(ns: i128, scale: u32) -> i128 {
    (ns * i128::from(scale) + NS - 1).div_euclid(NS)
}

/// What a cut keeps.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct Expect {
    /// The input presentation time (ns, movie timeline) that becomes output time 0.
    pub cut_ns: i128,
    /// Per input track: the kept samples `first..end` (0-based), or `None` when the
    /// track is left empty (it stays in the movie without samples).
    pub tracks: Vec<Option<(u32, u32)>>,
    /// The end of the request (ns, input timeline) when it falls inside the movie.
    pub end_ns: Option<i128>,
}

/// An expectation written by hand: the cut in ms and the kept ranges (`end_ns` is
/// not compared with the model).
pub(super) fn expect(cut_ms: i128, tracks: &[Option<(u32, u32)>]) -> Expect {
    Expect {
        cut_ns: cut_ms * 1_000_000,
        tracks: tracks.to_vec(),
        end_ns: None,
    }
}

/// Per-sample times of a track description.
pub(super) struct Timeline {
    /// Decode time of every sample, plus the total at the end (media ticks).
    pub dts: Vec<i128>,
    pub cto: Vec<i128>,
}

impl Trk {
    pub fn timeline(&self) -> Timeline {
        let mut dts = vec![0i128];
        self.deltas
            .iter()
            .for_each(|&d| dts.push(dts.last().unwrap() + i128::from(d)));
        let n = self.sizes.len();
        let cto = (0..n)
            .map(|i| self.cto.as_ref().map_or(0, |c| i128::from(c.1[i])))
            .collect();
        Timeline { dts, cto }
    }

    /// Leading empty edits (movie ticks) and the first media edit's `media_time`.
    pub fn edit(&self) -> (u64, i64) {
        let mut empty = 0;
        for &(d, m) in self.edits.iter().flatten() {
            if m != -1 {
                return (empty, m);
            }
            empty += d;
        }
        (empty, 0)
    }

    /// Every sample as the description gives it (what `walk::samples` must yield);
    /// `chunk_offsets`: where the builder put the chunks.
    pub fn sample_model(&self, chunk_offsets: &[u64]) -> Vec<Sample> {
        let syncs: Option<HashSet<u32>> = self.sync.as_ref().map(|s| s.iter().copied().collect());
        let (mut out, mut dts, mut i) = (Vec::new(), 0u64, 0u32);
        for (c, &n) in self.chunks.iter().enumerate() {
            let mut offset = chunk_offsets[c];
            for _ in 0..n {
                let k = i as usize;
                out.push(Sample {
                    number: i,
                    dts,
                    duration: self.deltas[k],
                    cto: self.cto.as_ref().map_or(0, |c| c.1[k]),
                    size: self.sizes[k],
                    offset,
                    is_sync: syncs.as_ref().is_none_or(|s| s.contains(&(i + 1))),
                    sample_description_index: self.description(c),
                });
                dts += u64::from(self.deltas[k]);
                offset += u64::from(self.sizes[k]);
                i += 1;
            }
        }
        out
    }

    /// Sync samples, 0-based.
    pub fn syncs(&self) -> Vec<u32> {
        match &self.sync {
            Some(s) => s.iter().map(|s| s - 1).collect(),
            None => (0..self.sizes.len() as u32).collect(),
        }
    }

    /// Presentation time of sample `i` in ns on the movie timeline.
    pub fn pts_ns(&self, tl: &Timeline, i: u32, movie_ts: u32) -> i128 {
        let (empty, mt) = self.edit();
        let i = i as usize;
        ns(i128::from(empty), movie_ts) + ns(tl.dts[i] + tl.cto[i] - i128::from(mt), self.timescale)
    }
}

/// The expected cut for `seek`, or `None` when the planner must answer `BadSeek`.
pub(super) fn model(m: &Mov, seek: Seek) -> Option<Expect> {
    let mts = m.timescale;
    let mvhd = m
        .tracks
        .iter()
        .map(|t| t.movie_duration(mts))
        .max()
        .unwrap_or(0);
    let mut dur = ns(i128::from(mvhd), mts);
    for t in m.tracks.iter().filter(|t| !t.sizes.is_empty()) {
        let (empty, mt) = t.edit();
        dur = dur.max(
            ns(i128::from(empty), mts)
                + ns(
                    *t.timeline().dts.last().unwrap() - i128::from(mt),
                    t.timescale,
                ),
        );
    }
    let start = i128::from(seek.start_ms.unwrap_or(0)) * 1_000_000;
    if start >= dur {
        return None;
    }
    let end = match seek.end_ms.map(|e| i128::from(e) * 1_000_000) {
        Some(e) if e <= start => return None,
        Some(e) if e >= dur => None,
        e => e,
    };
    let snap = snap(m, start);
    let cut_ns = snap.map_or(start, |s| s.1);
    let video = m
        .tracks
        .iter()
        .position(|t| &t.handler == b"vide" && !t.sizes.is_empty());
    let tracks: Vec<_> = m
        .tracks
        .iter()
        .enumerate()
        .map(|(i, t)| cut_track(t, mts, cut_ns, end, snap.filter(|_| Some(i) == video)))
        .collect();
    if tracks.iter().all(Option::is_none) {
        return None;
    }
    Some(Expect {
        cut_ns,
        tracks,
        end_ns: end,
    })
}

/// The sync sample of the first video track at or before `start` (the first one if
/// all are later) and its presentation time (ns, at least 0); `None` without video.
fn snap(m: &Mov, start: i128) -> Option<(u32, i128)> {
    let v = m
        .tracks
        .iter()
        .find(|t| &t.handler == b"vide" && !t.sizes.is_empty())?;
    let tl = v.timeline();
    let mut best = None;
    for s in v.syncs() {
        let p = v.pts_ns(&tl, s, m.timescale);
        if p > start && best.is_some() {
            break;
        }
        best = Some((s, p.max(0)));
    }
    best
}

/// The kept samples of one track for a cut at `cut` and an optional end (ns). `snap`:
/// the snapped sync sample when this is the video track it was found on.
fn cut_track(
    t: &Trk,
    mts: u32,
    cut: i128,
    end: Option<i128>,
    snap: Option<(u32, i128)>,
) -> Option<(u32, u32)> {
    let n = t.sizes.len() as u32;
    if n == 0 {
        return None;
    }
    let (tl, (empty, mt)) = (t.timeline(), t.edit());
    let (empty_ns, mt) = (ns(i128::from(empty), mts), i128::from(mt));
    let pts = |s: u32| tl.dts[s as usize] + tl.cto[s as usize];
    let local = cut - empty_ns;
    let (first, media_time) = match snap {
        Some((s, _)) => (s, tl.cto[s as usize].max(0)),
        None if local < 0 => (0, mt),
        None => {
            let target = mt + ticks_near(local, t.timescale);
            if target >= tl.dts[n as usize] {
                return None;
            }
            // The last sync sample presented at or before the target, else the first.
            let syncs = t.syncs();
            let mut chosen = syncs
                .iter()
                .copied()
                .take_while(|&s| pts(s) <= target)
                .last()
                .or(syncs.first().copied())
                .unwrap_or(0);
            if target < 0 {
                chosen = 0;
            }
            if &t.handler == b"soun" && t.sync.is_none() {
                chosen = chosen.saturating_sub(1);
            }
            (chosen, (target - tl.dts[chosen as usize]).max(0))
        }
    };
    let last = match end {
        Some(e) if e - empty_ns <= 0 => return None,
        Some(e) => {
            // Samples decoded before the end; those presenting after it are hidden by the edit.
            let target = mt + ticks_up(e - empty_ns, t.timescale);
            (0..n)
                .find(|&s| tl.dts[s as usize] >= target)
                .unwrap_or(n)
                .max(first + 1)
                .min(n)
        }
        None => n,
    };
    let origin = tl.dts[first as usize];
    let duration = tl.dts[last as usize] - origin;
    let shown = (first..last)
        .map(|s| tl.dts[s as usize + 1] + tl.cto[s as usize] - origin)
        .max()
        .unwrap_or(0);
    let presentation_end = if t.cto.is_some() {
        shown.max(duration)
    } else {
        duration
    };
    (presentation_end > media_time).then_some((first, last))
}
