package app_test

import (
	"archive/tar"
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/dsp-lab/dsp/internal/app"
	"github.com/dsp-lab/dsp/internal/lab"
)

func TestImportVM(t *testing.T) {
	a, eng, _ := newApp(t)
	ctx := context.Background()
	dir := t.TempDir()
	vmdk := filepath.Join(dir, "Metasploitable 2.vmdk")
	if err := os.WriteFile(vmdk, []byte("a disk"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := a.ImportVM(ctx, vmdk, app.VMImportOptions{Name: "meta"}); err == nil {
		t.Error("an import without the VM helper image succeeded")
	}
	eng.AddImage(lab.VMHelperImage)
	lt, err := a.ImportVM(ctx, vmdk, app.VMImportOptions{Name: "meta", Memory: "512M"})
	if err != nil {
		t.Fatal(err)
	}
	vm := lt.VM("vm")
	if vm == nil || vm.Disk != filepath.Join(lt.Dir, "vm", "disk.qcow2") || vm.MemoryMiB != 512 || vm.Console != "serial" {
		t.Fatalf("imported lab's VM %+v", vm)
	}
	if data, _ := os.ReadFile(vm.Disk); string(data) != "a disk" {
		t.Errorf("the disk is %q", data)
	}

	// an .ova: its largest disk, the name from the file, a screen
	ova := filepath.Join(dir, "win.ova")
	writeTar(t, ova, map[string]string{"win.ovf": "<Envelope/>", "win-disk1.vmdk": "the big disk", "small.vmdk": "x"})
	lt, err = a.ImportVM(ctx, ova, app.VMImportOptions{Console: "vnc"})
	if err != nil {
		t.Fatal(err)
	}
	if lt.Name != "win" || lt.VM("vm").Console != "vnc" {
		t.Errorf("ova lab %s %+v", lt.Name, lt.VM("vm"))
	}
	if data, _ := os.ReadFile(lt.VM("vm").Disk); string(data) != "the big disk" {
		t.Errorf("the ova's disk is %q", data)
	}

	var argErr *app.ArgError
	if _, err := a.ImportVM(ctx, filepath.Join(dir, "notes.txt"), app.VMImportOptions{}); !errors.As(err, &argErr) || argErr.Arg != "file" {
		t.Errorf("a text file: %v", err)
	}
	if _, err := a.ImportVM(ctx, vmdk, app.VMImportOptions{Name: "meta"}); !errors.As(err, &argErr) || argErr.Arg != "name" {
		t.Errorf("a taken name: %v", err)
	}
	evil := filepath.Join(dir, "evil.ova")
	writeTar(t, evil, map[string]string{"../escape.vmdk": "x"})
	if _, err := a.ImportVM(ctx, evil, app.VMImportOptions{}); !errors.As(err, &argErr) || argErr.Arg != "file" {
		t.Errorf("an ova with ../: %v", err)
	}
}

func writeTar(t *testing.T, path string, files map[string]string) {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	tw := tar.NewWriter(f)
	for name, content := range files {
		if err := tw.WriteHeader(&tar.Header{Name: name, Mode: 0o644, Size: int64(len(content)), Typeflag: tar.TypeReg}); err != nil {
			t.Fatal(err)
		}
		if _, err := tw.Write([]byte(content)); err != nil {
			t.Fatal(err)
		}
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
}
