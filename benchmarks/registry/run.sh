#!/usr/bin/env bash
# Side-by-side registry benchmark: Wharf (when given) against CNCF distribution 2.8 (`docker-registry`, the
# anchor) in one run on one machine, with nginx serving the very same bytes as the physical limit for GETs.
#
#   benchmarks/registry/run.sh [--wharf URL [--wharf-pid PID] [--wharf-creds USER:TOKEN] [--wharf-gc-cmd CMD]]
#                              [--wharf-start] [--runs N] [--duration S] [--gc-images N] [--quick] [--disk] [--out FILE] [--keep]
#                              [--only get,push,tagput,gc] [--wharf-only]
#
#   --wharf URL        a running Wharf (base URL, e.g. http://127.0.0.1:8080); its /v2/ must answer.
#                      Without it every Wharf column says n/a.
#   --wharf-pid PID    its process id, for server CPU seconds (read from /proc/PID/stat)
#   --wharf-start      build src/Wharf.Server (Release) and start it here, pinned like the others, with a
#                      temp WHARF_DATA, logs at Warning (distribution runs at level error without access log),
#                      GC grace period 0 and no GC schedule; sets --wharf, --wharf-pid and, unless given,
#                      --wharf-gc-cmd (POST /api/v1/registry/gc, which collects synchronously)
#   --wharf-creds      user:token for skopeo (--dest-creds) and curl (-u); wrk gets a registry JWT with them.
#                      With --wharf-start: the bootstrap admin token the server wrote
#   --wharf-gc-cmd     a shell command that runs Wharf's GC to completion (online: the registry stays up);
#                      $WHARF_URL is set for it
#   --runs N           repetitions per workload; figures are medians (default 3)
#   --duration S       seconds per wrk run (default 5; tags/list runs use S-2, at least 2)
#   --gc-images N      images seeded for each GC run (default 1000)
#   --quick            1 run of 2 s, small tag counts and GC: checks the script, not the servers
#   --disk             keep server data on disk (/tmp) instead of a tmpfs: includes fsync and disk costs
#   --out FILE         also write the markdown report (date, machine, command, table) to FILE
#   --wharf-only       measure Wharf alone (distribution columns say n/a; not with get, whose nginx limit serves
#                      distribution's files): for profiling Wharf, not for ratios
#   --only LIST        run only these workloads (comma-separated): get (manifest, blob and tags/list GETs, and
#                      their seeding), push, tagput, gc; default all. `--only gc --gc-images 10000 --runs 1`
#                      measures the full-size GC without the 100,000-tag seeding
#
# Fairness (see /work/shared/BENCHMARKS.md): every server (distribution, nginx, Wharf when started here) is
# pinned to core 0 and every client (wrk, curl, skopeo) to core 1 with taskset; all servers get the same
# data through the same client; runs of the targets are interleaved so drift hits all alike; each figure is
# the median of --runs; server CPU seconds (utime+stime of the server process and its children, from
# /proc/PID/stat) are recorded next to every wall-clock figure. The machine is shared: compare ratios, not
# absolute numbers.
#
# Workloads:
#   manifest GET   wrk, 16 connections, GET /v2/bench/busybox/manifests/1 with the clients' Accept header;
#                  req/s and p99. nginx serves the same manifest bytes as a static file (no tag lookup).
#   blob GET       wrk, 4 connections, 1/10/100 MiB random blobs uploaded through the API; MB/s (MiB/s).
#                  nginx serves distribution's own blob files (blobs/sha256/xx/<hex>/data), so the same
#                  bytes from the same disk.
#   push           skopeo copy of the same OCI layout images (busybox, random 64 MiB) to a new repository
#                  each run, so every blob is uploaded; wall seconds. Limit: the same skopeo copy to a local
#                  dir: (same client work, no server).
#   tag PUT        curl, 8 in parallel, 500 new tags of one manifest per run; req/s.
#   tags/list      wrk, 1 connection, one page: GET tags/list?n=100&last=<the middle tag>, at 100 / 10,000 /
#                  100,000 tags; p50 ms. distribution 2.8 ignores n and last and always sends every tag, so
#                  its "page" is the whole list (what its clients get). nginx serves Wharf's page bytes (or
#                  distribution's listing without Wharf) as a static file. Tags are created through the API
#                  for Wharf (16 concurrent manifest PUTs of new tags onto one manifest; Wharf may use both
#                  cores while seeding, which is not measured; the seeding time is reported) and for
#                  distribution up to 1,000; past that, for distribution ONLY, tag link files are written
#                  straight into its filesystem layout (what its tag PUT would write), because its API takes
#                  minutes for 100k. The served listing is checked to hold every tag.
#   GC             N images (unique layer + config each) pushed through the API, every other manifest
#                  deleted, then garbage collection. distribution's `docker-registry garbage-collect` needs
#                  the registry read-only or stopped: the run restarts it read-only, collects, restarts it
#                  read-write, while a client keeps pulling a kept image; we report GC wall and CPU seconds
#                  and the pulls that failed during that maintenance window. Wharf's GC is online
#                  (--wharf-gc-cmd) with the same pulling client.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
command_line="benchmarks/registry/run.sh $*"

wharf_url="" wharf_pid="" wharf_creds="" wharf_gc_cmd="" wharf_start=0
runs=3 duration=5 quick=0 out="" keep=0 disk=0 gc_images_set="" only=get,push,tagput,gc wharf_only=0
blob_sizes=(1 10 100)
tag_counts=(100 10000 100000)
gc_images=1000
push_mib=64
tag_puts=500
server_cpu=0 load_cpu=1

