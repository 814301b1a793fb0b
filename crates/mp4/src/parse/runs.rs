//! Run-length tables of `(sample_count, value)` entries: `stts` (ISO/IEC 14496-12
//! §8.6.1.2), `ctts` (§8.6.1.3) and `sbgp` (§8.9.2). The view, and [`Runs::locate`]:
//! which entry holds a sample.

use crate::error::Result;
use crate::parse::boxes::Bx;
use crate::parse::checkpoints::CttsCheckpoints;
use crate::parse::entries::Entries;

/// A run-length table: 8-byte `(sample_count, value)` entries.
#[derive(Clone, Copy)]
pub(crate) struct Runs<'a> {
    pub entries: Entries<'a>,
    /// `ctts` checkpoints from a sample index (none without one, and never for `stts`
    /// or `sbgp`).
    pub checkpoints: CttsCheckpoints<'a>,
}

/// A place in a run-length table: entry `entry` (0-based; `len()` past the end) starts
/// at sample `start` (0-based).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct RunPos {
    pub entry: u32,
    pub start: u64,
}

impl<'a> Runs<'a> {
    /// A table of `entries` without checkpoints.
    pub fn new(entries: Entries<'a>) -> Self {
        Runs {
            entries,
            checkpoints: CttsCheckpoints::default(),
        }
    }

    /// Entry `i` as `(sample_count, value)`; `value` is raw (a `ctts` v1 offset is signed).
    #[inline]
    pub fn get(&self, i: u32) -> (u32, u32) {
        (self.entries.u32(i, 8, 0), self.entries.u32(i, 8, 4))
    }

    /// Number of entries.
    pub fn len(&self) -> u32 {
        self.entries.count
    }

    /// Total samples covered (sum of the counts).
    pub fn total(&self) -> u64 {
        (0..self.len()).map(|i| u64::from(self.get(i).0)).sum()
    }

    /// From `from` (at or before sample `i`), the entry holding sample `i`, or the end
    /// of the table (`entry == len()`, `start` the samples counted) when none does.
    /// One tight pass over the counts, four entries a step: a 2-hour film's `ctts` has
    /// 100k+ entries. With checkpoints, it starts from the one at or before `i` when
    /// that lies past `from`.
    pub fn locate(&self, from: RunPos, i: u64) -> RunPos {
        let from = match self.checkpoints.before(i) {
            Some((entry, start)) if entry > from.entry => RunPos { entry, start },
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

/// `stts` or `ctts`: version/flags, entry_count, then 8-byte entries.
pub(crate) fn runs<'a>(b: &Bx<'a>) -> Result<Runs<'a>> {
    Ok(Runs::new(Entries::after_count(b, 4, 8)?))
}

/// Calls `f` with a `stts` of `entries`, whose box starts at file offset 1000 (its
/// entries at 1016).
#[cfg(test)]
pub(crate) fn with_runs<T>(entries: &[(u32, u32)], f: impl FnOnce(Runs<'_>) -> T) -> T {
    let mut p = vec![0, 0, 0, 0];
    p.extend_from_slice(&(entries.len() as u32).to_be_bytes());
    for (c, v) in entries {
        p.extend_from_slice(&c.to_be_bytes());
        p.extend_from_slice(&v.to_be_bytes());
    }
    let mut data = crate::parse::boxes::header(b"stts", p.len() as u64).unwrap();
    data.extend_from_slice(&p);
    let bx = crate::parse::boxes::Children::new(&data, 1000)
        .next()
        .unwrap()
        .unwrap();
    f(runs(&bx).unwrap())
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
