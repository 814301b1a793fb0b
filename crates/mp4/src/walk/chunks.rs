//! Chunk walking (ISO/IEC 14496-12 §8.7.4 `stsc`, §8.7.5 `stco`/`co64`): chunks in
//! order with their first sample, samples and sample description, from chunk 0, from a
//! place a walk found before, or skipping straight to the chunk holding a sample.

use crate::parse::stsc::Stsc;

/// One chunk as seen by a walk: its number (0-based), first sample (0-based), samples
/// and `sample_description_index`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct ChunkInfo {
    pub number: u32,
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
    /// Current `stsc` entry, its samples per chunk and sample_description_index, and the
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

    /// The number (0-based) of the chunk this walk yields next.
    pub fn next_number(&self) -> u32 {
        self.next.number
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

    /// Skips the chunks of whole `stsc` entries, then whole chunks, that end before
    /// sample `target`, so finding a late sample costs O(entries), not O(chunks); with
    /// checkpoints, it starts from the one at or before `target` when that lies ahead.
    pub fn skip_to_sample(&mut self, target: u64) {
        if let Some(c) = self
            .stsc
            .checkpoints
            .before(target)
            .filter(|c| c.chunk > self.next.number)
        {
            (self.next.number, self.next.first_sample) = (c.chunk, c.first_sample);
            self.load(c.entry);
        }
        let limit = self.chunk_count.saturating_add(1);
        // Tight pass over whole entries: the entry after one only gives its first chunk.
        let (mut e, mut first, mut spc, mut at) = (
            self.entry,
            self.next.number + 1,
            self.spc,
            self.next.first_sample,
        );
        let after = self
            .stsc
            .entries
            .bytes
            .get((e as usize + 1) * 12..)
            .unwrap_or_default();
        // The entries passed are counted by the position in `after`, and the sample
        // sum saturates (a crafted table then stops the pass), so the loop has no
        // overflow check of its own: ~22 instructions an entry before, and the kept
        // audio `stsc` of a 2-hour film is ~22,000 entries for each time map.
        let mut passed = 0usize;
        for next in after.as_chunks::<12>().0 {
            let entry_end = u32::from_be_bytes([next[0], next[1], next[2], next[3]]).min(limit);
            let samples = u64::from(entry_end.saturating_sub(first)) * u64::from(spc);
            let reached = at.saturating_add(samples);
            if reached > target {
                break;
            }
            at = reached;
            first = entry_end;
            passed += 1;
            spc = u32::from_be_bytes([next[4], next[5], next[6], next[7]]);
        }
        // `passed` entries lie after `e` in the table, whose count is a u32.
        e = e.saturating_add(u32::try_from(passed).unwrap_or(u32::MAX));
        if e != self.entry {
            self.next.first_sample = at;
            self.next.number = first - 1;
            self.load(e);
        }
        self.skip_within_entry(target);
    }

    /// Jumps over whole chunks of the current `stsc` entry that end before `target`.
    fn skip_within_entry(&mut self, target: u64) {
        if self.spc == 0 {
            return;
        }
        let behind = target.saturating_sub(self.next.first_sample) / u64::from(self.spc);
        let room = u64::from(self.chunk_count.saturating_sub(self.next.number));
        // behind <= room <= u32::MAX.
        let skip = behind.min(room) as u32;
        self.next.number += skip;
        self.next.first_sample += u64::from(skip) * u64::from(self.spc);
    }
}

impl Iterator for ChunkWalk<'_, '_> {
    type Item = ChunkInfo;

    #[inline]
    fn next(&mut self) -> Option<ChunkInfo> {
        if self.next.number >= self.chunk_count || self.spc == 0 {
            return None;
        }
        if self.next.number + 1 >= self.next_first {
            self.load(self.entry + 1);
        }
        let info = ChunkInfo {
            samples: self.spc,
            description: self.sdi,
            ..self.next
        };
        self.next.number += 1;
        self.next.first_sample += u64::from(self.spc);
        Some(info)
    }
}

/// The `stsc` entry (0-based) whose chunks include chunk `c` (0-based): binary search
/// over the strictly increasing first chunks (checked when `stsc` was parsed, all >= 1).
pub(crate) fn entry_of(stsc: &Stsc<'_>, c: u32) -> u32 {
    let (mut lo, mut hi) = (0u32, stsc.entries.count);
    while lo < hi {
        let mid = lo + (hi - lo) / 2;
        if stsc.get(mid).0 - 1 <= c {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    lo.saturating_sub(1)
}
