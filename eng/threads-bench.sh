#!/usr/bin/env bash
# libtorch's CPU thread settings under other load: evaluation wall time of the embedded model for each thread count
# and OpenMP wait policy, on a quiet machine and beside LOAD busy processes (bounded: they stop with the script).
# Usage: bash eng/threads-bench.sh [questions, default 150] [repeats, default 3] [busy processes, default 4]
# Prints a markdown table (median of the repeats, rounds interleaved) and writes it to artifacts/threads/threads.md.
set -euo pipefail
cd "$(dirname "$0")/.."
dll=src/Blink.Cli/bin/Release/net10.0/blink.dll
[ -f "$dll" ] || { echo "build first: ./build.sh setup" >&2; exit 2; }
questions=${1:-150}; repeats=${2:-3}; busy=${3:-4}
out=artifacts/threads; mkdir -p "$out"
data="$out/data"
if [ ! -f "$data/questions.jsonl" ] || [ "$(wc -l < "$data/questions.jsonl")" -lt "$questions" ]; then
  rm -rf "$out/testbed" "$data"
  dotnet "$dll" testbed --train 0 --val 0 --test "$questions" --out "$out/testbed" > /dev/null
  mv "$out/testbed/test" "$data"
fi
configs=("1 PASSIVE" "2 PASSIVE" "1 ACTIVE" "2 ACTIVE")
declare -A times
run_all() { # label
  for r in $(seq "$repeats"); do
    for c in "${configs[@]}"; do
      set -- $c
      rm -rf "$out/eval"
      local s e
      s=$(date +%s.%N)
      OMP_WAIT_POLICY=$2 dotnet "$dll" eval --benchmark testbed --data "$data" --limit "$questions" --threads "$1" \
        --method vanilla --method blink-interp --out "$out/eval" > /dev/null
      e=$(date +%s.%N)
      times["$label|$c"]+="$(echo "$e - $s" | bc) "
    done
  done
}
median() { tr ' ' '\n' | grep -v '^$' | sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
label=quiet; run_all
pids=()
for _ in $(seq "$busy"); do timeout 3600 sh -c 'while :; do :; done' & pids+=($!); done
trap 'kill "${pids[@]}" 2>/dev/null || true' EXIT
label="load $busy"; run_all
kill "${pids[@]}" 2>/dev/null || true
{
  echo "| threads | OMP_WAIT_POLICY | quiet: s (questions/s) | beside $busy busy processes: s (questions/s) |"
  echo "|---:|---|---:|---:|"
  for c in "${configs[@]}"; do
    set -- $c
    q=$(echo "${times["quiet|$c"]}" | median); l=$(echo "${times["load $busy|$c"]}" | median)
    printf '| %s | %s | %.1f (%.1f) | %.1f (%.1f) |\n' "$1" "$2" "$q" "$(echo "2*$questions/$q" | bc -l)" "$l" "$(echo "2*$questions/$l" | bc -l)"
  done
  echo
  echo "$questions testbed questions × 2 methods (vanilla, blink-interp), median of $repeats interleaved runs, wall time of the whole command (model load included); $(nproc) cores."
} | tee "$out/threads.md"
