package engine

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"sync"

	"github.com/docker/compose/v5/pkg/api"

	"github.com/dsp-lab/dsp/internal/lab"
)

// Build builds the images of the lab's build: sections. With all false it
// builds only the images that are missing.
func (e *Engine) Build(ctx context.Context, l *lab.Lab, all bool, progress Progress) error {
	if l.Project == nil {
		return fmt.Errorf("lab %s has no usable compose file", l.ID())
	}
	var services []string
	for _, s := range l.Services {
		if s.Build == "" {
			continue
		}
		if !all {
			if _, err := e.docker.ImageInspect(ctx, s.Image); err == nil {
				continue
			} else if !isNotFound(err) {
				return fmt.Errorf("inspect image %s: %w", s.Image, err)
			}
		}
		services = append(services, s.Name)
	}
	if len(services) == 0 {
		return nil
	}
	for _, s := range services {
		progress.emit(StepBuild, s, StatusWorking, "building image")
	}
	svc, err := e.compose(&composeEvents{progress: progress, project: l.Project.Name})
	if err != nil {
		return err
	}
	out := &lineWriter{emit: func(line string) { progress.emit(StepBuild, "", StatusInfo, line) }}
	// Compose's Build changes the project it is given: give it a copy.
	err = svc.Build(ctx, e.runProject(l, RefOf(l)), api.BuildOptions{Services: services, Out: out, Progress: "plain"})
	out.Flush()
	if err != nil {
		return &StepError{Step: StepBuild, Target: strings.Join(services, ", "), Err: err}
	}
	for _, s := range services {
		progress.emit(StepBuild, s, StatusDone, "image built")
	}
	return nil
}

func (e *Engine) buildMissing(ctx context.Context, l *lab.Lab, progress Progress) error {
	return e.Build(ctx, l, false, progress)
}

// lineWriter turns a byte stream into one call per line.
type lineWriter struct {
	mu   sync.Mutex
	buf  bytes.Buffer
	emit func(string)
}

func (w *lineWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.buf.Write(p)
	for {
		line, err := w.buf.ReadString('\n')
		if err != nil {
			w.buf.WriteString(line)
			return len(p), nil
		}
		if t := strings.TrimRight(line, "\r\n"); strings.TrimSpace(t) != "" {
			w.emit(t)
		}
	}
}

// Flush emits what is left without a final newline.
func (w *lineWriter) Flush() {
	w.mu.Lock()
	defer w.mu.Unlock()
	if t := strings.TrimSpace(w.buf.String()); t != "" {
		w.emit(t)
	}
	w.buf.Reset()
}
