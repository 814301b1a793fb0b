//! A forward-only cursor over a run-length table (`stts`, ISO/IEC 14496-12 §8.6.1.2;
//! `ctts`, §8.6.1.3): decode times and composition offsets sample after sample, in
//! O(samples + entries) for a whole walk.

use crate::parse::runs::{RunPos, Runs};

/// A forward-only cursor over a run-length table.
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
                // A u64 division when the gap fits (always, in a real film): the u128
                // one is a call of ~50 instructions, once per time-map point.
                let gap = target - self.acc;
                let k = match u64::try_from(gap) {
                    Ok(g) => u128::from(g.div_ceil(u64::from(delta))),
                    Err(_) => gap.div_ceil(u128::from(delta)),
                };
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::runs::with_runs;

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
}
