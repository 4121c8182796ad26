package local

import (
	"context"
	"fmt"
	"io"
	"strings"
	"sync"

	"github.com/docker/compose/v5/pkg/api"

	"github.com/dsp-lab/dsp/internal/engine"
)

// Logs writes the output of the instance's containers to w, each line
// prefixed with its service when several services are shown.
func (e *Engine) Logs(ctx context.Context, ref engine.Ref, opts engine.LogsOptions, w io.Writer) error {
	project := e.Project(ref)
	containers, err := e.serviceContainers(ctx, project)
	if err != nil {
		return err
	}
	if len(containers) == 0 {
		return &engine.NotRunningError{Ref: ref}
	}
	for _, s := range opts.Services {
		if _, ok := containers[s]; !ok {
			return &engine.NoServiceError{Lab: ref.String(), Service: s, Services: sortedKeys(containers)}
		}
	}
	svc, err := e.compose(nil)
	if err != nil {
		return err
	}
	tail := opts.Tail
	if tail == "" {
		tail = "all"
	}
	consumer := &logWriter{w: w, project: project, prefix: len(opts.Services) != 1}
	return svc.Logs(ctx, project, consumer, api.LogOptions{Services: opts.Services, Follow: opts.Follow, Tail: tail})
}

type logWriter struct {
	mu      sync.Mutex
	w       io.Writer
	project string
	prefix  bool
}

func (l *logWriter) Log(container, message string) { l.write(container, message) }
func (l *logWriter) Err(container, message string) { l.write(container, message) }
func (l *logWriter) Status(string, string)         {}

func (l *logWriter) write(container, message string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.prefix {
		name := strings.TrimSuffix(strings.TrimPrefix(container, l.project+"-"), "-1")
		fmt.Fprintf(l.w, "%s | %s\n", name, message)
		return
	}
	fmt.Fprintln(l.w, message)
}
