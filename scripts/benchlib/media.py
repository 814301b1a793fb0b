"""The bench's own media directory, OUT/media (target/bench/media).

Test media are copied in from the read-only BENCH_MEDIA (the repo's `media`, made by
scripts/gen-media), not linked: Loomiere's document root refuses a symbolic link that
leaves it (openat2 RESOLVE_BENEATH), and a hard link would change the shared files'
ctime. The files only the bench uses are made here with ffmpeg. Nothing is ever
written into BENCH_MEDIA.
"""

import os
import shutil
import struct
import subprocess

from .install import BenchError, log, need
from .settings import REPO

FFMPEG = ["ffmpeg", "-nostdin", "-hide_banner", "-loglevel", "error", "-y"]


def _ffmpeg(out, args, what):
    need("ffmpeg:ffmpeg")
    log(f"making {out.name} ({what})")
    tmp = out.with_suffix(".partial" + out.suffix)
    if subprocess.run(FFMPEG + args + [str(tmp)]).returncode != 0:
        raise BenchError(f"ffmpeg could not make {out}")
    os.replace(tmp, out)


def _copy(settings, name):
    src, dst = settings.source_media / name, settings.media / name
    if not src.exists():
        if name != "long.mp4" and not (settings.source_media / "poster.jpg").exists():
            raise BenchError(f"{src} is missing (scripts/gen-media makes it)")
        if name == "long.mp4":
            log(f"{src} is missing: making it in {settings.media} (scripts/gen-media long, minutes)")
            subprocess.run(["bash", str(REPO / "scripts" / "gen-media"), str(settings.media), "long"], check=True)
            return dst
        raise BenchError(f"{src} is missing (scripts/gen-media makes it)")
    s = src.stat()
    if dst.exists() and dst.stat().st_size == s.st_size and int(dst.stat().st_mtime) == int(s.st_mtime):
        return dst
    log(f"copying {src} into {settings.media}")
    tmp = dst.with_name("." + dst.name + ".partial")
    shutil.copy2(src, tmp)
    os.replace(tmp, dst)
    return dst


def _two_minutes(settings, name):
    """The first 120 s of the film (BENCH_FILE), stream copy, moov first."""
    dst = settings.media / name
    if not dst.exists():
        film = path(settings, settings.file)
        _ffmpeg(dst, ["-i", str(film), "-t", "120", "-c", "copy", "-movflags", "+faststart"], f"first 120 s of {film.name}")
    return dst


def _twelve_mb(settings, name):
    """A ~12 MB MP4: 40 s, 640x360 H.264 at ~2.4 Mb/s, moov first."""
    dst = settings.media / name
    if not dst.exists():
        src = "testsrc2=size=640x360:rate=25:duration=40,noise=alls=10:allf=t+u"
        _ffmpeg(dst, ["-f", "lavfi", "-i", src, "-c:v", "libx264", "-preset", "ultrafast", "-b:v", "2400k",
                      "-maxrate", "2400k", "-bufsize", "4800k", "-pix_fmt", "yuv420p", "-movflags", "+faststart"],
                "the throughput part's 12 MB MP4")
    return dst


def _vbr(settings, name):
    """80 s at 640x360: 40 s of still colour bars (~10 KB/s), then 40 s of a noisy
    test pattern (~130 KB/s), H.264 CRF + AAC, moov first."""
    dst = settings.media / name
    if not dst.exists():
        _ffmpeg(dst, ["-f", "lavfi", "-i", "smptebars=size=640x360:rate=25:duration=40",
                      "-f", "lavfi", "-i", "testsrc2=size=640x360:rate=25:duration=40,noise=alls=20:allf=t+u",
                      "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000:duration=80",
                      "-filter_complex", "[0:v][1:v]concat=n=2:v=1:a=0[v]", "-map", "[v]", "-map", "2:a",
                      "-c:v", "libx264", "-preset", "veryfast", "-crf", "26", "-g", "50", "-keyint_min", "50",
                      "-sc_threshold", "0", "-pix_fmt", "yuv420p", "-c:a", "aac", "-b:a", "64k",
                      "-movflags", "+faststart"], "the throttle part's VBR film")
    return dst


def _image(settings, name):
    """A ~45 KB JPEG (one noisy 640x360 test frame), the size of issue 16's image."""
    dst = settings.media / name
    if not dst.exists():
        _ffmpeg(dst, ["-f", "lavfi", "-i", "testsrc2=size=640x360:rate=1,noise=alls=12:allf=t",
                      "-frames:v", "1", "-q:v", "5"], "the small-file part's ~45 KB image")
    return dst


MADE = {"long-2min.mp4": _two_minutes, "bench-12mb.mp4": _twelve_mb, "vbr.mp4": _vbr, "image-45k.jpg": _image}


def path(settings, name):
    """OUT/media/NAME, copied from BENCH_MEDIA or made here first when missing."""
    settings.media.mkdir(parents=True, exist_ok=True)
    os.chmod(settings.media, 0o755)
    return MADE.get(name, _copy)(settings, name)


def moov_bytes(file):
    """The size of the top-level moov box of FILE."""
    with open(file, "rb") as f:
        while True:
            h = f.read(8)
            if len(h) < 8:
                raise BenchError(f"{file}: no moov")
            size, kind = struct.unpack(">I4s", h)
            hdr = 8
            if size == 1:
                size, hdr = struct.unpack(">Q", f.read(8))[0], 16
            if kind == b"moov":
                return size
            f.seek(size - hdr, 1)
