#!/usr/bin/env bash
# Makes sure a headless-capable Chromium is on this machine, for the page checks (reports and figures are opened in
# headless Chromium to prove plotly.js really draws the charts offline with no console errors).
#
# Prints the browser's path on stdout when it succeeds (so callers can do: chrome=$(bash eng/ensure-chromium.sh)).
# Honours BLINK_CHROMIUM (explicit browser path) and BLINK_NO_SYSTEM_CHANGES=1 (never install anything).
# Exit codes: 0 found/installed, 3 cannot install here (the message says what to do).
set -euo pipefail

log() { printf '[ensure-chromium] %s\n' "$*" >&2; }

find_browser() {
  local c
  if [ -n "${BLINK_CHROMIUM:-}" ] && [ -x "${BLINK_CHROMIUM}" ]; then printf '%s' "$BLINK_CHROMIUM"; return 0; fi
  for c in chromium chromium-browser google-chrome-stable google-chrome chrome; do
    if command -v "$c" >/dev/null 2>&1; then command -v "$c"; return 0; fi
  done
  for c in /usr/bin/chromium /usr/lib/chromium/chromium /snap/bin/chromium; do
    [ -x "$c" ] && { printf '%s' "$c"; return 0; }
  done
  return 1
}

if b=$(find_browser); then
  log "ok: $b"
  printf '%s\n' "$b"
  exit 0
fi

explain() {
  cat >&2 <<MSG
[ensure-chromium] No Chromium found and cannot install it automatically ($1).
[ensure-chromium] What to do:
  * Debian / Ubuntu, as root:  apt-get update && apt-get install -y chromium      (Ubuntu: chromium-browser)
  * Fedora:                    dnf install -y chromium
  * Or point BLINK_CHROMIUM at an existing chromium/chrome executable.
[ensure-chromium] Page checks that need a browser are skipped until then.
MSG
  exit 3
}

[ "$(uname -s)" = Linux ] || explain "not Linux"
[ "${BLINK_NO_SYSTEM_CHANGES:-0}" = 1 ] && explain "BLINK_NO_SYSTEM_CHANGES=1"
[ "$(id -u)" = 0 ] || explain "not running as root"
command -v apt-get >/dev/null 2>&1 || explain "no apt-get on this system"

export DEBIAN_FRONTEND=noninteractive
log "installing Debian's chromium with apt-get (as root)"
# Another process (a parallel set-up) may hold the dpkg lock: wait for it rather than failing at once.
apt_opts=(-o DPkg::Lock::Timeout=300 -y -q --no-install-recommends)
if ! apt-get install "${apt_opts[@]}" chromium >&2; then
  apt-get update -q -o DPkg::Lock::Timeout=300 >&2 || explain "apt-get update failed"
  apt-get install "${apt_opts[@]}" chromium >&2 || explain "apt-get install chromium failed"
fi

if b=$(find_browser); then
  log "installed: $b"
  printf '%s\n' "$b"
  exit 0
fi
explain "chromium installed but no executable found on PATH"
