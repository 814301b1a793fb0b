//! Walking and trimming run-length tables of `(sample_count, value)` entries:
//! `stts` (ISO/IEC 14496-12 §8.6.1.2), `ctts` (§8.6.1.3) and `sbgp` (§8.9.2).

use crate::tables::Runs;

/// A place in a run-length table: entry `entry` (0-based; `len()` past the end) starts
/// at sample `start` (0-based).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct RunPos {
    pub entry: u32,
    pub start: u64,
}

impl Runs<'_> {
    /// From `from` (at or before sample `i`), the entry holding sample `i`, or the end
    /// of the table (`entry == len()`, `start` the samples counted) when none does.
    /// One tight pass over the counts, four entries a step: a 2-hour film's `ctts` has
    /// 100k+ entries. With checkpoints, it starts from the one at or before `i` when
    /// that lies past `from`.
    pub fn locate(&self, from: RunPos, i: u64) -> RunPos {
        let from = match self.marks.before(i) {
            Some(m) if m.entry > from.entry => m,
            _ => from,
        };
        let rest = self
            .entries
            .bytes
            .get(from.entry as usize * 8..)
            .unwrap_or_default();
        let count = |e: &[u8]| u64::from(u32::from_be_bytes([e[0], e[1], e[2], e[3]]));
        let (quads, _) = rest.as_chunks::<32>();
        let (mut start, mut skipped) = (from.start, 0usize);
        for q in quads {
            let next = start + count(&q[..]) + count(&q[8..]) + count(&q[16..]) + count(&q[24..]);
            if i < next {
                break;
            }
            start = next;
            skipped += 4;
        }
        for e in rest[skipped * 8..].as_chunks::<8>().0 {
            let next = start + count(e);
            if i < next {
                break;
            }
            start = next;
            skipped += 1;
        }
        // skipped <= entries left, a u32.
        RunPos {
            entry: from.entry + skipped as u32,
            start,
        }
    }
}

/// A forward-only cursor over a run-length table, for sample-by-sample walks in
/// O(samples + entries).
pub(crate) struct RunCursor<'a> {
    runs: Runs<'a>,
    entry: u32,
    /// First sample (0-based) of the current entry.
    start: u64,
    /// Sum of `count × value` of the entries before the current one (for `stts`: the
    /// decode time of sample `start`, in media ticks).
    acc: u128,
    /// False for a [`RunCursor::counts`] cursor, whose `acc` stays 0.
    timed: bool,
}

impl<'a> RunCursor<'a> {
    pub fn new(runs: Runs<'a>) -> Self {
        RunCursor {
            runs,
            entry: 0,
            start: 0,
            acc: 0,
            timed: true,
        }
    }

    /// A cursor for [`RunCursor::cto`] only (`ctts`): it skips entries by their counts
    /// alone, without the decode-time sums (a 2-hour film has 100k+ `ctts` entries).
    pub fn counts(runs: Runs<'a>) -> Self {
        Self::counts_from(runs, RunPos::default())
    }

    /// A counts-only cursor standing at `pos` (see [`RunCursor::counts`]).
    pub fn counts_from(runs: Runs<'a>, pos: RunPos) -> Self {
        RunCursor {
            runs,
            entry: pos.entry,
            start: pos.start,
            acc: 0,
            timed: false,
        }
    }

    /// Where the cursor stands: the entry of the last sample asked for.
    pub fn pos(&self) -> RunPos {
        RunPos {
            entry: self.entry,
            start: self.start,
        }
    }

    /// Moves to the entry holding sample `i`. `i` must not decrease between calls.
    fn reach(&mut self, i: u64) {
        if !self.timed {
            RunPos {
                entry: self.entry,
                start: self.start,
            } = self.runs.locate(self.pos(), i);
            return;
        }
        while self.entry < self.runs.len() {
            let (count, value) = self.runs.get(self.entry);
            if i < self.start + u64::from(count) {
                return;
            }
            self.start += u64::from(count);
            self.acc += u128::from(u64::from(count) * u64::from(value));
            self.entry += 1;
        }
    }

    /// `stts` view: decode time of sample `i` in media ticks. Past the table's end it is
    /// the sum of all durations.
    pub fn dts(&mut self, i: u64) -> u128 {
        debug_assert!(self.timed, "dts on a counts-only cursor");
        self.reach(i);
        if self.entry >= self.runs.len() {
            return self.acc;
        }
        let (_, delta) = self.runs.get(self.entry);
        self.acc + u128::from(i - self.start) * u128::from(delta)
    }

