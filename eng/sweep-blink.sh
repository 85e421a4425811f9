#!/usr/bin/env bash
# A small ablation sweep of Blink on the embedded default (issue: "if it does not help, show what you tried").
# Needs a finished `./build.sh run` (it reuses the study's test split and TokenSR bank). Writes one results folder per
# configuration under artifacts/sweep/ and a summary table artifacts/sweep/summary.md (overall accuracy, paired Δ vs
# vanilla with bootstrap CI and McNemar p, tokens, expansions per question).
set -euo pipefail
cd "$(dirname "$0")/.."
blink() { dotnet src/Blink.Cli/bin/Release/net10.0/blink.dll "$@"; }
data=artifacts/study/data/test
bank=artifacts/study/tokensr/tokensr.safetensors
[ -f "$data/questions.jsonl" ] && [ -f "$bank" ] || { echo "run ./build.sh run first (needs $data and $bank)" >&2; exit 2; }
out=artifacts/sweep
mkdir -p "$out"
summary="$out/summary.md"
echo "| configuration | method | accuracy % [95% CI] | Δ vs vanilla (pp) [95% CI] | McNemar p | expansions/q | tokens Σ layers |" > "$summary"
echo "|---|---|---|---|---|---|---|" >> "$summary"
run() { # name, then blink eval options
  local name=$1; shift
  # Vanilla does not depend on any Blink option: start from the study's vanilla answers (the evaluator resumes them).
  mkdir -p "$out/$name/answers"
  [ -f "$out/$name/answers/vanilla.jsonl" ] || cp artifacts/study/eval/answers/vanilla.jsonl "$out/$name/answers/vanilla.jsonl"
  blink eval --benchmark testbed --data "$data" --out "$out/$name" --method vanilla "$@" > "$out/$name.log" 2>&1
  awk -F'|' -v n="$name" '$3 ~ / all / && $2 !~ /vanilla/ { gsub(/^ +| +$/, "", $2); print "| " n " | " $2 " |" $5 "|" $6 "|" $7 "|" $9 "|" $11 "|" }' "$out/$name/results.md" >> "$summary"
}
# The study's TokenSR bank covers the pilot's band; Blink with TokenSR is swept inside it, Blink-interp also outside.
read -r first last < <(/usr/bin/env python3 -c "import json;d=json.load(open('${bank%.safetensors}.json'));print(min(d['layers']),max(d['layers']))")
layer_sets="$first-$last"; for ((l = first; l <= last; l++)); do layer_sets="$layer_sets $l"; done
# Sub-bands only when they differ from the single layers (a band of 3 or more).
[ "$((last - first))" -ge 2 ] && layer_sets="$layer_sets $first-$((last - 1)) $((first + 1))-$last"
# Layers, p = 2, the CLI's default thresholds (3×/1.5× the uniform share).
for layers in $layer_sets; do
  run "layers-$layers" --blink-layers "$layers" --method blink-interp --method blink --tokensr "$bank"
done
run "layers-1-4-interp" --blink-layers 1-4 --method blink-interp
run "layers-0-4-interp" --blink-layers 0-4 --method blink-interp
# Thresholds (interpolation, the band): looser and stricter than the default 3× uniform share (p=2 → uniform 0.0625).
for tau in 0.1 0.3 0.5 0.7; do
  run "tau-$tau" --blink-layers "$first-$last" --tau-exp "$tau" --tau-drop 0.05 --method blink-interp
done
# Region size p = 4 (2×2 regions of the 8×8 grid) with interpolation.
run "p-4" --blink-layers "$first-$last" --patch 4 --method blink-interp
python3 eng/adjust-sweep.py "$summary"
cat "$summary"
