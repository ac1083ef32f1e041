#!/usr/bin/env bash
# Model image benchmark, side by side in one run on this machine (see benchmarks/images/README.md):
#   build: Wharf's ImageBuilder (cold, warm, warm with a new model) vs the physical limit (deterministic tar + gzip 6 +
#          sha256 of the same files) vs umoci (init/new + insert + config), on the self-contained wharf-serve runtime
#          (~150 MiB) + a model file;
#   push:  a 1 GiB model (4 gzip layers of 256 MiB random data, an OCI layout) into Wharf's registry: RegistryClient
#          (the library behind `wharf push`, or a CLI given with --push-cmd) vs `skopeo copy oci:... docker://...`,
#          each run to a fresh repository, then an unchanged push (bytes uploaded must be 0).
#
#   benchmarks/images/run.sh [--only build,push] [--runs N] [--model-mib N] [--layers N] [--layer-mib N]
#                            [--push-cmd 'wharf push {layout}:{tag} {ref}'] [--quick] [--keep]
#
#   --only LIST     build, push or both (default both)
#   --runs N        repetitions; figures are medians (default 3)
#   --model-mib N   the model file of the build benchmark (default 16)
#   --layers N, --layer-mib N   the pushed model (default 4 x 256)
#   --push-cmd CMD  measure a CLI instead of the library; {layout}, {tag} and {ref} are replaced
#   --quick         1 run, a 1 MiB model, 4 x 8 MiB push: checks the script, not the figures
#   --keep          keep the work directory (the push layout is made once per size and reused with --keep)
#
# Fairness: Wharf's server is pinned to core 0 and every client (the harness, umoci, skopeo) to core 1 with taskset;
# build and push runs are interleaved; each figure is a median; CPU seconds are recorded beside wall seconds (client:
# this process or bash `times` for the tools; server: /proc/PID/stat).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
only=build,push runs=3 model_mib=16 layers=4 layer_mib=256 push_cmd="" keep=0
while [[ $# -gt 0 ]]; do
  case $1 in
    --only) only=$2; shift 2 ;;
    --runs) runs=$2; shift 2 ;;
    --model-mib) model_mib=$2; shift 2 ;;
    --layers) layers=$2; shift 2 ;;
    --layer-mib) layer_mib=$2; shift 2 ;;
    --push-cmd) push_cmd=$2; shift 2 ;;
    --quick) runs=1 model_mib=1 layer_mib=8; shift ;;
    --keep) keep=1; shift ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) echo "run.sh: unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
done
wants() { [[ ",$only," == *",$1,"* ]]; }
for tool in dotnet umoci skopeo taskset curl; do
  command -v "$tool" >/dev/null || { echo "run.sh: '$tool' missing: run sudo scripts/interop/setup.sh" >&2; exit 1; }
done
server_cpu=0 client_cpu=1
if (($(nproc) < 2)); then
  server_cpu=0 client_cpu=0
  echo "run.sh: only one core: server and client share it (figures are not comparable to 2-core runs)" >&2
fi

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
work=$(mktemp -d /tmp/wharf-images-bench.XXXXXX)
started=() # pids this script started; only these are stopped
cleanup() {
  local p
  for p in "${started[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${started[@]}"; do wait "$p" 2>/dev/null || true; done
  if ((keep)); then echo "run.sh: kept $work" >&2; else rm -rf "$work"; fi
}
trap cleanup EXIT
log() { echo "[$(date +%T)] $*" >&2; }

log "building the harness (Release)"
dotnet build "$root/benchmarks/Wharf.Benchmarks" -c Release -nologo -v quiet -clp:ErrorsOnly >&2
harness=(taskset -c "$client_cpu" dotnet "$root/benchmarks/Wharf.Benchmarks/bin/Release/net10.0/Wharf.Benchmarks.dll")

echo "# Wharf model image benchmark — $(date -u +%FT%TZ), $(nproc) cores, $(uname -r), load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "command: benchmarks/images/run.sh --only $only --runs $runs --model-mib $model_mib --layers $layers --layer-mib $layer_mib${push_cmd:+ --push-cmd '$push_cmd'}"

if wants build; then
  log "publishing wharf-serve self-contained (linux-x64): the runtime layer's files"
  dotnet publish "$root/src/Wharf.Serving" -c Release -r linux-x64 --self-contained -o "$work/runtime" -nologo -v quiet >&2
  "${harness[@]}" images-build --runtime "$work/runtime" --work "$work/build" --runs "$runs" --model-mib "$model_mib"
fi

if wants push; then
  log "building and starting Wharf.Server (Release) on core $server_cpu"
  dotnet build "$root/src/Wharf.Server" -c Release -nologo -v quiet -clp:ErrorsOnly -o "$work/wharf-bin" >&2
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  url=http://127.0.0.1:$port
  # As benchmarks/registry/run.sh starts it: logs at Warning, no GC, long registry tokens, no token rate limit.
  WHARF_DATA=$work/wharf-data taskset -c "$server_cpu" dotnet "$work/wharf-bin/Wharf.Server.dll" --urls "$url" \
    --Logging:LogLevel:Default=Warning --Wharf:Registry:GarbageCollectionInterval=00:00:00 \
    --Wharf:Auth:RegistryTokenLifetime=01:00:00 --Wharf:Auth:TokenEndpointPermitsPerMinute=100000 >"$work/wharf.log" 2>&1 &
  wharf_pid=$!
  started+=("$wharf_pid")
  for ((i = 0; i < 600; i++)); do
    [[ $(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$url/healthz/ready" || true) == 200 ]] && break
    kill -0 "$wharf_pid" 2>/dev/null || { cat "$work/wharf.log" >&2; exit 1; }
    sleep 0.1
  done
  # Secure by default: the bootstrap administrator the server wrote, as a user on this machine would use it.
  token=$(cat "$work/wharf-data/admin-token")
  curl -s -o /dev/null -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
    -d '{"name":"bench"}' "$url/api/v1/projects" || true
  export WHARF_SERVER=$url WHARF_TOKEN=$token # for a --push-cmd CLI
  "${harness[@]}" images-push --url "$url" --creds "admin:$token" --work "$work/push" --runs "$runs" \
    --layers "$layers" --layer-mib "$layer_mib" --server-pid "$wharf_pid" --project bench ${push_cmd:+--push-cmd "$push_cmd"}
fi
