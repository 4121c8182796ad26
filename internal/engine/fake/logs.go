package fake

import (
	"context"
	"fmt"
	"io"
	"sort"
	"strconv"

	"github.com/dsp-lab/dsp/internal/ctf"
	"github.com/dsp-lab/dsp/internal/engine"
)

// Logs writes the lines AppendLog added to the instance's containers,
// oldest first, each prefixed with its service ("web | line") unless
// exactly one service is asked for. Tail keeps the last N lines of each
// container. With Follow it then writes new lines as they come, until ctx
// ends (and returns nil).
func (e *Engine) Logs(ctx context.Context, ref engine.Ref, opts engine.LogsOptions, w io.Writer) error {
	ref = normalizeRef(ref)
	tail := -1
	if opts.Tail != "" && opts.Tail != "all" {
		n, err := strconv.Atoi(opts.Tail)
		if err != nil || n < 0 {
			return fmt.Errorf("tail %q: not a number of lines", opts.Tail)
		}
		tail = n
	}
	e.mu.Lock()
	containers, err := e.logContainersLocked(ref, opts.Services)
	lines, _ := collectLogs(containers, tail, 0)
	last, wake := e.seq, e.logWake
	e.mu.Unlock()
	if err != nil {
		return err
	}
	prefix := len(opts.Services) != 1
	if err := writeLogs(w, lines, prefix); err != nil {
		return err
	}
	for opts.Follow {
		select {
		case <-ctx.Done():
			return nil
		case <-wake:
		}
		e.mu.Lock()
		lines, last = collectLogs(containers, -1, last)
		wake = e.logWake
		e.mu.Unlock()
		if err := writeLogs(w, lines, prefix); err != nil {
			return err
		}
	}
	return nil
}

// logContainersLocked returns the containers whose logs are asked for.
func (e *Engine) logContainersLocked(ref engine.Ref, services []string) ([]*container, error) {
	in := e.instances[ref]
	if in == nil || len(in.containers) == 0 {
		return nil, &engine.NotRunningError{Ref: ref}
	}
	for _, s := range services {
		if in.containers[s] == nil {
			return nil, &engine.NoServiceError{Lab: ref.String(), Service: s, Services: sortedKeys(in.containers)}
		}
	}
	if len(services) == 0 {
		services = sortedKeys(in.containers)
	}
	out := make([]*container, 0, len(services))
	for _, s := range services {
		out = append(out, in.containers[s])
	}
	return out, nil
}

// serviceLine is a log line with its service.
type serviceLine struct {
	service string
	logLine
}

// collectLogs returns the lines after seq after of the containers (the
// last tail of each when tail >= 0), in the order they were added, and
// the last sequence number seen.
func collectLogs(containers []*container, tail int, after uint64) ([]serviceLine, uint64) {
	var out []serviceLine
	last := after
	for _, c := range containers {
		lines := c.logs
		if tail >= 0 && len(lines) > tail {
			lines = lines[len(lines)-tail:]
		}
		for _, l := range lines {
			if l.seq > after {
				out = append(out, serviceLine{service: c.service, logLine: l})
				last = max(last, l.seq)
			}
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].seq < out[j].seq })
	return out, last
}

func writeLogs(w io.Writer, lines []serviceLine, prefix bool) error {
	for _, l := range lines {
		var err error
		if prefix {
			_, err = fmt.Fprintf(w, "%s | %s\n", l.service, l.text)
		} else {
			_, err = fmt.Fprintln(w, l.text)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// SubmitFlag reports whether flag is one of the flags of the instance's
// completed start: a *engine.NotRunningError when no start completed,
// engine.ErrNoFlag when the lab plants none.
func (e *Engine) SubmitFlag(ctx context.Context, ref engine.Ref, flag string) (bool, error) {
	ref = normalizeRef(ref)
	e.mu.Lock()
	in := e.instances[ref]
	var hashes []string
	ready := in != nil && in.ready
	if ready {
		hashes = in.flags
	}
	e.mu.Unlock()
	switch {
	case !ready:
		return false, &engine.NotRunningError{Ref: ref}
	case len(hashes) == 0:
		return false, engine.ErrNoFlag
	}
	return ctf.Matches(flag, hashes), nil
}
