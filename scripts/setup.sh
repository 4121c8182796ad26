#!/usr/bin/env bash
# Prepare a Debian machine (as root) to build and test dsp:
#   - a running Docker Engine (Debian's docker.io; dockerd started in the
#     background when no daemon answers), and
#   - busybox-static, whose binary becomes the base image dsp/busybox, and
#   - Debian's chromium, for the browser tests, and
#   - git and openssh-server, whose git-http-backend and sshd serve
#     repositories to the git client's tests (internal/gittest), and
#   - debootstrap, which makes the base image dsp/debian:bookworm of the
#     toolbox, and tcpdump and tshark, to look at a lab's traffic from the
#     host.
# Idempotent: on a ready machine it only checks and prints what it found.
# No image is ever pulled.
set -euo pipefail

DOCKERD_LOG="${DOCKERD_LOG:-/var/log/dsp-dockerd.log}"
DOCKER_WAIT_SECONDS="${DOCKER_WAIT_SECONDS:-60}"

log() { printf '==> %s\n' "$*"; }
die() { printf 'setup: %s\n' "$*" >&2; exit 1; }

if [[ $(id -u) -ne 0 ]]; then
  SUDO=sudo
  command -v sudo >/dev/null || die "run as root (or install sudo)"
else
  SUDO=
fi

apt_updated=0
apt_install() { # packages...
  if [[ $apt_updated -eq 0 ]]; then
    log "apt-get update"
    $SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -q
    apt_updated=1
  fi
  log "apt-get install -y $*"
  # Another apt-get may be running on a shared machine: wait for its lock.
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -q -o DPkg::Lock::Timeout=300 "$@"
}

docker_ok() { docker info >/dev/null 2>&1; }

# --- Docker Engine -----------------------------------------------------------
if docker_ok; then
  log "Docker daemon answers: $(docker version -f 'server {{.Server.Version}}, API {{.Server.APIVersion}}' 2>/dev/null || echo ok)"
else
  if ! command -v dockerd >/dev/null 2>&1 || ! command -v docker >/dev/null 2>&1; then
    apt_install docker.io
  else
    log "docker and dockerd are installed"
  fi
  if docker_ok; then
    log "Docker daemon answers"
  else
    if [[ -f /var/run/docker.pid ]] && $SUDO kill -0 "$(cat /var/run/docker.pid)" 2>/dev/null; then
      log "dockerd is running but does not answer yet; waiting"
    else
      log "starting dockerd in the background (log: $DOCKERD_LOG)"
      # setsid: the daemon outlives this script and its process group.
      $SUDO setsid dockerd >>"$DOCKERD_LOG" 2>&1 </dev/null &
    fi
    waited=0
    until docker_ok; do
      if [[ $waited -ge $DOCKER_WAIT_SECONDS ]]; then
        echo "--- last lines of $DOCKERD_LOG:" >&2
        tail -n 30 "$DOCKERD_LOG" >&2 || true
        die "no Docker daemon after ${DOCKER_WAIT_SECONDS}s"
      fi
      sleep 1
      waited=$((waited + 1))
    done
    log "Docker daemon answers after ${waited}s: $(docker version -f 'server {{.Server.Version}}, API {{.Server.APIVersion}}' 2>/dev/null || echo ok)"
  fi
fi

# --- busybox (static) for dsp/busybox ---------------------------------------
# The image has no libc, so the binary must be static: Debian's `busybox`
# package is dynamic, `busybox-static` (which replaces it) is not.
busybox_static() {
  [[ -x /bin/busybox ]] || return 1
  command -v ldd >/dev/null 2>&1 || return 0 # cannot tell; build-images.sh checks again
  local out
  out=$(LC_ALL=C ldd /bin/busybox 2>&1 || true)
  [[ $out == *"not a dynamic executable"* || $out == *"statically linked"* ]]
}
if busybox_static; then
  log "static busybox present: $(/bin/busybox | head -n 1)"
else
  if [[ -x /bin/busybox ]]; then
    log "/bin/busybox is dynamically linked; replacing it with busybox-static"
  fi
  apt_install busybox-static
  busybox_static || die "busybox-static installed but /bin/busybox is missing or not static"
  log "static busybox installed: $(/bin/busybox | head -n 1)"
fi

# --- Chromium for the browser tests -----------------------------------------
# Debian's chromium, driven by playwright-core; never a test tool's own
# browser download (there is no network for it).
if command -v chromium >/dev/null 2>&1; then
  log "chromium present: $(chromium --version 2>/dev/null || echo installed)"
else
  apt_install chromium
fi

# --- git servers for the git client's tests ----------------------------------
# internal/gittest serves repositories with Debian's git-http-backend (package
# git) and sshd (openssh-server). dsp itself never runs git.
git_server_pkgs=()
[[ -x /usr/lib/git-core/git-http-backend ]] || git_server_pkgs+=(git)
[[ -x /usr/sbin/sshd ]] || git_server_pkgs+=(openssh-server)
if [[ ${#git_server_pkgs[@]} -eq 0 ]]; then
  log "git-http-backend and sshd present: $(git --version 2>/dev/null || echo git), $(/usr/sbin/sshd -V 2>&1 | head -n 1 || echo sshd)"
else
  apt_install "${git_server_pkgs[@]}"
fi

# --- debootstrap for dsp/debian:bookworm; tcpdump and tshark ------------------
# build-images.sh makes dsp/debian:bookworm with debootstrap (the base of
# dsp/toolbox). tshark asks whether non-root users may capture: preseed "no"
# so that the install never stops at a question.
host_tool_pkgs=()
command -v debootstrap >/dev/null 2>&1 || host_tool_pkgs+=(debootstrap)
command -v tcpdump >/dev/null 2>&1 || host_tool_pkgs+=(tcpdump)
command -v tshark >/dev/null 2>&1 || host_tool_pkgs+=(tshark)
if [[ ${#host_tool_pkgs[@]} -eq 0 ]]; then
  log "debootstrap, tcpdump and tshark present: $(tshark --version 2>/dev/null | head -n 1 || echo tshark)"
else
  echo 'wireshark-common wireshark-common/install-setuid boolean false' | $SUDO debconf-set-selections
  apt_install "${host_tool_pkgs[@]}"
fi

log "setup done"
