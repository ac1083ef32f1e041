#!/usr/bin/env bash
# Tracking benchmark on SQLite AND PostgreSQL, side by side with the raw inserts (multi-row INSERT / COPY):
#   bash benchmarks/tracking/run.sh [seconds-per-ingest-side] [max-runs]     (seconds 0: search only)
# Starts a throwaway PostgreSQL from the machine's server binaries (apt-get install postgresql) on a free loopback
# port with its default durability (fsync and synchronous_commit on), runs the benchmark, and removes the server.
set -euo pipefail
cd "$(dirname "$0")/../.."

bin=$(dirname "$(compgen -G '/usr/lib/postgresql/*/bin/initdb' | sort -V | tail -1)")
[[ -x $bin/initdb ]] || { echo "run.sh: PostgreSQL server binaries not found (apt-get install postgresql)" >&2; exit 1; }
root=$(mktemp -d /tmp/wharf-bench-pg-XXXXXX)
run() { if [[ $(id -u) -eq 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi; }
[[ $(id -u) -eq 0 ]] && chown postgres: "$root"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
run "$bin/initdb" -D "$root/data" -U wharf --auth=trust --encoding=UTF8 --locale=C --no-instructions >/dev/null
run "$bin/pg_ctl" -D "$root/data" -l "$root/postgres.log" -w \
  -o "-p $port -c listen_addresses=127.0.0.1 -c unix_socket_directories=$root -c max_connections=200 -c shared_buffers=512MB" start >/dev/null
trap 'run "$bin/pg_ctl" -D "$root/data" -m fast -w stop >/dev/null || true; rm -rf "$root"' EXIT

WHARF_BENCH_POSTGRES="Host=127.0.0.1;Port=$port;Username=wharf;Maximum Pool Size=100" \
  dotnet run -c Release --project benchmarks/Wharf.Benchmarks -- tracking "${1:-10}" "${2:-100000}"
