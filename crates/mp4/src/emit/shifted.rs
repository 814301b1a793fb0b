//! Source table entries renumbered while the body is sent: the middle `stss`
//! (ISO/IEC 14496-12 §8.6.2) and `stsc` (§8.7.4) entries of a cut, too many to keep in
//! every streamer's memory.

use loomiere_plan::{Generate, Source};
use std::io;

/// `count` source entries of `size` bytes (4: `stss`, 12: `stsc`) from file offset
/// `src`, with `shift` subtracted from the `u32` each starts with (a sample or chunk
/// number): the middle of a cut table, generated while sending.
#[derive(Debug)]
pub(crate) struct ShiftedEntries {
    pub src: u64,
    pub count: u32,
    pub size: u8,
    pub shift: u32,
}

impl Generate for ShiftedEntries {
    fn len(&self) -> u64 {
        u64::from(self.count) * u64::from(self.size)
    }

    /// One read of the source bytes behind `out` (output and source entries have the
    /// same layout), then each entry's leading `u32` shifted where it lies; a leading
    /// field split by the edge of `out` is read on its own.
    fn fill(&self, source: &dyn Source, at: u64, out: &mut [u8]) -> io::Result<()> {
        let size = u64::from(self.size.max(4));
        let end = at + out.len() as u64;
        source.read_exact_at(
            out,
            self.src.checked_add(at).ok_or(io::ErrorKind::InvalidData)?,
        )?;
        for i in at / size..end.div_ceil(size) {
            let (f0, f1) = (i * size, i * size + 4);
            let (lo, hi) = (f0.max(at), f1.min(end));
            if lo >= hi {
                continue;
            }
            let mut field = [0u8; 4];
            if f0 >= at && f1 <= end {
                field.copy_from_slice(&out[(f0 - at) as usize..(f1 - at) as usize]);
            } else {
                source.read_exact_at(
                    &mut field,
                    self.src.checked_add(f0).ok_or(io::ErrorKind::InvalidData)?,
                )?;
            }
            let shifted = u32::from_be_bytes(field)
                .checked_sub(self.shift)
                .ok_or(io::ErrorKind::InvalidData)?
                .to_be_bytes();
            out[(lo - at) as usize..(hi - at) as usize]
                .copy_from_slice(&shifted[(lo - f0) as usize..(hi - f0) as usize]);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shifted_entries_read_in_any_parts_equal_the_whole() {
        let mut src = vec![0xCC; 5];
        for (fc, spc, sdi) in [(10u32, 4u32, 1u32), (12, 5, 1), (20, 4, 2)] {
            [fc, spc, sdi]
                .iter()
                .for_each(|x| src.extend_from_slice(&x.to_be_bytes()));
        }
        let g = ShiftedEntries {
            src: 5,
            count: 3,
            size: 12,
            shift: 8,
        };
        let mut whole = vec![0; 36];
        g.fill(&src.as_slice(), 0, &mut whole).unwrap();
        let firsts: Vec<u32> = whole
            .chunks(12)
            .map(|e| u32::from_be_bytes([e[0], e[1], e[2], e[3]]))
            .collect();
        assert_eq!(firsts, vec![2, 4, 12]);
        assert_eq!(
            &whole[4..12],
            &src[9..17],
            "samples per chunk and description unchanged"
        );
        for at in 0..36 {
            for end in at + 1..=36 {
                let mut part = vec![0; end - at];
                g.fill(&src.as_slice(), at as u64, &mut part).unwrap();
                assert_eq!(part, whole[at..end], "bytes {at}..{end}");
            }
        }
        let below = ShiftedEntries {
            src: 5,
            count: 1,
            size: 12,
            shift: 11,
        };
        assert!(
            below.fill(&src.as_slice(), 0, &mut [0; 12]).is_err(),
            "a first chunk below the shift"
        );
    }
}
