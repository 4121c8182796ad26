package lab

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"github.com/docker/go-units"
	"go.yaml.in/yaml/v4"

	"github.com/dsp-lab/dsp/internal/safepath"
)

// VMHelperImage is the image a VM service runs in: QEMU and dsp's VM
// launcher, built offline by make images.
const VMHelperImage = "dsp/qemu:latest"

// VM makes a service a virtual machine (x-dsp.vm): QEMU boots it in a
// helper container that keeps the service's networks, addresses and MAC,
// so the rest of the lab does not know it is a VM.
type VM struct {
	// Kernel and Initrd (with Append, the kernel's command line) boot a
	// kernel directly; Disk boots a disk image. Paths are the lab folder's,
	// made absolute and confined to it.
	Kernel string `json:"kernel,omitempty"`
	Initrd string `json:"initrd,omitempty"`
	Append string `json:"append,omitempty"`
	Disk   string `json:"disk,omitempty"`
	// DiskFormat is qcow2 or raw.
	DiskFormat string `json:"diskFormat,omitempty"`
	// KeepDisk keeps the instance's disk changes across stops (else a stop
	// discards them; the lab's image is never written).
	KeepDisk  bool `json:"keepDisk,omitempty"`
	MemoryMiB int  `json:"memoryMiB"`
	CPUs      int  `json:"cpus"`
	// Console is "serial" (a terminal) or "vnc" (a screen too).
	Console string `json:"console"`
	// ReadyConsole is a regular expression the serial console prints when
	// the VM is up; ReadyTimeout bounds the wait.
	ReadyConsole string `json:"readyConsole,omitempty"`
	// ReadyPort is a TCP port of the VM that answers when it is up (on
	// its first lab address), for images whose console says nothing.
	ReadyPort    int           `json:"readyPort,omitempty"`
	ReadyTimeout time.Duration `json:"readyTimeout"`
}

// Defaults of a VM.
const (
	DefaultVMMemoryMiB    = 256
	DefaultVMCPUs         = 1
	DefaultVMReadyTimeout = 5 * time.Minute
	maxVMMemoryMiB        = 64 << 10
	maxVMCPUs             = 64
)

var vmKeys = []string{"kernel", "initrd", "append", "disk", "format", "keep_disk", "memory", "cpus", "console", "ready"}

type nativeVM struct {
	Kernel   string `yaml:"kernel"`
	Initrd   string `yaml:"initrd"`
	Append   string `yaml:"append"`
	Disk     string `yaml:"disk"`
	Format   string `yaml:"format"`
	KeepDisk bool   `yaml:"keep_disk"`
	Memory   string `yaml:"memory"`
	CPUs     int    `yaml:"cpus"`
	Console  string `yaml:"console"`
	Ready    struct {
		Console string `yaml:"console"`
		Port    int    `yaml:"port"`
		Timeout string `yaml:"timeout"`
	} `yaml:"ready"`
}

// loadVM reads a service's x-dsp.vm; problems name the field.
func loadVM(l *Lab, doc *yamlDoc, service string, n *yaml.Node, sink *problemSink) {
	r := &vmReader{l: l, sink: sink, prefix: "services." + service + "." + extensionKey + ".vm", line: doc.line("services", service, extensionKey, "vm")}
	checkKeys(n, vmKeys, l.ComposeFile, r.prefix, sink)
	var x nativeVM
	if err := n.Decode(&x); err != nil {
		sink.errorf(l.ComposeFile, lineOfError(err.Error()), r.prefix, "%v", err)
		return
	}
	vm := &VM{Append: x.Append, KeepDisk: x.KeepDisk, MemoryMiB: DefaultVMMemoryMiB, CPUs: DefaultVMCPUs, Console: "serial", ReadyConsole: x.Ready.Console, ReadyPort: x.Ready.Port, ReadyTimeout: DefaultVMReadyTimeout}
	r.boot(vm, x)
	r.resources(vm, x)
	if r.bad {
		return
	}
	if s := l.Project.Services[service]; s.Image != "" && s.Image != VMHelperImage {
		sink.warnf(l.ComposeFile, doc.line("services", service, "image"), "services."+service+".image", "a VM service runs in %s; image %s is not used", VMHelperImage, s.Image)
	}
	if l.vms == nil {
		l.vms = map[string]*VM{}
	}
	l.vms[service] = vm
}

