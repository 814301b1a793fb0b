//! One track's samples `from..to`, one after another, with everything the sample tables
//! say of each (ISO/IEC 14496-12 §8.6, §8.7): decode time and duration (`stts`),
//! composition offset (`ctts`), size (`stsz`/`stz2`), file offset (`stsc` with
//! `stco`/`co64`), sync (`stss`) and sample description (`stsc`). For HLS segments:
//! which samples, at which file offsets, with which times.
//!
//! Starting costs no step per sample before `from`: the `stts` entries once, the
//! `ctts` and `stsc` entries once (or [`EVERY`] of them from a checkpoint), the sizes
//! in `from`'s chunk before it (at most two stretches of [`EVERY`] with checkpoints)
//! and a binary search in `stss`. Then each sample is O(1). The samples are the same
//! with checkpoints or without.
//!
//! [`EVERY`]: crate::parse::checkpoints::EVERY

use crate::error::{defect, Mp4Error, Result};
use crate::parse::entries::Entries;
use crate::parse::runs::{RunPos, Runs};
use crate::parse::track::Track;
use crate::walk::chunks::ChunkWalk;
use crate::walk::lookup::{check_range, chunk_from, offset_in, ticks};
use crate::walk::run_cursor::RunCursor;

/// One sample, as the sample tables give it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Sample {
    /// Sample number, 0-based.
    pub number: u32,
    /// Decode time, media ticks (`stts`, §8.6.1.2).
    pub dts: u64,
    /// Duration (the `stts` delta), media ticks.
    pub duration: u32,
    /// Composition offset, media ticks, signed: `ctts` (§8.6.1.3) version 1 is signed,
    /// and version 0 values past `i32::MAX` are read the same way, as players do; 0
    /// without `ctts` or past its end.
    pub cto: i32,
    /// Size, bytes (`stsz` §8.7.3.2, `stz2` §8.7.3.3).
    pub size: u32,
    /// File offset of its first byte.
    pub offset: u64,
    /// A sync sample (`stss`, §8.6.2; every sample is one without `stss`).
    pub is_sync: bool,
    /// Its `stsc` entry's `sample_description_index` (1-based, into `stsd`).
    pub sample_description_index: u32,
}

/// Where a walk stands in a run-length table: the current entry, the samples of it
/// not yet walked, and its value.
#[derive(Clone, Copy, Debug, Default)]
struct RunPlace {
    entry: u32,
    left: u64,
    value: u32,
}

impl RunPlace {
    /// The place of sample `i` in `runs`, from `at`, the entry holding it; `None`
    /// when no entry does.
    fn of(runs: &Runs<'_>, at: RunPos, i: u64) -> Option<Self> {
        if at.entry >= runs.len() {
            return None;
        }
        let (count, value) = runs.get(at.entry);
        Some(RunPlace {
            entry: at.entry,
            left: (at.start + u64::from(count)).checked_sub(i)?,
            value,
        })
    }

    /// The value of the next sample, moving on past zero-count entries; `None` when
    /// the table has ended.
    fn step(&mut self, runs: &Runs<'_>) -> Option<u32> {
        while self.left == 0 {
            self.entry = self.entry.checked_add(1).filter(|&e| e < runs.len())?;
            let (count, value) = runs.get(self.entry);
            (self.left, self.value) = (u64::from(count), value);
        }
        self.left -= 1;
        Some(self.value)
    }
}

