//go:build linux

package main

import (
	"slices"
	"strings"
	"testing"
)

// resolvedKernelConfig is the example as setupNICs returns it: the MAC
// filled in from the container's interface.
func resolvedKernelConfig(t *testing.T) Config {
	t.Helper()
	cfg, err := parseConfig([]byte(exampleConfig))
	if err != nil {
		t.Fatal(err)
	}
	cfg.NICs[0].MAC = "02:42:0A:4D:03:14"
	return cfg
}

// option returns the value after the n-th occurrence of flag in args.
func option(t *testing.T, args []string, flag string, n int) string {
	t.Helper()
	seen := 0
	for i, a := range args {
		if a == flag && i+1 < len(args) {
			if seen == n {
				return args[i+1]
			}
			seen++
		}
	}
	t.Fatalf("%s #%d not in %q", flag, n, args)
	return ""
}

func TestQemuArgsKernelBoot(t *testing.T) {
	args := qemuArgs(resolvedKernelConfig(t), accelTCG)
	want := []string{
		"qemu-system-x86_64",
		"-name", "victim",
		"-no-user-config", "-nodefaults",
		"-machine", "q35",
		"-accel", "tcg",
		"-cpu", "max",
		"-m", "256",
		"-smp", "1",
		"-chardev", "socket,id=serial0,path=/run/dsp-vm/serial.sock,server=on,wait=on",
		"-serial", "chardev:serial0",
		"-qmp", "unix:/run/dsp-vm/qmp.sock,server=on,wait=off",
		"-display", "none",
		"-kernel", "/lab/vm/vmlinuz",
		"-initrd", "/lab/vm/initrd.img",
		"-append", "console=ttyS0 quiet dsp.net=eth0:10.77.3.20/24:10.77.3.1",
		"-netdev", "tap,id=n0,ifname=tap0,script=no,downscript=no",
		"-device", "virtio-net-pci,netdev=n0,mac=02:42:0a:4d:03:14,addr=0x10,romfile=",
		"-fw_cfg", "name=opt/io.dsp/net,string=eth0:10.77.3.20/24:10.77.3.1",
		"-sandbox", "on,obsolete=deny,elevateprivileges=deny,spawn=deny,resourcecontrol=deny",
	}
	if !slices.Equal(args, want) {
		t.Errorf("qemuArgs =\n%q\nwant\n%q", args, want)
	}
}

func TestQemuArgsKVM(t *testing.T) {
	args := qemuArgs(resolvedKernelConfig(t), accelKVM)
	if got := option(t, args, "-accel", 0); got != "kvm" {
		t.Errorf("-accel %s", got)
	}
	if got := option(t, args, "-cpu", 0); got != "host" {
		t.Errorf("-cpu %s", got)
	}
}

func TestQemuArgsDiskBoot(t *testing.T) {
	cfg, err := parseConfig([]byte(`{"name":"win","memoryMiB":2048,"cpus":2,
		"disk":"/lab/vm/disk,1.img","diskFormat":"raw","vnc":true,
		"nics":[{"mac":"02:00:00:00:00:01","ip":"10.0.0.5/24"},{"interface":"eth1","mac":"02:00:00:00:00:02"}]}`))
	if err != nil {
		t.Fatal(err)
	}
	args := qemuArgs(cfg, accelTCG)
	for _, absent := range []string{"-kernel", "-initrd", "-append", "-display"} {
		if slices.Contains(args, absent) {
			t.Errorf("%s in %q", absent, args)
		}
	}
	if got := option(t, args, "-m", 0) + " " + option(t, args, "-smp", 0); got != "2048 2" {
		t.Errorf("-m -smp = %s", got)
	}
	if got := option(t, args, "-drive", 0); got != "file=/run/dsp-vm/overlay.qcow2,format=qcow2,if=virtio,cache=writeback,discard=unmap" {
		t.Errorf("-drive %s", got)
	}
	if got := option(t, args, "-vnc", 0); got != "127.0.0.1:0" {
		t.Errorf("-vnc %s", got)
	}
	if got := option(t, args, "-vga", 0); got != "std" {
		t.Errorf("-vga %s", got)
	}
	if got := option(t, args, "-device", 1); got != "virtio-net-pci,netdev=n1,mac=02:00:00:00:00:02,addr=0x11,romfile=" {
		t.Errorf("second card: %s", got)
	}
	if got := option(t, args, "-netdev", 1); got != "tap,id=n1,ifname=tap1,script=no,downscript=no" {
		t.Errorf("second backend: %s", got)
	}
	if got := option(t, args, "-fw_cfg", 0); got != "name=opt/io.dsp/net,string=eth0:10.0.0.5/24" {
		t.Errorf("-fw_cfg %s", got)
	}

	cfg.KeepDisk = true
	if got := option(t, qemuArgs(cfg, accelTCG), "-drive", 0); !strings.HasPrefix(got, "file=/dsp-vm/state/overlay.qcow2,") {
		t.Errorf("kept disk: -drive %s", got)
	}
	want := []string{"qemu-img", "create", "-q", "-f", "qcow2", "-F", "raw", "-b", "/lab/vm/disk,1.img", "/dsp-vm/state/overlay.qcow2"}
	if got := qemuImgCreateArgs(cfg); !slices.Equal(got, want) {
		t.Errorf("qemuImgCreateArgs = %q, want %q", got, want)
	}
}

