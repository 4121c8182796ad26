package app

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/dsp-lab/dsp/images"
	"github.com/dsp-lab/dsp/internal/engine"
	"github.com/dsp-lab/dsp/internal/lab"
)

// ToolboxBaseImage is the image dsp's toolbox is built from; make images
// makes it with debootstrap, offline but for Debian's mirror.
const ToolboxBaseImage = "dsp/debian:bookworm"

// ToolboxBaseMissingError means the toolbox cannot be built here: its base
// image is missing.
type ToolboxBaseMissingError struct{}

func (e *ToolboxBaseMissingError) Error() string {
	return fmt.Sprintf("%s cannot be built: its base image %s is missing; `make images` (scripts/build-images.sh) makes both, with debootstrap and Debian's mirror", DefaultToolboxImage, ToolboxBaseImage)
}

// FailedPrecondition classifies the error (errdefs).
func (e *ToolboxBaseMissingError) FailedPrecondition() {}

// toolboxLab is the throw-away lab whose one build: section is the
// toolbox, so that it is built the way lab images are, with progress.
const toolboxLab = `x-dsp: {title: dsp toolbox}
services:
  toolbox:
    build: ./toolbox
    image: ` + DefaultToolboxImage + "\n"

// BuildToolbox builds dsp's toolbox image from the build context embedded
// in dsp (what make images builds), with progress.
func (a *App) BuildToolbox(ctx context.Context, progress engine.Progress) error {
	eng, err := a.Engine(ctx)
	if err != nil {
		return err
	}
	if ok, _, err := eng.ImagePresent(ctx, ToolboxBaseImage); err != nil {
		return err
	} else if !ok {
		return &ToolboxBaseMissingError{}
	}
	dir, err := a.catalog.TempDir("toolbox-*")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	labDir := filepath.Join(dir, "toolbox-image")
	if err := os.CopyFS(filepath.Join(labDir, "toolbox"), images.Toolbox()); err != nil {
		return fmt.Errorf("toolbox build context: %w", err)
	}
	for name, content := range map[string]string{
		filepath.Join(dir, lab.MarkerFile):    "",
		filepath.Join(labDir, lab.MarkerFile): "",
		filepath.Join(labDir, "compose.yaml"): toolboxLab,
	} {
		if err := os.WriteFile(name, []byte(content), 0o600); err != nil {
			return fmt.Errorf("toolbox build context: %w", err)
		}
	}
	l, _, err := lab.Load(ctx, labDir)
	if err != nil {
		return fmt.Errorf("toolbox build context: %w", err)
	}
	if err := eng.Build(ctx, l, engine.BuildOptions{All: true, Progress: progress}); err != nil {
		return fmt.Errorf("build %s: %w", DefaultToolboxImage, err)
	}
	a.log.Info("toolbox image built", "image", DefaultToolboxImage)
	return nil
}

// StartBuildToolbox builds dsp's toolbox image in the background (an
// operation on the image).
func (a *App) StartBuildToolbox(ctx context.Context) (*Operation, error) {
	eng, err := a.Engine(ctx)
	if err != nil {
		return nil, err
	}
	if ok, _, err := eng.ImagePresent(ctx, ToolboxBaseImage); err != nil {
		return nil, err
	} else if !ok {
		return nil, &ToolboxBaseMissingError{}
	}
	return a.ops.start(OpBuild, nil, DefaultToolboxImage, a.BuildToolbox)
}
