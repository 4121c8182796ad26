//go:build linux

// Command dsp-vm runs a lab service that is a virtual machine: it is PID 1
// of dsp's helper container (dsp/qemu:latest), bridges the container's lab
// interfaces to the guest and runs qemu, so that the guest sits on the lab
// networks with the service's own IPs and MACs.
//
//	dsp-vm [run] [--config /dsp-vm/config.json]
//	    boot the machine and supervise it (the container's entrypoint)
//	dsp-vm console [--socket /run/dsp-vm/console.sock]
//	    attach stdin and stdout to the guest's serial console
//	dsp-vm wait --console REGEX [--timeout 2m]
//	    exit 0 once the console log matches REGEX, 1 on timeout
//
// The launcher owns the guest's serial port: it appends everything the
// guest prints to /run/dsp-vm/console.log (plain text, the bytes as the
// guest wrote them), copies it to stdout (docker logs) and serves
// /run/dsp-vm/console.sock, where one client at a time reads the output
// (the latest 4 KiB first) and types to the guest. It never runs a shell:
// qemu and qemu-img get argv arrays.
//
// Each NIC's container interface ethN is bridged (brN) to a TAP device
// (tapN) that the guest's virtio card uses; the card takes ethN's MAC and
// IP, and ethN a random local MAC. A kernel boot gets the addresses on its
// command line, dsp.net=eth0:10.77.3.20/24:10.77.3.1,eth1:10.77.4.20/24
// (guest card eth<position>:address/prefix[:gateway]), which the guest's
// init applies. A disk boot configures itself: its image must carry the
// static addresses of the service (the lab author's job); the same value is
// also in the fw_cfg entry opt/io.dsp/net, which a Linux guest reads at
// /sys/firmware/qemu_fw_cfg/by_name/opt/io.dsp/net/raw (module qemu_fw_cfg).
// A disk is never written: the guest runs on a qcow2 overlay in
// /run/dsp-vm (gone with the container) or, with keepDisk, in the state
// volume /dsp-vm/state.
package main

import (
	"flag"
	"fmt"
	"os"
)

func main() {
	os.Exit(run(os.Args[1:]))
}

// run dispatches the subcommands; the launcher is the default.
func run(args []string) int {
	if len(args) > 0 {
		switch args[0] {
		case "run":
			return launcherCommand(args[1:])
		case "console":
			return runConsole(args[1:])
		case "wait":
			return runWait(args[1:])
		case "help", "-h", "-help", "--help":
			usage()
			return 0
		}
	}
	return launcherCommand(args)
}

// launcherCommand parses the launcher's flags and runs it.
func launcherCommand(args []string) int {
	fs := flag.NewFlagSet("dsp-vm", flag.ContinueOnError)
	fs.Usage = usage
	config := fs.String("config", defaultConfigFile, "the machine's configuration (JSON)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() != 0 {
		usage()
		return 2
	}
	return runLauncher(*config)
}

func usage() {
	fmt.Fprint(os.Stderr, `usage:
  dsp-vm [run] [--config /dsp-vm/config.json]   boot the machine (the container's entrypoint)
  dsp-vm console [--socket PATH]                attach to the serial console (Ctrl-] detaches)
  dsp-vm wait --console REGEX [--timeout 2m]    wait until the console log matches REGEX
`)
}
