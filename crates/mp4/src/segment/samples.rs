//! The samples of one media segment, read from the sample tables in one forward pass:
//! decode times and durations (`stts`, ISO/IEC 14496-12 §8.6.1.2), composition offsets
//! (`ctts` §8.6.1.3), sync samples (`stss` §8.6.2), sizes (`stsz`/`stz2` §8.7.3), and
//! chunks with their offsets and sample descriptions (`stsc` §8.7.4, `stco`/`co64`
//! §8.7.5). The walks start from the sample index's checkpoints when the track has
//! them, so a segment late in a long film reads a few pages of each table.

use crate::chunks::ChunkWalk;
use crate::error::{add, defect, Result};
use crate::runs::{RunCursor, RunPos};
use crate::track::Track;

/// One sample as the tables describe it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Row {
    /// Decode time, media ticks.
    pub dts: u128,
    /// Duration (the `stts` delta), media ticks.
    pub duration: u32,
    /// Composition offset, media ticks (0 without `ctts`).
    pub cto: i64,
    /// Size in bytes.
    pub size: u32,
    /// File offset of its first byte.
    pub offset: u64,
    /// A sync sample (every sample of a track without `stss`).
    pub sync: bool,
    /// Its `stsd` entry (1-based).
    pub description: u32,
}

/// Samples `first..end` (0-based, end exclusive) of `t`, in decode order. Errors: the
/// tables place no chunk for a sample, or a sample's bytes lie past `file_len`.
pub(crate) fn rows(t: &Track<'_>, first: u32, end: u32, file_len: u64) -> Result<Vec<Row>> {
    let mut out = Vec::with_capacity(end.saturating_sub(first) as usize);
    let mut dts = RunCursor::new(t.stts);
    let mut cto = t
        .ctts
        .map(|c| RunCursor::counts_from(c, c.locate(RunPos::default(), u64::from(first))));
    let mut sync = SyncCursor::new(t, first);
    let mut walk = ChunkWalk::new(&t.stsc, t.chunks.count());
    walk.skip_to_sample(u64::from(first));
    let mut i = first;
    while i < end {
        let c = walk
            .next()
            .ok_or_else(|| defect!("stsc places no chunk for sample {}", i + 1))?;
        let chunk_end = c.first_sample + u64::from(c.samples);
        if chunk_end <= u64::from(i) {
            continue;
        }
        let chunk_first =
            u32::try_from(c.first_sample).map_err(|_| defect!("stsc places samples past 2^32"))?;
        let mut offset = add(
            t.chunks.get(c.index),
            t.sizes.sum(chunk_first, i),
            "chunk offset",
        )?;
        while i < end && u64::from(i) < chunk_end {
            let d0 = dts.dts(u64::from(i));
            let duration = u32::try_from(dts.dts(u64::from(i) + 1) - d0)
                .map_err(|_| defect!("stts delta overflows"))?;
            let size = t.sizes.get(i);
            if add(offset, u64::from(size), "sample end")? > file_len {
                return Err(defect!(
                    "sample {} at {offset}+{size} lies past the end of the file ({file_len})",
                    i + 1
                ));
            }
            let row = Row {
                dts: d0,
                duration,
                cto: cto.as_mut().map_or(0, |c| c.cto(u64::from(i))),
                size,
                offset,
                sync: sync.is_sync(i)?,
                description: c.description,
            };
            out.push(row);
            offset += u64::from(size);
            i += 1;
        }
    }
    Ok(out)
}

/// Walks `stss` alongside increasing sample numbers.
struct SyncCursor<'a> {
    entries: Option<crate::tables::Entries<'a>>,
    at: u32,
    prev: u32,
    samples: u32,
}

impl<'a> SyncCursor<'a> {
    /// A cursor at the first `stss` entry for sample `first` or later (bisection over
    /// the entries, which must increase).
    fn new(t: &Track<'a>, first: u32) -> Self {
        let at = t.stss.map_or(0, |e| {
            let (mut lo, mut hi) = (0u32, e.count);
            while lo < hi {
                let mid = lo + (hi - lo) / 2;
                if e.u32(mid, 4, 0) <= first {
                    lo = mid + 1;
                } else {
                    hi = mid;
                }
            }
            lo
        });
        SyncCursor {
            entries: t.stss,
            at,
            prev: first,
            samples: t.samples,
        }
    }

    /// True when sample `i` (0-based) is a sync sample. `i` must increase from call to
    /// call. Errors: `stss` entries that do not increase or lie past the samples.
    fn is_sync(&mut self, i: u32) -> Result<bool> {
        let Some(e) = self.entries else {
            return Ok(true);
        };
        while self.at < e.count {
            let s = e.u32(self.at, 4, 0);
            if s <= self.prev || s > self.samples {
                return Err(defect!(
                    "stss entry {} ({s}) is not increasing or past the {} samples",
                    self.at,
                    self.samples
                ));
            }
            if s > i + 1 {
                return Ok(false);
            }
            self.prev = s;
            self.at += 1;
            if s == i + 1 {
                return Ok(true);
            }
        }
        Ok(false)
    }
}
