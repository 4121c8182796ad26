//go:build linux

package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"os"
	"path"
	"regexp"
	"strings"
)

// Config is what dsp tells the launcher about one virtual machine, read from
// the JSON file given by --config (dsp mounts it at /dsp-vm/config.json).
type Config struct {
	// Name names the machine in qemu (-name) and in the launcher's log.
	Name string `json:"name"`
	// MemoryMiB is the guest's RAM in MiB (default 256).
	MemoryMiB int `json:"memoryMiB"`
	// CPUs is the number of virtual CPUs (default 1).
	CPUs int `json:"cpus"`

	// Kernel, Initrd and Append boot a Linux kernel directly; Initrd and
	// Append need Kernel. Paths are inside the container.
	Kernel string `json:"kernel"`
	Initrd string `json:"initrd"`
	Append string `json:"append"`

	// Disk is the lab's pristine disk image (mounted read-only). The VM
	// writes to a copy-on-write overlay on top of it, never to Disk itself.
	Disk string `json:"disk"`
	// DiskFormat is the format of Disk: "qcow2" (the default) or "raw".
	DiskFormat string `json:"diskFormat"`
	// KeepDisk keeps the overlay in the state volume (/dsp-vm/state), so
	// that the guest's writes survive the container; otherwise the overlay
	// lives in the container's own filesystem and goes with it.
	KeepDisk bool `json:"keepDisk"`

	// Console is where the guest's console is: "serial" (the default and
	// the only kind so far).
	Console string `json:"console"`
	// VNC adds a graphics card and serves its screen on
	// 127.0.0.1:5900 of the container (dsp dials it in its namespace).
	VNC bool `json:"vnc"`

	// NICs are the guest's network cards, one per lab network, in order.
	NICs []NIC `json:"nics"`
}

// NIC is one network card of the guest, bridged to one container interface.
type NIC struct {
	// Interface is the container's interface Docker attached to the lab
	// network (default eth<index>).
	Interface string `json:"interface"`
	// MAC is the guest card's address; empty means the one Docker gave
	// Interface, so that the lab sees the service's MAC unchanged.
	MAC string `json:"mac"`
	// IP is the guest's address in CIDR form (10.77.3.20/24); empty means
	// the IPv4 address Docker gave Interface.
	IP string `json:"ip"`
	// Gateway is the guest's default route (optional; empty means the
	// container's default route when it goes through Interface).
	Gateway string `json:"gateway"`
}

// Limits of a configuration: generous, but they keep a typo from asking the
// machine for a terabyte.
const (
	defaultMemoryMiB = 256
	minMemoryMiB     = 16
	maxMemoryMiB     = 1 << 20
	defaultCPUs      = 1
	maxCPUs          = 64
	maxNICs          = 16
)

