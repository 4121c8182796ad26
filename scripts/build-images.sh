#!/usr/bin/env bash
# Build the images that dsp's example labs need, locally and offline.
#   1. dsp/busybox:latest from images/busybox/ (busybox copied from the host)
#   2. dsp/debian:bookworm, a minimal Debian made by debootstrap from
#      Debian's mirror and imported (only when it is missing: ~75 s)
#   3. dsp/toolbox:latest from images/toolbox/ (FROM dsp/debian:bookworm,
#      packages from Debian's mirror; rebuilt only when its folder or its
#      base image changed)
#   4. the images of every example lab's build: sections, built by dsp
#      itself (`dsp lab build`), so the list of images lives in the labs.
# Nothing is ever pulled: every Dockerfile starts FROM scratch, FROM
# dsp/busybox:latest or FROM dsp/debian:bookworm.
set -euo pipefail

BASE_IMAGE="dsp/busybox:latest"
BUSYBOX_BIN="${BUSYBOX_BIN:-/bin/busybox}"
DEBIAN_IMAGE="dsp/debian:bookworm"
DEBIAN_SUITE=bookworm
# The mirror apt uses on these machines (/etc/apt/sources.list.d/debian.sources).
DEBIAN_MIRROR="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"
DEBIAN_SECURITY_MIRROR="${DEBIAN_SECURITY_MIRROR:-http://deb.debian.org/debian-security}"
TOOLBOX_IMAGE="dsp/toolbox:latest"
# The label that records what a toolbox image was built from.
CONTENT_LABEL="io.dsp.content-hash"

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

log() { printf '==> %s\n' "$*"; }

if ! docker info >/dev/null 2>&1; then
  echo "build-images: no Docker daemon answers (run scripts/setup.sh first)" >&2
  exit 1
fi

# The host's busybox must be static: it runs in an image with no libc.
if [[ ! -x "$BUSYBOX_BIN" ]]; then
  echo "build-images: $BUSYBOX_BIN not found (apt-get install -y busybox-static)" >&2
  exit 1
fi
if ! "$BUSYBOX_BIN" true 2>/dev/null; then
  echo "build-images: $BUSYBOX_BIN does not run" >&2
  exit 1
fi
if command -v ldd >/dev/null 2>&1; then
  ldd_out=$(LC_ALL=C ldd "$BUSYBOX_BIN" 2>&1 || true)
  if [[ $ldd_out != *"not a dynamic executable"* && $ldd_out != *"statically linked"* ]]; then
    echo "build-images: $BUSYBOX_BIN is dynamically linked; install busybox-static (scripts/setup.sh)" >&2
    exit 1
  fi
fi

# The legacy builder of Docker 20.10 is used when buildx is absent; say so
# explicitly so newer clients do not print a deprecation banner every time.
export DOCKER_BUILDKIT="${DOCKER_BUILDKIT:-0}"

build() { # tag context [docker build options...]
  local tag=$1 ctx=$2 start end
  shift 2
  start=$(date +%s)
  log "building $tag from $ctx"
  # Quiet on success; the whole build log on failure.
  if ! docker build --pull=false "$@" -t "$tag" "$ctx" >"$buildlog" 2>&1; then
    cat "$buildlog" >&2
    echo "build-images: building $tag from $ctx failed" >&2
    exit 1
  fi
  end=$(date +%s)
  log "built $tag ($(docker image inspect -f '{{.Id}}' "$tag" | cut -c8-19), $((end - start)) s)"
}

buildlog=$(mktemp)
trap 'rm -f "$buildlog"' EXIT

install -m 0755 "$BUSYBOX_BIN" images/busybox/busybox
build "$BASE_IMAGE" images/busybox

# --- dsp/debian:bookworm: debootstrap, then docker import --------------------
image_exists() { docker image inspect "$1" >/dev/null 2>&1; }

