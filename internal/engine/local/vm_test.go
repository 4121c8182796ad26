package local

import (
	"bytes"
	"context"
	"crypto/sha256"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/moby/moby/client"

	"github.com/dsp-lab/dsp/internal/engine"
	"github.com/dsp-lab/dsp/internal/lab"
)

// vmAssets returns the example VM's kernel and initramfs (built by
// scripts/build-images.sh), or skips (fails under CI) without them or the
// helper image.
func vmAssets(t *testing.T, e *Engine) (kernel, initrd []byte) {
	t.Helper()
	dir := filepath.Join("..", "..", "..", "examples", "mixed-vm", "vm")
	k, kerr := os.ReadFile(filepath.Join(dir, "vmlinux"))
	i, ierr := os.ReadFile(filepath.Join(dir, "initrd.img"))
	_, img := e.docker.ImageInspect(context.Background(), lab.VMHelperImage)
	if kerr != nil || ierr != nil || img != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("the example VM or %s is missing: scripts/build-images.sh builds them (%v, %v)", lab.VMHelperImage, kerr, ierr)
		}
		t.Skipf("the example VM is not built: run scripts/build-images.sh (%v, %v)", kerr, ierr)
	}
	return k, i
}

// vmTestLab is a VM booting the example kernel with a disk attached (so
// that it gets an overlay), beside a client, on a network whose subnet
// Docker picks: two instances run side by side.
const vmTestLab = `x-dsp: {title: VM test}
services:
  victim:
    image: dsp/qemu:latest
    x-dsp:
      vm:
        kernel: vm/vmlinux
        initrd: vm/initrd.img
        append: console=ttyS0 quiet
        disk: vm/disk.raw
        format: raw
        KEEP
        ready: {console: dsp-vm-ready, timeout: 4m}
  client:
    image: dsp/busybox:latest
    command: [sleep, infinity]
    init: true
`

