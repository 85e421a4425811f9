#!/usr/bin/env bash
# Object lifetimes under the garbage collector: `blink bench soak` (answers of vanilla, Blink-interp, Blink with TokenSR
# and FastV in turn, then TokenSR training steps, while a second thread keeps the GC busy) under each GC setting a
# user's process may run with: the runtime's default (workstation, concurrent — what the notebook kernel has), the
# default with a 64 KiB gen-0 budget (a collection every few allocations), and concurrent GC off.
# Usage: bash eng/gc-soak.sh [answers, default 3000] [training steps, default 2000]
# Writes artifacts/gc-soak/<setting>.log and summary.md; exits 1 if any setting failed, answered differently or leaked.
set -euo pipefail
cd "$(dirname "$0")/.."
dll=src/Blink.Cli/bin/Release/net10.0/blink.dll
[ -f "$dll" ] || { echo "build first: ./build.sh setup" >&2; exit 2; }
answers=${1:-3000}; steps=${2:-2000}
out=artifacts/gc-soak; mkdir -p "$out"
settings=(
  "default||the runtime's default GC (workstation, concurrent)"
  "gen0-64k|DOTNET_GCgen0size=0x10000|default GC, gen-0 budget 64 KiB"
  "non-concurrent|DOTNET_gcConcurrent=0|concurrent GC off"
)
status=0
{
  echo "| GC setting | result | summary |"
  echo "|---|---|---|"
} > "$out/summary.md"
for s in "${settings[@]}"; do
  IFS='|' read -r name vars label <<< "$s"
  echo "[gc-soak] $label: $answers answers, $steps training steps…" >&2
  # shellcheck disable=SC2086 # vars is empty or one NAME=VALUE word
  if env $vars dotnet "$dll" bench soak --answers "$answers" --training-steps "$steps" > "$out/$name.log" 2>&1; then
    result=clean
  else
    result=FAILED; status=1
  fi
  summary=$(grep -E "^[0-9]+ answers" "$out/$name.log" | tail -1 || true)
  [ -n "$summary" ] || summary="no summary (crashed?): see $out/$name.log"
  echo "[gc-soak]   $result: $summary" >&2
  echo "| $label${vars:+ (\`$vars\`)} | $result | ${summary//|//} |" >> "$out/summary.md"
done
cat "$out/summary.md"
exit $status
