#![no_main]
use loomiere_cmaf::names::{Kind, Name, Rendition};
// Every name that parses is the one spelling of what it names, and every name prints as
// a spelling that parses back to it (numbers from 1, as the URLs count).
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if let Some(n) = std::str::from_utf8(data).ok().and_then(Name::parse) {
        assert_eq!(n.to_string().as_bytes(), data, "{n:?} has another spelling");
    }
    let Some((&[pick, kind], rest)) = data.split_first_chunk::<2>() else {
        return;
    };
    let word = |i: usize| {
        rest.get(i..i + 4)
            .map_or(1, |b| u32::from_le_bytes(b.try_into().unwrap()).max(1))
    };
    let kind = if kind & 1 == 0 {
        Kind::Video
    } else {
        Kind::Audio
    };
    let r = Rendition {
        kind,
        number: word(0),
    };
    let n = [
        Name::Master,
        Name::Manifest,
        Name::MediaPlaylist(r),
        Name::Init(r),
        Name::Segment(word(4), r),
    ];
    let n = n[usize::from(pick) % n.len()];
    assert_eq!(
        Name::parse(&n.to_string()),
        Some(n),
        "{n} does not parse back"
    );
});