while [[ $# -gt 0 ]]; do
  case $1 in
    --wharf) wharf_url=${2%/}; shift 2 ;;
    --wharf-pid) wharf_pid=$2; shift 2 ;;
    --wharf-creds) wharf_creds=$2; shift 2 ;;
    --wharf-gc-cmd) wharf_gc_cmd=$2; shift 2 ;;
    --wharf-start) wharf_start=1; shift ;;
    --runs) runs=$2; shift 2 ;;
    --duration) duration=$2; shift 2 ;;
    --gc-images) gc_images_set=$2; shift 2 ;;
    --quick) quick=1; shift ;;
    --out) out=$2; shift 2 ;;
    --keep) keep=1; shift ;;
    --only) only=$2; shift 2 ;;
    --wharf-only) wharf_only=1; shift ;;
    --disk) disk=1; shift ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) echo "run.sh: unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
done
if ((quick)); then
  runs=1 duration=2 gc_images=40 push_mib=8 tag_puts=100
  tag_counts=(100 2000)
fi
[[ -n $gc_images_set ]] && gc_images=$gc_images_set
wants() { [[ ",$only," == *",$1,"* ]]; }
wants get || tag_counts=()
list_duration=$((duration > 3 ? duration - 2 : 2))

for tool in docker-registry nginx wrk skopeo umoci curl jq taskset openssl sha256sum; do
  command -v "$tool" >/dev/null || { echo "run.sh: '$tool' missing: run sudo scripts/interop/setup.sh" >&2; exit 1; }
done
if (($(nproc) < 2)); then
  server_cpu=0 load_cpu=0
  echo "run.sh: only one core: server and client share it (figures are not comparable to 2-core runs)" >&2
fi

work=$(mktemp -d /tmp/wharf-bench.XXXXXX)
load_at_start=$(cut -d' ' -f1-3 /proc/loadavg)
# All server data lives under $work, on a tmpfs unless --disk: on this shared VM the disk's metadata
# operations are slow and erratic (writing 100k tags took 80 s; deleting them afterwards over 10 minutes),
# and that noise would swamp the servers' own costs. A tmpfs makes fsync free, so durability costs (Wharf
# fsyncs blobs; distribution's filesystem driver does not) only show with --disk.
on_tmpfs=0
if ((!disk)) && [[ $(id -u) -eq 0 ]] && mount -t tmpfs -o size=8g,mode=0700 wharf-bench "$work"; then
  on_tmpfs=1
elif ((!disk)); then
  echo "run.sh: could not mount a tmpfs (not root?): data stays on disk" >&2
fi
started=() # pids of the processes this script started; only these are killed
cleanup() {
  local p
  for p in "${started[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${started[@]}"; do wait "$p" 2>/dev/null || true; done
  if ((keep)); then
    echo "run.sh: kept $work$( ((on_tmpfs)) && echo " (a tmpfs: umount it when done)")" >&2
  elif ((on_tmpfs)); then
    umount "$work" && rmdir "$work"
  else
    rm -rf "$work"
  fi
}
trap cleanup EXIT
log() { echo "[$(date +%T)] $*" >&2; }

free_port() {
  local port
  while :; do
    port=$((20000 + RANDOM % 40000))
    ss -ltn | awk '{print $4}' | grep -q ":$port\$" || { echo "$port"; return; }
  done
}

wait_http() { # url: until it answers 200 or 401 (auth on), 60 s at most
  local code i
  for ((i = 0; i < 600; i++)); do
    code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$1" || true)
    [[ $code == 200 || $code == 401 ]] && return 0
    sleep 0.1
  done
  echo "run.sh: $1 did not answer 200/401 (last: $code)" >&2
  return 1
}

# CPU ticks (utime + stime) of a process and its direct children (nginx workers); 0 without a pid.
cpu_ticks() {
  local total=0 p f
  [[ -n ${1:-} && -r /proc/$1/stat ]] || { echo 0; return; }
  for p in "$1" $(ps -o pid= --ppid "$1" 2>/dev/null); do
    [[ -r /proc/$p/stat ]] || continue
    # Fields after "(comm) ": state is the 1st, utime the 12th, stime the 13th (man 5 proc: 14 and 15).
    read -r -a f < <(sed 's/^.*) //' "/proc/$p/stat")
    total=$((total + f[11] + f[12]))
  done
  echo "$total"
}
clk_tck=$(getconf CLK_TCK)
ticks_to_s() { awk -v t="$1" -v h="$clk_tck" 'BEGIN { printf "%.2f", t / h }'; }

median() {
  printf '%s\n' "$@" | sort -g | awk '{ a[NR] = $1 } END { if (NR == 0) print "n/a"; else if (NR % 2) print a[(NR + 1) / 2]; else print (a[NR / 2] + a[NR / 2 + 1]) / 2 }'
}

# ---------------------------------------------------------------------------------------------- targets
declare -A base host pid creds auth jwt_of
targets=(distribution)

dist_port=$(free_port)
dist_root=$work/distribution
mkdir -p "$dist_root"
base[distribution]=http://127.0.0.1:$dist_port
host[distribution]=127.0.0.1:$dist_port

# The Debian package's own settings (inmemory blob descriptor cache) with storage in the run's temp dir,
# deletes on, no auth, quiet logs. $1: config file, $2: read-only (true/false, for GC maintenance).
dist_config() {
  cat >"$1" <<EOF
version: 0.1
log:
  level: error
  accesslog:
    disabled: true
storage:
  filesystem:
    rootdirectory: $dist_root/storage
  cache:
    blobdescriptor: inmemory
  delete:
    enabled: true
  maintenance:
    uploadpurging:
      enabled: false
    readonly:
      enabled: $2
http:
  addr: 127.0.0.1:$dist_port
  secret: wharf-bench
EOF
}
dist_start() { # config file
  taskset -c "$server_cpu" docker-registry serve "$1" >>"$dist_root/log" 2>&1 &
  pid[distribution]=$!
  started+=("${pid[distribution]}")
  wait_http "${base[distribution]}/v2/"
}
dist_stop() {
  kill "${pid[distribution]}"
  wait "${pid[distribution]}" 2>/dev/null || true
}
dist_config "$dist_root/config.yml" false
dist_config "$dist_root/readonly.yml" true
dist_start "$dist_root/config.yml"
log "distribution on ${base[distribution]} (pid ${pid[distribution]}, core $server_cpu)"

