package lab

import (
	"path/filepath"
	"testing"
	"time"
)

const vmLab = `x-dsp: {title: Mixed}
services:
  victim:
    image: dsp/qemu:latest
    networks:
      lan: {ipv4_address: 10.77.3.20}
    x-dsp:
      vm:
        kernel: vm/vmlinuz
        initrd: vm/initrd.img
        append: console=ttyS0 quiet
        memory: 192M
        cpus: 2
        ready: {console: dsp-vm-ready, timeout: 2m}
networks:
  lan:
    ipam: {config: [{subnet: 10.77.3.0/24}]}
`

func TestVMService(t *testing.T) {
	dir := newLab(t, newRepo(t), "mixed", map[string]string{"compose.yaml": vmLab, "vm/vmlinuz": "k", "vm/initrd.img": "i"})
	l, ps := mustLoad(t, dir)
	noErrors(t, ps)
	vm := l.VM("victim")
	if vm == nil {
		t.Fatal("victim is not a VM")
	}
	if vm.Kernel != filepath.Join(dir, "vm", "vmlinuz") || vm.Initrd != filepath.Join(dir, "vm", "initrd.img") || vm.Append != "console=ttyS0 quiet" {
		t.Errorf("boot: %+v", vm)
	}
	if vm.MemoryMiB != 192 || vm.CPUs != 2 || vm.Console != "serial" || vm.ReadyConsole != "dsp-vm-ready" || vm.ReadyTimeout != 2*time.Minute || vm.DiskFormat != "qcow2" {
		t.Errorf("vm %+v", vm)
	}
	svc, _ := l.Service("victim")
	if svc.VM != vm || svc.Image != VMHelperImage {
		t.Errorf("service view %+v", svc)
	}
	if got := l.Images(); len(got) != 1 || got[0] != VMHelperImage {
		t.Errorf("images %v, want the VM helper", got)
	}
}

func TestVMServiceRefusals(t *testing.T) {
	for _, tc := range []struct {
		vm, field, msg string
	}{
		{`{memory: 256M}`, "kernel", "name one"},
		{`{kernel: ../../etc/passwd}`, "kernel", "leaves"},
		{`{kernel: /boot/vmlinuz}`, "kernel", "absolute"},
		{`{disk: d.img, format: vmdk}`, "format", "qcow2 or raw"},
		{`{disk: d.img, memory: lots}`, "memory", "16M to 64G"},
		{`{disk: d.img, cpus: 999}`, "cpus", "from 1 to 64"},
		{`{disk: d.img, console: rdp}`, "console", "serial or vnc"},
		{`{disk: d.img, ready: {console: "("}}`, "ready.console", "regular expression"},
		{`{disk: d.img, ready: {timeout: soon}}`, "ready.timeout", "duration"},
		{`{disk: d.img, initrd: i.img}`, "initrd", "needs a kernel"},
		{`{disk: d.img, ready: {port: 70000}}`, "ready.port", "65535"},
		{`{disk: d.img, ready: {port: 80, console: up}}`, "ready", "not both"},
	} {
		compose := "x-dsp: {title: Bad}\nservices:\n  v:\n    image: dsp/qemu:latest\n    x-dsp:\n      vm: " + tc.vm + "\n"
		dir := newLab(t, newRepo(t), "bad", map[string]string{"compose.yaml": compose, "d.img": "x", "i.img": "x"})
		_, ps := loadInvalid(t, dir)
		expectProblem(t, ps, want{sev: SeverityError, field: "services.v.x-dsp.vm." + tc.field, msg: []string{tc.msg}})
	}
	compose := "x-dsp: {title: Bad}\nservices:\n  v:\n    image: dsp/qemu:latest\n    x-dsp:\n      vm: {disk: d.img}\n      actions: [{name: exec, args: {command: id}}]\n"
	_, ps := loadInvalid(t, newLab(t, newRepo(t), "acts", map[string]string{"compose.yaml": compose, "d.img": "x"}))
	expectProblem(t, ps, want{sev: SeverityError, field: "services.v.x-dsp", msg: []string{"no wrapper actions"}})
	// a missing file is a warning (make images builds it), not an error
	dir := newLab(t, newRepo(t), "later", map[string]string{"compose.yaml": "x-dsp: {title: Later}\nservices:\n  v:\n    image: dsp/qemu:latest\n    x-dsp:\n      vm: {kernel: vm/vmlinuz}\n"})
	l, ps := mustLoad(t, dir)
	expectProblem(t, ps, want{sev: SeverityWarning, field: "services.v.x-dsp.vm.kernel", msg: []string{"cannot start without it"}})
	if l.VM("v") == nil {
		t.Error("a VM whose kernel is still to be built is not a VM")
	}
}
