#!/usr/bin/env bash
# Serving benchmark: wharf-serve side by side with its limits (raw ONNX Runtime R(b), an empty ASP.NET endpoint) on
# this machine in one run. See benchmarks/serving/README.md.
#   bash benchmarks/serving/run.sh [seconds-per-run] [repeats]        (defaults 10 and 3; a smoke run: 1 1)
# Builds wharf-serve and the harness in Release, pins the server side (raw loop, HTTP limit, wharf-serve) to
# WHARF_BENCH_SERVER_CPUS (default core 0) and the load client to WHARF_BENCH_CLIENT_CPUS (default core 1).
set -euo pipefail
cd "$(dirname "$0")/../.."

command -v taskset >/dev/null || { echo "run.sh: taskset not found (apt-get install util-linux)" >&2; exit 1; }
if (($(nproc) < 2)); then
  echo "run.sh: $(nproc) CPU: server and client share it; the figures will say little" >&2
fi

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
dotnet build -c Release src/Wharf.Serving -v q -nologo >/dev/null
dotnet build -c Release benchmarks/Wharf.Benchmarks -v q -nologo >/dev/null

export WHARF_SERVE_DLL="${WHARF_SERVE_DLL:-$PWD/src/Wharf.Serving/bin/Release/net10.0/wharf-serve.dll}"
export WHARF_BENCH_SERVER_CPUS="${WHARF_BENCH_SERVER_CPUS:-0}"
exec taskset -c "${WHARF_BENCH_CLIENT_CPUS:-1}" \
  dotnet benchmarks/Wharf.Benchmarks/bin/Release/net10.0/Wharf.Benchmarks.dll serving "${1:-10}" "${2:-3}"
