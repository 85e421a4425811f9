#!/usr/bin/env bash
# The notebooks' kernel for tests and `blink notebooks run`: dotnet-repl 0.3.259, which runs the .NET Interactive C#
# kernel 1.0.0-beta.26120.1 (the kernel of Microsoft.dotnet-interactive 1.0.712001, what VS Code's Polyglot Notebooks
# and Jupyter's .net-csharp kernel start) in-process, with no network listener. Installed into the checkout's .tools/
# (no global tool, nothing outside the repository). Idempotent; prints nothing when it is already there.
set -euo pipefail
cd "$(dirname "$0")/.."
name=dotnet-repl
version=0.3.259
if [ -x ".tools/$name" ] && dotnet tool list --tool-path .tools 2>/dev/null | grep -qiE "^$name +$version( |$)"; then exit 0; fi
echo "[kernel] installing $name $version into .tools/" >&2
if [ -d .tools ] && dotnet tool list --tool-path .tools 2>/dev/null | grep -qi "^$name "; then
  dotnet tool update "$name" --version "$version" --tool-path .tools >&2
else
  dotnet tool install "$name" --version "$version" --tool-path .tools >&2
fi
