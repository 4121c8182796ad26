package local

import (
	"context"
	"fmt"
	"path/filepath"
	"regexp"
	"strconv"

	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/mount"
	"github.com/moby/moby/client"

	"github.com/dsp-lab/dsp/internal/engine"
	"github.com/dsp-lab/dsp/internal/lab"
)

// qemuImgProgress is qemu-img's progress: "    (42.17/100%)".
var qemuImgProgress = regexp.MustCompile(`\((\d+(?:\.\d+)?)/100%\)`)

// ConvertDisk converts the disk image src (VMDK, VDI, qcow2, raw…) into
// the qcow2 file dst with qemu-img, run in the VM helper image: the image
// from elsewhere is read by a container, never by a program on the host.
func (e *Engine) ConvertDisk(ctx context.Context, src, dst string, progress engine.Progress) error {
	cfg := &container.Config{
		Image:      lab.VMHelperImage,
		Entrypoint: []string{"qemu-img"},
		Cmd:        []string{"convert", "-p", "-O", "qcow2", "/in/" + filepath.Base(src), "/out/" + filepath.Base(dst)},
		Labels:     map[string]string{LabelManaged: "true", LabelNamespace: e.namespace, LabelRole: "disk-convert"},
	}
	host := &container.HostConfig{
		NetworkMode: "none",
		Mounts: []mount.Mount{
			{Type: mount.TypeBind, Source: filepath.Dir(src), Target: "/in", ReadOnly: true},
			{Type: mount.TypeBind, Source: filepath.Dir(dst), Target: "/out"},
		},
	}
	res, err := e.docker.ContainerCreate(ctx, client.ContainerCreateOptions{Config: cfg, HostConfig: host})
	if err != nil {
		return fmt.Errorf("convert %s: %w", filepath.Base(src), err)
	}
	defer e.removeContainer(res.ID)
	target := filepath.Base(src)
	last := -1
	code, err := e.runToCompletion(ctx, res.ID, func(line string) {
		for _, m := range qemuImgProgress.FindAllStringSubmatch(line, -1) {
			if pct, err := strconv.ParseFloat(m[1], 64); err == nil && int(pct) != last {
				last = int(pct)
				progress.Send(engine.Event{Step: engine.StepBuild, Target: target, Status: engine.StatusWorking, Message: "converting to qcow2", Percent: last})
			}
		}
	})
	if err != nil {
		return fmt.Errorf("convert %s: %w", target, err)
	}
	if code != 0 {
		return fmt.Errorf("convert %s: qemu-img exited with code %d (is it a disk image qemu-img reads: VMDK, VDI, qcow2, raw?)", target, code)
	}
	progress.Emit(engine.StepBuild, target, engine.StatusDone, "converted to qcow2")
	return nil
}
