package fake

import (
	"context"
	"fmt"
	"time"

	"github.com/dsp-lab/dsp/internal/engine"
	"github.com/dsp-lab/dsp/internal/lab"
)

// Down stops an instance and removes its containers and networks, with
// the instance's lock (a *engine.BusyError while another operation holds
// it). l may be nil; it gives the stop timeouts ("stopping" events). A
// Down of an instance that does not exist does nothing and succeeds.
func (e *Engine) Down(ctx context.Context, ref engine.Ref, l *lab.Lab, opts engine.DownOptions) error {
	ref = normalizeRef(ref)
	unlock, err := e.lock(ref, opDown)
	if err != nil {
		return err
	}
	defer unlock()
	started := time.Now()
	if err := e.waitHold(ctx, ref); err != nil {
		return fmt.Errorf("stop %s: %w", ref, err)
	}
	e.remove(ref, l, opts.Progress)
	opts.Progress.Emit(engine.StepDone, "", engine.StatusDone, fmt.Sprintf("lab %s stopped in %s", ref, since(started)))
	return nil
}

// remove removes an instance's containers (their processes and sessions
// end: engine.ErrGone), then its networks, then the instance. It is also
// the rollback of a failed start.
func (e *Engine) remove(ref engine.Ref, l *lab.Lab, progress engine.Progress) {
	e.mu.Lock()
	in := e.instances[ref]
	if in == nil {
		e.mu.Unlock()
		return
	}
	services, networks := sortedKeys(in.containers), sortedKeys(in.networks)
	e.mu.Unlock()

	for _, name := range services {
		e.mu.Lock()
		c := in.containers[name]
		running := c.state == engine.ServiceRunning
		e.mu.Unlock()
		if running && engine.StopTimeout(l, name) > 0 {
			progress.Emit(engine.StepContainer, name, engine.StatusWorking, "stopping")
		}
		e.mu.Lock()
		delete(in.containers, name)
		sessions, cancel := e.sessionsOfLocked(c), c.cancel
		e.notifyLocked(ref)
		e.mu.Unlock()
		for _, s := range sessions {
			s.gone()
		}
		cancel()
		progress.Emit(engine.StepContainer, name, engine.StatusDone, "removed")
	}
	for _, name := range networks {
		e.mu.Lock()
		delete(in.networks, name)
		e.notifyLocked(ref)
		e.mu.Unlock()
		progress.Emit(engine.StepNetwork, name, engine.StatusDone, "removed")
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.instances[ref] == in {
		delete(e.instances, ref)
		e.notifyLocked(ref)
	}
}
