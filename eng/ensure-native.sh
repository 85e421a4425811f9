#!/usr/bin/env bash
# Makes sure TorchSharp 0.107's native library can load on this machine.
#
# libLibTorchSharp.so needs libstdc++ with the symbol version GLIBCXX_3.4.32 (GCC 13+). Debian 12 and Ubuntu 22.04
# ship GCC 12's libstdc++ (up to GLIBCXX_3.4.30), and TorchSharp then fails with a misleading message about a missing
# libtorch-cpu-linux-x64 reference. We detect the real cause here, fix it where we may (root on Debian 12: take
# libstdc++6 from Debian 13, pinned), and otherwise stop with the exact thing to install.
set -euo pipefail

need=GLIBCXX_3.4.32

log() { printf '[ensure-native] %s\n' "$*" >&2; }

[ "$(uname -s)" = Linux ] || { log "not Linux: nothing to check"; exit 0; }

find_libstdcxx() {
  local p
  p=$(ldconfig -p 2>/dev/null | awk '/libstdc\+\+\.so\.6 .*x86-64/ {print $NF; exit}')
  [ -n "$p" ] || p=$(ldconfig -p 2>/dev/null | awk '/libstdc\+\+\.so\.6/ {print $NF; exit}')
  [ -n "$p" ] || for c in /usr/lib/x86_64-linux-gnu/libstdc++.so.6 /usr/lib64/libstdc++.so.6 /usr/lib/libstdc++.so.6; do
    [ -e "$c" ] && { p=$c; break; }
  done
  printf '%s' "$p"
}

has_symbol() { [ -n "$1" ] && grep -qa "$need" "$1"; }

lib=$(find_libstdcxx)
if has_symbol "$lib"; then
  log "ok: $lib provides $need"
  exit 0
fi

. /etc/os-release 2>/dev/null || true
distro="${ID:-unknown} ${VERSION_ID:-?} (${VERSION_CODENAME:-?})"
log "libstdc++ at '${lib:-<not found>}' lacks $need, which TorchSharp 0.107 needs (GCC 13 or newer)."

explain() {
  cat >&2 <<MSG
[ensure-native] Cannot fix this automatically on $distro ($1).
[ensure-native] What to do:
  * Debian 12 (bookworm), as root:
      cat > /etc/apt/sources.list.d/trixie.sources <<'X'
      Types: deb
      URIs: http://deb.debian.org/debian
      Suites: trixie
      Components: main
      Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
      X
      echo 'APT::Default-Release "bookworm";' > /etc/apt/apt.conf.d/99default-release
      apt-get update && apt-get install -y -t trixie libstdc++6
  * Ubuntu 22.04, as root:
      add-apt-repository ppa:ubuntu-toolchain-r/test && apt-get update && apt-get install -y libstdc++6
  * Anything else: install libstdc++ from GCC 13 or newer, then check with
      grep -c $need \$(ldconfig -p | awk '/libstdc\\+\\+.so.6/ {print \$NF; exit}')
MSG
  exit 3
}

if [ "$(id -u)" != 0 ]; then explain "not running as root"; fi
if [ "${ID:-}" != debian ] || [ "${VERSION_CODENAME:-}" != bookworm ]; then explain "only Debian 12 is fixed automatically"; fi
if [ "${BLINK_NO_SYSTEM_CHANGES:-0}" = 1 ]; then explain "BLINK_NO_SYSTEM_CHANGES=1"; fi

log "fixing: installing libstdc++6 from Debian 13 (trixie), pinned so bookworm stays the default release"
cat > /etc/apt/sources.list.d/trixie.sources <<'X'
Types: deb
URIs: http://deb.debian.org/debian
Suites: trixie
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
X
echo 'APT::Default-Release "bookworm";' > /etc/apt/apt.conf.d/99default-release
export DEBIAN_FRONTEND=noninteractive
apt-get update -q >&2 || { log "apt-get update failed"; explain "apt-get update failed"; }
apt-get install -y -q -t trixie libstdc++6 >&2 || explain "apt-get install -t trixie libstdc++6 failed"
ldconfig || true

lib=$(find_libstdcxx)
if has_symbol "$lib"; then
  log "fixed: $lib now provides $need"
  exit 0
fi
explain "after installing, $need is still missing"
