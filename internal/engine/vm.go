package engine

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/dsp-lab/dsp/internal/lab"
)

// The VM helper container: dsp's launcher (cmd/dsp-vm) as its entrypoint,
// the lab folder mounted read-only, its configuration in the environment.
const (
	VMLauncher  = "/usr/local/bin/dsp-vm"
	VMLabMount  = "/lab"
	VMConfigEnv = "DSP_VM_CONFIG"
	// VMStateMount holds a VM's disk when the lab keeps it across stops.
	VMStateMount = "/dsp-vm/state"
)

// VMConfig is what the launcher reads (cmd/dsp-vm): paths are inside the
// helper container. The NICs are the container's own lab interfaces: the
// launcher bridges each to a NIC of the VM with the interface's MAC and
// address.
type VMConfig struct {
	Name       string `json:"name"`
	MemoryMiB  int    `json:"memoryMiB"`
	CPUs       int    `json:"cpus"`
	Kernel     string `json:"kernel,omitempty"`
	Initrd     string `json:"initrd,omitempty"`
	Append     string `json:"append,omitempty"`
	Disk       string `json:"disk,omitempty"`
	DiskFormat string `json:"diskFormat,omitempty"`
	KeepDisk   bool   `json:"keepDisk,omitempty"`
	Console    string `json:"console"`
	VNC        bool   `json:"vnc,omitempty"`
}

// VMConfigOf is the launcher's configuration for a VM of the lab in dir.
func VMConfigOf(service string, vm *lab.VM, dir string) (VMConfig, error) {
	inLab := func(p string) (string, error) {
		if p == "" {
			return "", nil
		}
		rel, err := filepath.Rel(dir, p)
		if err != nil || rel == ".." || strings.HasPrefix(rel, "../") {
			return "", fmt.Errorf("VM %s: %s is outside the lab folder", service, p)
		}
		return VMLabMount + "/" + filepath.ToSlash(rel), nil
	}
	// the serial console is always there (the terminal, the ready line);
	// vnc adds a screen
	cfg := VMConfig{Name: service, MemoryMiB: vm.MemoryMiB, CPUs: vm.CPUs, Append: vm.Append, DiskFormat: vm.DiskFormat, KeepDisk: vm.KeepDisk, Console: "serial", VNC: vm.Console == "vnc"}
	var err error
	if cfg.Kernel, err = inLab(vm.Kernel); err != nil {
		return cfg, err
	}
	if cfg.Initrd, err = inLab(vm.Initrd); err != nil {
		return cfg, err
	}
	if cfg.Disk, err = inLab(vm.Disk); err != nil {
		return cfg, err
	}
	return cfg, nil
}

// JSON is the configuration as the launcher's environment carries it.
func (c VMConfig) JSON() string {
	data, _ := json.Marshal(c)
	return string(data)
}

// VMConsoleCommand opens a VM's serial console in its helper container
// (what a terminal on a VM service runs).
var VMConsoleCommand = []string{VMLauncher, "console"}

// VMWaitCommand waits in the helper container until the VM's console has
// printed a line matching pattern.
func VMWaitCommand(pattern string, timeoutSeconds int) []string {
	return []string{VMLauncher, "wait", "--console", pattern, "--timeout", fmt.Sprintf("%ds", timeoutSeconds)}
}

// VMVNCAddress is where a VM's screen is served (VNC) inside its helper
// container's network namespace, when its console is vnc.
const VMVNCAddress = "127.0.0.1:5900"
