#!/usr/bin/env bash
# Issue #3's headroom table on more questions than the study's 100 per category: the first N test-split samples of
# the default testbed (N = 6 × per-category count; categories rotate, so each gets exactly the count), answered by the
# model on the whole image (vanilla) and on the ground-truth evidence crop (zoom oracle). Per-category accuracy, the
# paired difference with its bootstrap CI and McNemar p land in artifacts/headroom/eval/results.md.
# Usage: bash eng/headroom.sh [per-category questions, default 1000] [extra blink eval options, e.g. --model DIR]
# Another model needs its own answers folder: HEADROOM_EVAL=artifacts/headroom/eval-mine bash eng/headroom.sh 1000 --model DIR
set -euo pipefail
cd "$(dirname "$0")/.."
blink() { dotnet src/Blink.Cli/bin/Release/net10.0/blink.dll "$@"; }
per=${1:-1000}; shift || true
out=artifacts/headroom
eval_out=${HEADROOM_EVAL:-$out/eval}
[ -f src/Blink.Cli/bin/Release/net10.0/blink.dll ] || { echo "build first: ./build.sh build" >&2; exit 2; }
# The question set is reused when it has the asked size and was made with the current default testbed options
# (re-running resumes the evaluation; blink eval refuses to resume answers that another model gave: delete the answers
# folder then, or name another one). Another size or changed defaults rewrite the questions and start over.
n=$((6 * per))
probe=$(mktemp -d); trap 'rm -rf "$probe"' EXIT
blink testbed --train 0 --val 0 --test 0 --out "$probe" > /dev/null
if [ "$(cat "$out/data/test/questions.jsonl" 2>/dev/null | wc -l)" != "$n" ] || ! cmp -s "$probe/options.json" "$out/data/options.json"; then
  rm -rf "$eval_out"
  blink testbed --train 0 --val 0 --test "$n" --out "$out/data" --force
fi
blink eval --benchmark testbed --data "$out/data/test" --out "$eval_out" --method vanilla --method zoom-oracle "$@"
echo "headroom table: $eval_out/results.md"
