//! Scans down a column of big-endian integers: the lowest and highest chunk offset of
//! a `stco`/`co64` range and the sum of a `stsz` range (100k+ entries per track in a
//! 2-hour film, scanned for every cut). Plain loops over fixed-size entries, which the
//! compiler keeps tight. (An AVX2 copy chosen at run time was tried: the CPU feature
//! check costs more than it saves, since `cpuid` traps to the hypervisor in a VM,
//! ~7 µs a call, and these scans are bound by first touches of the mapped pages.)

/// Lowest and highest of `entries` read as big-endian `u32`, or `None` when empty.
pub(crate) fn be32_min_max(entries: &[[u8; 4]]) -> Option<(u32, u32)> {
    (!entries.is_empty()).then(|| {
        entries.iter().fold((u32::MAX, 0), |(l, h), e| {
            let v = u32::from_be_bytes(*e);
            (l.min(v), h.max(v))
        })
    })
}

/// Lowest and highest of `entries` read as big-endian `u64`, or `None` when empty.
pub(crate) fn be64_min_max(entries: &[[u8; 8]]) -> Option<(u64, u64)> {
    (!entries.is_empty()).then(|| {
        entries.iter().fold((u64::MAX, 0), |(l, h), e| {
            let v = u64::from_be_bytes(*e);
            (l.min(v), h.max(v))
        })
    })
}

/// Sum of big-endian `u32`s (a `stsz` table: a cut sums 100k+ sizes). Byte columns
/// are summed in 16-bit lanes of a `u64`, two entries per step (no byte swap per
/// entry), flushed before a lane can overflow, then recombined.
pub(crate) fn be32_sum(bytes: &[u8]) -> u64 {
    const LANES: u64 = 0x00FF_00FF_00FF_00FF;
    // cols[k]: sum of byte k (0 = most significant) of every entry. A block of 256
    // pairs adds at most 2 * 256 * 255 < 2^16 to a lane: the wrapping adds never wrap.
    let mut cols = [0u64; 4];
    let whole = bytes.len() / 8 * 8;
    for block in bytes[..whole].chunks(8 * 256) {
        let (mut even, mut odd) = (0u64, 0u64);
        for p in block.chunks_exact(8) {
            // chunks_exact(8) yields 8-byte slices: the conversion cannot fail.
            let w = u64::from_le_bytes(p.try_into().unwrap_or([0; 8]));
            even = even.wrapping_add(w & LANES);
            odd = odd.wrapping_add((w >> 8) & LANES);
        }
        let lane = |v: u64, k: u32| (v >> (16 * k)) & 0xFFFF;
        cols[0] += lane(even, 0) + lane(even, 2);
        cols[1] += lane(odd, 0) + lane(odd, 2);
        cols[2] += lane(even, 1) + lane(even, 3);
        cols[3] += lane(odd, 1) + lane(odd, 3);
    }
    for c in bytes[whole..].chunks_exact(4) {
        cols.iter_mut()
            .zip(c)
            .for_each(|(col, &b)| *col += u64::from(b));
    }
    // Each column is below 2^8 * 2^30 (the table lies in memory); the total fits u128.
    let total = cols
        .iter()
        .fold(0u128, |acc, &c| (acc << 8) + u128::from(c));
    u64::try_from(total).unwrap_or(u64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `n` pseudo-random values (xorshift32), the last ones at the extremes.
    fn values(n: usize) -> Vec<u32> {
        let mut x = 0x2545_F491_u32;
        let mut v: Vec<u32> = (0..n)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 17;
                x ^= x << 5;
                x
            })
            .collect();
        if n > 40 {
            v[n - 1] = u32::MAX;
            v[n - 2] = 0;
        }
        v
    }

    #[test]
    fn scans_match_plain_loops_on_every_length() {
        for n in [0usize, 1, 7, 8, 9, 33, 1000, 4099] {
            let v = values(n);
            let wide: Vec<u64> = v
                .iter()
                .map(|&x| u64::from(x) << 29 | u64::from(x))
                .collect();
            let b32: Vec<[u8; 4]> = v.iter().map(|x| x.to_be_bytes()).collect();
            let b64: Vec<[u8; 8]> = wide.iter().map(|x| x.to_be_bytes()).collect();
            let range = |s: &[u64]| s.iter().min().map(|&l| (l, *s.iter().max().unwrap_or(&l)));
            let v64: Vec<u64> = v.iter().map(|&x| u64::from(x)).collect();
            assert_eq!(
                be32_min_max(&b32).map(|(l, h)| (u64::from(l), u64::from(h))),
                range(&v64),
                "{n} entries"
            );
            assert_eq!(be64_min_max(&b64), range(&wide), "{n} entries");
            assert_eq!(
                be32_sum(b32.as_flattened()),
                v64.iter().sum::<u64>(),
                "{n} entries"
            );
        }
    }

    #[test]
    fn column_sums_equal_plain_sums() {
        let mut x = 0x9E37_79B9_u32;
        let mut data = Vec::new();
        for n in [0usize, 1, 2, 3, 511, 512, 513, 1500] {
            data.clear();
            for _ in 0..n {
                x ^= x << 13;
                x ^= x >> 17;
                x ^= x << 5;
                data.extend_from_slice(&(if n == 1500 { u32::MAX } else { x }).to_be_bytes());
            }
            let plain: u64 = data
                .chunks_exact(4)
                .map(|c| u64::from(u32::from_be_bytes([c[0], c[1], c[2], c[3]])))
                .sum();
            assert_eq!(be32_sum(&data), plain, "{n} entries");
        }
    }
}
