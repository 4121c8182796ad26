//go:build linux

package main

import (
	"fmt"
	"strconv"
	"strings"
)

// Paths inside the helper container. dsp mounts /dsp-vm (the configuration,
// read-only) and, for keepDisk, a volume at /dsp-vm/state; /run/dsp-vm is
// the container's own.
const (
	defaultConfigFile = "/dsp-vm/config.json"
	// configEnv carries the configuration instead of the file (what dsp
	// does: nothing to write on the host).
	configEnv   = "DSP_VM_CONFIG"
	stateDir    = "/dsp-vm/state"
	runDir      = "/run/dsp-vm"
	serialSock  = runDir + "/serial.sock"
	consoleSock = runDir + "/console.sock"
	consoleLog  = runDir + "/console.log"
	qmpSock     = runDir + "/qmp.sock"
	vncAddress  = "127.0.0.1:0" // TCP port 5900
	overlayName = "overlay.qcow2"

	qemuBinary    = "qemu-system-x86_64"
	qemuImgBinary = "qemu-img"
	// machineType is the emulated chipset: q35, the modern one, which
	// every current guest supports.
	machineType = "q35"
	// firstNICSlot is the PCI slot of the first card: the cards sit in
	// fixed slots in the configuration's order, so that the guest's kernel
	// names them eth0, eth1, ... in that order.
	firstNICSlot = 0x10
	// fwCfgNet is the fw_cfg entry holding the network configuration
	// (the value of dsp.net=) for guests that read it themselves.
	fwCfgNet = "opt/io.dsp/net"
)

// Accelerators qemuArgs knows.
const (
	accelKVM = "kvm"
	accelTCG = "tcg"
)

// overlayPath is where the guest's copy-on-write disk lives: the state
// volume when the disk is kept, else the container's own filesystem.
func overlayPath(cfg Config) string {
	if cfg.KeepDisk {
		return stateDir + "/" + overlayName
	}
	return runDir + "/" + overlayName
}

// qemuImgCreateArgs is the argv that makes the overlay over the pristine
// disk (qemu-img opens the backing file read-only, to learn its size).
func qemuImgCreateArgs(cfg Config) []string {
	return []string{
		qemuImgBinary, "create", "-q",
		"-f", "qcow2",
		"-F", cfg.DiskFormat,
		"-b", cfg.Disk,
		overlayPath(cfg),
	}
}

// qemuArgs is the argv that runs the machine. cfg must be resolved: every
// NIC has its MAC (and its IP, when it has one) filled in. accel is
// accelKVM or accelTCG.
func qemuArgs(cfg Config, accel string) []string {
	cpu := "max" // every feature TCG emulates
	if accel == accelKVM {
		cpu = "host"
	}
	args := []string{
		qemuBinary,
		"-name", cfg.Name,
		"-no-user-config", "-nodefaults",
		"-machine", machineType,
		"-accel", accel,
		"-cpu", cpu,
		"-m", strconv.Itoa(cfg.MemoryMiB),
		"-smp", strconv.Itoa(cfg.CPUs),
		// The serial port is a socket the launcher connects to: qemu
		// waits for it, so not a byte of the boot is lost.
		"-chardev", "socket,id=serial0,path=" + escapeOpt(serialSock) + ",server=on,wait=on",
		"-serial", "chardev:serial0",
		"-qmp", "unix:" + escapeOpt(qmpSock) + ",server=on,wait=off",
	}
	if cfg.VNC {
		// on the container's loopback: dsp dials it inside the container's
		// network namespace (the browser's noVNC goes through dsp)
		args = append(args, "-vga", "std", "-vnc", vncAddress)
	} else {
		args = append(args, "-display", "none")
	}
	args = append(args, bootArgs(cfg)...)
	args = append(args, nicArgs(cfg.NICs)...)
	if net := netConfig(cfg.NICs); net != "" {
		args = append(args, "-fw_cfg", "name="+fwCfgNet+",string="+escapeOpt(net))
	}
	// qemu's own seccomp filter: the emulator of a vulnerable guest may
	// not exec, fork, change its privileges or use obsolete system calls.
	args = append(args, "-sandbox", "on,obsolete=deny,elevateprivileges=deny,spawn=deny,resourcecontrol=deny")
	return args
}

// bootArgs are the kernel and disk options.
func bootArgs(cfg Config) []string {
	var args []string
	if cfg.Kernel != "" {
		args = append(args, "-kernel", cfg.Kernel)
		if cfg.Initrd != "" {
			args = append(args, "-initrd", cfg.Initrd)
		}
		args = append(args, "-append", kernelCmdline(cfg))
	}
	if cfg.Disk != "" {
		args = append(args, "-drive",
			"file="+escapeOpt(overlayPath(cfg))+",format=qcow2,if=virtio,cache=writeback,discard=unmap")
	}
	return args
}

// kernelCmdline is the configuration's append (console=ttyS0 when empty)
// followed by dsp.net= when a card has an address.
func kernelCmdline(cfg Config) string {
	cmdline := strings.TrimSpace(cfg.Append)
	if cmdline == "" {
		cmdline = "console=ttyS0"
	}
	if net := netConfig(cfg.NICs); net != "" {
		cmdline += " dsp.net=" + net
	}
	return cmdline
}

// nicArgs are one tap backend and one virtio card per NIC. The cards have
// no option ROM: the guest boots from its kernel or disk, never from the
// network, and iPXE under TCG only slows the firmware down.
func nicArgs(nics []NIC) []string {
	var args []string
	for i, n := range nics {
		args = append(args,
			"-netdev", fmt.Sprintf("tap,id=n%d,ifname=%s,script=no,downscript=no", i, tapName(i)),
			"-device", fmt.Sprintf("virtio-net-pci,netdev=n%d,mac=%s,addr=0x%x,romfile=", i, strings.ToLower(n.MAC), firstNICSlot+i),
		)
	}
	return args
}

// netConfig encodes the guest's addresses as the value of dsp.net=: one
// entry per NIC that has an IP, comma separated, each
// guest-interface:address/prefix[:gateway], where the guest's interface
// is eth<index of the NIC>:
//
//	eth0:10.77.3.20/24:10.77.3.1,eth1:10.77.4.20/24
//
// It is empty when no NIC has an address.
func netConfig(nics []NIC) string {
	var entries []string
	for i, n := range nics {
		if n.IP == "" {
			continue
		}
		entry := fmt.Sprintf("eth%d:%s", i, n.IP)
		if n.Gateway != "" {
			entry += ":" + n.Gateway
		}
		entries = append(entries, entry)
	}
	return strings.Join(entries, ",")
}

// tapName and bridgeName name the devices of the i-th NIC in the container.
func tapName(i int) string    { return fmt.Sprintf("tap%d", i) }
func bridgeName(i int) string { return fmt.Sprintf("br%d", i) }

// escapeOpt quotes a value inside a qemu option list, where a comma is
// written twice.
func escapeOpt(s string) string { return strings.ReplaceAll(s, ",", ",,") }
