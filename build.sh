#!/usr/bin/env bash
# Blink Workbench entry script. Every command does its own set-up first (native libstdc++ check/fix, restore, build).
#   ./build.sh run   [blink study options]   the main job on the embedded default (pilot, TokenSR, evaluation, report)
#   ./build.sh test  [dotnet test options]   the whole test suite
#   ./build.sh setup                          only the set-up (native check + build)
#   ./build.sh blink ARGS...                  any blink command, e.g. ./build.sh blink chat --image x.png "question"
# Environment: CONFIGURATION (Release), TORCH_FLAVOR (cpu | cuda), BLINK_NO_SYSTEM_CHANGES=1 (never touch the system).
set -euo pipefail
cd "$(dirname "$0")"

configuration="${CONFIGURATION:-Release}"
flavor="${TORCH_FLAVOR:-cpu}"

if ! command -v dotnet >/dev/null 2>&1; then
  echo "[build] The .NET SDK 10 is not installed (no 'dotnet' on PATH). Install it from https://dot.net and try again." >&2
  exit 2
fi

setup() {
  bash eng/ensure-native.sh
  # Headless Chromium renders the HTML report and notebook pages in tests (Debian's chromium package).
  BLINK_CHROMIUM="$(bash eng/ensure-chromium.sh)" && export BLINK_CHROMIUM
  # The notebooks' kernel (dotnet-repl, into .tools/); the build packs Blink.Workbench into artifacts/packages for them.
  bash eng/ensure-kernel.sh
  dotnet build Blink.Workbench.sln -c "$configuration" -p:TorchFlavor="$flavor" -nologo -clp:ErrorsOnly -v:q
}

blink() {
  dotnet "src/Blink.Cli/bin/$configuration/net10.0/blink.dll" "$@"
}

cmd="${1:-help}"; [ $# -gt 0 ] && shift
case "$cmd" in
  setup) setup ;;
  run)   setup; blink study "$@" ;;
  test)  setup; dotnet test Blink.Workbench.sln -c "$configuration" -p:TorchFlavor="$flavor" --no-build -nologo "$@" ;;
  blink) setup; blink "$@" ;;
  *) sed -n '2,8p' "$0"; [ "$cmd" = help ] || exit 2 ;;
esac
