package local

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"sort"
	"sync"

	"github.com/moby/moby/api/pkg/stdcopy"
	"github.com/moby/moby/client"

	"github.com/dsp-lab/dsp/internal/engine"
	"github.com/dsp-lab/dsp/internal/lab"
	"github.com/dsp-lab/dsp/internal/wrapper"
)

// runActions runs the lab's actions by priority, lowest first. Actions of
// one priority run in parallel across services; within a service they run
// one after the other in the order the lab lists them, as upstream did.
func (e *Engine) runActions(ctx context.Context, l *lab.Lab, containers map[string]string, progress engine.Progress) error {
	if len(l.Actions) == 0 {
		return nil
	}
	images := &imageLabels{engine: e, cache: map[string]wrapper.ImageInfo{}}
	byPriority := map[int]map[string][]lab.Action{}
	for _, a := range l.Actions {
		if byPriority[a.Priority] == nil {
			byPriority[a.Priority] = map[string][]lab.Action{}
		}
		byPriority[a.Priority][a.Service] = append(byPriority[a.Priority][a.Service], a)
	}
	priorities := make([]int, 0, len(byPriority))
	for p := range byPriority {
		priorities = append(priorities, p)
	}
	sort.Ints(priorities)
	for _, p := range priorities {
		var (
			wg       sync.WaitGroup
			mu       sync.Mutex
			firstErr error
		)
		for service, actions := range byPriority[p] {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for _, a := range actions {
					if err := e.runAction(ctx, l, a, containers[service], images, progress); err != nil {
						mu.Lock()
						if firstErr == nil {
							firstErr = err
						}
						mu.Unlock()
						return
					}
				}
			}()
		}
		wg.Wait()
		if firstErr != nil {
			return firstErr
		}
		if err := ctx.Err(); err != nil {
			return &engine.StepError{Step: engine.StepAction, Err: err}
		}
	}
	return nil
}

// runAction runs one action as exec argv: never a shell built from values.
func (e *Engine) runAction(ctx context.Context, l *lab.Lab, a lab.Action, containerID string, images *imageLabels, progress engine.Progress) error {
	target := a.Service + "/" + a.Name
	if containerID == "" {
		return &engine.StepError{Step: engine.StepAction, Target: target, Err: fmt.Errorf("service %s has no container", a.Service)}
	}
	action, err := e.resolveAction(ctx, l, a, images)
	if err != nil {
		progress.Emit(engine.StepAction, target, engine.StatusError, err.Error())
		return &engine.StepError{Step: engine.StepAction, Target: target, Err: err}
	}
	progress.Emit(engine.StepAction, target, engine.StatusWorking, engine.DescribeAction(action))

	builtin := wrapper.IsBuiltin(a.Name)
	if builtin && action.Command == "" {
		return e.runBuiltin(ctx, a, action, containerID, progress)
	}
	argv, err := action.Argv()
	if err != nil {
		return &engine.StepError{Step: engine.StepAction, Target: target, Err: err}
	}
	code, output, err := e.exec(ctx, containerID, argv, action.Background, func(line string) {
		progress.Emit(engine.StepAction, target, engine.StatusInfo, line)
	})
	if builtin && err == nil && (code == 126 || code == 127) {
		// The image has no script of its own for a built-in action: the
		// runtime could not run it (126) or found nothing to run (127).
		progress.Emit(engine.StepAction, target, engine.StatusInfo, fmt.Sprintf("the image has no %s: using dsp's built-in %s", argv[0], a.Name))
		return e.runBuiltin(ctx, a, action, containerID, progress)
	}
	if err != nil {
		progress.Emit(engine.StepAction, target, engine.StatusError, err.Error())
		return &engine.StepError{Step: engine.StepAction, Target: target, Err: err}
	}
	if code != 0 {
		aerr := &engine.ActionError{Service: a.Service, Action: a.Name, Priority: a.Priority, ExitCode: code, Output: output}
		progress.Emit(engine.StepAction, target, engine.StatusError, aerr.Error())
		return aerr
	}
	progress.Emit(engine.StepAction, target, engine.StatusDone, "done")
	return nil
}

// resolveAction completes an action from its image's wrapper labels: the
// command when the lab left it out, and the image's argument rules, which
// are authoritative.
func (e *Engine) resolveAction(ctx context.Context, l *lab.Lab, a lab.Action, images *imageLabels) (wrapper.Action, error) {
	action := a.Action
	svc, _ := l.Service(a.Service)
	info, err := images.get(ctx, svc.Image)
	if err != nil {
		return action, err
	}
	if imageAction, ok := info.Action(a.Name); ok {
		action = wrapper.MergeRules(action, imageAction)
	}
	if action.Command == "" && !wrapper.IsBuiltin(a.Name) {
		return action, fmt.Errorf("image %s declares no action %q (label actions.%s.command) and the lab gives no command", svc.Image, a.Name, a.Name)
	}
	if err := action.Validate(); err != nil {
		return action, err
	}
	return action, nil
}

