#!/usr/bin/env bash
# Runs every Wharf test project. Installs the Debian packages the suite needs when they are missing
# (PostgreSQL server binaries for the data-layer fixture, Chromium for the UI tests), so it works on a
# fresh machine. Ends with one summary line: "N passed, N failed, N skipped".
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null || missing+=(postgresql)
command -v chromium >/dev/null || missing+=(chromium)
command -v runuser >/dev/null || missing+=(util-linux)
# The iris data set the model tests train on ships with scikit-learn's Debian package.
[[ -f /usr/lib/python3/dist-packages/sklearn/datasets/data/iris.csv ]] || missing+=(python3-sklearn)
# The serving conformance tests run the ONNX node and model tests Debian ships.
[[ -d /usr/share/libonnx-testdata/data ]] || missing+=(libonnx-testdata)
if ((${#missing[@]})); then
  echo "test.sh: installing ${missing[*]}" >&2
  if [[ $(id -u) -ne 0 ]]; then
    echo "test.sh: need root (or sudo) to apt-get install ${missing[*]}" >&2
    exit 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# The registry interop tests drive real skopeo and podman (with runc): install them and podman's configuration.
if [[ $(id -u) -eq 0 ]]; then
  bash scripts/interop/setup.sh --no-smoke
fi

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
dotnet build Wharf.slnx -c Debug -nologo -v quiet -clp:ErrorsOnly

log=$(mktemp)
trap 'rm -f "$log"' EXIT
status=0
dotnet test Wharf.slnx --no-build -c Debug --nologo --blame-hang-timeout 10m "$@" 2>&1 | tee "$log" || status=$?

# Sum the per-assembly result lines ("Passed!  - Failed: 0, Passed: 7, Skipped: 0, Total: 7").
read -r passed failed skipped < <(awk '
  /(Passed|Failed)! +- +Failed:/ {
    for (i = 1; i <= NF; i++) {
      if ($i == "Failed:")  { f += $(i+1) }
      if ($i == "Passed:")  { p += $(i+1) }
      if ($i == "Skipped:") { s += $(i+1) }
    }
  }
  END { printf "%d %d %d\n", p, f, s }' "$log")

if [[ $status -ne 0 && $failed -eq 0 ]]; then
  failed=1 # a test host crashed or the build failed: never report green
fi
echo "${passed} passed, ${failed} failed, ${skipped} skipped"
if [[ $status -ne 0 || $failed -ne 0 || $passed -eq 0 ]]; then
  exit 1
fi
