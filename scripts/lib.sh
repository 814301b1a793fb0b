# shellcheck shell=bash
# scripts/lib.sh: helpers shared by the scripts in this directory.
# Usage: source "$(dirname "$0")/lib.sh"   (not meant to be run on its own)

# The repository root (parent of scripts/), as an absolute path.
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
export REPO
export DEBIAN_FRONTEND=noninteractive
# A rustup install puts cargo in ~/.cargo/bin, which a non-login CI shell may lack.
if [[ -d ${HOME:-/nonexistent}/.cargo/bin && :$PATH: != *:$HOME/.cargo/bin:* ]]; then
  PATH=$HOME/.cargo/bin:$PATH
fi

log() { printf '%s: %s\n' "${0##*/}" "$*" >&2; }
die() { printf '%s: fatal: %s\n' "${0##*/}" "$*" >&2; exit 111; }

# as_root CMD...: run CMD as root (directly, or through sudo when available).
as_root() {
  if [[ $(id -u) -eq 0 ]]; then "$@"
  elif command -v sudo >/dev/null; then sudo "$@"
  else die "need root (or sudo) to run: $*"
  fi
}

# apt_install PKG...: install Debian packages without prompts or recommends.
# While it runs, a policy-rc.d stops the packages from starting daemons (nginx,
# xinetd) that would grab port 80: we only want their programs.
APT_UPDATED=${APT_UPDATED:-}
apt_install() {
  local policy=/usr/sbin/policy-rc.d added=
  command -v apt-get >/dev/null || die "apt-get not found; install by hand: $*"
  log "installing: $*"
  if [[ -z $APT_UPDATED ]]; then
    as_root apt-get update -qq || die "apt-get update failed"
    APT_UPDATED=1
  fi
  if [[ ! -e $policy ]]; then
    printf '#!/bin/sh\nexit 101\n' | as_root tee "$policy" >/dev/null
    as_root chmod 755 "$policy"
    added=1
  fi
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
    --no-install-recommends "$@" || { [[ -z $added ]] || as_root rm -f "$policy"; die "apt-get install failed: $*"; }
  [[ -z $added ]] || as_root rm -f "$policy"
}

# need ITEM...: install whatever is missing. An ITEM is either CMD:PACKAGE
# (installed when CMD is not on PATH) or a bare PACKAGE (installed when dpkg
# does not list it as installed, for packages without a command).
need() {
  local item missing=()
  for item in "$@"; do
    if [[ $item == *:* ]]; then
      command -v "${item%%:*}" >/dev/null || missing+=("${item#*:}")
    elif [[ $(dpkg-query -W -f='${Status}' "$item" 2>/dev/null) != *' ok installed' ]]; then
      missing+=("$item")
    fi
  done
  if ((${#missing[@]})); then apt_install "${missing[@]}"; fi
}

# need_cargo: make sure a cargo is on PATH (Debian's cargo-web when there is no rustup).
need_cargo() {
  command -v cargo >/dev/null || need cargo:cargo-web rustc:rustc-web
  command -v cargo >/dev/null || die "no cargo on PATH"
}

# need_lints: rustfmt and clippy for cargo (rustup components when missing).
need_lints() {
  if ! cargo fmt --version >/dev/null 2>&1 || ! cargo clippy --version >/dev/null 2>&1; then
    command -v rustup >/dev/null || die "cargo fmt / cargo clippy missing and no rustup to add them"
    rustup component add rustfmt clippy || die "rustup component add rustfmt clippy failed"
  fi
}

# now: seconds since the epoch, with nanoseconds.
now() { date +%s.%N; }
# since T0: seconds elapsed since T0 (from now), with one decimal.
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }
