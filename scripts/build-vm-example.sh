#!/usr/bin/env bash
# Build the virtual machine of the mixed-vm example lab, offline but for
# Debian's mirror:
#   examples/mixed-vm/vm/vmlinuz     Debian bookworm's kernel (linux-image-amd64)
#   examples/mixed-vm/vm/vmlinux     the same kernel uncompressed (an ELF that
#                                    qemu boots through PVH: under TCG it skips
#                                    ~10 s of XZ decompression; 66 MB, sparse)
#   examples/mixed-vm/vm/initrd.img  a busybox initramfs (cpio newc, gzip)
#   examples/mixed-vm/vm/build-info.txt  what they were made from
# dsp/qemu:latest boots either kernel with the initramfs (cmd/dsp-vm:
# "kernel": "/lab/vm/vmlinux" or "/lab/vm/vmlinuz", "initrd":
# "/lab/vm/initrd.img").
#
# The kernel and the modules of the virtio network card (virtio_pci,
# virtio_net and what modules.dep says they need) come from the Debian
# package, downloaded and unpacked in a throw-away container of
# dsp/debian:bookworm; busybox is the host's static one (busybox-static).
#
# The guest's /init mounts proc, sys and dev, loads the card's modules,
# configures the cards from dsp.net= on the kernel command line
# (eth0:10.77.3.20/24:10.77.3.1,eth1:...), starts the lab's vulnerable
# service, prints dsp-vm-ready on the serial console once it answers, and
# keeps a root shell on the serial console.
#
# The vulnerable service, on purpose: busybox httpd on port 80 with a
# "network diagnostics" page (it contains dsp-vm-ready) whose CGI
#   /cgi-bin/ping?host=HOST
# runs `ping -c 1 HOST` through sh with HOST unquoted, a command
# injection: /cgi-bin/ping?host=127.0.0.1;cat%20/root/proof.txt runs
# as root. /root/proof.txt holds the proof an exploit reads.
#
# Skipped when the files are there and newer than this script (FORCE=1
# rebuilds).
set -euo pipefail

DEBIAN_IMAGE="dsp/debian:bookworm"
BUSYBOX_BIN="${BUSYBOX_BIN:-/bin/busybox}"
# The network card's drivers (modprobe resolves what they depend on).
MODULES=(virtio_pci virtio_net)

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
script="scripts/build-vm-example.sh"
out=examples/mixed-vm/vm

log() { printf '==> %s\n' "$*"; }

if [[ ${FORCE:-} != 1 && $out/vmlinuz -nt $script && $out/vmlinux -nt $script && $out/initrd.img -nt $script ]]; then
  log "$out/vmlinuz, vmlinux and initrd.img up to date ($(cat "$out/build-info.txt" 2>/dev/null | head -n 1 || true))"
  exit 0
fi

if ! docker info >/dev/null 2>&1; then
  echo "build-vm-example: no Docker daemon answers (run scripts/setup.sh first)" >&2
  exit 1
fi
if ! docker image inspect "$DEBIAN_IMAGE" >/dev/null 2>&1; then
  echo "build-vm-example: $DEBIAN_IMAGE is missing (scripts/build-images.sh makes it)" >&2
  exit 1
fi
if [[ ! -x $BUSYBOX_BIN ]] || ! "$BUSYBOX_BIN" true 2>/dev/null; then
  echo "build-vm-example: $BUSYBOX_BIN does not run (apt-get install -y busybox-static)" >&2
  exit 1
fi
# The guest has no libc: its busybox must be static.
if command -v ldd >/dev/null 2>&1; then
  ldd_out=$(LC_ALL=C ldd "$BUSYBOX_BIN" 2>&1 || true)
  if [[ $ldd_out != *"not a dynamic executable"* && $ldd_out != *"statically linked"* ]]; then
    echo "build-vm-example: $BUSYBOX_BIN is dynamically linked; install busybox-static" >&2
    exit 1
  fi
fi

start=$(date +%s)
work=$(mktemp -d)
buildlog=$(mktemp)
trap 'rm -rf "$work" "$buildlog"' EXIT
mkdir -p "$work/rootfs" "$work/out"
fs="$work/rootfs"

# --- the initramfs's own files ------------------------------------------------
mkdir -p "$fs"/{bin,sbin,usr/bin,usr/sbin,etc,proc,sys,dev,tmp,run,root,lib/modules,www/cgi-bin}
chmod 1777 "$fs/tmp"
chmod 0700 "$fs/root"
install -m 0755 "$BUSYBOX_BIN" "$fs/bin/busybox"

printf 'root:x:0:0:root:/root:/bin/sh\n' >"$fs/etc/passwd"
printf 'root:x:0:\n' >"$fs/etc/group"
printf 'dsp-vm\n' >"$fs/etc/hostname"
printf "export PS1='\\\\h:\\\\w# '\n" >"$fs/etc/profile"
printf 'dsp-vm-proof: you ran a command on the virtual machine as root\n' >"$fs/root/proof.txt"

cat >"$fs/init" <<'INIT'
#!/bin/sh
# /init of dsp's mixed-vm example (scripts/build-vm-example.sh).
export PATH=/sbin:/bin:/usr/sbin:/usr/bin HOME=/root
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mkdir -p /dev/pts
mount -t devpts devpts /dev/pts
# Kernel messages stay off the console from here on.
echo 1 >/proc/sys/kernel/printk
hostname -F /etc/hostname

# The network card's drivers, in the order modules.dep gave.
while read -r module; do
  insmod "/lib/modules/$module" || echo "init: insmod $module failed"
done </lib/modules/load.list

ip link set lo up
ip addr add 127.0.0.1/8 dev lo 2>/dev/null

