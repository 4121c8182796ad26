package fake

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"sort"

	"github.com/compose-spec/compose-go/v2/types"

	"github.com/dsp-lab/dsp/internal/engine"
	"github.com/dsp-lab/dsp/internal/lab"
)

// definition is a service's definition as Plan compares it.
func definition(s types.ServiceConfig) string {
	s.DependsOn, s.Build, s.PullPolicy = nil, nil, ""
	data, _ := json.Marshal(s)
	return string(data)
}

// Plan compares the running containers' definitions with the edited lab's.
func (e *Engine) Plan(_ context.Context, ref engine.Ref, l *lab.Lab, _ engine.UpOptions) (*engine.Plan, error) {
	ref = normalizeRef(ref)
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.planLocked(ref, l)
}

// planLocked plans for l with the instance's flag planted (as its start
// planted it); it returns the planted lab too.
func (e *Engine) planLocked(ref engine.Ref, l *lab.Lab) (*engine.Plan, error) {
	if e.stateLocked(ref, false) != engine.StateRunning {
		return nil, &engine.NotRunningError{Ref: ref}
	}
	in := e.instances[ref]
	l, _, _, err := engine.PlantFlag(l, in.flag)
	if err != nil {
		return nil, err
	}
	plan := &engine.Plan{Recreate: []string{}, Create: []string{}, Remove: []string{}, Unchanged: []string{}}
	for _, name := range sortedKeys(l.Project.Services) {
		c, ok := in.containers[name]
		switch {
		case !ok:
			plan.Create = append(plan.Create, name)
		case c.def != definition(l.Project.Services[name]):
			plan.Recreate = append(plan.Recreate, name)
		default:
			plan.Unchanged = append(plan.Unchanged, name)
		}
	}
	for name, c := range in.containers {
		if _, ok := l.Project.Services[name]; !ok && c.role == "" {
			plan.Remove = append(plan.Remove, name)
		}
	}
	sort.Strings(plan.Remove)
	return plan, nil
}

// Apply recreates the changed services' containers, creates new ones and
// removes those gone; the files and actions of the new containers run.
func (e *Engine) Apply(ctx context.Context, ref engine.Ref, l *lab.Lab, opts engine.UpOptions) (*engine.Plan, error) {
	ref = normalizeRef(ref)
	unlock, err := e.lock(ref, opUp)
	if err != nil {
		return nil, err
	}
	defer unlock()
	if err := engine.CheckLab(l, opts); err != nil {
		return nil, err
	}
	e.mu.Lock()
	plan, err := e.planLocked(ref, l)
	if err == nil {
		l, _, _, err = engine.PlantFlag(l, e.instances[ref].flag)
	}
	if err == nil {
		err = e.checkImagesLocked(l)
	}
	if err == nil {
		in := e.instances[ref]
		for _, name := range append(slices.Clone(plan.Recreate), plan.Remove...) {
			if c := in.containers[name]; c != nil {
				c.cancel()
				delete(in.containers, name)
			}
		}
	}
	e.mu.Unlock()
	if err != nil {
		return nil, err
	}
	s := &starter{e: e, ref: ref, expose: opts.Expose, progress: opts.Progress}
	fresh := l.OnlyServices(plan.Changed())
	for _, svc := range l.Services() {
		if !slices.Contains(plan.Changed(), svc.Name) {
			continue
		}
		if err := e.createContainer(ref, l, svc, opts.Expose); err != nil {
			return nil, s.stepFailed(engine.StepContainer, svc.Name, err)
		}
		opts.Progress.Emit(engine.StepContainer, svc.Name, engine.StatusDone, "Recreated")
	}
	if err := s.copyFiles(ctx, fresh, false); err != nil {
		return nil, err
	}
	if err := s.runActions(ctx, fresh); err != nil {
		return nil, err
	}
	if err := s.copyFiles(ctx, fresh, true); err != nil {
		return nil, err
	}
	opts.Progress.Emit(engine.StepDone, "", engine.StatusDone, fmt.Sprintf("applied to %s: %d recreated, %d created, %d removed", ref, len(plan.Recreate), len(plan.Create), len(plan.Remove)))
	return plan, nil
}