if ((wharf_start)); then
  log "building Wharf.Server (Release)"
  dotnet build "$root/src/Wharf.Server" -c Release -nologo -v quiet -clp:ErrorsOnly -o "$work/wharf-bin" >&2
  wharf_port=$(free_port)
  wharf_url=http://127.0.0.1:$wharf_port
  # Same footing as distribution (log level error, no access log): no per-request log lines. GC collects
  # everything unreferenced at once (grace period 0), only when the run asks (no schedule).
  WHARF_DATA=$work/wharf-data taskset -c "$server_cpu" dotnet "$work/wharf-bin/Wharf.Server.dll" --urls "$wharf_url" \
    --Logging:LogLevel:Default=Warning --Wharf:Registry:GarbageCollectionGracePeriod=00:00:00 \
    --Wharf:Registry:GarbageCollectionInterval=00:00:00 --Wharf:Auth:RegistryTokenLifetime=01:00:00 \
    --Wharf:Auth:TokenEndpointPermitsPerMinute=100000 >"$work/wharf.log" 2>&1 &
  wharf_pid=$!
  started+=("$wharf_pid")
  wait_http "$wharf_url/healthz/ready"
  # Wharf is secure by default: the run uses the bootstrap administrator it created, as a user would.
  [[ -n $wharf_creds ]] || wharf_creds="admin:$(cat "$work/wharf-data/admin-token")"
  [[ -n $wharf_gc_cmd ]] || wharf_gc_cmd='curl -fsS -u "$WHARF_CREDS" -X POST "$WHARF_URL/api/v1/registry/gc"'
