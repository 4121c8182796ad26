package engine

import (
	"archive/tar"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"path"
	"path/filepath"

	"github.com/moby/moby/client"

	"github.com/dsp-lab/dsp/internal/archive"
	"github.com/dsp-lab/dsp/internal/lab"
)

// copyFiles copies the lab's files that go before (after=false) or after
// the actions into their containers, with the Engine's archive API.
func (e *Engine) copyFiles(ctx context.Context, l *lab.Lab, containers map[string]string, after bool, progress Progress) error {
	for _, f := range l.Files {
		if f.AfterActions != after {
			continue
		}
		target := f.Service + ":" + f.Target
		progress.emit(StepFiles, target, StatusWorking, "copying "+filepath.Base(f.Source))
		id := containers[f.Service]
		if id == "" {
			return &StepError{Step: StepFiles, Target: target, Err: fmt.Errorf("service %s has no container", f.Service)}
		}
		if err := e.copyPath(ctx, id, f.Source, f.Target); err != nil {
			progress.emit(StepFiles, target, StatusError, err.Error())
			return &StepError{Step: StepFiles, Target: target, Err: err}
		}
		progress.emit(StepFiles, target, StatusDone, "copied")
	}
	return nil
}

// copyPath copies a host file or folder to dest in the container, with
// docker cp's rules: into dest when it is an existing folder, else as dest.
func (e *Engine) copyPath(ctx context.Context, containerID, src, dest string) error {
	err := archive.CopyIn(ctx, e.docker, containerID, src, dest)
	var notFound *archive.NotFoundError
	if errors.As(err, &notFound) {
		return fmt.Errorf("folder %s does not exist in the container", notFound.Path)
	}
	return err
}

// writeFile writes data as a file in the container.
func (e *Engine) writeFile(ctx context.Context, containerID, dest string, data []byte, mode int64) error {
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	if err := tw.WriteHeader(&tar.Header{Name: path.Base(dest), Mode: mode, Size: int64(len(data)), Typeflag: tar.TypeReg}); err != nil {
		return err
	}
	if _, err := tw.Write(data); err != nil {
		return err
	}
	if err := tw.Close(); err != nil {
		return err
	}
	if _, err := e.docker.CopyToContainer(ctx, containerID, client.CopyToContainerOptions{DestinationPath: path.Dir(dest), Content: &buf}); err != nil {
		return fmt.Errorf("write %s: %w", dest, err)
	}
	return nil
}

// tarPath writes src (a file or a folder, symbolic links kept as links) to
// w under the name name.
func tarPath(w io.Writer, src, name string) error { return archive.TarPath(w, src, name) }
