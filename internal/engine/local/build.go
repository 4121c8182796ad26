package local

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"sync"

	"github.com/docker/compose/v5/pkg/api"

	"github.com/dsp-lab/dsp/internal/engine"
	"github.com/dsp-lab/dsp/internal/lab"
)

// Build builds the images of the lab's build: sections. With all false it
// builds only the images that are missing.
func (e *Engine) Build(ctx context.Context, l *lab.Lab, opts engine.BuildOptions) error {
	if l.Project == nil {
		return fmt.Errorf("lab %s has no usable compose file", l.ID())
	}
	progress := opts.Progress
	var services []string
	for _, s := range l.Services() {
		if s.Build == "" {
			continue
		}
		if !opts.All {
			present, err := e.hasImage(ctx, s.Image)
			if err != nil {
				return err
			}
			if present {
				continue
			}
		}
		services = append(services, s.Name)
	}
	if len(services) == 0 {
		return nil
	}
	for _, s := range services {
		progress.Emit(engine.StepBuild, s, engine.StatusWorking, "building image")
	}
	svc, err := e.compose(&composeEvents{progress: progress, project: l.Project.Name})
	if err != nil {
		return err
	}
	out := &lineWriter{emit: func(line string) { progress.Emit(engine.StepBuild, "", engine.StatusInfo, line) }}
	// Compose's Build changes the project it is given: give it a copy (an
	// image is built once for every instance of the lab).
	project := e.runProject(l, engine.Ref{Repo: l.Repo, Lab: l.Name, Instance: engine.DefaultInstance})
	err = svc.Build(ctx, project, api.BuildOptions{Services: services, Out: out, Progress: "plain"})
	out.Flush()
	if err != nil {
		return &engine.StepError{Step: engine.StepBuild, Target: strings.Join(services, ", "), Err: err}
	}
	for _, s := range services {
		progress.Emit(engine.StepBuild, s, engine.StatusDone, "image built")
	}
	return nil
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