func TestQemuArgsKernelAndDisk(t *testing.T) {
	cfg, err := parseConfig([]byte(`{"name":"vm","kernel":"/k","disk":"/d","append":"root=/dev/vda1 console=ttyS0"}`))
	if err != nil {
		t.Fatal(err)
	}
	args := qemuArgs(cfg, accelTCG)
	if got := option(t, args, "-append", 0); got != "root=/dev/vda1 console=ttyS0" {
		t.Errorf("-append %q (no NIC, no dsp.net=)", got)
	}
	if !slices.Contains(args, "-drive") || slices.Contains(args, "-initrd") || slices.Contains(args, "-fw_cfg") || slices.Contains(args, "-netdev") {
		t.Errorf("args = %q", args)
	}
}

func TestKernelCmdlineDefault(t *testing.T) {
	cfg := Config{Kernel: "/k", Append: "  "}
	if got := kernelCmdline(cfg); got != "console=ttyS0" {
		t.Errorf("kernelCmdline = %q", got)
	}
}

func TestNetConfig(t *testing.T) {
	cases := []struct {
		name string
		nics []NIC
		want string
	}{
		{"none", nil, ""},
		{"no address", []NIC{{Interface: "eth0"}}, ""},
		{"one", []NIC{{IP: "10.77.3.20/24", Gateway: "10.77.3.1"}}, "eth0:10.77.3.20/24:10.77.3.1"},
		{"no gateway", []NIC{{IP: "10.77.3.20/24"}}, "eth0:10.77.3.20/24"},
		{"two", []NIC{{IP: "10.77.3.20/24", Gateway: "10.77.3.1"}, {IP: "10.77.4.20/28"}},
			"eth0:10.77.3.20/24:10.77.3.1,eth1:10.77.4.20/28"},
		// The guest's name follows the card's position, whatever the
		// container's interface is called.
		{"gap", []NIC{{Interface: "eth3"}, {Interface: "eth7", IP: "192.168.1.2/24"}}, "eth1:192.168.1.2/24"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := netConfig(c.nics); got != c.want {
				t.Errorf("netConfig = %q, want %q", got, c.want)
			}
		})
	}
}

func TestEscapeOpt(t *testing.T) {
	if got := escapeOpt("/a,b,,c"); got != "/a,,b,,,,c" {
		t.Errorf("escapeOpt = %q", got)
	}
	cfg := Config{Name: "vm", Disk: "/d", DiskFormat: "raw", NICs: []NIC{{IP: "10.0.0.2/24"}, {IP: "10.0.1.2/24"}}}
	if got := option(t, qemuArgs(cfg, accelTCG), "-fw_cfg", 0); got != "name=opt/io.dsp/net,string=eth0:10.0.0.2/24,,eth1:10.0.1.2/24" {
		t.Errorf("-fw_cfg %s", got)
	}
}
