#!/usr/bin/env bash
# The headroom decomposition on a large test split: region source (salient / ViCrop relative attention / evidence box)
# × representation (one interpolated, TokenSR or crop-teacher insertion; the crop at the input, alone or after the image).
# Needs a finished `./build.sh run` (its TokenSR bank). Usage: bash eng/decomposition.sh [QUESTIONS] [SEED] [OUT]
#   bash eng/decomposition.sh 3600                      # the default testbed seed → artifacts/decomp
#   bash eng/decomposition.sh 1800 60417 artifacts/decomp-unseen
# Writes OUT/data (the split) and OUT/eval (answers, results.md, decomposition.{md,json,png}).
set -euo pipefail
cd "$(dirname "$0")/.."
blink() { dotnet src/Blink.Cli/bin/Release/net10.0/blink.dll "$@"; }
n=${1:-3600}
seed=${2:-}
out=${3:-artifacts/decomp}
[ -f artifacts/study/tokensr/tokensr.safetensors ] || { echo "run ./build.sh run first (needs artifacts/study/tokensr/tokensr.safetensors)" >&2; exit 2; }
if [ "$(cat "$out/data/test/questions.jsonl" 2>/dev/null | wc -l)" -lt "$n" ]; then
  blink testbed --train 0 --val 0 --test "$n" ${seed:+--seed "$seed"} --out "$out/data" --force
fi
methods=(vanilla zoom-oracle image+evidence vicrop vicrop-crop salient-crop image+salient
  interp-salient tokensr-salient teacher-salient interp-vicrop tokensr-vicrop teacher-vicrop
  interp-evidence tokensr-evidence teacher-evidence)
blink eval --benchmark testbed --data "$out/data/test" --limit "$n" --out "$out/eval" --run artifacts/study "${methods[@]/#/--method=}"
echo "decomposition: $out/eval/decomposition.md"