    /// `stts` view: the first sample (0-based, at or after the cursor's entry) whose
    /// decode time is at least `target` media ticks; the table's sample total when none
    /// is. O(entries), not O(samples).
    pub fn first_dts_at_least(&mut self, target: u128) -> u64 {
        while self.entry < self.runs.len() {
            let (count, delta) = self.runs.get(self.entry);
            if target <= self.acc {
                return self.start;
            }
            if delta > 0 {
                let k = (target - self.acc).div_ceil(u128::from(delta));
                if k < u128::from(count) {
                    // k < count <= u32::MAX.
                    return self.start + k as u64;
                }
            }
            self.start += u64::from(count);
            self.acc += u128::from(count) * u128::from(delta);
            self.entry += 1;
        }
        self.start
    }

    /// `ctts` view: composition offset of sample `i` in media ticks, read as signed
    /// (version 1 is signed; version 0 values past `i32::MAX` are treated the same way,
    /// as players do). 0 past the table's end.
    pub fn cto(&mut self, i: u64) -> i64 {
        self.reach(i);
        if self.entry >= self.runs.len() {
            return 0;
        }
        i64::from(self.runs.get(self.entry).1 as i32)
    }
}

/// A run-length table cut to samples `first..end`: a generated first entry, the
/// untouched middle entries as a file range, and a generated last entry.
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct TrimmedRuns {
    /// 0 or 1 generated entry (8 bytes).
    pub head: Vec<u8>,
    /// The unchanged entries between head and tail: `(file offset, byte length)`.
    pub middle: Option<(u64, u64)>,
    /// 0 or 1 generated entry (8 bytes).
    pub tail: Vec<u8>,
    /// Number of entries in the result.
    pub count: u32,
}

/// Cuts `runs` to samples `first..end` (0-based, end exclusive).
pub(crate) fn trim(runs: &Runs<'_>, first: u32, end: u32) -> TrimmedRuns {
    let h = runs.locate(RunPos::default(), u64::from(first));
    trim_from(runs, h, h, first, end)
}

/// [`trim`] with `h`, the entry holding sample `first` (as [`Runs::locate`] gives it),
/// already known, and `near_end` a position at or after `h` and not past the entry
/// holding `end - 1`: the walk to the end starts there.
pub(crate) fn trim_from(
    runs: &Runs<'_>,
    h: RunPos,
    near_end: RunPos,
    first: u32,
    end: u32,
) -> TrimmedRuns {
    let (first, end) = (u64::from(first), u64::from(end));
    if h.entry >= runs.len() || first >= end {
        return TrimmedRuns::default();
    }
    let t = last_with_samples(
        runs,
        runs.locate(
            if near_end.entry > h.entry {
                near_end
            } else {
                h
            },
            end - 1,
        ),
    );
    // Both kept counts are at most their entry's count, a u32.
    let (hc, hv) = runs.get(h.entry);
    let head = entry(((h.start + u64::from(hc)).min(end) - first) as u32, hv);
    if h.entry == t.entry {
        return TrimmedRuns {
            head,
            count: 1,
            ..TrimmedRuns::default()
        };
    }
    let (tc, tv) = runs.get(t.entry);
    let tail = entry(((t.start + u64::from(tc)).min(end) - t.start) as u32, tv);
    TrimmedRuns {
        head,
        middle: middle(runs, h.entry + 1, t.entry),
        tail,
        count: t.entry - h.entry + 1,
    }
}

/// `at` itself when it is an entry; past the end of the table (the table holds fewer
/// samples than asked for), its last entry with samples.
fn last_with_samples(runs: &Runs<'_>, at: RunPos) -> RunPos {
    if at.entry < runs.len() {
        return at;
    }
    let mut p = at;
    while p.entry > 0 {
        p.entry -= 1;
        let c = u64::from(runs.get(p.entry).0);
        p.start -= c;
        if c > 0 {
            break;
        }
    }
    p
}

/// One 8-byte `(count, value)` entry.
fn entry(count: u32, value: u32) -> Vec<u8> {
    let mut v = count.to_be_bytes().to_vec();
    v.extend_from_slice(&value.to_be_bytes());
    v
}

