#![no_main]
use loomiere_plan::Slice;
// Input: flags (bit 0: start, bit 1: end, bits 2-6: left shift), start and end ms
// (u32, little-endian), then the file. Every file range planned must lie in the file,
// and the whole body must read back (generated tables included) from the same file.
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let Some((h, file)) = data.split_first_chunk::<9>() else {
        return;
    };
    let ms =
        |b: [u8; 4], on: bool| on.then(|| u64::from(u32::from_le_bytes(b)) << (h[0] >> 2 & 31));
    let seek = loomiere_mp4::Seek {
        start_ms: ms([h[1], h[2], h[3], h[4]], h[0] & 1 != 0),
        end_ms: ms([h[5], h[6], h[7], h[8]], h[0] & 2 != 0),
    };
    let Ok(p) = loomiere_mp4::plan(file, seek) else {
        return;
    };
    assert!(p.plan.slices().iter().all(|s| !matches!(s, Slice::File { offset, len } if offset.checked_add(*len).map_or(true, |e| e > file.len() as u64))));
    if let Err(e) = p.plan.read(&file, 0, p.plan.len()) {
        panic!("a planned body does not read back: {e}");
    }
});
