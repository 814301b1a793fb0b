"""Debian packages the parts need, installed when missing (as scripts/lib.sh's `need`).

An item is "COMMAND:PACKAGE" (installed when COMMAND is not on PATH) or a bare
"PACKAGE" (installed when dpkg does not list it). apt-get runs without prompts or
recommends, with a policy-rc.d that keeps nginx and friends from starting daemons.
"""

import os
import shutil
import subprocess
import sys

POLICY = "/usr/sbin/policy-rc.d"
_updated = False


class BenchError(Exception):
    """A fatal problem of the bench itself (a tool missing, a server not starting)."""


def log(message):
    """One line on stderr, prefixed like the other scripts' messages."""
    print(f"bench: {message}", file=sys.stderr, flush=True)


def _installed(package):
    done = subprocess.run(
        ["dpkg-query", "-W", "-f=${Status}", package], capture_output=True, text=True
    )
    return done.returncode == 0 and done.stdout.endswith(" ok installed")


def _as_root(argv):
    if os.geteuid() == 0:
        return argv
    if shutil.which("sudo"):
        return ["sudo"] + argv
    raise BenchError(f"need root (or sudo) to run: {' '.join(argv)}")


def apt_install(packages):
    """apt-get install PACKAGES (update first, once per run)."""
    global _updated
    if not shutil.which("apt-get"):
        raise BenchError(f"apt-get not found; install by hand: {' '.join(packages)}")
    log(f"installing: {' '.join(packages)}")
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    if not _updated:
        subprocess.run(_as_root(["apt-get", "update", "-qq"]), check=True, env=env)
        _updated = True
    added = not os.path.exists(POLICY)
    if added:
        subprocess.run(_as_root(["sh", "-c", f"printf '#!/bin/sh\\nexit 101\\n' >{POLICY}; chmod 755 {POLICY}"]), check=True)
    try:
        cmd = ["apt-get", "install", "-y", "-qq", "--no-install-recommends"] + list(packages)
        if subprocess.run(_as_root(cmd), env=env).returncode != 0:
            raise BenchError(f"apt-get install failed: {' '.join(packages)}")
    finally:
        if added:
            subprocess.run(_as_root(["rm", "-f", POLICY]))


def need(*items):
    """Installs whatever of ITEMS is missing (see the module's doc)."""
    missing = []
    for item in items:
        command, _, package = item.partition(":")
        if package:
            if not shutil.which(command):
                missing.append(package)
        elif not _installed(command):
            missing.append(command)
    if missing:
        apt_install(missing)
