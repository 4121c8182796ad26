package fake

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"strings"
	"sync"
	"time"

	"github.com/dsp-lab/dsp/internal/engine"
)

// The operations that hold an instance, as Status.Operation and
// BusyError.Operation name them.
const (
	opUp   = "up"
	opDown = "down"
)

// hold is a gate that starts and stops of one instance wait at.
type hold struct {
	reached     chan struct{} // closed when an operation waits at the gate
	released    chan struct{} // closed by release
	reachOnce   sync.Once
	releaseOnce sync.Once
}

func (h *hold) reach()   { h.reachOnce.Do(func() { close(h.reached) }) }
func (h *hold) release() { h.releaseOnce.Do(func() { close(h.released) }) }

// Hold makes every Up and Down of ref wait until release is called (or
// its ctx ends), so that tests can look at a busy instance: an Up waits
// after its preflight (the check events are out, Status and Instances say
// starting, a second Up or Down gets a *engine.BusyError); a Down waits
// before removing anything (stopping). release may be called more than
// once; WaitHeld tells when an operation waits at the hold.
func (e *Engine) Hold(ref engine.Ref) (release func()) {
	ref = normalizeRef(ref)
	h := &hold{reached: make(chan struct{}), released: make(chan struct{})}
	e.mu.Lock()
	e.holds[ref] = h
	e.mu.Unlock()
	return func() {
		h.release()
		e.mu.Lock()
		if e.holds[ref] == h {
			delete(e.holds, ref)
		}
		e.mu.Unlock()
	}
}

// WaitHeld waits until an Up or Down of ref waits at the hold Hold put on
// it, or ctx ends.
func (e *Engine) WaitHeld(ctx context.Context, ref engine.Ref) error {
	ref = normalizeRef(ref)
	e.mu.Lock()
	h := e.holds[ref]
	e.mu.Unlock()
	if h == nil {
		return fmt.Errorf("fake: no hold on %s", ref)
	}
	select {
	case <-h.reached:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("fake: waiting for an operation on %s to reach its hold: %w", ref, ctx.Err())
	}
}

