"""`python3 peakmem.py OUT PROGRAM ARG...`: runs PROGRAM under ptrace(2) and writes the
peak of its private memory to OUT as JSON, per program image (the front's, then the
streamer's it execs).

A process's private memory only shrinks in a system call (munmap, mremap, madvise,
brk) or at its exit, so reading /proc/PID/smaps_rollup at the entry of each of those
calls and at exit finds the exact peak (to the page), however short the process
lives: a playlist or segment streamer that is gone in a millisecond, which the memory
part's sampling of long-lived streams cannot see. "private" is `Private_Dirty +
Anonymous`, as the memory part counts it; "anonymous" is `Anonymous` alone.

Used by the hls part between the client's socket and loomiere-stream (as tcpsvd would
run it); x86-64 Linux only (the syscall number is read from `orig_rax`). It runs alone,
copied into a scratch directory for the streamers' user, so it imports nothing of
benchlib (its smaps reading repeats procs.memory_kib's, with `Anonymous` apart).
"""

import ctypes
import json
import os
import signal
import sys

PTRACE_TRACEME, PTRACE_CONT, PTRACE_GETREGS, PTRACE_SETOPTIONS, PTRACE_SYSCALL = 0, 7, 12, 0x4200, 24
OPTIONS = 0x01 | 0x10 | 0x40  # TRACESYSGOOD, TRACEEXEC, TRACEEXIT
EVENT_EXEC, EVENT_EXIT = 4, 6
# x86-64 numbers of the calls that can give memory back, and of execve.
SHRINKING = {11: "munmap", 12: "brk", 25: "mremap", 28: "madvise"}
ORIG_RAX = 15  # index in struct user_regs_struct

libc = ctypes.CDLL(None, use_errno=True)
libc.ptrace.argtypes = [ctypes.c_long, ctypes.c_long, ctypes.c_void_p, ctypes.c_void_p]
libc.ptrace.restype = ctypes.c_long


def smaps(pid):
    """{"private": Private_Dirty + Anonymous, "anonymous": Anonymous} in KiB, or None."""
    got = {"private": 0, "anonymous": 0}
    try:
        with open(f"/proc/{pid}/smaps_rollup") as f:
            for line in f:
                key, _, rest = line.partition(":")
                if key in ("Private_Dirty", "Anonymous"):
                    got["private"] += int(rest.split()[0])
                if key == "Anonymous":
                    got["anonymous"] = int(rest.split()[0])
    except OSError:
        return None
    return got


def program(pid):
    try:
        return os.path.basename(os.readlink(f"/proc/{pid}/exe"))
    except OSError:
        return "?"


def syscall_number(pid):
    regs = (ctypes.c_ulonglong * 27)()
    if libc.ptrace(PTRACE_GETREGS, pid, None, ctypes.byref(regs)) != 0:
        return None
    return regs[ORIG_RAX]


def main(out, argv):
    pid = os.fork()
    if pid == 0:
        libc.ptrace(PTRACE_TRACEME, 0, None, None)
        os.execv(argv[0], argv)
    os.waitpid(pid, 0)  # the SIGTRAP of the first execve
    libc.ptrace(PTRACE_SETOPTIONS, pid, None, ctypes.c_void_p(OPTIONS))
    peaks, image, entering, status = {}, program(pid), True, None
    peaks[image] = {"private": 0, "anonymous": 0, "samples": 0}

    def sample():
        m = smaps(pid)
        if m:
            p = peaks[image]
            p["private"], p["anonymous"] = max(p["private"], m["private"]), max(p["anonymous"], m["anonymous"])
            p["samples"] += 1

    libc.ptrace(PTRACE_SYSCALL, pid, None, None)
    while True:
        _, st = os.waitpid(pid, 0)
        if os.WIFEXITED(st) or os.WIFSIGNALED(st):
            status = os.waitstatus_to_exitcode(st)
            break
        sig, event, deliver = os.WSTOPSIG(st), st >> 16, 0
        if sig == (signal.SIGTRAP | 0x80):
            if entering and syscall_number(pid) in SHRINKING:
                sample()
            entering = not entering
        elif event == EVENT_EXEC:
            sample()  # the image that ends here (normally nothing shrank since)
            image, entering = program(pid), False
            peaks.setdefault(image, {"private": 0, "anonymous": 0, "samples": 0})
        elif event == EVENT_EXIT:
            sample()
        elif sig != signal.SIGTRAP:
            deliver = sig
        libc.ptrace(PTRACE_SYSCALL, pid, None, ctypes.c_void_p(deliver))
    with open(out, "w") as f:
        json.dump({"peaks": peaks, "exit": status}, f)
    return 0 if status == 0 else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2:]))
