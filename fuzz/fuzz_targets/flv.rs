#![no_main]
use loomiere_plan::Slice;
// Input: flags (bit 0: start, bit 1: end, bit 2: seconds, bits 3-7: left shift), start
// and end (u32, little-endian), then the file. Every file range must lie in the file.
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let Some((h, file)) = data.split_first_chunk::<9>() else {
        return;
    };
    let n = |b: [u8; 4], on: bool| on.then(|| u64::from(u32::from_le_bytes(b)) << (h[0] >> 3));
    let units = if h[0] & 4 != 0 {
        loomiere_flv::Units::Millis
    } else {
        loomiere_flv::Units::Bytes
    };
    let seek = loomiere_flv::Seek {
        start: n([h[1], h[2], h[3], h[4]], h[0] & 1 != 0),
        end: n([h[5], h[6], h[7], h[8]], h[0] & 2 != 0),
        units,
    };
    let Ok(p) = loomiere_flv::plan(file, seek) else {
        return;
    };
    assert!(p.plan.slices().iter().all(|s| !matches!(s, Slice::File { offset, len } if offset.checked_add(*len).map_or(true, |e| e > file.len() as u64))));
});
