//go:build linux

package main

import (
	"strings"
	"testing"
)

// exampleConfig is the configuration of the brief's example.
const exampleConfig = `{"name":"victim","memoryMiB":256,"cpus":1,
 "kernel":"/lab/vm/vmlinuz","initrd":"/lab/vm/initrd.img","append":"console=ttyS0 quiet",
 "disk":"","diskFormat":"qcow2","keepDisk":false,
 "console":"serial","vnc":false,
 "nics":[{"interface":"eth0","mac":"","ip":"10.77.3.20/24","gateway":"10.77.3.1"}]}`

func TestParseConfigExample(t *testing.T) {
	cfg, err := parseConfig([]byte(exampleConfig))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Name != "victim" || cfg.MemoryMiB != 256 || cfg.CPUs != 1 || cfg.Kernel != "/lab/vm/vmlinuz" ||
		cfg.Initrd != "/lab/vm/initrd.img" || cfg.Append != "console=ttyS0 quiet" || cfg.Disk != "" {
		t.Errorf("cfg = %+v", cfg)
	}
	if len(cfg.NICs) != 1 || cfg.NICs[0] != (NIC{Interface: "eth0", IP: "10.77.3.20/24", Gateway: "10.77.3.1"}) {
		t.Errorf("nics = %+v", cfg.NICs)
	}
}

func TestParseConfigDefaults(t *testing.T) {
	cfg, err := parseConfig([]byte(`{"name":"vm","disk":"/lab/disk.qcow2","nics":[{},{"ip":"10.0.0.5/24"}]}`))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.MemoryMiB != defaultMemoryMiB || cfg.CPUs != defaultCPUs || cfg.DiskFormat != "qcow2" || cfg.Console != "serial" {
		t.Errorf("defaults not applied: %+v", cfg)
	}
	if cfg.NICs[0].Interface != "eth0" || cfg.NICs[1].Interface != "eth1" {
		t.Errorf("interfaces = %q, %q", cfg.NICs[0].Interface, cfg.NICs[1].Interface)
	}
}

func TestParseConfigErrors(t *testing.T) {
	cases := []struct{ name, json, want string }{
		{"unknown key", `{"name":"vm","kernel":"/k","memory":256}`, "unknown field"},
		{"two values", `{"name":"vm","kernel":"/k"} {}`, "more than one"},
		{"not json", `name: vm`, "decode"},
		{"no name", `{"kernel":"/k"}`, "name"},
		{"bad name", `{"name":"a,b","kernel":"/k"}`, "name"},
		{"nothing to boot", `{"name":"vm"}`, "nothing to boot"},
		{"initrd without kernel", `{"name":"vm","disk":"/d","initrd":"/i"}`, "need a kernel"},
		{"append without kernel", `{"name":"vm","disk":"/d","append":"quiet"}`, "need a kernel"},
		{"relative kernel", `{"name":"vm","kernel":"vmlinuz"}`, "absolute path"},
		{"unclean disk", `{"name":"vm","disk":"/lab/../etc/shadow"}`, "absolute path"},
		{"newline in append", `{"name":"vm","kernel":"/k","append":"a\nb"}`, "control characters"},
		{"keepDisk without disk", `{"name":"vm","kernel":"/k","keepDisk":true}`, "needs a disk"},
		{"bad format without disk", `{"name":"vm","kernel":"/k","diskFormat":"qcow3"}`, "diskFormat"},
		{"bad format", `{"name":"vm","disk":"/d","diskFormat":"vmdk"}`, "diskFormat"},
		{"too little memory", `{"name":"vm","kernel":"/k","memoryMiB":8}`, "memoryMiB"},
		{"negative cpus", `{"name":"vm","kernel":"/k","cpus":-1}`, "cpus"},
		{"too many cpus", `{"name":"vm","kernel":"/k","cpus":65}`, "cpus"},
		{"console", `{"name":"vm","kernel":"/k","console":"vga"}`, "console"},
		{"bad interface", `{"name":"vm","kernel":"/k","nics":[{"interface":"eth0; rm"}]}`, "interface"},
		{"long interface", `{"name":"vm","kernel":"/k","nics":[{"interface":"abcdefghijklmnop"}]}`, "interface"},
		{"interface twice", `{"name":"vm","kernel":"/k","nics":[{"interface":"eth0"},{"interface":"eth0"}]}`, "used twice"},
		{"bad mac", `{"name":"vm","kernel":"/k","nics":[{"mac":"02:00:00:00:00"}]}`, "mac"},
		{"multicast mac", `{"name":"vm","kernel":"/k","nics":[{"mac":"01:00:5e:00:00:01"}]}`, "multicast"},
		{"mac twice", `{"name":"vm","kernel":"/k","nics":[{"mac":"02:00:00:00:00:01"},{"mac":"02:00:00:00:00:01"}]}`, "used twice"},
		{"ip without prefix", `{"name":"vm","kernel":"/k","nics":[{"ip":"10.0.0.5"}]}`, "prefix"},
		{"ipv6", `{"name":"vm","kernel":"/k","nics":[{"ip":"fd00::5/64"}]}`, "IPv4"},
		{"gateway without ip", `{"name":"vm","kernel":"/k","nics":[{"gateway":"10.0.0.1"}]}`, "gateway needs ip"},
		{"gateway elsewhere", `{"name":"vm","kernel":"/k","nics":[{"ip":"10.0.0.5/24","gateway":"10.0.1.1"}]}`, "not in"},
		{"bad gateway", `{"name":"vm","kernel":"/k","nics":[{"ip":"10.0.0.5/24","gateway":"gw"}]}`, "gateway"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := parseConfig([]byte(c.json))
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("err = %v, want one about %q", err, c.want)
			}
		})
	}
}

func TestParseConfigTooManyNICs(t *testing.T) {
	nics := strings.Repeat(`{},`, maxNICs) + `{}`
	_, err := parseConfig([]byte(`{"name":"vm","kernel":"/k","nics":[` + nics + `]}`))
	if err == nil || !strings.Contains(err.Error(), "at most") {
		t.Errorf("err = %v", err)
	}
}

func TestRandomMAC(t *testing.T) {
	for range 100 {
		mac, err := randomMAC()
		if err != nil {
			t.Fatal(err)
		}
		if mac[0]&1 != 0 || mac[0]&2 == 0 {
			t.Fatalf("%s is not a unicast, locally administered MAC", mac)
		}
		if err := checkMAC(mac.String()); err != nil {
			t.Fatal(err)
		}
	}
}