/// The samples `from..to` of a track, in decode order (see the module notes). Each
/// item is a [`Sample`], or the defect that stopped the walk (the last item then).
pub(crate) struct Samples<'t, 'a> {
    t: &'t Track<'a>,
    next: u32,
    end: u32,
    /// Decode time of sample `next`, media ticks.
    dts: u64,
    stts: RunPlace,
    ctts: Option<RunPlace>,
    walk: ChunkWalk<'a, 't>,
    /// One past the last sample of the current chunk, its description, and the file
    /// offset of sample `next` when it lies in that chunk.
    chunk_end: u64,
    description: u32,
    offset: u64,
    /// `stss` and its entry that is the next sync sample at or after `next` (`None`
    /// without `stss`: every sample is one).
    stss: Option<(Entries<'a>, u32)>,
}

/// The samples `from..to` (0-based, end exclusive) of `t`. Errors: not a range of the
/// track's samples, tables that do not place `from`, or an offset past 64 bits.
pub(crate) fn samples<'t, 'a>(t: &'t Track<'a>, from: u32, to: u32) -> Result<Samples<'t, 'a>> {
    check_range(t, from, to)?;
    let mut walk = ChunkWalk::new(&t.stsc, t.chunks.count());
    let (mut dts, mut stts, mut ctts) = (0, RunPlace::default(), None);
    let (mut chunk_end, mut description, mut offset) = (0, 0, 0);
    if from < to {
        let i = u64::from(from);
        let mut cursor = RunCursor::new(t.stts);
        dts = ticks(cursor.dts(i), from)?;
        stts = RunPlace::of(&t.stts, cursor.pos(), i).ok_or_else(|| untimed(from))?;
        ctts = t
            .ctts
            .and_then(|c| RunPlace::of(&c, c.locate(RunPos::default(), i), i));
        let c = chunk_from(&mut walk, from)?;
        (chunk_end, description) = (c.first_sample + u64::from(c.samples), c.description);
        offset = offset_in(t, &c, from)?;
    }
    let stss = t.stss.map(|e| (e, first_sync_at_or_after(&e, from)));
    Ok(Samples {
        t,
        next: from,
        end: to,
        dts,
        stts,
        ctts,
        walk,
        chunk_end,
        description,
        offset,
        stss,
    })
}

/// The first entry of the `stss` entries `e` (1-based sample numbers) that is at
/// least `from + 1`; `e.count` when none is. A binary search: entries out of order are
/// found by the walk over the ones it passes.
fn first_sync_at_or_after(e: &Entries<'_>, from: u32) -> u32 {
    let (mut lo, mut hi) = (0u32, e.count);
    while lo < hi {
        let mid = lo + (hi - lo) / 2;
        if e.u32(mid, 4, 0) <= from {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    lo
}

/// The defect of a sample that `stts` gives no time.
fn untimed(i: u32) -> Mp4Error {
    defect!("stts gives no time to sample {}", u64::from(i) + 1)
}

impl Samples<'_, '_> {
    /// Sample `next`, moving on; the walk's state stands at `next + 1` after it.
    fn take(&mut self) -> Result<Sample> {
        let i = self.next;
        let duration = self.stts.step(&self.t.stts).ok_or_else(|| untimed(i))?;
        let cto = match (&mut self.ctts, self.t.ctts) {
            (Some(p), Some(c)) => p.step(&c).unwrap_or(0) as i32,
            _ => 0,
        };
        if u64::from(i) >= self.chunk_end {
            let c = self
                .walk
                .next()
                .filter(|c| c.first_sample == u64::from(i))
                .ok_or_else(|| defect!("stsc places no chunk for sample {}", u64::from(i) + 1))?;
            (self.chunk_end, self.description) =
                (c.first_sample + u64::from(c.samples), c.description);
            self.offset = self.t.chunks.get(c.number);
        }
        let size = self.t.sizes.get(i);
        let sample = Sample {
            number: i,
            dts: self.dts,
            duration,
            cto,
            size,
            offset: self.offset,
            is_sync: self.is_sync(i)?,
            sample_description_index: self.description,
        };
        self.dts = self
            .dts
            .checked_add(u64::from(duration))
            .ok_or_else(|| defect!("decode time of sample {} overflows", u64::from(i) + 2))?;
        self.offset = self
            .offset
            .checked_add(u64::from(size))
            .ok_or_else(|| defect!("chunk offset overflows 64 bits"))?;
        self.next = i + 1;
        Ok(sample)
    }

    /// True when sample `i` (the next one) is a sync sample; moves past its `stss`
    /// entry. Errors: an entry below `i + 1` (entries not increasing).
    fn is_sync(&mut self, i: u32) -> Result<bool> {
        let Some((e, k)) = self.stss.as_mut() else {
            return Ok(true);
        };
        if *k >= e.count {
            return Ok(false);
        }
        let (s, want) = (e.u32(*k, 4, 0), u64::from(i) + 1);
        if u64::from(s) < want {
            return Err(defect!("stss entry {k} ({s}) is not increasing"));
        }
        if u64::from(s) > want {
            return Ok(false);
        }
        *k += 1;
        Ok(true)
    }
}

impl Iterator for Samples<'_, '_> {
    type Item = Result<Sample>;

    fn next(&mut self) -> Option<Result<Sample>> {
        if self.next >= self.end {
            return None;
        }
        let item = self.take();
        if item.is_err() {
            self.next = self.end;
        }
        Some(item)
    }
}