func writeVMLab(t *testing.T, e *Engine, keep bool) *lab.Lab {
	t.Helper()
	kernel, initrd := vmAssets(t, e)
	compose := strings.Replace(vmTestLab, "KEEP", "keep_disk: false", 1)
	if keep {
		compose = strings.Replace(vmTestLab, "KEEP", "keep_disk: true", 1)
	}
	dir := writeLab(t, filepath.Join(t.TempDir(), uniqueName("vm")), "vm lab", map[string]string{"compose.yaml": compose, "vm/disk.raw": strings.Repeat("\x00", 1<<20)})
	for name, data := range map[string][]byte{"vmlinux": kernel, "initrd.img": initrd} {
		if err := os.WriteFile(filepath.Join(dir, "vm", name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return loadLab(t, dir)
}

// A VM answers on its service's lab address: a container of the lab
// reaches its web server, its serial console runs a command, each instance
// boots from an overlay of its own (the lab's disk is never written), and
// a stop leaves nothing.
func TestVMService(t *testing.T) {
	e := newTestEngine(t)
	l := writeVMLab(t, e, false)
	disk := filepath.Join(l.Dir, "vm", "disk.raw")
	before := fileSum(t, disk)
	ctx, cancel := context.WithTimeout(context.Background(), 8*time.Minute)
	defer cancel()
	var refs []engine.Ref
	for _, instance := range []string{"", "second"} {
		ref := refOfLab(t, l, instance)
		cleanupLab(t, e, l, ref.Instance)
		var events []engine.Event
		if err := e.Up(ctx, ref, l, engine.UpOptions{Trusted: true, Progress: func(ev engine.Event) { events = append(events, ev) }}); err != nil {
			t.Fatalf("up %s: %v", ref, err)
		}
		if !hasEvent(events, "victim", "VM up in") {
			t.Errorf("no VM-up progress for %s: %+v", ref, events)
		}
		refs = append(refs, ref)
	}
	var overlays []string
	for _, ref := range refs {
		st, err := e.Status(ctx, ref, l)
		if err != nil {
			t.Fatal(err)
		}
		victim, _ := st.Service("victim")
		if len(victim.Networks) != 1 || victim.Networks[0].IP == "" {
			t.Fatalf("%s: victim's addresses %+v", ref, victim.Networks)
		}
		ip := victim.Networks[0].IP
		if code, out := run(t, e, ref, "client", "wget", "-q", "-O", "-", "http://"+ip+"/"); code != 0 || !strings.Contains(out, "dsp-vm-ready") {
			t.Errorf("%s: the client fetching the VM's page at %s: %d %q", ref, ip, code, out)
		}
		if out := consoleCommand(t, e, ref, "echo marker-$((6*7))", "marker-42"); !strings.Contains(out, "marker-42") {
			t.Errorf("%s: the serial console did not answer: %q", ref, out)
		}
		code, out := run(t, e, ref, "victim", "sha256sum", "/run/dsp-vm/overlay.qcow2")
		if code != 0 {
			t.Fatalf("%s: no overlay in the helper container: %s", ref, out)
		}
		overlays = append(overlays, out)
	}
	if overlays[0] == "" || len(overlays) != 2 {
		t.Errorf("overlays %q", overlays)
	}
	for _, ref := range refs {
		if err := e.Down(ctx, ref, l, engine.DownOptions{}); err != nil {
			t.Fatalf("down %s: %v", ref, err)
		}
		assertNothingLeft(t, e, ref)
	}
	if after := fileSum(t, disk); after != before {
		t.Error("the VM wrote the lab's disk image")
	}
}

// A VM whose lab keeps its disk boots again from the same overlay: the
// file it wrote on the first boot is there on the second.
func TestVMKeepsItsDisk(t *testing.T) {
	e := newTestEngine(t)
	l := writeVMLab(t, e, true)
	ref := refOfLab(t, l, "")
	cleanupLab(t, e, l, ref.Instance)
	ctx, cancel := context.WithTimeout(context.Background(), 8*time.Minute)
	defer cancel()
	volume := keptDiskName(e.Project(ref), "victim")
	t.Cleanup(func() {
		_, _ = e.docker.VolumeRemove(context.Background(), volume, client.VolumeRemoveOptions{Force: true})
	})
	if err := e.Up(ctx, ref, l, engine.UpOptions{Trusted: true}); err != nil {
		t.Fatalf("up: %v", err)
	}
	if code, out := run(t, e, ref, "victim", "sh", "-c", "echo kept > /dsp-vm/state/mark && ls /dsp-vm/state"); code != 0 || !strings.Contains(out, "overlay.qcow2") {
		t.Fatalf("the kept overlay: %d %q", code, out)
	}
	if err := e.Down(ctx, ref, l, engine.DownOptions{}); err != nil {
		t.Fatal(err)
	}
	assertNothingLeft(t, e, ref)
	if _, err := e.docker.VolumeInspect(ctx, volume, client.VolumeInspectOptions{}); err != nil {
		t.Fatalf("the kept disk's volume is gone after the stop: %v", err)
	}
	if err := e.Up(ctx, ref, l, engine.UpOptions{Trusted: true}); err != nil {
		t.Fatalf("up again: %v", err)
	}
	if code, out := run(t, e, ref, "victim", "cat", "/dsp-vm/state/mark"); code != 0 || strings.TrimSpace(out) != "kept" {
		t.Errorf("after the second start: %d %q, want the kept volume", code, out)
	}
}

func hasEvent(events []engine.Event, target, message string) bool {
	for _, ev := range events {
		if ev.Target == target && strings.Contains(ev.Message, message) {
			return true
		}
	}
	return false
}

func fileSum(t *testing.T, path string) [32]byte {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return sha256.Sum256(data)
}

// consoleCommand types a command on the VM's serial console (as a terminal
// on the service does) and reads until want shows, or 30 s pass.
func consoleCommand(t *testing.T, e *Engine, ref engine.Ref, command, want string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	sess, err := e.Attach(ctx, ref, "victim", engine.AttachOptions{Cmd: engine.VMConsoleCommand, TTY: true, Cols: 80, Rows: 24})
	if err != nil {
		t.Fatalf("console: %v", err)
	}
	defer sess.Close()
	if _, err := sess.Write([]byte(command + "\r")); err != nil {
		t.Fatalf("console: %v", err)
	}
	var out bytes.Buffer
	buf := make([]byte, 4096)
	for !strings.Contains(out.String(), want) && ctx.Err() == nil {
		n, err := sess.Read(buf)
		out.Write(buf[:n])
		if err != nil {
			break
		}
	}
	return out.String()
}

// A VM whose console says nothing useful is waited for on a port.
func TestVMReadyOnAPort(t *testing.T) {
	e := newTestEngine(t)
	l := writeVMLab(t, e, false)
	compose := strings.Replace(strings.Replace(vmTestLab, "KEEP", "", 1), "ready: {console: dsp-vm-ready, timeout: 4m}", "ready: {port: 80, timeout: 4m}", 1)
	if err := os.WriteFile(filepath.Join(l.Dir, "compose.yaml"), []byte(compose), 0o644); err != nil {
		t.Fatal(err)
	}
	l = loadLab(t, l.Dir)
	if vm := l.VM("victim"); vm == nil || vm.ReadyPort != 80 {
		t.Fatalf("vm %+v", vm)
	}
	ref := refOfLab(t, l, "")
	cleanupLab(t, e, l, ref.Instance)
	ctx, cancel := context.WithTimeout(context.Background(), 6*time.Minute)
	defer cancel()
	var events []engine.Event
	if err := e.Up(ctx, ref, l, engine.UpOptions{Trusted: true, Progress: func(ev engine.Event) { events = append(events, ev) }}); err != nil {
		t.Fatalf("up: %v", err)
	}
	if !hasEvent(events, "victim", "waiting for its port 80") || !hasEvent(events, "victim", "VM up in") {
		t.Errorf("progress %+v", events)
	}
	st, err := e.Status(ctx, ref, l)
	if err != nil {
		t.Fatal(err)
	}
	victim, _ := st.Service("victim")
	if code, out := run(t, e, ref, "client", "wget", "-q", "-O", "-", "http://"+victim.Networks[0].IP+"/"); code != 0 || !strings.Contains(out, "dsp-vm-ready") {
		t.Errorf("right after the start, the page: %d %q", code, out)
	}
}

// A VM that cannot boot fails the start with what its launcher said, and
// the start is rolled back.
func TestVMThatCannotBoot(t *testing.T) {
	e := newTestEngine(t)
	l := writeVMLab(t, e, false)
	if err := os.WriteFile(filepath.Join(l.Dir, "vm", "vmlinux"), []byte("not a kernel"), 0o644); err != nil {
		t.Fatal(err)
	}
	ref := refOfLab(t, l, "")
	cleanupLab(t, e, l, ref.Instance)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	err := e.Up(ctx, ref, l, engine.UpOptions{Trusted: true})
	if err == nil || !strings.Contains(err.Error(), "victim") || !strings.Contains(err.Error(), "qemu exited") {
		t.Fatalf("up with a broken kernel: %v", err)
	}
	assertNothingLeft(t, e, ref)
}
