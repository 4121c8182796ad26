#!/usr/bin/env bash
# Build the images that dsp's example labs need, locally and offline.
#   1. dsp/busybox:latest from images/busybox/ (busybox copied from the host)
#   2. the images of every example lab's build: sections, built by dsp
#      itself (`dsp lab build`), so the list of images lives in the labs.
# Nothing is ever pulled: every Dockerfile starts FROM scratch or FROM
# dsp/busybox:latest.
set -euo pipefail

BASE_IMAGE="dsp/busybox:latest"
BUSYBOX_BIN="${BUSYBOX_BIN:-/bin/busybox}"

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

build() { # tag context
  local tag=$1 ctx=$2 start end
  start=$(date +%s)
  log "building $tag from $ctx"
  # Quiet on success; the whole build log on failure.
  if ! docker build --pull=false -t "$tag" "$ctx" >"$buildlog" 2>&1; then
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

DSP_BIN="${DSP_BIN:-bin/dsp}"
if [[ ! -x "$DSP_BIN" ]]; then
  echo "build-images: $DSP_BIN not found (run make build first)" >&2
  exit 1
fi
build_home=$(mktemp -d)
trap 'rm -f "$buildlog"; rm -rf "$build_home"' EXIT
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
