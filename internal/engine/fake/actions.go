package fake

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path"
	"path/filepath"
	"sort"
	"strings"

	"github.com/dsp-lab/dsp/internal/archive"
	"github.com/dsp-lab/dsp/internal/engine"
	"github.com/dsp-lab/dsp/internal/lab"
	"github.com/dsp-lab/dsp/internal/wrapper"
)

// containerOf returns a service's container during a start.
func (s *starter) containerOf(service string) (*container, context.Context) {
	s.e.mu.Lock()
	defer s.e.mu.Unlock()
	c := s.e.instances[s.ref].containers[service]
	if c == nil {
		return nil, nil
	}
	return c, c.ctx
}

// copyFiles copies the lab's files that go before (after=false) or after
// the actions into their containers, with docker cp's rules. The fake's
// containers have none of the image's folders: the target's folder is
// made first.
func (s *starter) copyFiles(ctx context.Context, l *lab.Lab, after bool) error {
	for _, f := range l.Files {
		if f.AfterActions != after {
			continue
		}
		target := f.Service + ":" + f.Target
		s.progress.Emit(engine.StepFiles, target, engine.StatusWorking, "copying "+filepath.Base(f.Source))
		if err := s.inject(engine.StepFiles); err != nil {
			return s.stepFailed(engine.StepFiles, target, err)
		}
		c, _ := s.containerOf(f.Service)
		if c == nil {
			return s.stepFailed(engine.StepFiles, target, fmt.Errorf("service %s has no container", f.Service))
		}
		if err := c.files.mkdirAll(path.Dir(path.Clean(f.Target)), 0o755); err != nil {
			return s.stepFailed(engine.StepFiles, target, err)
		}
		err := archive.CopyIn(ctx, treeFiles{c.files}, f.Source, f.Target)
		var notFound *archive.NotFoundError
		if errors.As(err, &notFound) {
			err = fmt.Errorf("folder %s does not exist in the container", notFound.Path)
		}
		if err != nil {
			return s.stepFailed(engine.StepFiles, target, err)
		}
		s.progress.Emit(engine.StepFiles, target, engine.StatusDone, "copied")
	}
	return nil
}

// runActions runs the lab's wrapper actions by priority, lowest first, in
// the order the lab lists them within a priority (the real engine runs a
// priority's services in parallel; the fake runs them one after the other,
// so that tests see a stable order).
func (s *starter) runActions(ctx context.Context, l *lab.Lab) error {
	actions := append([]lab.Action{}, l.Actions...)
	sort.SliceStable(actions, func(i, j int) bool { return actions[i].Priority < actions[j].Priority })
	for _, a := range actions {
		if err := s.runAction(ctx, a); err != nil {
			return err
		}
		if err := ctx.Err(); err != nil {
			return &engine.StepError{Step: engine.StepAction, Err: err}
		}
	}
	return nil
}

// runAction runs one action: the built-in exec (sh -c) and ctf (the flag
// written to the proof file, its folder made when missing) as dsp does,
// an action the image declares as its command and arguments. Their
// processes carry the action's name (Process.Action): programs the fake
// has not stand for the image's and succeed.
func (s *starter) runAction(ctx context.Context, a lab.Action) error {
	target := a.Service + "/" + a.Name
	c, alive := s.containerOf(a.Service)
	if c == nil {
		return &engine.StepError{Step: engine.StepAction, Target: target, Err: fmt.Errorf("service %s has no container", a.Service)}
	}
	if err := a.Validate(); err != nil {
		return s.stepFailed(engine.StepAction, target, err)
	}
	s.progress.Emit(engine.StepAction, target, engine.StatusWorking, engine.DescribeAction(a.Action))
	if err := s.inject(engine.StepAction); err != nil {
		return s.stepFailed(engine.StepAction, target, err)
	}
	if a.Name == wrapper.BuiltinCTF {
		file, flag, err := wrapper.CTFTarget(a.Action)
		if err == nil {
			err = c.files.writeFileAll(file, []byte(flag+"\n"), 0o644)
		}
		if err != nil {
			return s.stepFailed(engine.StepAction, target, err)
		}
		s.progress.Emit(engine.StepAction, target, engine.StatusDone, "done")
		return nil
	}
	argv, err := actionArgv(a.Action)
	if err != nil {
		return s.stepFailed(engine.StepAction, target, err)
	}
	p := s.e.newProcess(s.ref, c, argv, nil)
	p.Action = a.Name
	if a.Background {
		go func() { _, _ = s.e.runIn(alive, alive, p) }()
		s.progress.Emit(engine.StepAction, target, engine.StatusDone, "started in the background")
		return nil
	}
	out := &tailBuffer{max: 64 << 10}
	lines := &lineWriter{emit: func(line string) { s.progress.Emit(engine.StepAction, target, engine.StatusInfo, line) }}
	w := &lockedWriter{w: io.MultiWriter(out, lines)}
	p.Stdout, p.Stderr = w, w
	code, err := s.e.runIn(ctx, alive, p)
	lines.Flush()
	if err != nil {
		return s.stepFailed(engine.StepAction, target, err)
	}
	if code != 0 {
		aerr := &engine.ActionError{Service: a.Service, Action: a.Name, Priority: a.Priority, ExitCode: code, Output: out.String()}
		s.progress.Emit(engine.StepAction, target, engine.StatusError, aerr.Error())
		return aerr
	}
	s.progress.Emit(engine.StepAction, target, engine.StatusDone, "done")
	return nil
}

// actionArgv is what an action runs: sh -c for the built-in exec, else
// the action's command and arguments. Without a command (the image's
// label would give it) the action's name stands for it.
func actionArgv(a wrapper.Action) ([]string, error) {
	if a.Name == wrapper.BuiltinExec {
		return wrapper.ExecArgv(a)
	}
	if strings.TrimSpace(a.Command) == "" {
		a.Command = a.Name
	}
	return a.Argv()
}