fi
if [[ -n $wharf_url ]]; then
  code=$(curl -s -o /dev/null -w '%{http_code}' ${wharf_creds:+-u "$wharf_creds"} "$wharf_url/v2/" || true)
  if [[ $code != 200 && $code != 401 ]]; then
    echo "run.sh: $wharf_url/v2/ answered $code: Wharf has no registry there (yet)" >&2
    exit 1
  fi
  targets=(wharf distribution)
  ((wharf_only)) && targets=(wharf)
  base[wharf]=$wharf_url
  host[wharf]=${wharf_url#http://}
  pid[wharf]=$wharf_pid
  creds[wharf]=$wharf_creds
  # Registry clients (docker, podman, skopeo) trade their credentials for a registry JWT once and send it with
  # every request; curl and wrk here do the same, with one token covering every repository the run touches.
  if [[ -n $wharf_creds ]]; then
    scopes="scope=repository:bench/busybox:pull,push&scope=repository:bench/blobs:pull,push"
    scopes+="&scope=repository:bench/tag-put:pull,push"
    for n in "${tag_counts[@]}"; do scopes+="&scope=repository:bench/tags-$n:pull,push"; done
    for ((r = 1; r <= runs; r++)); do scopes+="&scope=repository:bench/gc-$r:pull,push,delete"; done
    jwt_of[wharf]=$(curl -fsS -u "$wharf_creds" "$wharf_url/auth/token?service=wharf&$scopes" | jq -r .token)
    auth[wharf]="Bearer ${jwt_of[wharf]}"
  fi
  log "wharf on $wharf_url (pid ${wharf_pid:-unknown: no CPU figures})"
fi

# curl/skopeo argument helpers for a target's credentials.
curl_auth() {
  if [[ -n ${jwt_of[$1]:-} ]]; then printf '%s\n' --oauth2-bearer "${jwt_of[$1]}"
  elif [[ -n ${creds[$1]:-} ]]; then printf '%s\n' -u "${creds[$1]}"; fi
  true
}
skopeo_dest_creds() { [[ -n ${creds[$1]:-} ]] && printf '%s\n' --dest-creds "${creds[$1]}"; true; }

# -------------------------------------------------------------------------------------------------- data
log "making test images (random layer ${push_mib} MiB)"
images=$work/images
bash "$root/scripts/interop/make-images.sh" "$images" --random-mib "$push_mib" >/dev/null
busybox_digest=$(jq -r '.manifests[] | select(.annotations["org.opencontainers.image.ref.name"] == "busybox") | .digest' "$images/oci/index.json")
manifest_file=$images/oci/blobs/sha256/${busybox_digest#sha256:}
oci_manifest=application/vnd.oci.image.manifest.v1+json
accept="$oci_manifest, application/vnd.oci.image.index.v1+json, application/vnd.docker.distribution.manifest.v2+json, application/vnd.docker.distribution.manifest.list.v2+json"

image_bytes() { # tag: manifest + config + layers, what a push moves
  local digest
  digest=$(jq -r --arg t "$1" '.manifests[] | select(.annotations["org.opencontainers.image.ref.name"] == $t) | .digest' "$images/oci/index.json")
  jq -r '[.config.size] + [.layers[].size] | add' "$images/oci/blobs/sha256/${digest#sha256:}" |
    awk -v m="$(stat -c %s "$images/oci/blobs/sha256/${digest#sha256:}")" '{ print $1 + m }'
}

mkdir -p "$work/blobs"
for size in "${blob_sizes[@]}"; do
  # AES-CTR over zeros: incompressible and the same bytes every run.
  openssl enc -aes-128-ctr -nosalt -K 000102030405060708090a0b0c0d0e0f -iv "$(printf '%032x' "$size")" \
    -in /dev/zero 2>/dev/null | head -c $((size << 20)) >"$work/blobs/$size.bin" || true
  sha256sum "$work/blobs/$size.bin" | awk '{ print "sha256:" $1 }' >"$work/blobs/$size.digest"
done

# Monolithic upload through the API: POST opens a session, PUT with ?digest= sends the bytes and commits.
upload_blob() { # target repo file digest
  local location sep
  location=$(curl -fsS -X POST -o /dev/null -D - $(curl_auth "$1") "${base[$1]}/v2/$2/blobs/uploads/" |
    tr -d '\r' | awk 'tolower($1) == "location:" { print $2 }')
  [[ $location == http* ]] || location=${base[$1]}$location
  sep='?'
  [[ $location == *\?* ]] && sep='&'
  curl -fsS -o /dev/null -X PUT -H 'Content-Type: application/octet-stream' -T "$3" $(curl_auth "$1") \
    "$location${sep}digest=$4"
}

# skopeo remembers in /var/lib/containers/cache (for root) which registry repositories hold a blob, and
# then mounts the blob from there instead of uploading it: a second push of the same image to a new
# repository moves no bytes. For push timings skopeo gets an empty cache of its own, on a tmpfs in a
# private mount namespace, so every run uploads (the machine's cache is not touched).
fresh_cache=()
if [[ $(id -u) -eq 0 ]] && command -v unshare >/dev/null && mkdir -p /var/lib/containers/cache; then
  fresh_cache=(unshare --mount --propagation private sh -c 'mount -t tmpfs tmpfs /var/lib/containers/cache && exec "$0" "$@"')
else
  echo "run.sh: not root: skopeo's blob cache may turn repeated pushes into cross-repository mounts" >&2
fi

push_image() { # target layout-tag repo tag
  taskset -c "$load_cpu" "${fresh_cache[@]}" skopeo --insecure-policy copy --quiet --dest-tls-verify=false \
    $(skopeo_dest_creds "$1") "oci:$images/oci:$2" "docker://${host[$1]}/$3:$4" >/dev/null
}

# Tags t000001.. on a repository that already holds the busybox image (so the manifest's blobs are there).
put_tags() { # target repo first count [parallel]
  local last=$(($3 + $4 - 1))
  taskset -c "$load_cpu" curl -s --no-progress-meter -o /dev/null -w '%{http_code}\n' --parallel --parallel-max "${5:-8}" \
    -X PUT -H "Content-Type: $oci_manifest" --data-binary "@$manifest_file" $(curl_auth "$1") \
    "${base[$1]}/v2/$2/manifests/t[$(printf '%06d' "$3")-$(printf '%06d' "$last")]" | sort | uniq -c |
    awk '$2 !~ /^2/ { bad += $1 } END { exit bad > 0 }' || { echo "run.sh: tag PUTs to $1 failed" >&2; return 1; }
}

# distribution only: what its tag PUT writes (tags/<tag>/current/link and tags/<tag>/index/sha256/<hex>/link),
# written straight into its filesystem layout. perl (perl-base is Essential in Debian, so always there)
# makes the directories and files with system calls only: a process or two per tag took minutes for 100k.
dist_write_tags() { # repo first count
  perl -e '
    my ($tags, $digest, $first, $count) = @ARGV;
    (my $hex = $digest) =~ s/^sha256://;
    for my $i ($first .. $first + $count - 1) {
      my $tag = sprintf("%s/t%06d", $tags, $i);
      for my $dir ($tag, "$tag/current", "$tag/index", "$tag/index/sha256", "$tag/index/sha256/$hex") {
        mkdir $dir or $!{EEXIST} or die "mkdir $dir: $!";
      }
      for my $link ("$tag/current/link", "$tag/index/sha256/$hex/link") {
        open(my $f, ">", $link) or die "$link: $!";
        print $f $digest;
        close $f or die "$link: $!";
      }
    }' "$dist_root/storage/docker/registry/v2/repositories/$1/_manifests/tags" "$busybox_digest" "$2" "$3"
}

tag_count_served() { # target repo: follows Link headers (Wharf pages at Wharf:Registry:MaxPageSize)
  local url="${base[$1]}/v2/$2/tags/list" total=0 link
  while [[ -n $url ]]; do
    total=$((total + $(curl -fsS -D "$work/list-headers" $(curl_auth "$1") "$url" | jq '.tags | length')))
    link=$(tr -d '\r' <"$work/list-headers" | awk 'tolower($1) == "link:" { print $2 }' | sed 's/^<//; s/>;*$//')
    url=${link:+${base[$1]}$link}
  done
  echo "$total"
}

# The tags/list page every target is asked for: 100 tags after the middle one (distribution ignores both).
page_query() { # tag count
  echo "n=100&last=t$(printf '%06d' $(($1 / 2)))"
}
declare -A seed_seconds

for t in "${targets[@]}"; do
  log "seeding $t: images, blobs"
  push_image "$t" busybox bench/busybox 1
  push_image "$t" busybox bench/tag-put t000000
  for size in "${blob_sizes[@]}"; do
    upload_blob "$t" bench/blobs "$work/blobs/$size.bin" "$(cat "$work/blobs/$size.digest")"
  done
  for n in "${tag_counts[@]}"; do
    log "seeding $t: $n tags"
    push_image "$t" busybox "bench/tags-$n" t000000
    if ((n > 1)); then
      seed_start=$(date +%s.%N)
      if [[ $t == distribution ]] && ((n > 1000)); then
        dist_write_tags "bench/tags-$n" 1 $((n - 1))
      else
        # Seeding is not measured: let the server use both cores meanwhile (every thread, then back to one).
        [[ -n ${pid[$t]:-} ]] && taskset -a -p -c 0,1 "${pid[$t]}" >/dev/null 2>&1 || true
        put_tags "$t" "bench/tags-$n" 1 $((n - 1)) 16
        [[ -n ${pid[$t]:-} ]] && taskset -a -p -c "$server_cpu" "${pid[$t]}" >/dev/null 2>&1 || true
      fi
      seed_seconds[$t|$n]=$(awk -v a="$seed_start" -v b="$(date +%s.%N)" 'BEGIN { printf "%.0f", b - a }')
      log "  $t: $((n - 1)) tags in ${seed_seconds[$t|$n]} s"
    fi
    served=$(tag_count_served "$t" "bench/tags-$n")
    [[ $served == "$n" ]] || { echo "run.sh: $t lists $served tags for bench/tags-$n, expected $n" >&2; exit 1; }
  done
done

# nginx: the physical limit. Blobs come from distribution's own files; the manifest and the tag listings
# are the bytes distribution served, as static files.
nginx_port=$(free_port)
ng=$work/nginx
mkdir -p "$ng/static/v2/bench/busybox/manifests" "$ng/tmp"
cp "$manifest_file" "$ng/static/v2/bench/busybox/manifests/1"
page_source=${targets[0]} # Wharf when present: its page is the page; distribution always sends everything
for n in "${tag_counts[@]}"; do
  mkdir -p "$ng/static/v2/bench/tags-$n/tags"
  curl -fsS $(curl_auth "$page_source") "${base[$page_source]}/v2/bench/tags-$n/tags/list?$(page_query "$n")" >"$ng/static/v2/bench/tags-$n/tags/list"
done
# user root: as root, nginx's worker would otherwise run as nobody and could not read the 0700 temp dir
# or distribution's files (ignored with a warning when not root).
cat >"$ng/nginx.conf" <<EOF
user root;
worker_processes 1;
daemon off;
pid $ng/nginx.pid;
error_log $ng/error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  # Debian's static-file default. On this loopback the client's copy of every byte is the bottleneck:
  # sendfile on/off and buffer sizes measured within noise of each other (~300-750 MiB/s for 100 MiB).
  sendfile on;
  keepalive_requests 10000000;
  client_body_temp_path $ng/tmp/body;
  proxy_temp_path $ng/tmp/proxy;
  fastcgi_temp_path $ng/tmp/fastcgi;
  uwsgi_temp_path $ng/tmp/uwsgi;
  scgi_temp_path $ng/tmp/scgi;
  types { }
  default_type application/octet-stream;
  server {
    listen 127.0.0.1:$nginx_port;
    root $ng/static;
    location ~ "^/v2/.+/blobs/sha256:(?<p>[0-9a-f]{2})(?<q>[0-9a-f]{62})\$" {
      alias $dist_root/storage/docker/registry/v2/blobs/sha256/\$p/\$p\$q/data;
    }
    location ~ /manifests/ { default_type $oci_manifest; }
    location ~ /tags/list\$ { default_type application/json; }
  }
}
EOF
taskset -c "$server_cpu" nginx -p "$ng" -e "$ng/error.log" -c "$ng/nginx.conf" &
pid[nginx]=$!
started+=("${pid[nginx]}")
base[nginx]=http://127.0.0.1:$nginx_port
sleep 0.5
curl -fsS -o /dev/null "${base[nginx]}/v2/bench/busybox/manifests/1" || { cat "$ng/error.log" >&2; exit 1; }
log "nginx on ${base[nginx]} (pid ${pid[nginx]}, core $server_cpu)"

# -------------------------------------------------------------------------------------------- measuring
declare -A values cpu_used
record() { # row target value cpu-seconds
  values[$1|$2]+="$3 "
  cpu_used[$1|$2]+="$4 "
}

# wrk against one target; sets w_rps, w_p50_ms, w_p99_ms, w_mbps, w_cpu.
wrk_run() { # target path connections seconds [accept]
  local before after line requests duration_us bytes p50_us p99_us errors kv
  before=$(cpu_ticks "${pid[$1]:-}")
  line=$(WRK_ACCEPT=${5:-} WRK_AUTH=${auth[$1]:-} taskset -c "$load_cpu" wrk -t1 -c"$3" -d"$4"s --timeout 30s \
    -s "$here/wrk-report.lua" "${base[$1]}$2" | grep '^WRK ')
  after=$(cpu_ticks "${pid[$1]:-}")
  for kv in ${line#WRK }; do local "${kv%%=*}=${kv#*=}"; done
  if ((errors > 0 || requests == 0)); then
    echo "run.sh: $1 $2: $errors errors in $requests requests" >&2
    exit 1
  fi
  w_rps=$(awk -v r="$requests" -v d="$duration_us" 'BEGIN { printf "%.0f", r / (d / 1e6) }')
  w_mbps=$(awk -v b="$bytes" -v d="$duration_us" 'BEGIN { printf "%.1f", b / 1048576 / (d / 1e6) }')
  w_p50_ms=$(awk -v p="$p50_us" 'BEGIN { printf "%.2f", p / 1000 }')
  w_p99_ms=$(awk -v p="$p99_us" 'BEGIN { printf "%.2f", p / 1000 }')
  w_cpu=$(ticks_to_s $((after - before)))
}

get_targets=("${targets[@]}" nginx)
# Warm-up, not recorded: .NET compiles hot methods again with full optimization after their first calls, and
# every server fills its caches; the first run should not pay for that.
wants get && log "warm-up"
wants get && for t in "${get_targets[@]}"; do
  wrk_run "$t" /v2/bench/busybox/manifests/1 16 3 "$accept"
  wrk_run "$t" "/v2/bench/blobs/blobs/$(cat "$work/blobs/1.digest")" 4 2
  wrk_run "$t" "/v2/bench/tags-${tag_counts[0]}/tags/list?$(page_query "${tag_counts[0]}")" 1 1
done
for ((run = 1; run <= runs; run++)); do
  if wants get; then
  log "run $run/$runs: manifest GET"
  for t in "${get_targets[@]}"; do
    wrk_run "$t" /v2/bench/busybox/manifests/1 16 "$duration" "$accept"
    record manifest-rps "$t" "$w_rps" "$w_cpu"
    record manifest-p99 "$t" "$w_p99_ms" "$w_cpu"
  done

  log "run $run/$runs: blob GET ${blob_sizes[*]} MiB"
  for size in "${blob_sizes[@]}"; do
    for t in "${get_targets[@]}"; do
      wrk_run "$t" "/v2/bench/blobs/blobs/$(cat "$work/blobs/$size.digest")" 4 "$duration"
      record "blob-$size" "$t" "$w_mbps" "$w_cpu"
    done
  done

  log "run $run/$runs: tags/list ${tag_counts[*]}"
  for n in "${tag_counts[@]}"; do
    for t in "${get_targets[@]}"; do
      wrk_run "$t" "/v2/bench/tags-$n/tags/list?$(page_query "$n")" 1 "$list_duration"
      record "tags-$n" "$t" "$w_p50_ms" "$w_cpu"
    done
  done
  fi

  if wants push; then
  log "run $run/$runs: push (skopeo)"
  for tag in busybox random; do
    for t in "${targets[@]}" limit; do
      before=$(cpu_ticks "${pid[$t]:-}")
      start=$(date +%s.%N)
      if [[ $t == limit ]]; then
        # Same client, same source, no server: skopeo writing the image to a local directory.
        taskset -c "$load_cpu" "${fresh_cache[@]}" skopeo --insecure-policy copy --quiet "oci:$images/oci:$tag" \
          "dir:$work/push-limit" >/dev/null
        rm -rf "$work/push-limit"
      else
        push_image "$t" "$tag" "bench/push-$tag-$run-$RANDOM" 1
      fi
      end=$(date +%s.%N)
      after=$(cpu_ticks "${pid[$t]:-}")
      record "push-$tag" "$t" "$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.2f", b - a }')" "$(ticks_to_s $((after - before)))"
    done
  done

  fi
  if wants tagput; then
  log "run $run/$runs: tag PUT"
  for t in "${targets[@]}"; do
    before=$(cpu_ticks "${pid[$t]:-}")
    start=$(date +%s.%N)
    put_tags "$t" bench/tag-put $((1 + (run - 1) * tag_puts)) "$tag_puts"
    end=$(date +%s.%N)
    after=$(cpu_ticks "${pid[$t]:-}")
    record tag-put "$t" "$(awk -v n="$tag_puts" -v a="$start" -v b="$end" 'BEGIN { printf "%.0f", n / (b - a) }')" \
      "$(ticks_to_s $((after - before)))"
  done
  fi
done

# -------------------------------------------------------------------------------------------------- GC
# Pulls (manifest + config blob) of a kept image in a loop until told to stop; writes "ok failed".
pull_loop() { # target repo tag config-digest stop-file result-file
  local ok=0 failed=0
  while [[ ! -e $5 ]]; do
    if curl -fsS -o /dev/null --max-time 5 -H "Accept: $accept" $(curl_auth "$1") "${base[$1]}/v2/$2/manifests/$3" 2>/dev/null &&
      curl -fsS -o /dev/null --max-time 5 $(curl_auth "$1") "${base[$1]}/v2/$2/blobs/$4" 2>/dev/null; then
      ok=$((ok + 1))
    else
      failed=$((failed + 1))
      sleep 0.05 # a refused connection fails at once; do not spin
    fi
  done
  echo "$ok $failed" >"$6"
}

# N images with a unique 4 KiB layer and a unique config each, tags g0001..; every other manifest deleted.
# Prints the first kept tag and its config digest. Built in bulk (one openssl, one sha256sum per kind of
# file, four curl processes in all) because a few processes per image made seeding take minutes on a
# loaded 2-core machine: the blob POSTs run in order on one connection (their Location headers are read
# back in order), the PUTs and DELETEs through curl config files, 8 in parallel.
gc_seed() { # target repo count
  local dir=$work/gc/$1-${2//\//-} i n l d kind cfg
  local -a layer_digest config_digest manifest_digest locations
  mkdir -p "$dir"
  openssl rand $((4096 * $3)) | split -b 4096 -a 5 -d - "$dir/layer-"
  mapfile -t layer_digest < <(cd "$dir" && sha256sum layer-* | awk '{ print "sha256:" $1 }')
  for ((i = 0; i < $3; i++)); do
    n=$(printf '%05d' "$i")
    printf '{"architecture":"amd64","os":"linux","config":{"Labels":{"n":"%s"}},"rootfs":{"type":"layers","diff_ids":["%s"]}}' \
      "$i" "${layer_digest[i]}" >"$dir/config-$n"
  done
  mapfile -t config_digest < <(cd "$dir" && sha256sum config-* | awk '{ print "sha256:" $1 }')
  for ((i = 0; i < $3; i++)); do
    n=$(printf '%05d' "$i")
    printf '{"schemaVersion":2,"mediaType":"%s","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"%s","size":%d},"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar","digest":"%s","size":4096}]}' \
      "$oci_manifest" "${config_digest[i]}" "$(stat -c %s "$dir/config-$n")" "${layer_digest[i]}" >"$dir/manifest-$n"
  done
  mapfile -t manifest_digest < <(cd "$dir" && sha256sum manifest-* | awk '{ print "sha256:" $1 }')

  # Two upload sessions per image (layer, config), in order.
  taskset -c "$load_cpu" curl -fsS -X POST -o /dev/null -D "$dir/post-headers" $(curl_auth "$1") \
    "${base[$1]}/v2/$2/blobs/uploads/?[1-$((2 * $3))]"
  mapfile -t locations < <(tr -d '\r' <"$dir/post-headers" | awk 'tolower($1) == "location:" { print $2 }')
  ((${#locations[@]} == 2 * $3)) || { echo "run.sh: $1 opened ${#locations[@]} upload sessions, expected $((2 * $3))" >&2; return 1; }
  : >"$dir/put-blobs.cfg"
  : >"$dir/put-manifests.cfg"
  : >"$dir/deletes.cfg"
  # Options on curl's command line apply only to the first transfer of a config file (each "next" starts afresh),
  # so every entry carries its own status output and credentials.
  local each='write-out = "%{http_code}\\n"\n'
  if [[ -n ${jwt_of[$1]:-} ]]; then each+="oauth2-bearer = \"${jwt_of[$1]}\"\n"
  elif [[ -n ${creds[$1]:-} ]]; then each+="user = \"${creds[$1]}\"\n"; fi
  for ((i = 0; i < $3; i++)); do
    n=$(printf '%05d' "$i")
    for kind in layer config; do
      if [[ $kind == layer ]]; then l=${locations[2 * i]} d=${layer_digest[i]}; else l=${locations[2 * i + 1]} d=${config_digest[i]}; fi
      [[ $l == http* ]] || l=${base[$1]}$l
      [[ $l == *\?* ]] && l="$l&digest=$d" || l="$l?digest=$d"
      printf 'url = "%s"\nupload-file = "%s"\noutput = "/dev/null"\nheader = "Content-Type: application/octet-stream"\n%bnext\n' \
        "$l" "$dir/$kind-$n" "$each" >>"$dir/put-blobs.cfg"
    done
    printf 'url = "%s"\nupload-file = "%s"\noutput = "/dev/null"\nheader = "Content-Type: %s"\n%bnext\n' \
      "${base[$1]}/v2/$2/manifests/g$n" "$dir/manifest-$n" "$oci_manifest" "$each" >>"$dir/put-manifests.cfg"
    if ((i % 2)); then
      printf 'url = "%s"\nrequest = "DELETE"\noutput = "/dev/null"\n%bnext\n' \
        "${base[$1]}/v2/$2/manifests/${manifest_digest[i]}" "$each" >>"$dir/deletes.cfg"
    fi
  done
  for cfg in put-blobs put-manifests deletes; do
    sed -i '$d' "$dir/$cfg.cfg" # a final "next" would make curl expect one more URL
    expected=$(grep -c '^url' "$dir/$cfg.cfg")
    taskset -c "$load_cpu" curl -s --no-progress-meter --parallel --parallel-max 8 -K "$dir/$cfg.cfg" | sort | uniq -c |
      awk -v want="$expected" '{ seen += $1 } $2 !~ /^2/ { bad += $1 } END { exit bad > 0 || seen != want }' ||
      { echo "run.sh: $cfg on $1 failed" >&2; return 1; }
  done
  # Even indexes are kept; index 0 is the first.
  echo "g00000 ${config_digest[0]}"
}

for ((run = 1; run <= runs; run++)); do
  wants gc || break
  for t in "${targets[@]}"; do
    [[ $t == wharf && -z $wharf_gc_cmd ]] && continue
    log "run $run/$runs: GC on $t ($gc_images images, half deleted)"
    repo=bench/gc-$run
    gc_seed "$t" "$repo" "$gc_images" >"$work/gc-kept"
    read -r kept_tag kept_config <"$work/gc-kept"
    stop=$work/gc-stop-$t-$run result=$work/gc-pulls-$t-$run
    taskset -c "$load_cpu" bash -c "$(declare -f pull_loop curl_auth); $(declare -p base creds jwt_of accept); pull_loop $t $repo $kept_tag $kept_config $stop $result" &
    puller=$!
    started+=("$puller")
    sleep 1 # the client is pulling before maintenance starts
    window_start=$(date +%s.%N)
    if [[ $t == distribution ]]; then
      dist_stop
      dist_start "$dist_root/readonly.yml"
      TIMEFORMAT='%R %U %S'
      { time taskset -c "$server_cpu" docker-registry garbage-collect "$dist_root/config.yml" >"$work/gc-$run.log" 2>&1; } 2>"$work/gc-time-$run"
      dist_stop
      dist_start "$dist_root/config.yml"
      read -r gc_wall gc_user gc_sys <"$work/gc-time-$run"
      gc_cpu=$(awk -v u="$gc_user" -v s="$gc_sys" 'BEGIN { printf "%.2f", u + s }')
      swept=$(grep -c 'blob eligible for deletion' "$work/gc-$run.log" || true)
    else
      before=$(cpu_ticks "${pid[$t]:-}")
      start=$(date +%s.%N)
      WHARF_URL=${base[$t]} WHARF_CREDS=$wharf_creds bash -c "$wharf_gc_cmd" >"$work/gc-wharf-$run.log" 2>&1
      end=$(date +%s.%N)
      after=$(cpu_ticks "${pid[$t]:-}")
      gc_wall=$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.2f", b - a }')
      gc_cpu=$(ticks_to_s $((after - before)))
      # Wharf's GC endpoint answers with its report: blobs swept, as distribution's log counts them.
      swept=$(jq -r '.blobs // .blobsDeleted // "?"' "$work/gc-wharf-$run.log" 2>/dev/null || echo "?")
    fi
    window_end=$(date +%s.%N)
    sleep 1
    touch "$stop"
    wait "$puller" || true
    read -r pulls_ok pulls_failed <"$result"
    # The kept image must still pull after GC.
    curl -fsS -o /dev/null -H "Accept: $accept" $(curl_auth "$t") "${base[$t]}/v2/$repo/manifests/$kept_tag" ||
      { echo "run.sh: $t lost $repo:$kept_tag in GC" >&2; exit 1; }
    record gc-wall "$t" "$gc_wall" "$gc_cpu"
    record gc-window "$t" "$(awk -v a="$window_start" -v b="$window_end" 'BEGIN { printf "%.2f", b - a }')" "$gc_cpu"
    record gc-failed "$t" "$pulls_failed" "$gc_cpu"
    log "  $t: gc ${gc_wall}s (cpu ${gc_cpu}s, $swept blobs swept), window pulls ok=$pulls_ok failed=$pulls_failed"
  done
done

# -------------------------------------------------------------------------------------------------- report
rows=()
if wants get; then
  rows+=(manifest-rps manifest-p99)
  for size in "${blob_sizes[@]}"; do rows+=("blob-$size"); done
fi
wants push && rows+=(push-busybox push-random)
wants tagput && rows+=(tag-put)
for n in "${tag_counts[@]}"; do rows+=("tags-$n"); done
wants gc && rows+=(gc-wall gc-window gc-failed)

random_mib_total=$(awk -v b="$(image_bytes random)" 'BEGIN { printf "%.1f", b / 1048576 }')
describe() { # row -> "label|unit"
  case $1 in
    manifest-rps) echo "manifest GET by tag, 16 conns|req/s ↑" ;;
    manifest-p99) echo "manifest GET by tag, p99|ms ↓" ;;
    blob-*) echo "blob GET ${1#blob-} MiB, 4 conns|MiB/s ↑" ;;
    push-busybox) echo "push busybox image (skopeo, $(awk -v b="$(image_bytes busybox)" 'BEGIN { printf "%.1f", b / 1048576 }') MiB)|s ↓" ;;
    push-random) echo "push random image (skopeo, $random_mib_total MiB)|s ↓" ;;
    tag-put) echo "manifest PUT new tag, 8 parallel (curl)|req/s ↑" ;;
    tags-*) echo "tags/list page (n=100, from the middle) at ${1#tags-} tags, p50|ms ↓" ;;
    gc-wall) echo "GC wall time, $gc_images images, half deleted|s ↓" ;;
    gc-window) echo "GC maintenance window (distribution: restart ro, GC, restart rw)|s ↓" ;;
    gc-failed) echo "failed pulls of a kept image during the GC window|count ↓" ;;
  esac
}

