//! Planner tests on FLV files built byte by byte (`tests/build.rs`). Bodies are read
//! back through their slices and compared with the bytes a cut must hold.

mod build;
mod continuation;
mod corrupt;
mod ends;
mod index;
mod starts;
mod tags;
mod timemap;
mod truncate;

use crate::{plan, FlvError, Planned, Result, Seek, Units};
use build::Built;

/// A seek in bytes.
fn bytes(start: Option<u64>, end: Option<u64>) -> Seek {
    Seek {
        start,
        end,
        units: Units::Bytes,
    }
}

/// A seek in milliseconds.
fn millis(start: Option<u64>, end: Option<u64>) -> Seek {
    Seek {
        start,
        end,
        units: Units::Millis,
    }
}

/// The planned body, read through its slices.
fn body(file: &[u8], p: &Planned) -> Vec<u8> {
    let out = p
        .plan
        .read(&file, 0, p.plan.len())
        .expect("file slices inside the file");
    assert_eq!(out.len() as u64, p.plan.len());
    out
}

/// What a cut starting at tag `start` and ending at file byte `end` must hold: the
/// 13-byte header, the tags `resent` (indexes into `b.offsets`) with fresh trailers,
/// then the file from the start tag to `end`.
fn expected(b: &Built, flags: u8, resent: &[usize], start: usize, end: u64) -> Vec<u8> {
    let mut out = vec![b'F', b'L', b'V', 1, flags, 0, 0, 0, 9, 0, 0, 0, 0];
    for &i in resent {
        let at = b.offsets[i] as usize;
        let size = u32::from_be_bytes([0, b.bytes[at + 1], b.bytes[at + 2], b.bytes[at + 3]]) + 11;
        out.extend_from_slice(&b.bytes[at..at + size as usize]);
        out.extend(size.to_be_bytes());
    }
    out.extend_from_slice(&b.bytes[b.offsets[start] as usize..end as usize]);
    out
}

/// Plans and returns the planned body with the plan; panics on an error.
fn cut(file: &[u8], s: Seek) -> (Planned, Vec<u8>) {
    let p = plan(file, s).unwrap_or_else(|e| panic!("{s:?}: {e}"));
    let out = body(file, &p);
    (p, out)
}

/// The text of a `Defect`; panics on anything else.
fn defect(r: Result<Planned>) -> String {
    match r {
        Err(FlvError::Defect(s)) => s,
        other => panic!("expected a defect, got {other:?}"),
    }
}

/// The text of a `BadSeek`; panics on anything else.
fn bad_seek(r: Result<Planned>) -> String {
    match r {
        Err(FlvError::BadSeek(s)) => s,
        other => panic!("expected a bad seek, got {other:?}"),
    }
}

/// mp4parse-style guard: arithmetic on file numbers relies on overflow panicking in
/// tests rather than wrapping silently.
#[test]
fn overflow_checks_are_on_in_the_test_profile() {
    let r = std::panic::catch_unwind(|| std::hint::black_box(255u8) + std::hint::black_box(1u8));
    assert!(
        r.is_err(),
        "u8 overflow wrapped: overflow-checks are off in the test profile"
    );
}