// waitHold waits at ref's hold, if there is one.
func (e *Engine) waitHold(ctx context.Context, ref engine.Ref) error {
	e.mu.Lock()
	h := e.holds[ref]
	e.mu.Unlock()
	if h == nil {
		return nil
	}
	h.reach()
	select {
	case <-h.released:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// failure is what FailNext or InterruptNext asked of the next start.
type failure struct {
	step      engine.Step
	err       error
	interrupt bool
}

// ErrInterrupted is what an Up stopped by InterruptNext returns.
var ErrInterrupted = errors.New("the start was interrupted (as if dsp had been killed)")

// FailNext makes the next Up of ref fail with err when it reaches step
// (engine.StepCheck, StepBuild, StepNetwork, StepContainer, StepFiles,
// StepAction or StepDone, the last one when it marks the start complete):
// it emits the step's error event, removes what it created (rollback
// events) and returns err, wrapped in a *engine.StepError after the
// preflight. A start that never reaches step (a lab without actions, and
// StepAction) succeeds, and the failure is forgotten.
func (e *Engine) FailNext(ref engine.Ref, step engine.Step, err error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.failures[normalizeRef(ref)] = &failure{step: step, err: err}
}

// InterruptNext makes the next Up of ref stop when it reaches step as if
// dsp had been killed there: it returns an error wrapping ErrInterrupted
// and leaves what it created, so the instance is incomplete (as the real
// engine finds an instance whose start never finished).
func (e *Engine) InterruptNext(ref engine.Ref, step engine.Step) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.failures[normalizeRef(ref)] = &failure{step: step, interrupt: true}
}

// FailBuild makes the next build of image fail with err.
func (e *Engine) FailBuild(image string, err error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.buildErrs[normalizeImage(image)] = err
}

// AddImage makes an image present (as docker load would).
func (e *Engine) AddImage(ref string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.addImageLocked(ref)
}

// containerLocked returns the container of a service of an instance,
// running or not.
func (e *Engine) containerLocked(ref engine.Ref, service string) (*container, error) {
	in := e.instances[ref]
	if !in.exists() {
		return nil, &engine.NotRunningError{Ref: ref, Service: service}
	}
	c := in.containers[service]
	if c == nil {
		return nil, &engine.NotRunningError{Ref: ref, Service: service, State: engine.ServiceMissing}
	}
	return c, nil
}

// SetServiceState changes the state of a service's container, as a
// container that dies (exited, with exit code 137), is paused or runs
// again: the instance becomes degraded or running, Events subscribers
// hear of it, and a stopped container's processes and sessions end (exit
// code 137).
func (e *Engine) SetServiceState(ref engine.Ref, service, state string) error {
	ref = normalizeRef(ref)
	e.mu.Lock()
	c, err := e.containerLocked(ref, service)
	if err != nil {
		e.mu.Unlock()
		return err
	}
	was := c.state
	c.state, c.since = state, time.Now()
	var ended []*session
	switch {
	case state == engine.ServiceRunning && was != engine.ServiceRunning:
		c.exitCode = 0
		c.ctx, c.cancel = context.WithCancel(context.Background())
	case state != engine.ServiceRunning && was == engine.ServiceRunning:
		if state == "exited" || state == "dead" {
			c.exitCode = 137
		}
		c.cancel()
		ended = e.sessionsOfLocked(c)
	}
	e.notifyLocked(ref)
	e.mu.Unlock()
	for _, s := range ended {
		s.finish(137, nil)
	}
	return nil
}

// SetHealth sets the healthcheck status of a service's container
// ("starting", "healthy", "unhealthy"; "" for none). A service whose
// compose definition has a healthcheck is healthy once started.
func (e *Engine) SetHealth(ref engine.Ref, service, health string) error {
	ref = normalizeRef(ref)
	e.mu.Lock()
	defer e.mu.Unlock()
	c, err := e.containerLocked(ref, service)
	if err != nil {
		return err
	}
	c.health = health
	e.notifyLocked(ref)
	return nil
}

// logLine is one line of a container's output.
type logLine struct {
	seq  uint64
	text string
}

// AppendLog adds a line to the output of a service's container, for Logs
// (and Logs that follow) to print.
func (e *Engine) AppendLog(ref engine.Ref, service, line string) error {
	ref = normalizeRef(ref)
	e.mu.Lock()
	defer e.mu.Unlock()
	c, err := e.containerLocked(ref, service)
	if err != nil {
		return err
	}
	e.seq++
	c.logs = append(c.logs, logLine{seq: e.seq, text: strings.TrimRight(line, "\r\n")})
	close(e.logWake)
	e.logWake = make(chan struct{})
	return nil
}

// ReadFile returns a file of a service's container (following symbolic
// links), running or not.
func (e *Engine) ReadFile(ref engine.Ref, service, path string) ([]byte, error) {
	e.mu.Lock()
	c, err := e.containerLocked(normalizeRef(ref), service)
	e.mu.Unlock()
	if err != nil {
		return nil, err
	}
	return c.files.readFile(path)
}

// WriteFile writes a file into a service's container, making its folders
// as needed.
func (e *Engine) WriteFile(ref engine.Ref, service, path string, data []byte, mode fs.FileMode) error {
	e.mu.Lock()
	c, err := e.containerLocked(normalizeRef(ref), service)
	e.mu.Unlock()
	if err != nil {
		return err
	}
	return c.files.writeFileAll(path, data, mode)
}

// SessionInfo describes an open interactive session.
type SessionInfo struct {
	ID         string
	Ref        engine.Ref
	Service    string
	Cmd        []string // empty for the shell
	TTY        bool
	Cols, Rows uint
}

// Sessions lists the sessions whose process still runs (neither ended,
// nor closed, nor gone with its container), in the order they were
// opened.
func (e *Engine) Sessions() []SessionInfo {
	e.mu.Lock()
	list := make([]*session, 0, len(e.sessions))
	for s := range e.sessions {
		list = append(list, s)
	}
	e.mu.Unlock()
	out := make([]SessionInfo, 0, len(list))
	for _, s := range list {
		out = append(out, s.info())
	}
	sortSessions(out)
	return out
}
