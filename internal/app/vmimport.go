package app

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/dsp-lab/dsp/internal/archive"
	"github.com/dsp-lab/dsp/internal/catalog"
	"github.com/dsp-lab/dsp/internal/engine"
	"github.com/dsp-lab/dsp/internal/lab"
)

// MaxVMImportBytes bounds a VM image dsp imports (an .ova's contents).
const MaxVMImportBytes = 64 << 30

// VMImportOptions tune the lab a VM image becomes.
type VMImportOptions struct {
	// Name is the new lab's name (default: the file's name).
	Name string
	// Memory is the VM's memory ("2G"); Console serial or vnc (vnc for a
	// Windows image, which needs a screen).
	Memory  string
	Console string
	// Progress receives the conversion's progress.
	Progress engine.Progress
}

// vmDiskKinds are the files ImportVM reads, by extension.
var vmDiskKinds = map[string]bool{".ova": true, ".vmdk": true, ".vdi": true, ".qcow2": true, ".img": true, ".raw": true, ".vhd": true, ".vhdx": true}

// ImportVM makes a lab of the personal repository from a VirtualBox or
// VMware image (.ova, .vmdk, .vdi; also .qcow2, .raw, .vhd): the disk is
// converted to qcow2 by qemu-img in dsp's VM helper image (an .ova is
// unpacked first, checked entry by entry), and the lab has one VM service
// booting it, on one network, for the user to complete in the editor.
func (a *App) ImportVM(ctx context.Context, file string, opts VMImportOptions) (*Target, error) {
	ext := strings.ToLower(filepath.Ext(file))
	if !vmDiskKinds[ext] {
		return nil, argError("file", &ImportError{File: filepath.Base(file), Reason: "not a VM image (.ova, .vmdk, .vdi, .qcow2, .raw, .img, .vhd, .vhdx)"})
	}
	name := opts.Name
	if name == "" {
		name = strings.TrimSuffix(filepath.Base(file), filepath.Ext(file))
	}
	console := opts.Console
	if console == "" {
		console = "serial"
	}
	if console != "serial" && console != "vnc" {
		return nil, argError("console", &InvalidError{Msg: fmt.Sprintf("console %q: serial or vnc", console)})
	}
	memory := opts.Memory
	if memory == "" {
		memory = "1G"
	}
	repo, err := a.writable()
	if err != nil {
		return nil, err
	}
	if err := a.newName(repo, name); err != nil {
		return nil, err
	}
	eng, err := a.Engine(ctx)
	if err != nil {
		return nil, err
	}
	tmp, dir, err := a.stage("vm-import-", name)
	if err != nil {
		return nil, err
	}
	defer func() { _ = catalog.RemoveTree(tmp) }()
	disk, err := a.vmDisk(ctx, file, ext, tmp)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(filepath.Join(dir, "vm"), 0o755); err != nil {
		return nil, err
	}
	if err := eng.ConvertDisk(ctx, disk, filepath.Join(dir, "vm", "disk.qcow2"), opts.Progress); err != nil {
		return nil, argError("file", err)
	}
	if err := writeVMLab(dir, name, filepath.Base(file), memory, console); err != nil {
		return nil, err
	}
	return a.addLab(ctx, repo, name, dir)
}

// vmDisk is the disk image to convert: the file itself, or the largest
// disk of an .ova, unpacked into tmp.
func (a *App) vmDisk(ctx context.Context, file, ext, tmp string) (string, error) {
	abs, err := filepath.Abs(file)
	if err != nil {
		return "", argError("file", err)
	}
	if ext != ".ova" {
		if info, err := os.Stat(abs); err != nil || !info.Mode().IsRegular() {
			return "", argError("file", &ImportError{File: filepath.Base(file), Reason: "not a readable file"})
		}
		return abs, nil
	}
	f, err := os.Open(abs)
	if err != nil {
		return "", argError("file", err)
	}
	defer f.Close()
	unpacked := filepath.Join(tmp, "ova")
	if err := os.Mkdir(unpacked, 0o755); err != nil {
		return "", err
	}
	if err := archive.ExtractTar(ctx, f, unpacked, archive.Limits{MaxBytes: MaxVMImportBytes, MaxEntries: 1000}); err != nil {
		return "", argError("file", fmt.Errorf("%s: %w", filepath.Base(file), err))
	}
	var best string
	var size int64
	err = filepath.WalkDir(unpacked, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !vmDiskKinds[strings.ToLower(filepath.Ext(p))] {
			return err
		}
		if info, err := d.Info(); err == nil && info.Size() > size {
			best, size = p, info.Size()
		}
		return nil
	})
	if err != nil {
		return "", err
	}
	if best == "" {
		return "", argError("file", &ImportError{File: filepath.Base(file), Reason: "the .ova holds no disk image (.vmdk, .vdi…)"})
	}
	return best, nil
}

// writeVMLab writes the lab of an imported VM: a .dsp marker and a compose
// file with one VM service on one network.
func writeVMLab(dir, name, from, memory, console string) error {
	compose := fmt.Sprintf(`# %s: imported from %s by dsp vm import.
# The VM boots vm/disk.qcow2 (copied on write for each instance: the file stays
# as it is). Give it a static address that its own system is configured with,
# add the lab's other services, and describe the lab (dsp lab edit, or the editor).
x-dsp:
  title: %s
  description: A virtual machine imported from %s.
services:
  vm:
    image: dsp/qemu:latest
    networks:
      lan: {}
    x-dsp:
      vm:
        disk: vm/disk.qcow2
        memory: %s
        cpus: 1
        console: %s
networks:
  lan: {}
`, name, from, quoteYAML(name), quoteYAML(from), memory, console)
	files := map[string]string{filepath.Join(dir, lab.MarkerFile): "", filepath.Join(dir, "compose.yaml"): compose}
	for p, content := range files {
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			return err
		}
	}
	return nil
}

// quoteYAML quotes a string as a YAML double-quoted scalar.
func quoteYAML(s string) string {
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`).Replace(s) + `"`
}
