//! Deterministic mutation tests: no input may panic, and the head parser's
//! answers must agree with each other across prefixes.

use crate::{
    parse_head, parse_seconds_ms, parse_target, query_param, resolve_range, Limits, Parsed,
    RangeOutcome,
};

/// xorshift64: a fixed sequence, so every run tests the same inputs.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: usize) -> usize {
        usize::try_from(self.next() % u64::try_from(n).unwrap_or(1)).unwrap_or(0)
    }
}

const SEEDS: &[&[u8]] = &[
    b"GET /a/v.mp4?start=62.5&end=70 HTTP/1.1\r\nHost: a.example:80\r\nRange: bytes=0-99\r\n\r\n",
    b"\nHEAD http://a/%2e%2e/x HTTP/1.0\nIf-None-Match: W/\"x\", \"y\"\n\n",
];

/// Bytes that tend to matter to the grammar.
const INTERESTING: &[u8] = b"\r\n \t:/%.?#=&-,\"\0\x7f\xff0aHTTP/1.";

fn mutate(rng: &mut Rng, seed: &[u8]) -> Vec<u8> {
    let mut v = seed.to_vec();
    for _ in 0..=rng.below(4) {
        let at = rng.below(v.len().max(1));
        let byte = INTERESTING[rng.below(INTERESTING.len())];
        match rng.below(3) {
            0 if at < v.len() => v[at] = byte,
            1 => v.insert(at.min(v.len()), byte),
            _ if at < v.len() => {
                v.remove(at);
            }
            _ => {}
        }
    }
    v
}

#[test]
fn mutated_heads_never_panic_and_prefixes_agree() {
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let limits = Limits::default();
    let mut complete = 0;
    for round in 0..4000 {
        let input = mutate(&mut rng, SEEDS[round % SEEDS.len()]);
        let Ok(Parsed::Complete { request, head_len }) = parse_head(&input, &limits) else {
            continue;
        };
        complete += 1;
        assert!(head_len <= input.len());
        for n in 0..head_len {
            assert_eq!(
                parse_head(&input[..n], &limits),
                Ok(Parsed::Partial),
                "{input:?} at {n}"
            );
        }
        let _ = crate::check_request(&request);
        if let Ok(target) = parse_target(request.target) {
            assert!(!target.path.starts_with('/'));
            let bad_segment = |s: &str| s.starts_with('.') || s.is_empty();
            let path = &target.path;
            assert!(
                path.is_empty() || !path.split('/').any(bad_segment),
                "{path:?}"
            );
            let _ = target.extension();
            for name in ["start", "end"] {
                if let Some(Ok(v)) = query_param(&target.query, name) {
                    let _ = parse_seconds_ms(&v);
                }
            }
        }
    }
    // The mutations must leave enough good heads for the checks above to mean something.
    assert!(complete > 400, "only {complete} complete heads");
}

#[test]
fn random_ranges_stay_in_bounds() {
    let mut rng = Rng(0x2545_f491_4f6c_dd1d);
    let seed: &[u8] = b"bytes=18446744073709551615-1, -0,0-";
    for _ in 0..4000 {
        let value = mutate(&mut rng, seed);
        let len = [0, 1, 10, u64::MAX][rng.below(4)];
        if let RangeOutcome::Partial { first, last } = resolve_range(Some(&value), len) {
            assert!(first <= last && last < len, "{value:?} {len}");
        }
    }
}
