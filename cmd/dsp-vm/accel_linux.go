//go:build linux

package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os/exec"
	"strings"
	"time"

	"golang.org/x/sys/unix"
)

// KVM's ioctls (linux/kvm.h): _IO(KVMIO, 0x00) and _IO(KVMIO, 0x01).
const (
	kvmGetAPIVersion = 0xAE00
	kvmCreateVM      = 0xAE01
	kvmAPIVersion    = 12
)

// kvmProbeRun is how long the probe lets the guest's firmware run under
// KVM before it asks whether the machine is still running.
const kvmProbeRun = 500 * time.Millisecond

// detectAccel picks KVM when /dev/kvm creates virtual machines and qemu
// runs one with it, else TCG (qemu's emulator: slower, but it runs
// everywhere). The reason says why, for the log. Both checks are needed: a
// /dev/kvm without hardware virtualisation behind it (some nested setups)
// opens and may even create a VM, and qemu then aborts setting up the
// virtual CPU.
func detectAccel() (accel, reason string) {
	if err := probeKVMDevice(); err != nil {
		return accelTCG, err.Error()
	}
	if err := probeKVMQemu(); err != nil {
		return accelTCG, "qemu cannot run a KVM machine: " + err.Error()
	}
	return accelKVM, "/dev/kvm runs virtual machines"
}

// probeKVMDevice opens /dev/kvm and creates (and drops) a virtual machine.
func probeKVMDevice() error {
	fd, err := unix.Open("/dev/kvm", unix.O_RDWR|unix.O_CLOEXEC, 0)
	if err != nil {
		return fmt.Errorf("/dev/kvm: %w", err)
	}
	defer unix.Close(fd)
	version, err := unix.IoctlRetInt(fd, kvmGetAPIVersion)
	if err != nil {
		return fmt.Errorf("KVM_GET_API_VERSION: %w", err)
	}
	if version != kvmAPIVersion {
		return fmt.Errorf("KVM API version %d, want %d", version, kvmAPIVersion)
	}
	vm, err := unix.IoctlRetInt(fd, kvmCreateVM)
	if err != nil {
		return fmt.Errorf("KVM_CREATE_VM: %w", err)
	}
	unix.Close(vm)
	return nil
}

// probeKVMQemu runs an empty machine with the CPU model qemuArgs uses
// under KVM for kvmProbeRun and asks it over QMP (on qemu's stdin and
// stdout) whether it is still running, then quits it.
func probeKVMQemu() error {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, qemuBinary,
		"-accel", accelKVM, "-cpu", "host", "-machine", machineType,
		"-nodefaults", "-no-user-config", "-display", "none", "-m", "64",
		"-qmp", "stdio")
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return err
	}
	var stdout, stderr bytes.Buffer
	cmd.Stdout = &stdout
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("start %s: %w", qemuBinary, err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	_, _ = io.WriteString(stdin, `{"execute":"qmp_capabilities"}`+"\n")
	var waitErr error
	select {
	case waitErr = <-exited: // qemu gave up at once: no KVM
	case <-time.After(kvmProbeRun):
		_, _ = io.WriteString(stdin, `{"execute":"query-status"}`+"\n"+`{"execute":"quit"}`+"\n")
		stdin.Close()
		waitErr = <-exited
	}
	if bytes.Contains(stdout.Bytes(), []byte(`"status": "running"`)) {
		return nil
	}
	// qemu's first error line says what failed (an abort follows it).
	msg := ""
	for _, line := range strings.Split(stderr.String(), "\n") {
		if strings.Contains(line, "error") || strings.Contains(line, "failed") {
			msg = strings.TrimPrefix(strings.TrimSpace(line), qemuBinary+": ")
			break
		}
	}
	if msg == "" && waitErr != nil {
		msg = waitErr.Error()
	}
	if msg == "" {
		msg = "the machine was not running"
	}
	return errors.New(msg)
}