cell() { local v=${values[$1|$2]:-}; [[ -n $v ]] && median $v || echo "n/a"; }
cpu_cell() { local v=${cpu_used[$1|$2]:-}; [[ -n $v ]] && median $v || echo "n/a"; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "n/a" || b == "n/a" || b + 0 == 0) print "n/a"; else printf "%.2f", a / b }'; }

report=$work/report.md
{
  echo "| workload | unit | Wharf | distribution | Wharf/distribution | limit (nginx / local) | server CPU s: Wharf | distribution | limit |"
  echo "|---|---|---:|---:|---:|---:|---:|---:|---:|"
  for row in "${rows[@]}"; do
    IFS='|' read -r label unit < <(describe "$row")
    w=$(cell "$row" wharf)
    d=$(cell "$row" distribution)
    limit=n/a
    limit_cpu=n/a
    case $row in
      manifest-*|blob-*|tags-*) limit=$(cell "$row" nginx); limit_cpu=$(cpu_cell "$row" nginx) ;;
      push-*) limit=$(cell "$row" limit) ;;
    esac
    echo "| $label | $unit | $w | $d | $(ratio "$w" "$d") | $limit | $(cpu_cell "$row" wharf) | $(cpu_cell "$row" distribution) | $limit_cpu |"
  done
} >"$report"

