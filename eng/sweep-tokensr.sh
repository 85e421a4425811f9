#!/usr/bin/env bash
# TokenSR size and training-length sweep on the embedded default (issue: "show what you tried: … TokenSR size,
# training length"). Needs a finished `./build.sh run`: it reuses the study's test split, Blink band and calibrated
# thresholds, so every row is comparable with the study's table. Teacher features are extracted once per sample count
# into a shared cache (train-tokensr reuses it), then each configuration trains its own bank and is evaluated with
# `blink eval` (paired Δ vs vanilla, bootstrap CI, McNemar). Writes artifacts/sweep-tokensr/summary.md.
#   bash eng/sweep-tokensr.sh                 # the default grid below
#   WIDTHS="8 32" STEPS="400" bash eng/sweep-tokensr.sh
set -euo pipefail
cd "$(dirname "$0")/.."
blink() { dotnet src/Blink.Cli/bin/Release/net10.0/blink.dll "$@"; }
study=artifacts/study
data=$study/data/test
[ -f "$data/questions.jsonl" ] && [ -f "$study/tokensr/tokensr.json" ] && [ -f "$study/calibration.json" ] ||
  { echo "run ./build.sh run first (needs $data, $study/tokensr/tokensr.json and $study/calibration.json)" >&2; exit 2; }
read -r first last patch < <(/usr/bin/env python3 -c "import json;d=json.load(open('$study/tokensr/tokensr.json'));print(min(d['layers']),max(d['layers']),d['patch_size'])")
read -r tau_exp tau_drop < <(/usr/bin/env python3 -c "import json;d=json.load(open('$study/calibration.json'));print(d['TauExpand'],d['TauDrop'])")
widths=${WIDTHS:-"4 8 16 32 64"}
steps_list=${STEPS:-"100 400 1600"}
samples_list=${SAMPLES:-"600 2400"}
default_width=16; default_steps=400; default_samples=600
out=artifacts/sweep-tokensr
mkdir -p "$out"
summary="$out/summary.md"
echo "Blink layers $first–$last, p = $patch, τ_exp = $tau_exp, τ_drop = $tau_drop (the study's calibration); test split of $data." > "$summary"
echo >> "$summary"
echo "| width | steps | scenes | held-out KL (TokenSR / interp) | accuracy % [95% CI] | Δ vs vanilla (pp) [95% CI] | McNemar p | expansions/q |" >> "$summary"
echo "|---|---|---|---|---|---|---|---|" >> "$summary"
run() { # width steps samples
  local w=$1 s=$2 n=$3 name="w$1-s$2-n$3"
  [ -f "$out/$name/results.md" ] || {
    blink train-tokensr --blink-layers "$first-$last" --patch "$patch" --samples "$n" --steps "$s" --width "$w" \
      --work "$out/work-n$n" --out "$out/$name/tokensr.safetensors" --no-resume > "$out/$name.train.log" 2>&1
    blink eval --benchmark testbed --data "$data" --out "$out/$name" --method vanilla --method blink --tokensr "$out/$name/tokensr.safetensors" \
      --blink-layers "$first-$last" --patch "$patch" --tau-exp "$tau_exp" --tau-drop "$tau_drop" > "$out/$name.eval.log" 2>&1
  }
  local kl
  kl=$(/usr/bin/env python3 -c "
import json;d=json.load(open('$out/$name/tokensr.json'))
m=lambda x: sum(x.values())/len(x)
print(f\"{m(d['val_loss']):.3f} / {m(d['interp_val_loss']):.3f}\")")
  awk -F'|' -v w="$w" -v s="$s" -v n="$n" -v kl="$kl" '$3 ~ / all / && $2 ~ /blink/ { print "| " w " | " s " | " n " | " kl " |" $5 "|" $6 "|" $7 "|" $9 "|" }' "$out/$name/results.md" >> "$summary"
}
for w in $widths; do run "$w" "$default_steps" "$default_samples"; done
for s in $steps_list; do [ "$s" = "$default_steps" ] || run "$default_width" "$s" "$default_samples"; done
for n in $samples_list; do [ "$n" = "$default_samples" ] || run "$default_width" 1600 "$n"; done
python3 eng/adjust-sweep.py "$summary"
cat "$summary"
