#![no_main]
use loomiere_http::{resolve_range, RangeOutcome};
// Input: the representation length (8 bytes, little-endian), then the Range field value.
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let Some((len, value)) = data.split_first_chunk::<8>() else {
        return;
    };
    let len = u64::from_le_bytes(*len);
    if let RangeOutcome::Partial { first, last } = resolve_range(Some(value), len) {
        assert!(first <= last && last < len, "{first}-{last} of {len}");
    }
});
