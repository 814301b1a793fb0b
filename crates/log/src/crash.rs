//! One line on stderr when the process dies on a trap instruction.
//!
//! The static builds (`scripts/build-static`) compile with `panic = immediate-abort`:
//! a panic (a failed overflow check or bounds check, an allocation failure) stops at
//! once on a trap instruction (`ud2`, SIGILL, on x86-64; `brk`, SIGTRAP, on AArch64),
//! without std's panic message, which costs about 50 KiB per binary. The handler
//! installed here writes `PROGRAM: fatal: internal error ...` instead, with one
//! `write(2)`, and the signal then ends the process as it would have without it.
//! The ordinary builds (`panic = "abort"`) print std's message and end on SIGABRT,
//! which this handler leaves alone.

use std::sync::OnceLock;

/// Why the process stopped, as the log line says it.
pub const REASON: &str = "internal error (a panic, or an illegal instruction)";

/// The signals a trap instruction raises.
const SIGNALS: [libc::c_int; 2] = [libc::SIGILL, libc::SIGTRAP];

/// The whole line, formatted before any crash: the handler only writes it.
static LINE: OnceLock<Box<[u8]>> = OnceLock::new();

/// Installs the handler for `program` (the name the line starts with). Once per
/// process; a failed `sigaction` leaves the default action (no line).
pub fn note_crashes(program: &str) {
    use nix::sys::signal::{sigaction, SaFlags, SigAction, SigHandler, SigSet, Signal};
    let _ = LINE.set(
        format!("{program}: fatal: {REASON}\n")
            .into_bytes()
            .into_boxed_slice(),
    );
    let action = SigAction::new(
        SigHandler::Handler(on_trap),
        SaFlags::empty(),
        SigSet::empty(),
    );
    for signal in SIGNALS {
        if let Ok(signal) = Signal::try_from(signal) {
            // SAFETY: `on_trap` only calls async-signal-safe functions.
            let _ = unsafe { sigaction(signal, &action) };
        }
    }
}

/// Writes the line to fd 2, then lets `signal` end the process with its default
/// action: re-raised here, it is delivered when the handler returns.
extern "C" fn on_trap(signal: libc::c_int) {
    if let Some(line) = LINE.get() {
        let mut rest: &[u8] = line;
        while !rest.is_empty() {
            // SAFETY: write(2) from a live slice; async-signal-safe.
            let n = unsafe { libc::write(2, rest.as_ptr().cast(), rest.len()) };
            match usize::try_from(n) {
                Ok(n) if n > 0 => rest = rest.get(n..).unwrap_or_default(),
                _ => break,
            }
        }
    }
    // SAFETY: signal(2) and raise(3) are async-signal-safe.
    unsafe {
        libc::signal(signal, libc::SIG_DFL);
        libc::raise(signal);
    }
}

#[cfg(test)]
mod tests {
    //! The handler is tested in a child: this test binary run again for one test,
    //! which traps; the parent judges the child's end and stderr.

    use super::{note_crashes, REASON};
    use std::os::unix::process::ExitStatusExt;
    use std::process::Command;

    const CASE_ENV: &str = "LOOMIERE_CRASH_CASE";
    const CHILD_TEST: &str = "crash::tests::child";

    /// The child's part: does nothing unless run by [`run_child`].
    #[test]
    fn child() {
        let Some(case) = std::env::var_os(CASE_ENV) else {
            return;
        };
        note_crashes("loomiere-test");
        match case.to_str() {
            // What a panic is in a static build: the trap instruction itself.
            #[cfg(target_arch = "x86_64")]
            // SAFETY: `ud2` raises SIGILL; the handler ends the process.
            Some("trap") => unsafe { std::arch::asm!("ud2") },
            // SAFETY: raise(3) only sends a signal to this process.
            Some("sigill") => unsafe {
                libc::raise(libc::SIGILL);
            },
            other => panic!("unknown case {other:?}"),
        }
        panic!("still alive after the trap");
    }

    #[test]
    fn a_trap_leaves_one_line_and_the_signal_still_ends_the_process() {
        let cases: &[&str] = if cfg!(target_arch = "x86_64") {
            &["trap", "sigill"]
        } else {
            &["sigill"]
        };
        for case in cases {
            let out = Command::new(std::env::current_exe().expect("current_exe"))
                .args([CHILD_TEST, "--exact", "--nocapture", "--test-threads=1"])
                .env(CASE_ENV, case)
                .output()
                .expect("run child");
            let stderr = String::from_utf8_lossy(&out.stderr);
            assert_eq!(
                out.status.signal(),
                Some(libc::SIGILL),
                "{case}: {:?}, stderr:\n{stderr}",
                out.status
            );
            let line = format!("loomiere-test: fatal: {REASON}\n");
            assert_eq!(
                stderr.matches(&line).count(),
                1,
                "{case}: stderr:\n{stderr}"
            );
            assert!(!stderr.contains("still alive"), "{case}: stderr:\n{stderr}");
        }
    }
}
