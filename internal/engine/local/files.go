package local

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"path/filepath"

	"github.com/dsp-lab/dsp/internal/archive"
	"github.com/dsp-lab/dsp/internal/engine"
	"github.com/dsp-lab/dsp/internal/lab"
)

// copyFiles copies the lab's files that go before (after=false) or after
// the actions into their containers, with the Engine's archive API.
func (e *Engine) copyFiles(ctx context.Context, l *lab.Lab, containers map[string]string, after bool, progress engine.Progress) error {
	for _, f := range l.Files {
		if f.AfterActions != after {
			continue
		}
		target := f.Service + ":" + f.Target
		progress.Emit(engine.StepFiles, target, engine.StatusWorking, "copying "+filepath.Base(f.Source))
		id := containers[f.Service]
		if id == "" {
			return &engine.StepError{Step: engine.StepFiles, Target: target, Err: fmt.Errorf("service %s has no container", f.Service)}
		}
		if err := e.copyPath(ctx, id, f.Source, f.Target); err != nil {
			progress.Emit(engine.StepFiles, target, engine.StatusError, err.Error())
			return &engine.StepError{Step: engine.StepFiles, Target: target, Err: err}
		}
		progress.Emit(engine.StepFiles, target, engine.StatusDone, "copied")
	}
	return nil
}

// copyPath copies a host file or folder to dest in the container, with
// docker cp's rules: into dest when it is an existing folder, else as dest.
func (e *Engine) copyPath(ctx context.Context, containerID, src, dest string) error {
	err := archive.CopyIn(ctx, containerFiles{e, containerID}, src, dest)
	var notFound *archive.NotFoundError
	if errors.As(err, &notFound) {
		return fmt.Errorf("folder %s does not exist in the container", notFound.Path)
	}
	return err
}

// writeFile writes data as a file in the container.
func (e *Engine) writeFile(ctx context.Context, containerID, dest string, data []byte, mode fs.FileMode) error {
	content, err := archive.File(path.Base(dest), data, mode)
	if err != nil {
		return err
	}
	return containerFiles{e, containerID}.CopyIn(ctx, path.Dir(dest), content)
}