// runBuiltin runs dsp's own exec and ctf actions.
func (e *Engine) runBuiltin(ctx context.Context, a lab.Action, action wrapper.Action, containerID string, progress engine.Progress) error {
	target := a.Service + "/" + a.Name
	switch a.Name {
	case wrapper.BuiltinExec:
		argv, err := wrapper.ExecArgv(action)
		if err != nil {
			return &engine.StepError{Step: engine.StepAction, Target: target, Err: err}
		}
		code, output, err := e.exec(ctx, containerID, argv, action.Background, func(line string) {
			progress.Emit(engine.StepAction, target, engine.StatusInfo, line)
		})
		if err != nil {
			return &engine.StepError{Step: engine.StepAction, Target: target, Err: err}
		}
		if code != 0 {
			aerr := &engine.ActionError{Service: a.Service, Action: a.Name, Priority: a.Priority, ExitCode: code, Output: output}
			progress.Emit(engine.StepAction, target, engine.StatusError, aerr.Error())
			return aerr
		}
	case wrapper.BuiltinCTF:
		path, flag, err := wrapper.CTFTarget(action)
		if err != nil {
			return &engine.StepError{Step: engine.StepAction, Target: target, Err: err}
		}
		if err := e.writeFile(ctx, containerID, path, []byte(flag+"\n"), 0o644); err != nil {
			return &engine.StepError{Step: engine.StepAction, Target: target, Err: err}
		}
	}
	progress.Emit(engine.StepAction, target, engine.StatusDone, "done")
	return nil
}

// exec runs argv in the container and returns its exit code and combined
// output (the last 64 KiB). A background exec is started detached.
func (e *Engine) exec(ctx context.Context, containerID string, argv []string, background bool, onLine func(string)) (int, string, error) {
	created, err := e.docker.ExecCreate(ctx, containerID, client.ExecCreateOptions{Cmd: argv, AttachStdout: !background, AttachStderr: !background})
	if err != nil {
		return 0, "", fmt.Errorf("exec %s: %w", argv[0], err)
	}
	if background {
		if _, err := e.docker.ExecStart(ctx, created.ID, client.ExecStartOptions{Detach: true}); err != nil {
			return 0, "", fmt.Errorf("exec %s: %w", argv[0], err)
		}
		return 0, "", nil
	}
	att, err := e.docker.ExecAttach(ctx, created.ID, client.ExecAttachOptions{})
	if err != nil {
		return 0, "", fmt.Errorf("exec %s: %w", argv[0], err)
	}
	defer att.Close()
	stop := context.AfterFunc(ctx, func() { att.Close() })
	defer stop()
	out := &tailBuffer{max: 64 << 10}
	lines := &lineWriter{emit: onLine}
	w := multiWriter{out, lines}
	if _, err := stdcopy.StdCopy(w, w, att.Reader); err != nil && ctx.Err() == nil && !errors.Is(err, context.Canceled) {
		return 0, out.String(), fmt.Errorf("exec %s: read output: %w", argv[0], err)
	}
	lines.Flush()
	if err := ctx.Err(); err != nil {
		return 0, out.String(), err
	}
	insp, err := e.docker.ExecInspect(ctx, created.ID, client.ExecInspectOptions{})
	if err != nil {
		return 0, out.String(), fmt.Errorf("exec %s: %w", argv[0], err)
	}
	return insp.ExitCode, out.String(), nil
}

// imageLabels caches the wrapper metadata of images during one start.
type imageLabels struct {
	engine *Engine
	mu     sync.Mutex
	cache  map[string]wrapper.ImageInfo
}

func (c *imageLabels) get(ctx context.Context, image string) (wrapper.ImageInfo, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if info, ok := c.cache[image]; ok {
		return info, nil
	}
	res, err := c.engine.docker.ImageInspect(ctx, image)
	if err != nil {
		return wrapper.ImageInfo{}, fmt.Errorf("inspect image %s: %w", image, err)
	}
	var labels map[string]string
	if res.Config != nil {
		labels = res.Config.Labels
	}
	info, err := wrapper.ParseLabels(labels)
	if err != nil {
		return wrapper.ImageInfo{}, fmt.Errorf("image %s: %w", image, err)
	}
	c.cache[image] = info
	return info, nil
}

// tailBuffer keeps the last max bytes written.
type tailBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
	max int
}

func (t *tailBuffer) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.buf.Write(p)
	if extra := t.buf.Len() - t.max; extra > 0 {
		t.buf.Next(extra)
	}
	return len(p), nil
}

func (t *tailBuffer) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.buf.String()
}

type multiWriter []interface{ Write([]byte) (int, error) }

func (m multiWriter) Write(p []byte) (int, error) {
	for _, w := range m {
		if _, err := w.Write(p); err != nil {
			return 0, err
		}
	}
	return len(p), nil
}