# dsp.net=eth0:10.77.3.20/24:10.77.3.1,eth1:10.77.4.20/24 (gateway optional)
net=
for word in $(cat /proc/cmdline); do
  case $word in dsp.net=*) net=${word#dsp.net=} ;; esac
done
for entry in $(echo "$net" | tr , ' '); do
  iface=${entry%%:*}
  rest=${entry#*:}
  addr=${rest%%:*}
  gw=
  [ "$rest" = "$addr" ] || gw=${rest#*:}
  tries=50
  while [ ! -e "/sys/class/net/$iface" ] && [ $tries -gt 0 ]; do
    usleep 100000
    tries=$((tries - 1))
  done
  ip link set "$iface" up
  ip addr add "$addr" dev "$iface"
  [ -z "$gw" ] || ip route add default via "$gw" dev "$iface"
  echo "init: $iface $addr${gw:+ via $gw}"
done

# The lab's vulnerable web server (see /www/cgi-bin/ping).
httpd -p 80 -h /www
until wget -q -O /dev/null http://127.0.0.1/; do
  usleep 100000
done
echo "dsp-vm-ready"

# A root shell on the serial console, for ever.
while true; do
  setsid cttyhack sh -l
  sleep 1
done
INIT
chmod 0755 "$fs/init"

cat >"$fs/www/index.html" <<'HTML'
<!DOCTYPE html>
<html><head><title>Network diagnostics</title></head>
<body>
<h1>Network diagnostics</h1>
<p>dsp-vm-ready: this virtual machine's web server is up.</p>
<form action="/cgi-bin/ping" method="get">
  Host to ping: <input name="host" value="127.0.0.1"> <input type="submit" value="Ping">
</form>
</body></html>
HTML

cat >"$fs/www/cgi-bin/ping" <<'CGI'
#!/bin/sh
# Ping a host: /cgi-bin/ping?host=HOST
# VULNERABLE ON PURPOSE (dsp's mixed-vm lab): HOST goes unquoted into a
# shell command line, so host=127.0.0.1;id runs id (as root).
echo "Content-Type: text/plain"
echo
host=${QUERY_STRING#*host=}
host=$(httpd -d "${host%%&*}")
sh -c "ping -c 1 -W 1 $host" 2>&1
CGI
chmod 0755 "$fs/www/cgi-bin/ping"

# --- the kernel, its modules and the archive, in a throw-away container ------
log "fetching linux-image-amd64 from Debian's mirror and packing the initramfs"
if ! docker run --rm -i \
    -e "MODULES=${MODULES[*]}" \
    -v "$work:/work" \
    "$DEBIAN_IMAGE" bash -s >"$buildlog" 2>&1 <<'INNER'
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
apt-get install -y -q --no-install-recommends kmod cpio xz-utils
cd /work
# linux-image-amd64 is a metapackage: the kernel is the package it depends on.
apt-get download linux-image-amd64
pkg=$(dpkg-deb -f linux-image-amd64_*.deb Depends | tr ',' '\n' | grep -o 'linux-image-[0-9][^ ]*-amd64' | head -n 1)
apt-get download "$pkg"
deb=$(ls "$pkg"_*.deb)
mkdir kernel
dpkg-deb -x "$deb" kernel
ver=${pkg#linux-image-}
cp "kernel/boot/vmlinuz-$ver" out/vmlinuz
# The bzImage's payload is an XZ stream: the kernel's ELF image, which qemu
# loads as is (PVH entry point), sparse on disk (its .bss is zeros).
offset=$(LC_ALL=C grep -obUaP '\xfd7zXZ\x00' out/vmlinuz | head -n 1 | cut -d: -f1)
tail -c +"$((offset + 1))" out/vmlinuz >vmlinux.xz
xz -dc --single-stream <vmlinux.xz >vmlinux
test "$(head -c 4 vmlinux | od -An -c | tr -d ' ')" = '177ELF'
cp --sparse=always vmlinux out/vmlinux
# The package has no modules.dep (its postinst makes it): make it here.
depmod -b kernel "$ver"
for m in $MODULES; do
  modprobe -d kernel -S "$ver" --show-depends "$m"
done | awk '$1 == "insmod" { print $2 }' | awk '!seen[$0]++' >modules.txt
while read -r ko; do
  rel=${ko#*/lib/modules/"$ver"/}
  install -D -m 0644 "$ko" "rootfs/lib/modules/$rel"
  echo "$rel"
done <modules.txt >rootfs/lib/modules/load.list
test -s rootfs/lib/modules/load.list
# busybox's applets as symbolic links.
for applet in $(rootfs/bin/busybox --list-full); do
  [ -e "rootfs/$applet" ] || ln -s /bin/busybox "rootfs/$applet"
done
(cd rootfs && find . -print0 | LC_ALL=C sort -z \
  | cpio --null --create --format=newc --owner=0:0 --reproducible --quiet) \
  | gzip -9 -n >out/initrd.img
{
  echo "$deb, $(rootfs/bin/busybox | head -n 1 | cut -d' ' -f1-2)"
  echo "modules: $(tr '\n' ' ' <rootfs/lib/modules/load.list)"
} >out/build-info.txt
INNER
then
  cat "$buildlog" >&2
  echo "build-vm-example: building the kernel and the initramfs failed" >&2
  exit 1
fi

mkdir -p "$out"
for f in vmlinuz vmlinux initrd.img build-info.txt; do
  cp --sparse=always "$work/out/$f" "$out/.$f.tmp"
  chmod 0644 "$out/.$f.tmp"
  mv -f "$out/.$f.tmp" "$out/$f"
done
end=$(date +%s)
log "built $out/vmlinuz ($(du -h "$out/vmlinuz" | cut -f1)), vmlinux ($(du -h --apparent-size "$out/vmlinux" | cut -f1)) and initrd.img ($(du -h "$out/initrd.img" | cut -f1)) from $(head -n 1 "$out/build-info.txt"), $((end - start)) s"