var (
	// nameRE is what a machine name may be: it reaches qemu's -name and
	// log lines, so no commas, spaces or control characters.
	nameRE = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$`)
	// ifaceRE is a Linux interface name (at most 15 bytes).
	ifaceRE = regexp.MustCompile(`^[A-Za-z0-9_.-]{1,15}$`)
)

// loadConfig reads, defaults and validates the configuration file.
func loadConfig(file string) (Config, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return Config{}, fmt.Errorf("read the configuration: %w", err)
	}
	cfg, err := parseConfig(data)
	if err != nil {
		return Config{}, fmt.Errorf("configuration %s: %w", file, err)
	}
	return cfg, nil
}

// parseConfig decodes a configuration (unknown fields are errors: a
// misspelt key must not be silently ignored), fills in the defaults and
// validates it.
func parseConfig(data []byte) (Config, error) {
	var cfg Config
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&cfg); err != nil {
		return Config{}, fmt.Errorf("decode: %w", err)
	}
	if dec.More() {
		return Config{}, errors.New("decode: more than one JSON value")
	}
	cfg.applyDefaults()
	if err := cfg.validate(); err != nil {
		return Config{}, err
	}
	return cfg, nil
}

// applyDefaults fills in the fields left empty.
func (c *Config) applyDefaults() {
	if c.MemoryMiB == 0 {
		c.MemoryMiB = defaultMemoryMiB
	}
	if c.CPUs == 0 {
		c.CPUs = defaultCPUs
	}
	if c.Disk != "" && c.DiskFormat == "" {
		c.DiskFormat = "qcow2"
	}
	if c.Console == "" {
		c.Console = "serial"
	}
	for i := range c.NICs {
		if c.NICs[i].Interface == "" {
			c.NICs[i].Interface = fmt.Sprintf("eth%d", i)
		}
	}
}

// validate reports the first problem of a defaulted configuration.
func (c *Config) validate() error {
	if !nameRE.MatchString(c.Name) {
		return fmt.Errorf("name %q: want 1 to 63 letters, digits, '.', '_' or '-'", c.Name)
	}
	if c.MemoryMiB < minMemoryMiB || c.MemoryMiB > maxMemoryMiB {
		return fmt.Errorf("memoryMiB %d: want %d to %d", c.MemoryMiB, minMemoryMiB, maxMemoryMiB)
	}
	if c.CPUs < 1 || c.CPUs > maxCPUs {
		return fmt.Errorf("cpus %d: want 1 to %d", c.CPUs, maxCPUs)
	}
	if err := c.validateBoot(); err != nil {
		return err
	}
	if c.Console != "serial" {
		return fmt.Errorf("console %q: only \"serial\" is supported", c.Console)
	}
	return c.validateNICs()
}

// validateBoot checks the kernel and disk fields.
func (c *Config) validateBoot() error {
	if c.Kernel == "" && c.Disk == "" {
		return errors.New("nothing to boot: set kernel, disk or both")
	}
	if c.Kernel == "" && (c.Initrd != "" || c.Append != "") {
		return errors.New("initrd and append need a kernel")
	}
	for _, f := range []struct{ key, value string }{
		{"kernel", c.Kernel}, {"initrd", c.Initrd}, {"disk", c.Disk},
	} {
		if f.value == "" {
			continue
		}
		if !path.IsAbs(f.value) || path.Clean(f.value) != f.value {
			return fmt.Errorf("%s %q: want a clean absolute path inside the container", f.key, f.value)
		}
		if strings.ContainsAny(f.value, "\x00\n") {
			return fmt.Errorf("%s %q: control characters in the path", f.key, f.value)
		}
	}
	if strings.ContainsAny(c.Append, "\x00\n") {
		return errors.New("append: control characters in the kernel command line")
	}
	if c.Disk == "" && c.KeepDisk {
		return errors.New("keepDisk needs a disk")
	}
	if c.DiskFormat != "" && c.DiskFormat != "qcow2" && c.DiskFormat != "raw" {
		return fmt.Errorf("diskFormat %q: want qcow2 or raw", c.DiskFormat)
	}
	return nil
}

// validateNICs checks every network card and that no two share an
// interface or a MAC.
func (c *Config) validateNICs() error {
	if len(c.NICs) > maxNICs {
		return fmt.Errorf("nics: %d cards, at most %d", len(c.NICs), maxNICs)
	}
	ifaces := map[string]bool{}
	macs := map[string]bool{}
	for i, n := range c.NICs {
		if err := n.validate(); err != nil {
			return fmt.Errorf("nics[%d]: %w", i, err)
		}
		if ifaces[n.Interface] {
			return fmt.Errorf("nics[%d]: interface %s is used twice", i, n.Interface)
		}
		ifaces[n.Interface] = true
		if n.MAC != "" {
			mac := strings.ToLower(n.MAC)
			if macs[mac] {
				return fmt.Errorf("nics[%d]: mac %s is used twice", i, n.MAC)
			}
			macs[mac] = true
		}
	}
	return nil
}

// validate checks one network card.
func (n NIC) validate() error {
	if !ifaceRE.MatchString(n.Interface) {
		return fmt.Errorf("interface %q: not an interface name", n.Interface)
	}
	if n.MAC != "" {
		if err := checkMAC(n.MAC); err != nil {
			return err
		}
	}
	if n.IP != "" {
		p, err := netip.ParsePrefix(n.IP)
		if err != nil || !p.Addr().Is4() {
			return fmt.Errorf("ip %q: want an IPv4 address with its prefix length (10.77.3.20/24)", n.IP)
		}
	}
	if n.Gateway != "" {
		if n.IP == "" {
			return errors.New("gateway needs ip")
		}
		gw, err := netip.ParseAddr(n.Gateway)
		if err != nil || !gw.Is4() {
			return fmt.Errorf("gateway %q: want an IPv4 address", n.Gateway)
		}
		if p := netip.MustParsePrefix(n.IP); !p.Masked().Contains(gw) {
			return fmt.Errorf("gateway %s is not in %s", n.Gateway, n.IP)
		}
	}
	return nil
}

// checkMAC accepts a unicast Ethernet address written aa:bb:cc:dd:ee:ff.
func checkMAC(s string) error {
	hw, err := net.ParseMAC(s)
	if err != nil || len(hw) != 6 || len(s) != 17 {
		return fmt.Errorf("mac %q: want six bytes written aa:bb:cc:dd:ee:ff", s)
	}
	if hw[0]&1 != 0 {
		return fmt.Errorf("mac %q: a multicast address", s)
	}
	return nil
}