// vmReader checks the fields of one x-dsp.vm.
type vmReader struct {
	l      *Lab
	sink   *problemSink
	prefix string
	line   int
	bad    bool
}

func (r *vmReader) fail(field, format string, args ...any) {
	r.sink.errorf(r.l.ComposeFile, r.line, r.prefix+"."+field, format, args...)
	r.bad = true
}

// path confines a file of the lab folder; a missing one is a warning (make
// images may build it later).
func (r *vmReader) path(field, rel string) string {
	if rel == "" {
		return ""
	}
	p, err := safepath.Relative(r.l.Dir, rel)
	if err != nil {
		r.fail(field, "%v", err)
		return ""
	}
	if info, err := os.Stat(p); err != nil || !info.Mode().IsRegular() {
		r.sink.warnf(r.l.ComposeFile, r.line, r.prefix+"."+field, "%s is not a file in the lab folder (yet): the VM cannot start without it", filepath.ToSlash(rel))
	}
	return p
}

// boot reads what the VM boots: a kernel (with initrd and command line)
// or a disk image, and the disk's format.
func (r *vmReader) boot(vm *VM, x nativeVM) {
	vm.Kernel, vm.Initrd, vm.Disk = r.path("kernel", x.Kernel), r.path("initrd", x.Initrd), r.path("disk", x.Disk)
	switch {
	case x.Kernel == "" && x.Disk == "":
		r.fail("kernel", "a VM boots a kernel (kernel, initrd, append) or a disk image (disk): name one")
	case x.Initrd != "" && x.Kernel == "":
		r.fail("initrd", "an initrd needs a kernel")
	case x.Append != "" && x.Kernel == "":
		r.fail("append", "a kernel command line needs a kernel")
	}
	switch x.Format {
	case "", "qcow2", "raw":
		vm.DiskFormat = firstNonEmpty(x.Format, "qcow2")
	default:
		r.fail("format", "format %q: qcow2 or raw", x.Format)
	}
}

// resources reads memory, CPUs, the console and the ready condition.
func (r *vmReader) resources(vm *VM, x nativeVM) {
	if x.Memory != "" {
		b, err := units.RAMInBytes(strings.TrimSpace(x.Memory))
		if err != nil || b < 16<<20 || b > maxVMMemoryMiB<<20 {
			r.fail("memory", "memory %q: give a size from 16M to 64G, such as 256M", x.Memory)
		}
		vm.MemoryMiB = int(b >> 20)
	}
	if x.CPUs != 0 {
		if x.CPUs < 1 || x.CPUs > maxVMCPUs {
			r.fail("cpus", "cpus %d: from 1 to %d", x.CPUs, maxVMCPUs)
		}
		vm.CPUs = x.CPUs
	}
	switch x.Console {
	case "":
	case "serial", "vnc":
		vm.Console = x.Console
	default:
		r.fail("console", "console %q: serial or vnc", x.Console)
	}
	if _, err := regexp.Compile(x.Ready.Console); err != nil {
		r.fail("ready.console", "not a regular expression: %v", err)
	}
	if x.Ready.Port < 0 || x.Ready.Port > 65535 {
		r.fail("ready.port", "port %d: from 1 to 65535", x.Ready.Port)
	}
	if x.Ready.Console != "" && x.Ready.Port != 0 {
		r.fail("ready", "wait for a console line or a port, not both")
	}
	if x.Ready.Timeout != "" {
		d, err := time.ParseDuration(x.Ready.Timeout)
		if err != nil || d <= 0 {
			r.fail("ready.timeout", "timeout %q: give a duration such as 3m", x.Ready.Timeout)
		}
		vm.ReadyTimeout = d
	}
}

// VM returns the VM a service is, or nil for a container.
func (l *Lab) VM(service string) *VM { return l.vms[service] }

// String words a VM for a person: "kernel vm/vmlinuz, 256 MiB, 1 CPU".
func (vm *VM) String() string {
	boot := "disk " + filepath.Base(vm.Disk)
	if vm.Kernel != "" {
		boot = "kernel " + filepath.Base(vm.Kernel)
	}
	return fmt.Sprintf("%s, %d MiB, %d CPU, %s console", boot, vm.MemoryMiB, vm.CPUs, vm.Console)
}
