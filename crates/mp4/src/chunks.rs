//! Chunk walking (ISO/IEC 14496-12 §8.7.4, §8.7.5): which chunk holds a sample, and
//! where the kept samples of a cut lie in the file, chunk by chunk (the packed layout).
//! A cut's new `stsc` is [`crate::stsc::StscCut`].

use crate::error::{add, defect, Result};
use crate::tables::Stsc;
use crate::track::Track;

/// One chunk as seen by a walk: 0-based index, first sample (0-based) and layout.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct ChunkInfo {
    pub index: u32,
    pub first_sample: u64,
    pub samples: u32,
    pub description: u32,
}

/// Where a [`ChunkWalk`] can start again: the chunk it yields next and its `stsc` entry
/// (0-based). The default is chunk 0.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct WalkPlace {
    pub entry: u32,
    pub chunk: ChunkInfo,
}

/// Walks chunks in order, from chunk 0 or from a [`WalkPlace`].
pub(crate) struct ChunkWalk<'a, 'b> {
    stsc: &'b Stsc<'a>,
    chunk_count: u32,
    /// Current `stsc` entry, its samples per chunk and description index, and the
    /// 1-based first chunk of the next entry (`u32::MAX` after the last).
    entry: u32,
    spc: u32,
    sdi: u32,
    next_first: u32,
    next: ChunkInfo,
}

impl<'a, 'b> ChunkWalk<'a, 'b> {
    pub fn new(stsc: &'b Stsc<'a>, chunk_count: u32) -> Self {
        Self::resume(stsc, chunk_count, WalkPlace::default())
    }

    /// A walk that yields `place.chunk` next, as the walk that found it would (see
    /// [`ChunkWalk::place_of`]), without walking there again.
    pub fn resume(stsc: &'b Stsc<'a>, chunk_count: u32, place: WalkPlace) -> Self {
        // An empty `stsc` leaves spc = 0 and no next entry: the walk yields nothing.
        let mut w = ChunkWalk {
            stsc,
            chunk_count,
            entry: 0,
            spc: 0,
            sdi: 0,
            next_first: u32::MAX,
            next: place.chunk,
        };
        w.load(place.entry);
        w
    }

    /// The place of `chunk`, the chunk this walk has just yielded.
    pub fn place_of(&self, chunk: ChunkInfo) -> WalkPlace {
        WalkPlace {
            entry: self.entry,
            chunk,
        }
    }

    /// Makes entry `e` current (no-op fields when `stsc` is empty).
    fn load(&mut self, e: u32) {
        let n = self.stsc.entries.count;
        if e >= n {
            return;
        }
        self.entry = e;
        (_, self.spc, self.sdi) = self.stsc.get(e);
        self.next_first = if e + 1 < n {
            self.stsc.get(e + 1).0
        } else {
            u32::MAX
        };
    }

    /// Skips whole `stsc` runs, then whole chunks, that end before sample `target`, so
    /// finding a late sample costs O(entries), not O(chunks); with checkpoints, it
    /// starts from the one at or before `target` when that lies ahead.
    pub fn skip_to_sample(&mut self, target: u64) {
        if let Some(m) = self
            .stsc
            .marks
            .before(target)
            .filter(|m| m.chunk.index > self.next.index)
        {
            (self.next.index, self.next.first_sample) = (m.chunk.index, m.chunk.first_sample);
            self.load(m.entry);
        }
        let limit = self.chunk_count.saturating_add(1);
        // Tight pass over whole runs: the entry after a run only gives its first chunk.
        let (mut e, mut first, mut spc, mut at) = (
            self.entry,
            self.next.index + 1,
            self.spc,
            self.next.first_sample,
        );
        let after = self
            .stsc
            .entries
            .bytes
            .get((e as usize + 1) * 12..)
            .unwrap_or_default();
        for next in after.as_chunks::<12>().0 {
            let run_end = u32::from_be_bytes([next[0], next[1], next[2], next[3]]).min(limit);
            let run = u64::from(run_end.saturating_sub(first)) * u64::from(spc);
            if at + run > target {
                break;
            }
            at += run;
            first = run_end;
            e += 1;
            spc = u32::from_be_bytes([next[4], next[5], next[6], next[7]]);
        }
        if e != self.entry {
            self.next.first_sample = at;
            self.next.index = first - 1;
            self.load(e);
        }
        self.skip_within_entry(target);
    }

    /// Jumps over whole chunks of the current `stsc` run that end before `target`.
    fn skip_within_entry(&mut self, target: u64) {
        if self.spc == 0 {
            return;
        }
        let behind = target.saturating_sub(self.next.first_sample) / u64::from(self.spc);
        let room = u64::from(self.chunk_count.saturating_sub(self.next.index));
        // behind <= room <= u32::MAX.
        let skip = behind.min(room) as u32;
        self.next.index += skip;
        self.next.first_sample += u64::from(skip) * u64::from(self.spc);
    }
}

impl Iterator for ChunkWalk<'_, '_> {
    type Item = ChunkInfo;

    #[inline]
    fn next(&mut self) -> Option<ChunkInfo> {
        if self.next.index >= self.chunk_count || self.spc == 0 {
            return None;
        }
        if self.next.index + 1 >= self.next_first {
            self.load(self.entry + 1);
        }
        let info = ChunkInfo {
            samples: self.spc,
            description: self.sdi,
            ..self.next
        };
        self.next.index += 1;
        self.next.first_sample += u64::from(self.spc);
        Some(info)
    }
}

/// The file byte ranges `(offset, len)` of samples `first..end` (0-based, end
/// exclusive), one per kept chunk, in chunk order. Errors: a kept range past `file_len`.
pub(crate) fn cut(
    track: &Track<'_>,
    first: u32,
    end: u32,
    file_len: u64,
) -> Result<Vec<(u64, u64)>> {
    let mut walk = ChunkWalk::new(&track.stsc, track.chunks.count());
    walk.skip_to_sample(u64::from(first));
    // At most one chunk per kept sample, and no more than the chunks left: reserving
    // once avoids regrowing (and re-faulting) vectors of 100k+ entries.
    let room = (track.chunks.count().saturating_sub(walk.next.index)).min(end.saturating_sub(first))
        as usize;
    let mut out = Vec::with_capacity(room);
    for chunk in walk {
        let chunk_end = chunk.first_sample + u64::from(chunk.samples);
        if chunk_end <= u64::from(first) {
            continue;
        }
        if chunk.first_sample >= u64::from(end) {
            break;
        }
        out.push(kept_range(track, &chunk, first, end, file_len)?);
    }
    Ok(out)
}

/// The file range of the kept samples of one chunk.
fn kept_range(
    t: &Track<'_>,
    c: &ChunkInfo,
    first: u32,
    end: u32,
    file_len: u64,
) -> Result<(u64, u64)> {
    // first_sample < end <= u32::MAX here, so these fit in u32.
    let s0 = c.first_sample as u32;
    let from = s0.max(first);
    let to = (c.first_sample + u64::from(c.samples)).min(u64::from(end)) as u32;
    let offset = add(t.chunks.get(c.index), t.sizes.sum(s0, from), "chunk offset")?;
    let len = t.sizes.sum(from, to);
    if add(offset, len, "chunk end")? > file_len {
        return Err(defect!(
            "chunk {} at {offset}+{len} lies past the end of the file ({file_len})",
            c.index + 1
        ));
    }
    Ok((offset, len))
}