/// File range of entries `from..to`, if any.
fn middle(runs: &Runs<'_>, from: u32, to: u32) -> Option<(u64, u64)> {
    (to > from).then(|| {
        (
            runs.entries.offset + u64::from(from) * 8,
            u64::from(to - from) * 8,
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::boxes::Children;
    use crate::tables;

    fn table(entries: &[(u32, u32)]) -> Vec<u8> {
        let mut p = vec![0, 0, 0, 0];
        p.extend_from_slice(&(entries.len() as u32).to_be_bytes());
        for (c, v) in entries {
            p.extend_from_slice(&c.to_be_bytes());
            p.extend_from_slice(&v.to_be_bytes());
        }
        let mut b = crate::boxes::header(b"stts", p.len() as u64).unwrap();
        b.extend_from_slice(&p);
        b
    }

    fn with_runs<T>(entries: &[(u32, u32)], f: impl FnOnce(Runs<'_>) -> T) -> T {
        let data = table(entries);
        let bx = Children::new(&data, 1000).next().unwrap().unwrap();
        f(tables::runs(&bx).unwrap())
    }

    #[test]
    fn cursor_gives_decode_times_and_offsets() {
        with_runs(&[(3, 10), (2, 20)], |r| {
            let mut c = RunCursor::new(r);
            let got: Vec<u128> = (0..6).map(|i| c.dts(i)).collect();
            assert_eq!(got, vec![0, 10, 20, 30, 50, 70]);
        });
    }

    #[test]
    fn first_dts_at_least_is_arithmetic_over_runs() {
        with_runs(&[(3, 10), (2, 0), (2, 20)], |r| {
            // dts: 0 10 20 | 30 30 | 30 50 ; total 70 after 7 samples
            let find = |t| RunCursor::new(r).first_dts_at_least(t);
            assert_eq!(
                (
                    find(0),
                    find(1),
                    find(10),
                    find(21),
                    find(30),
                    find(31),
                    find(50),
                    find(51)
                ),
                (0, 1, 1, 3, 3, 6, 6, 7)
            );
        });
    }

    #[test]
    fn locate_finds_the_entry_holding_a_sample_from_any_earlier_place() {
        // Zero-count entries hold no sample; 11 entries cover the 4-entry steps and the rest.
        let table: Vec<(u32, u32)> = vec![
            (2, 0),
            (0, 0),
            (3, 0),
            (1, 0),
            (0, 0),
            (0, 0),
            (4, 0),
            (1, 0),
            (2, 0),
            (0, 0),
            (5, 0),
        ];
        with_runs(&table, |r| {
            let mut starts = vec![0u64];
            table
                .iter()
                .for_each(|(c, _)| starts.push(starts.last().unwrap() + u64::from(*c)));
            for i in 0..=20u64 {
                // The holder: the first entry whose samples reach past i.
                let want = (0..table.len()).find(|&e| i < starts[e + 1]).map_or(
                    RunPos {
                        entry: table.len() as u32,
                        start: 18,
                    },
                    |e| RunPos {
                        entry: e as u32,
                        start: starts[e],
                    },
                );
                assert_eq!(r.locate(RunPos::default(), i), want, "sample {i} from 0");
                for from in 0..=want.entry {
                    let p = RunPos {
                        entry: from,
                        start: starts[from as usize],
                    };
                    assert_eq!(r.locate(p, i), want, "sample {i} from entry {from}");
                }
            }
        });
    }

    #[test]
    fn trim_from_known_positions_equals_trim() {
        let table = [(3, 1), (0, 9), (4, 2), (1, 3), (0, 8), (5, 4)];
        with_runs(&table, |r| {
            for first in 0..13u32 {
                for end in first + 1..=14 {
                    let h = r.locate(RunPos::default(), u64::from(first));
                    let near = r.locate(h, u64::from(end - 1).max(u64::from(first)));
                    assert_eq!(
                        trim_from(&r, h, near, first, end),
                        trim(&r, first, end),
                        "{first}..{end}"
                    );
                    assert_eq!(
                        trim_from(&r, h, h, first, end),
                        trim(&r, first, end),
                        "{first}..{end}"
                    );
                }
            }
        });
    }

    #[test]
    fn trim_past_a_short_table_ends_on_its_last_entry_with_samples() {
        // 8 samples; an end of 20 keeps through the last entry with samples (5, 4).
        with_runs(&[(3, 1), (5, 4), (0, 7)], |r| {
            let t = trim(&r, 1, 20);
            assert_eq!(
                (t.head, t.tail, t.count, t.middle),
                (entry(2, 1), entry(5, 4), 2, None)
            );
        });
    }

    #[test]
    fn trim_inside_one_entry_is_one_generated_entry() {
        with_runs(&[(10, 5)], |r| {
            let t = trim(&r, 2, 7);
            assert_eq!(
                (t.count, t.head, t.middle, t.tail.len()),
                (1, entry(5, 5), None, 0)
            );
        });
    }

    #[test]
    fn trim_across_entries_keeps_the_middle_as_a_file_range() {
        // entries start at file offset 1000 + 8 (header) + 8 (version, count) = 1016
        with_runs(&[(3, 1), (4, 2), (5, 3), (6, 4)], |r| {
            let t = trim(&r, 1, 14);
            assert_eq!(t.head, entry(2, 1));
            assert_eq!(t.middle, Some((1016 + 8, 16)));
            assert_eq!(t.tail, entry(2, 4));
            assert_eq!(t.count, 4);
        });
    }

    #[test]
    fn trim_on_entry_boundaries_and_past_the_table() {
        with_runs(&[(3, 1), (4, 2)], |r| {
            let t = trim(&r, 3, 7);
            assert_eq!((t.count, t.head.clone()), (1, entry(4, 2)));
            let t = trim(&r, 0, 100);
            assert_eq!((t.head, t.tail, t.count), (entry(3, 1), entry(4, 2), 2));
            assert_eq!(trim(&r, 7, 9).count, 0);
        });
    }
}
