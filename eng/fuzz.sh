#!/usr/bin/env bash
# Longer fuzz campaigns than CI's 2,000 cases per format: rounds of CASES cases per format, each round with the next
# seed, until MINUTES have passed. Any failing input is shrunk and saved to tests/Blink.Workbench.Tests/Fuzz/corpus/
# FORMAT/ (the CI tests replay it); an input that kills the process (a native crash) is saved there as crash-*.
#   bash eng/fuzz.sh MINUTES [CASES] [FIRST_SEED]       e.g. bash eng/fuzz.sh 30 20000 1
# Per-round numbers go to artifacts/fuzz/stats.tsv (format, cases, seed, wall s, cpu s, result).
set -uo pipefail
cd "$(dirname "$0")/.."
minutes="${1:?usage: eng/fuzz.sh MINUTES [CASES] [FIRST_SEED]}"
cases="${2:-20000}"
seed="${3:-1}"
out=artifacts/fuzz
mkdir -p "$out"
dotnet build tests/Blink.Workbench.Tests -c Release -nologo -clp:ErrorsOnly -v:q || exit 2
# A copy of the build, so that rebuilding the tree while a campaign runs does not swap its assemblies.
rm -rf "$out/bin" && cp -r tests/Blink.Workbench.Tests/bin/Release/net10.0 "$out/bin"
end=$(( $(date +%s) + minutes * 60 ))
while [ "$(date +%s)" -lt "$end" ]; do
  current="$out/current-$seed"
  mkdir -p "$current"
  echo "[fuzz] round seed=$seed cases=$cases per format ($(date -u +%H:%M:%S))"
  BLINK_FUZZ_SEED="$seed" BLINK_FUZZ_CASES="$cases" BLINK_FUZZ_STATS="$PWD/$out/stats.tsv" BLINK_FUZZ_CURRENT="$PWD/$current" \
    dotnet test "$out/bin/Blink.Workbench.Tests.dll" --filter "FullyQualifiedName~.Fuzz.&FullyQualifiedName~Mutated" \
    > "$out/round-$seed.log" 2>&1
  rc=$?
  # The harness deletes a format's current input when its run ends; one left behind is what was running at a crash.
  for f in "$current"/*.bin; do
    [ -e "$f" ] || continue
    name=$(basename "$f" .bin)
    mkdir -p "tests/Blink.Workbench.Tests/Fuzz/corpus/$name"
    cp "$f" "tests/Blink.Workbench.Tests/Fuzz/corpus/$name/crash-$(sha256sum "$f" | cut -c1-16)"
    echo "[fuzz] $name: the process died on an input, saved to the corpus"
  done
  rm -rf "$current"
  if ! grep -E "Passed!|Failed!" "$out/round-$seed.log" | sed "s/^/[fuzz] seed=$seed rc=$rc: /" | grep . ; then
    echo "[fuzz] the round ran no test (rc=$rc); see $out/round-$seed.log" >&2
    exit 1
  fi
  seed=$((seed + 1))
done
echo "[fuzz] done; per-format numbers: $out/stats.tsv"