echo
cat "$report"
echo
echo "Medians of $runs run(s); wrk $duration s per GET run ($list_duration s for tags/list); servers on core $server_cpu, clients on core $load_cpu; data on $( ((on_tmpfs)) && echo tmpfs || echo disk)."
echo "Server CPU s: utime+stime of the server process during that workload (GC: the garbage-collect process for distribution)."
seeding_note() {
  local t n parts=()
  ((${#tag_counts[@]})) || return 0
  for t in "${targets[@]}"; do
    for n in "${tag_counts[@]}"; do
      [[ -n ${seed_seconds[$t|$n]:-} ]] && parts+=("$t $((n - 1)) tags ${seed_seconds[$t|$n]} s")
    done
  done
  echo "Tag seeding (not measured above; distribution past 1,000 tags written into its filesystem): $(IFS=,; echo "${parts[*]}" | sed 's/,/, /g')."
  echo "tags/list: distribution 2.8 ignores n and last and sends all tags; Wharf sends the 100-tag page."
}
seeding_note

if [[ -n $out ]]; then
  {
    echo "# Registry benchmark"
    echo
    echo "- date: $(date -u +%Y-%m-%dT%H:%MZ)"
    echo "- machine: $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')), $(free -g | awk '/Mem:/ { print $2 }') GiB, kernel $(uname -r), load average at start $load_at_start, at end $(cut -d' ' -f1-3 /proc/loadavg)"
    echo "- versions: $(docker-registry --version | awk '{ print $2, $3 }'), nginx $(nginx -v 2>&1 | cut -d/ -f2), skopeo $(skopeo --version | awk '{ print $3 }'), wrk $(wrk -v 2>&1 | awk 'NR == 1 { print $2 }')"
    echo "- command: \`$command_line\`"
    echo "- medians of $runs run(s); wrk $duration s per GET run ($list_duration s for tags/list); servers on core $server_cpu, clients on core $load_cpu; server data on $( ((on_tmpfs)) && echo tmpfs || echo disk)"
    echo
    cat "$report"
    echo
    seeding_note
  } >"$out"
  log "report written to $out"
fi
