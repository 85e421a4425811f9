#!/usr/bin/env bash
# Makes sure the PyTorch peer of `blink bench` can run on this machine: Debian's python3-torch under /usr/bin/python3,
# with OpenBLAS as the system BLAS. Without OpenBLAS, Debian's torch (built with BLAS_INFO=generic) calls the reference
# BLAS (libblas3), which is ~45x slower than libtorch's own kernels and no fair peer for TorchSharp.
#
# Honours BLINK_NO_SYSTEM_CHANGES=1 (never install anything, only check and explain) and BLINK_PEER_PYTHON (the
# interpreter to check; default /usr/bin/python3, not a pyenv/venv python).
# Exit codes: 0 ready (or installed), 3 not ready and cannot install here (the message says what to do).
set -euo pipefail

python="${BLINK_PEER_PYTHON:-/usr/bin/python3}"
packages=(python3-torch libopenblas0-pthread)
multiarch="$(uname -m)-linux-gnu"
blas_link="/usr/lib/$multiarch/libblas.so.3"
openblas="/usr/lib/$multiarch/openblas-pthread/libblas.so.3"

log() { printf '[ensure-peer] %s\n' "$*" >&2; }

has_torch() { [ -x "$python" ] && "$python" -c "import torch" >/dev/null 2>&1; }

# The library libblas.so.3 resolves to through Debian's alternatives (the one Debian's torch loads).
blas_target() { readlink -f "$blas_link" 2>/dev/null || true; }
has_openblas() { case "$(blas_target)" in *openblas*) return 0 ;; *) return 1 ;; esac; }

ready() { has_torch && has_openblas; }

if ready; then
  log "ok: $python imports torch $("$python" -c 'import torch; print(torch.__version__)'), libblas.so.3 -> $(blas_target)"
  exit 0
fi

has_torch || log "$python cannot import torch."
has_openblas || log "libblas.so.3 resolves to '$(blas_target)', not OpenBLAS (reference BLAS makes Debian's torch ~45x slower)."

explain() {
  cat >&2 <<MSG
[ensure-peer] Cannot set up the PyTorch peer automatically ($1).
[ensure-peer] What to do (Debian / Ubuntu, as root):
    apt-get update && apt-get install -y ${packages[*]}
  and if libblas.so.3 still points elsewhere:
    update-alternatives --set libblas.so.3-$multiarch $openblas
[ensure-peer] Then check with: bash eng/ensure-peer.sh   (blink bench reports the peer as unavailable until then)
MSG
  exit 3
}

[ "$(uname -s)" = Linux ] || explain "not Linux"
[ "${BLINK_NO_SYSTEM_CHANGES:-0}" = 1 ] && explain "BLINK_NO_SYSTEM_CHANGES=1"
[ "$(id -u)" = 0 ] || explain "not running as root"
command -v apt-get >/dev/null 2>&1 || explain "no apt-get on this system"

export DEBIAN_FRONTEND=noninteractive
log "installing ${packages[*]} with apt-get (as root)"
# Another process (a parallel set-up) may hold the dpkg lock: wait for it rather than failing at once.
apt_opts=(-o DPkg::Lock::Timeout=300 -y -q --no-install-recommends)
if ! apt-get install "${apt_opts[@]}" "${packages[@]}" >&2; then
  apt-get update -q -o DPkg::Lock::Timeout=300 >&2 || explain "apt-get update failed"
  apt-get install "${apt_opts[@]}" "${packages[@]}" >&2 || explain "apt-get install ${packages[*]} failed"
fi

# OpenBLAS registers itself with a higher priority than the reference BLAS, so 'auto' picks it; a manual choice does not move.
if ! has_openblas; then
  [ -e "$openblas" ] || explain "libopenblas0-pthread installed but $openblas is missing"
  log "libblas.so.3 alternative is set by hand to '$(blas_target)'; switching it to OpenBLAS"
  update-alternatives --set "libblas.so.3-$multiarch" "$openblas" >&2 || explain "update-alternatives failed"
fi

if ready; then
  log "installed: $python imports torch, libblas.so.3 -> $(blas_target)"
  exit 0
fi
explain "packages installed but the check still fails"
