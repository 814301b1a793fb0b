#![no_main]
use loomiere_scoreboard::{check, counters, scan};
use std::sync::atomic::AtomicU64;
// Input: a scoreboard file. A reader checks it, reads the counters and scans every
// slot (reclaiming those whose owner the input's own words call gone): never a read
// outside the file, never a panic.
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let words: Vec<AtomicU64> = data
        .chunks_exact(8)
        .map(|c| AtomicU64::new(u64::from_le_bytes(c.try_into().unwrap())))
        .collect();
    let Ok(layout) = check(&words) else {
        return;
    };
    let _ = counters::read(&words);
    let s = scan(&words, layout, &|pid| pid % 3 != 0, true);
    assert!(s.streams.len() + s.reclaimed + s.free + s.busy == layout.slots);
});
