#!/usr/bin/env bash
# Makes the small OCI test images the interop tests and registry benchmarks push around, with no network:
# there is no registry to pull a base image from here, so the base is a busybox-static rootfs packed with
# umoci.
#
#   make-images.sh OUT_DIR [--random-mib N]
#
# Writes:
#   OUT_DIR/oci    an OCI image layout with these tags (ref names):
#                    busybox        one layer: /bin/busybox + applet symlinks, /etc/passwd, /etc/group
#                    multilayer     busybox + 3 layers (a file, a directory, a whiteout of /bin/false)
#                    random         busybox + one layer holding N MiB (default 8) of pseudo-random bytes, so
#                                   gzip cannot shrink it: the blob-throughput image
#                    busybox-arm64  the busybox manifest with config architecture arm64 (synthetic: the
#                                   binary inside is still amd64; it exists only as the index's 2nd entry)
#                    multiarch      an OCI image index over busybox (linux/amd64) and busybox-arm64
#   OUT_DIR/v2s2   the busybox image as Docker schema2 (skopeo dir: transport, because an OCI layout
#                  cannot hold a Docker manifest)
#   OUT_DIR/digests.txt  "tag digest" per line, for scripts (tests read index.json themselves)
#
# Deterministic: file times are set to the epoch, image/history times are fixed and the pseudo-random data
# comes from AES-CTR over zeros with a fixed key, so the same busybox binary gives the same digests on every
# run and machine. Needs umoci, skopeo, busybox-static, openssl, jq (scripts/interop/setup.sh installs them).
set -euo pipefail