build_debian() {
  local start end
  if [[ $(id -u) -ne 0 ]]; then
    echo "build-images: making $DEBIAN_IMAGE needs root (debootstrap)" >&2
    exit 1
  fi
  if ! command -v debootstrap >/dev/null 2>&1; then
    echo "build-images: debootstrap not found (run scripts/setup.sh first)" >&2
    exit 1
  fi
  start=$(date +%s)
  rootfs=$(mktemp -d)
  log "making $DEBIAN_IMAGE with debootstrap from $DEBIAN_MIRROR"
  if ! DEBIAN_FRONTEND=noninteractive debootstrap --variant=minbase \
      "$DEBIAN_SUITE" "$rootfs" "$DEBIAN_MIRROR" >"$buildlog" 2>&1; then
    cat "$buildlog" >&2
    echo "build-images: debootstrap of $DEBIAN_SUITE from $DEBIAN_MIRROR failed" >&2
    exit 1
  fi
  # The same suites as the host's apt: the release, its updates, its
  # security fixes.
  cat >"$rootfs/etc/apt/sources.list" <<SOURCES
deb $DEBIAN_MIRROR $DEBIAN_SUITE main
deb $DEBIAN_MIRROR $DEBIAN_SUITE-updates main
deb $DEBIAN_SECURITY_MIRROR $DEBIAN_SUITE-security main
SOURCES
  # No service starts while an image is built (invoke-rc.d asks policy-rc.d).
  printf '#!/bin/sh\nexit 101\n' >"$rootfs/usr/sbin/policy-rc.d"
  chmod 0755 "$rootfs/usr/sbin/policy-rc.d"
  rm -rf "$rootfs"/var/lib/apt/lists/* "$rootfs"/var/cache/apt/*.bin
  rm -f "$rootfs"/var/cache/apt/archives/*.deb
  if ! tar -C "$rootfs" --numeric-owner -c . \
      | docker import -c 'CMD ["/bin/bash"]' \
        -c 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
        - "$DEBIAN_IMAGE" >"$buildlog" 2>&1; then
    cat "$buildlog" >&2
    echo "build-images: docker import of $DEBIAN_IMAGE failed" >&2
    exit 1
  fi
  remove_rootfs
  end=$(date +%s)
  log "made $DEBIAN_IMAGE ($(docker image inspect -f '{{.Id}}' "$DEBIAN_IMAGE" | cut -c8-19), $((end - start)) s)"
}

# remove_rootfs deletes debootstrap's directory; --one-file-system never
# follows a /proc or /sys that a failed debootstrap left mounted in it.
rootfs=
remove_rootfs() {
  [[ -n $rootfs && -d $rootfs ]] || return 0
  umount -R "$rootfs/proc" "$rootfs/sys" 2>/dev/null || true
  rm -rf --one-file-system "$rootfs"
  rootfs=
}
trap 'rm -f "$buildlog"; remove_rootfs' EXIT

if image_exists "$DEBIAN_IMAGE"; then
  log "$DEBIAN_IMAGE present ($(docker image inspect -f '{{.Id}}' "$DEBIAN_IMAGE" | cut -c8-19))"
else
  build_debian
fi

# --- dsp/toolbox:latest --------------------------------------------------------
# The hash of the folder's files and of the base image's ID: an image
# labelled with the same hash is up to date.
context_hash() { # context base-image
  {
    (cd "$1" && find . -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum)
    docker image inspect -f '{{.Id}}' "$2"
  } | sha256sum | cut -d' ' -f1
}
toolbox_hash=$(context_hash images/toolbox "$DEBIAN_IMAGE")
built_hash=$(docker image inspect -f "{{index .Config.Labels \"$CONTENT_LABEL\"}}" "$TOOLBOX_IMAGE" 2>/dev/null || true)
if [[ $built_hash == "$toolbox_hash" ]]; then
  log "$TOOLBOX_IMAGE up to date ($(docker image inspect -f '{{.Id}}' "$TOOLBOX_IMAGE" | cut -c8-19))"
else
  build "$TOOLBOX_IMAGE" images/toolbox --label "$CONTENT_LABEL=$toolbox_hash"
fi

# --- dsp/qemu:latest and the mixed-vm example's kernel and initramfs ---------
# The VM helper: FROM dsp/debian:bookworm with qemu and the static dsp-vm
# (make build) copied into its folder, rebuilt only when its content hash
# changed; then scripts/build-vm-example.sh (skipped when its files are
# newer than it).
QEMU_IMAGE="dsp/qemu:latest"
DSP_VM_BIN="${DSP_VM_BIN:-bin/dsp-vm}"
if [[ ! -x "$DSP_VM_BIN" ]]; then
  echo "build-images: $DSP_VM_BIN not found (run make build first)" >&2
  exit 1
fi
install -m 0755 "$DSP_VM_BIN" images/qemu/dsp-vm
qemu_hash=$(context_hash images/qemu "$DEBIAN_IMAGE")
built_hash=$(docker image inspect -f "{{index .Config.Labels \"$CONTENT_LABEL\"}}" "$QEMU_IMAGE" 2>/dev/null || true)
if [[ $built_hash == "$qemu_hash" ]]; then
  log "$QEMU_IMAGE up to date ($(docker image inspect -f '{{.Id}}' "$QEMU_IMAGE" | cut -c8-19))"
else
  build "$QEMU_IMAGE" images/qemu --label "$CONTENT_LABEL=$qemu_hash"
fi
if ! BUSYBOX_BIN="$BUSYBOX_BIN" scripts/build-vm-example.sh >"$buildlog" 2>&1; then
  cat "$buildlog" >&2
  echo "build-images: building the mixed-vm example's kernel and initramfs failed" >&2
  exit 1
fi
cat "$buildlog"

DSP_BIN="${DSP_BIN:-bin/dsp}"
if [[ ! -x "$DSP_BIN" ]]; then
  echo "build-images: $DSP_BIN not found (run make build first)" >&2
  exit 1
fi
build_home=$(mktemp -d)
trap 'rm -f "$buildlog"; remove_rootfs; rm -rf "$build_home"' EXIT
for lab in examples/*/; do
  lab=${lab%/}
  [[ -f "$lab/.dsp" ]] || continue
  log "building the images of $lab"
  if ! "$DSP_BIN" --home "$build_home" lab build --plain "./$lab" >"$buildlog" 2>&1; then
    cat "$buildlog" >&2
    echo "build-images: building the images of $lab failed" >&2
    exit 1
  fi
done

log "images ready:"
docker image ls --format '{{.Repository}}:{{.Tag}}  {{.Size}}' \
  | { grep -E '^(dsp/|dsp-examples/)' || true; } | sed 's/^/    /'
