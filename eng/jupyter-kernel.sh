#!/usr/bin/env bash
# For Jupyter users (optional; the tests and `blink notebooks run` use dotnet-repl): installs the .NET Interactive
# kernel, Microsoft.dotnet-interactive 1.0.712001, into the checkout's .tools/ and writes a Jupyter kernel spec for it
# into .tools/jupyter/kernels/.net-csharp. The spec passes --http-local-only: in Jupyter mode the kernel opens an HTTP
# listener (ports 2048-3000) that would otherwise listen on every interface. Use it with
#   JUPYTER_PATH="$PWD/.tools/jupyter" jupyter nbconvert --to notebook --execute notebooks/04-how-blink-works.ipynb --output-dir artifacts/jupyter
# (Jupyter itself comes from Debian: apt-get install jupyter-nbconvert python3-nbclient jupyter-client).
set -euo pipefail
cd "$(dirname "$0")/.."
name=Microsoft.dotnet-interactive
version=1.0.712001
if ! dotnet tool list --tool-path .tools 2>/dev/null | grep -qiE "^$name +$version( |$)"; then
  echo "[jupyter] installing $name $version into .tools/" >&2
  if dotnet tool list --tool-path .tools 2>/dev/null | grep -qi "^$name "; then
    dotnet tool update "$name" --version "$version" --tool-path .tools >&2
  else
    dotnet tool install "$name" --version "$version" --tool-path .tools >&2
  fi
fi
spec=.tools/jupyter/kernels/.net-csharp
mkdir -p "$spec"
cat > "$spec/kernel.json" <<JSON
{
  "argv": ["$PWD/.tools/dotnet-interactive", "jupyter", "--default-kernel", "csharp", "{connection_file}", "--http-local-only", "--http-port-range", "2048-3000"],
  "env": {"DOTNET_INTERACTIVE_CLI_TELEMETRY_OPTOUT": "1", "DOTNET_CLI_TELEMETRY_OPTOUT": "1"},
  "display_name": ".NET (C#)",
  "language": "C#"
}
JSON
echo "$PWD/.tools/jupyter"
