//! Walking and trimming run-length tables of `(sample_count, value)` entries:
//! `stts` (ISO/IEC 14496-12 §8.6.1.2), `ctts` (§8.6.1.3) and `sbgp` (§8.9.2).

use crate::tables::Runs;

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
        RunCursor { runs, entry: 0, start: 0, acc: 0, timed: true }
    }

    /// A cursor for [`RunCursor::cto`] only (`ctts`): it skips entries by their counts
    /// alone, without the decode-time sums (a 2-hour film has 100k+ `ctts` entries).
    pub fn counts(runs: Runs<'a>) -> Self {
        RunCursor { runs, entry: 0, start: 0, acc: 0, timed: false }
    }

    /// Moves to the entry holding sample `i`. `i` must not decrease between calls.
    fn reach(&mut self, i: u64) {
        if !self.timed {
            let rest = self.runs.entries.bytes.get(self.entry as usize * 8..).unwrap_or_default();
            for e in rest.chunks_exact(8) {
                let count = u64::from(u32::from_be_bytes([e[0], e[1], e[2], e[3]]));
                if i < self.start + count {
                    return;
                }
                self.start += count;
                self.entry += 1;
            }
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

/// Cuts `runs` to samples `first..end` (0-based, end exclusive). Two tight passes
/// over the counts: to the first entry that keeps a sample, then to the last.
pub(crate) fn trim(runs: &Runs<'_>, first: u32, end: u32) -> TrimmedRuns {
    let (first, end) = (u64::from(first), u64::from(end));
    let n = runs.len();
    let count = |i: u32| u64::from(runs.entries.u32(i, 8, 0));
    // h: the entry holding sample `first` (so it has samples); h_start: its first sample.
    let (mut h, mut h_start) = (0u32, 0u64);
    while h < n && h_start + count(h) <= first {
        h_start += count(h);
        h += 1;
    }
    if h >= n || first >= end {
        return TrimmedRuns::default();
    }
    // t: the last entry with samples that starts before `end`.
    let (mut t, mut t_start, mut at) = (h, h_start, h_start + count(h));
    for i in h + 1..n {
        if at >= end {
            break;
        }
        if count(i) > 0 {
            (t, t_start) = (i, at);
        }
        at += count(i);
    }
    // Both kept counts are at most their entry's count, a u32.
    let (hc, hv) = runs.get(h);
    let head = entry(((h_start + u64::from(hc)).min(end) - first) as u32, hv);
    if h == t {
        return TrimmedRuns { head, count: 1, ..TrimmedRuns::default() };
    }
    let (tc, tv) = runs.get(t);
    let tail = entry(((t_start + u64::from(tc)).min(end) - t_start) as u32, tv);
    TrimmedRuns { head, middle: middle(runs, h + 1, t), tail, count: t - h + 1 }
}

/// One 8-byte `(count, value)` entry.
fn entry(count: u32, value: u32) -> Vec<u8> {
    let mut v = count.to_be_bytes().to_vec();
    v.extend_from_slice(&value.to_be_bytes());
    v
}

/// File range of entries `from..to`, if any.
fn middle(runs: &Runs<'_>, from: u32, to: u32) -> Option<(u64, u64)> {
    (to > from).then(|| (runs.entries.offset + u64::from(from) * 8, u64::from(to - from) * 8))
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
            assert_eq!((find(0), find(1), find(10), find(21), find(30), find(31), find(50), find(51)), (0, 1, 1, 3, 3, 6, 6, 7));
        });
    }

    #[test]
    fn trim_inside_one_entry_is_one_generated_entry() {
        with_runs(&[(10, 5)], |r| {
            let t = trim(&r, 2, 7);
            assert_eq!((t.count, t.head, t.middle, t.tail.len()), (1, entry(5, 5), None, 0));
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
