#![no_main]
use loomiere_mp4::{Mp4Error, Segmented};
use loomiere_plan::{Plan, Slice};
// Input: one byte (segment duration: 1 s + 250 ms per unit), then the file. Opening it
// and asking for every name never panics; every file range planned lies in the file and
// reads back; the film opened with the sample index it offers gives the same bytes.
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let Some((&d, file)) = data.split_first() else {
        return;
    };
    let target_ms = 1000 + u64::from(d) * 250;
    let Ok(film) = Segmented::open(file, None, target_ms) else {
        return;
    };
    let bodies = every_body(&film, file);
    if let Some(index) = film.new_index() {
        let again =
            Segmented::open(file, Some(&index), target_ms).expect("opens with its own index");
        assert!(again.indexed(), "its own index does not fit");
        assert_eq!(
            every_body(&again, file),
            bodies,
            "the index changes the output"
        );
    }
});

/// Every body the film has (the first 64 segments of each rendition, and numbers
/// past the end), as bytes or as the error's kind.
fn every_body(film: &Segmented<'_>, file: &[u8]) -> Vec<Result<Vec<u8>, &'static str>> {
    let mut out = vec![
        kind(film.master().map(String::into_bytes)),
        kind(film.mpd().map(String::into_bytes)),
    ];
    for r in film.renditions() {
        out.push(kind(film.media_playlist(r).map(String::into_bytes)));
        out.push(kind(film.init(r)));
        for n in (0..=64).chain([u32::MAX]) {
            let got = film.segment(n, r).map(|p| read(&p, file));
            let end = matches!(got, Err(Mp4Error::NotFound(_))) && n > 0;
            out.push(kind(got));
            if end {
                break;
            }
        }
    }
    out
}

fn read(plan: &Plan, file: &[u8]) -> Vec<u8> {
    let inside = |s: &Slice| match s {
        Slice::File { offset, len } => offset
            .checked_add(*len)
            .is_some_and(|e| e <= file.len() as u64),
        _ => true,
    };
    assert!(
        plan.slices().iter().all(inside),
        "a file range outside the file"
    );
    plan.read(&file, 0, plan.len())
        .expect("a planned body reads back")
}

fn kind<T>(r: Result<T, Mp4Error>) -> Result<T, &'static str> {
    r.map_err(|e| match e {
        Mp4Error::Defect(_) => "defect",
        Mp4Error::BadSeek(_) => "bad seek",
        Mp4Error::NotFound(_) => "not found",
    })
}
