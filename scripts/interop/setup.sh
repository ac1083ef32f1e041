#!/usr/bin/env bash
# Prepares a Debian 12 machine (fresh CI machine or a developer's) for the registry interop tests and
# benchmarks: installs the packages when missing, writes podman's configuration, and proves that podman can
# run a locally made image. Idempotent; run as root:
#
#   sudo scripts/interop/setup.sh [--no-smoke]
#
# What was needed here, and why (seen on the dotnet machine kind: a Firecracker VM, PID 1 is not systemd,
# cgroup v1, ext4 root, RLIMIT_NOFILE hard limit 20000, no network but Debian/NuGet/npm mirrors):
#   - containers.conf (scripts/interop/containers.conf, installed as /etc/containers/containers.conf):
#       runtime = "runc"       crun fails here; podman prefers crun when both are installed
#       default_ulimits        podman asks for nofile=1048576 by default and runc dies with
#                              "error setting rlimit type 7: operation not permitted" under the 20000 cap
#       events_logger = "file" no journald
#       cgroup_manager         "cgroupfs" when systemd is not running (added below); podman 4.3 would fall
#                              back by itself, but says so on every command
#   - storage.conf: native kernel overlay works on this ext4 root (probed below with a real overlay mount);
#     vfs is the fallback where it does not (it copies every layer: slower, but works anywhere).
#     fuse-overlayfs is not needed.
#   - registries.conf is NOT touched: nothing marks 127.0.0.1 registries insecure machine-wide; every
#     command that talks to a test registry passes --tls-verify=false (skopeo: --src/--dest-tls-verify).
#   - policy.json: the Debian default (insecureAcceptAnything) from golang-github-containers-common; only
#     written if missing.
#   - The network: containers started by tests use --network=none; nothing they run needs a network, and it
#     keeps CNI from creating bridges and firewall rules on a shared machine.
set -euo pipefail
cd "$(dirname "$0")"
here=$(pwd)

smoke=1
[[ ${1:-} == --no-smoke ]] && smoke=0

if [[ $(id -u) -ne 0 ]]; then
  echo "setup.sh: run as root (apt-get install and /etc/containers need it)" >&2
  exit 1
fi

# --- packages: install only what is missing, so a prepared machine does no apt work at all.
# busybox-static: the base of every test image (the images have no libc); docker-registry: CNCF
# distribution 2.8, the baseline; nginx: the physical limit for blob GET; wrk: load generator;
# util-linux: taskset; procps: ps/pkill-free process checks; openssl: deterministic random test data.
packages=(podman runc conmon skopeo umoci busybox-static docker-registry nginx wrk jq curl openssl util-linux procps)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "setup.sh: installing ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq -o DPkg::Lock::Timeout=300
  # --no-install-recommends: podman's recommends (buildah, dbus-user-session, ...) are not needed for root.
  apt-get install -y -qq --no-install-recommends -o DPkg::Lock::Timeout=300 "${missing[@]}" >/dev/null
fi

# The docker-registry package starts a system registry on :5000 where an init system runs it. The tests
# and benchmarks start their own on free ports, so it is harmless; say so rather than stop a service that
# may be someone's.
if ss -ltn 2>/dev/null | grep -q '127.0.0.1:5000\|\*:5000\|0.0.0.0:5000'; then
  echo "setup.sh: note: something listens on :5000 (the packaged docker-registry service?); tests do not use it" >&2
fi

# --- containers.conf
mkdir -p /etc/containers
conf=/etc/containers/containers.conf
marker="# Managed by Wharf scripts/interop/setup.sh"
if [[ -f $conf && ! -f $conf.wharf-orig ]] && ! grep -qF "$marker" "$conf"; then
  cp -p "$conf" "$conf.wharf-orig" # keep whatever was there before the first run
fi
cgroup_manager=cgroupfs
[[ -d /run/systemd/system ]] && cgroup_manager=systemd # systemd really running as init
{
  echo "$marker; edit scripts/interop/containers.conf instead."
  cat "$here/containers.conf"
  echo "# systemd as init: $([[ $cgroup_manager == systemd ]] && echo yes || echo no)"
  echo "cgroup_manager = \"$cgroup_manager\""
} >"$conf.tmp"
mv "$conf.tmp" "$conf"

# --- storage.conf: probe a real overlay mount in a scratch dir; that is exactly what podman's overlay
# driver needs (root, kernel overlay on the graphroot's filesystem).
storage_driver=${WHARF_STORAGE_DRIVER:-}
if [[ -z $storage_driver ]]; then
  probe=$(mktemp -d /var/tmp/wharf-overlay-probe.XXXXXX)
  mkdir -p "$probe"/{lower,upper,work,merged}
  if mount -t overlay overlay -o "lowerdir=$probe/lower,upperdir=$probe/upper,workdir=$probe/work" "$probe/merged" 2>/dev/null; then
    umount "$probe/merged"
    storage_driver=overlay
  else
    storage_driver=vfs
  fi
  rm -rf "$probe"
fi
storage=/etc/containers/storage.conf
if [[ -f $storage && ! -f $storage.wharf-orig ]] && ! grep -qF "$marker" "$storage"; then
  cp -p "$storage" "$storage.wharf-orig"
fi
cat >"$storage.tmp" <<EOF
$marker
# driver: chosen by probing a kernel overlay mount ("overlay" where it works, else "vfs").
[storage]
driver = "$storage_driver"
graphroot = "/var/lib/containers/storage"
runroot = "/run/containers/storage"
EOF
mv "$storage.tmp" "$storage"

# --- policy.json: skopeo and podman refuse to copy anything without one.
if [[ ! -f /etc/containers/policy.json ]]; then
  printf '{"default":[{"type":"insecureAcceptAnything"}]}\n' >/etc/containers/policy.json
fi

echo "setup.sh: podman: runtime runc, cgroup manager $cgroup_manager, storage driver $storage_driver" >&2

# --- proof: a locally made image runs. State goes to a scratch root so the machine's store stays clean.
if ((smoke)); then
  # Lower case only: podman names an image pulled from an OCI layout after the layout's path, and image
  # names must be lower case (mktemp's XXXXXX is mixed case). Short: podman refuses a runroot over 50
  # characters.
  scratch=/var/tmp/wharf-smoke-$$
  mkdir -p "$scratch"
  cleanup() {
    podman --root "$scratch/root" --runroot "$scratch/runroot" --tmpdir "$scratch/tmp" \
      system reset --force >/dev/null 2>&1 || true
    rm -rf "$scratch"
  }
  trap cleanup EXIT
  bash "$here/make-images.sh" "$scratch/images" --random-mib 1 >/dev/null
  got=$(podman --root "$scratch/root" --runroot "$scratch/runroot" --tmpdir "$scratch/tmp" \
    run --rm --network=none "oci:$scratch/images/oci:busybox" /bin/busybox echo hello 2>"$scratch/err" || true)
  if [[ $got != hello ]]; then
    echo "setup.sh: podman run of a local image failed:" >&2
    cat "$scratch/err" >&2
    exit 1
  fi
  echo "setup.sh: podman run of a local busybox image printed: $got" >&2
fi
