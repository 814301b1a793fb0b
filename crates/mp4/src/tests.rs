//! Whole-planner tests on MP4 files built byte by byte (`tests/build.rs`), checked by
//! reading the planned body back through its slices (`tests/read.rs`,
//! `tests/oracle.rs`) against a brute-force model of the cut (`tests/model.rs`).

mod build;
mod corrupt;
mod cuts;
mod facts;
mod file;
mod index;
mod large;
mod model;
mod oracle;
mod read;
mod samples;
mod segmented;
mod shapes;
mod span;
mod tables;
mod timing;
mod truncate;

use crate::{plan, Mp4Error, Planned, Result, Seek};
use file::Mov;
use model::{model, Expect};
use read::MovieTables;

/// A seek from optional milliseconds.
fn seek(start_ms: Option<u64>, end_ms: Option<u64>) -> Seek {
    Seek { start_ms, end_ms }
}

/// Plans a cut of `m`, checks that the model agrees with the hand-written `want`, and
/// checks the body with the oracle. Returns the output tables for further asserts.
fn cut_checked(m: &Mov, s: Seek, want: &Expect) -> MovieTables {
    let modelled = model(m, s).unwrap_or_else(|| panic!("{s:?}: the model finds nothing to keep"));
    assert_eq!(
        (modelled.cut_ns, &modelled.tracks),
        (want.cut_ns, &want.tracks),
        "model disagrees with the hand-written expectation"
    );
    let file = m.build().bytes();
    let p = plan(&file, s).unwrap_or_else(|e| panic!("{s:?}: {e}"));
    oracle::cut(&file, m, &p, &modelled)
}

/// Plans `file` (built from `m`) for `s` and checks the body against the model; the
/// planner must answer `BadSeek` exactly when the model finds nothing to keep.
fn against_model(m: &Mov, file: &[u8], s: Seek) {
    match (model(m, s), plan(file, s)) {
        (Some(e), Ok(p)) => {
            oracle::cut(file, m, &p, &e);
        }
        (None, Err(Mp4Error::BadSeek(_))) => {}
        (e, r) => panic!("{s:?}: model {e:?}, planner {r:?}"),
    }
}

/// The text of a `Defect`; panics on anything else.
fn defect(r: Result<Planned>) -> String {
    match r {
        Err(Mp4Error::Defect(s)) => s,
        other => panic!("expected a defect, got {other:?}"),
    }
}

/// mp4parse-style guard: arithmetic on file numbers relies on overflow panicking (and
/// being caught as a bug in tests) rather than wrapping silently.
#[test]
fn overflow_checks_are_on_in_the_test_profile() {
    let r = std::panic::catch_unwind(|| std::hint::black_box(255u8) + std::hint::black_box(1u8));
    assert!(
        r.is_err(),
        "u8 overflow wrapped: overflow-checks are off in the test profile"
    );
}
