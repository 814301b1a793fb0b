//! A run-length table (`stts`, ISO/IEC 14496-12 §8.6.1.2; `ctts`, §8.6.1.3; `sbgp`,
//! §8.9.2) cut to the samples a `?start=`/`end=` cut keeps: a generated first entry, the
//! source's untouched middle entries as a file range, and a generated last entry.

use crate::parse::runs::{RunPos, Runs};

/// A run-length table cut to samples `first..end`: a generated first entry, the
/// untouched middle entries as a file range, and a generated last entry.
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct RunsCut {
    /// 0 or 1 generated entry (8 bytes).
    pub head: Vec<u8>,
    /// The unchanged entries between head and tail: `(file offset, byte length)`.
    pub middle: Option<(u64, u64)>,
    /// 0 or 1 generated entry (8 bytes).
    pub tail: Vec<u8>,
    /// Number of entries in the result.
    pub count: u32,
}

/// `runs` cut to samples `first..end` (0-based, end exclusive).
pub(crate) fn cut_runs(runs: &Runs<'_>, first: u32, end: u32) -> RunsCut {
    let h = runs.locate(RunPos::default(), u64::from(first));
    cut_runs_from(runs, h, h, first, end)
}

/// [`cut_runs`] with `h`, the entry holding sample `first` (as [`Runs::locate`] gives it),
/// already known, and `near_end` a position at or after `h` and not past the entry
/// holding `end - 1`: the walk to the end starts there.
pub(crate) fn cut_runs_from(
    runs: &Runs<'_>,
    h: RunPos,
    near_end: RunPos,
    first: u32,
    end: u32,
) -> RunsCut {
    let (first, end) = (u64::from(first), u64::from(end));
    if h.entry >= runs.len() || first >= end {
        return RunsCut::default();
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
        return RunsCut {
            head,
            count: 1,
            ..RunsCut::default()
        };
    }
    let (tc, tv) = runs.get(t.entry);
    let tail = entry(((t.start + u64::from(tc)).min(end) - t.start) as u32, tv);
    RunsCut {
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
    use crate::parse::runs::with_runs;

    #[test]
    fn cut_from_known_positions_equals_the_cut() {
        let table = [(3, 1), (0, 9), (4, 2), (1, 3), (0, 8), (5, 4)];
        with_runs(&table, |r| {
            for first in 0..13u32 {
                for end in first + 1..=14 {
                    let h = r.locate(RunPos::default(), u64::from(first));
                    let near = r.locate(h, u64::from(end - 1).max(u64::from(first)));
                    assert_eq!(
                        cut_runs_from(&r, h, near, first, end),
                        cut_runs(&r, first, end),
                        "{first}..{end}"
                    );
                    assert_eq!(
                        cut_runs_from(&r, h, h, first, end),
                        cut_runs(&r, first, end),
                        "{first}..{end}"
                    );
                }
            }
        });
    }

    #[test]
    fn a_cut_past_a_short_table_ends_on_its_last_entry_with_samples() {
        // 8 samples; an end of 20 keeps through the last entry with samples (5, 4).
        with_runs(&[(3, 1), (5, 4), (0, 7)], |r| {
            let t = cut_runs(&r, 1, 20);
            assert_eq!(
                (t.head, t.tail, t.count, t.middle),
                (entry(2, 1), entry(5, 4), 2, None)
            );
        });
    }

    #[test]
    fn a_cut_inside_one_entry_is_one_generated_entry() {
        with_runs(&[(10, 5)], |r| {
            let t = cut_runs(&r, 2, 7);
            assert_eq!(
                (t.count, t.head, t.middle, t.tail.len()),
                (1, entry(5, 5), None, 0)
            );
        });
    }

    #[test]
    fn a_cut_across_entries_keeps_the_middle_as_a_file_range() {
        // entries start at file offset 1000 + 8 (header) + 8 (version, count) = 1016
        with_runs(&[(3, 1), (4, 2), (5, 3), (6, 4)], |r| {
            let t = cut_runs(&r, 1, 14);
            assert_eq!(t.head, entry(2, 1));
            assert_eq!(t.middle, Some((1016 + 8, 16)));
            assert_eq!(t.tail, entry(2, 4));
            assert_eq!(t.count, 4);
        });
    }

    #[test]
    fn cuts_on_entry_boundaries_and_past_the_table() {
        with_runs(&[(3, 1), (4, 2)], |r| {
            let t = cut_runs(&r, 3, 7);
            assert_eq!((t.count, t.head.clone()), (1, entry(4, 2)));
            let t = cut_runs(&r, 0, 100);
            assert_eq!((t.head, t.tail, t.count), (entry(3, 1), entry(4, 2), 2));
            assert_eq!(cut_runs(&r, 7, 9).count, 0);
        });
    }
}