usage() { echo "usage: $0 OUT_DIR [--random-mib N]" >&2; exit 2; }
[[ $# -ge 1 ]] || usage
out=$1
shift
random_mib=8
while [[ $# -gt 0 ]]; do
  case $1 in
    --random-mib) random_mib=${2:?}; shift 2 ;;
    *) usage ;;
  esac
done

for tool in umoci skopeo openssl jq sha256sum; do
  command -v "$tool" >/dev/null || { echo "make-images.sh: '$tool' not found; run scripts/interop/setup.sh" >&2; exit 1; }
done
busybox=""
for candidate in /bin/busybox /usr/bin/busybox; do
  # Only a static busybox works: the image has no libc.
  if [[ -x $candidate ]] && ! ldd "$candidate" >/dev/null 2>&1; then busybox=$candidate; break; fi
done
[[ -n $busybox ]] || { echo "make-images.sh: no static busybox; apt-get install busybox-static" >&2; exit 1; }

epoch=1970-01-01T00:00:00Z
mkdir -p "$out"
out=$(cd "$out" && pwd)
layout=$out/oci
rm -rf "$layout" "$out/v2s2" "$out/digests.txt"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Every file gets the epoch as mtime so the layer tar is byte-identical between runs.
stamp() { find "$1" -exec touch -h -d @0 {} +; }

rootfs=$work/rootfs
mkdir -p "$rootfs"/{bin,etc,tmp,root}
cp "$busybox" "$rootfs/bin/busybox"
chmod 0755 "$rootfs/bin/busybox"
for applet in sh echo cat ls sleep true false env id uname wc head tail sha256sum grep test; do
  ln -s busybox "$rootfs/bin/$applet"
done
printf 'root:x:0:0:root:/root:/bin/sh\n' >"$rootfs/etc/passwd"
printf 'root:x:0:\n' >"$rootfs/etc/group"
chmod 1777 "$rootfs/tmp"
stamp "$rootfs"

umoci init --layout "$layout"

# new_image TAG: a blank image, the busybox rootfs as its first layer, a fixed config.
new_image() {
  umoci new --image "$layout:$1"
  umoci insert --image "$layout:$1" --history.created "$epoch" --history.created_by "make-images.sh busybox" \
    "$rootfs" /
  umoci config --image "$layout:$1" --created "$epoch" --history.created "$epoch" \
    --config.env PATH=/bin --config.cmd /bin/sh --config.cmd -c --config.cmd 'echo hello from wharf'
}

# --- busybox: the basic image.
new_image busybox

# --- multilayer: more layers, including a whiteout, so layer order and deletion entries travel intact.
new_image multilayer
extra=$work/extra
mkdir -p "$extra/data/sub"
printf 'wharf-interop multilayer\n' >"$extra/wharf-release"
for i in 1 2 3; do printf 'file %s\n' "$i" >"$extra/data/sub/file$i.txt"; done
stamp "$extra"
umoci insert --image "$layout:multilayer" --history.created "$epoch" "$extra/wharf-release" /etc/wharf-release
umoci insert --image "$layout:multilayer" --history.created "$epoch" "$extra/data" /data
umoci insert --image "$layout:multilayer" --history.created "$epoch" --whiteout /bin/false
umoci config --image "$layout:multilayer" --created "$epoch" --history.created "$epoch" \
  --config.label org.opencontainers.image.title=wharf-interop-multilayer

# --- random: an incompressible layer of random_mib MiB for blob throughput.
new_image random
mkdir -p "$work/random"
openssl enc -aes-128-ctr -nosalt -K 000102030405060708090a0b0c0d0e0f -iv 00000000000000000000000000000000 \
  -in /dev/zero 2>/dev/null | head -c $((random_mib << 20)) >"$work/random/random.bin" || true
[[ $(stat -c %s "$work/random/random.bin") -eq $((random_mib << 20)) ]] || { echo "make-images.sh: random data short" >&2; exit 1; }
stamp "$work/random"
umoci insert --image "$layout:random" --history.created "$epoch" "$work/random/random.bin" /data/random.bin
umoci config --image "$layout:random" --created "$epoch" --history.created "$epoch" \
  --config.label "org.opencontainers.image.title=wharf-interop-random-${random_mib}MiB"

# --- busybox-arm64 + multiarch: an OCI index over two platform manifests, as a multi-arch image looks.
umoci config --image "$layout:busybox" --tag busybox-arm64 --architecture arm64 --created "$epoch" \
  --no-history
umoci gc --layout "$layout"

# descriptor TAG ARCH: the tag's manifest descriptor with a platform, for the index.
descriptor() {
  jq -c --arg tag "$1" --arg arch "$2" '.manifests[]
      | select(.annotations["org.opencontainers.image.ref.name"] == $tag)
      | {mediaType, digest, size, platform: {architecture: $arch, os: "linux"}}' "$layout/index.json"
}
index=$work/index.json
jq -cn --argjson amd64 "$(descriptor busybox amd64)" --argjson arm64 "$(descriptor busybox-arm64 arm64)" \
  '{schemaVersion: 2, mediaType: "application/vnd.oci.image.index.v1+json", manifests: [$amd64, $arm64]}' \
  | tr -d '\n' >"$index"
index_hex=$(sha256sum "$index" | cut -d' ' -f1)
index_size=$(stat -c %s "$index")
cp "$index" "$layout/blobs/sha256/$index_hex"
jq -c --arg digest "sha256:$index_hex" --argjson size "$index_size" \
  '.manifests += [{mediaType: "application/vnd.oci.image.index.v1+json", digest: $digest, size: $size,
                   annotations: {"org.opencontainers.image.ref.name": "multiarch"}}]' \
  "$layout/index.json" >"$work/layout-index.json"
cp "$work/layout-index.json" "$layout/index.json"

# --- v2s2: the busybox image converted to Docker schema2 by skopeo (config and manifest rewritten,
# layers unchanged).
skopeo copy --quiet --format v2s2 "oci:$layout:busybox" "dir:$out/v2s2"

# umoci writes blobs 0600; a registry or nginx reading these files as another user needs them readable.
chmod -R a+rX "$out"

jq -r '.manifests[] | "\(.annotations["org.opencontainers.image.ref.name"]) \(.digest)"' "$layout/index.json" \
  >"$out/digests.txt"
echo "v2s2 sha256:$(sha256sum "$out/v2s2/manifest.json" | cut -d' ' -f1)" >>"$out/digests.txt"
cat "$out/digests.txt"
