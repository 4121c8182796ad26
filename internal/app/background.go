package app

import (
	"context"
	"fmt"
	"time"

	"github.com/distribution/reference"

	"github.com/dsp-lab/dsp/internal/engine"
	"github.com/dsp-lab/dsp/internal/labtest"
)

// The Start methods run a use case in the background as an Operation whose
// progress streams on the Bus (the web app's way); the plain methods run
// it in the caller's goroutine (the CLI's way). Both check the same
// things: a Start method refuses at once what would fail at once.

// StartUp starts an instance in the background.
func (a *App) StartUp(ctx context.Context, t *Target, ref engine.Ref) (*Operation, error) {
	if err := t.Runnable(); err != nil {
		return nil, err
	}
	// What needs no engine is refused at once (an untrusted lab's risks,
	// missing files), before an operation exists.
	if err := engine.CheckLab(t.Lab, engine.UpOptions{Trusted: t.Trusted}); err != nil {
		return nil, err
	}
	if err := a.repoFree(t); err != nil {
		return nil, err
	}
	if _, err := a.free(ctx, t, ref); err != nil {
		return nil, err
	}
	return a.ops.start(OpUp, &ref, "", func(ctx context.Context, progress engine.Progress) error {
		_, err := a.Up(ctx, t, ref, UpOptions{Progress: progress})
		return err
	})
}

// StartDown stops an instance in the background.
func (a *App) StartDown(ctx context.Context, t *Target, ref engine.Ref) (*Operation, error) {
	if _, err := a.free(ctx, t, ref); err != nil {
		return nil, err
	}
	return a.ops.start(OpDown, &ref, "", func(ctx context.Context, progress engine.Progress) error {
		return a.Down(ctx, t, ref, progress)
	})
}

// StartBuild builds a lab's images in the background.
func (a *App) StartBuild(ctx context.Context, t *Target) (*Operation, error) {
	if err := t.Runnable(); err != nil {
		return nil, err
	}
	if _, err := a.Engine(ctx); err != nil {
		return nil, err
	}
	ref, err := t.Ref("")
	if err != nil {
		return nil, err
	}
	return a.ops.start(OpBuild, &ref, "", func(ctx context.Context, progress engine.Progress) error {
		return a.Build(ctx, t, true, progress)
	})
}

// StartTest tests a lab in the background; a failed test fails the
// operation with the first failed step.
func (a *App) StartTest(ctx context.Context, t *Target) (*Operation, error) {
	ref, err := labtest.TestRef(t.Lab)
	if err != nil {
		return nil, err
	}
	if _, err := a.free(ctx, t, ref); err != nil {
		return nil, err
	}
	return a.ops.start(OpTest, &ref, "", func(ctx context.Context, progress engine.Progress) error {
		rep, err := a.Test(ctx, t, TestOptions{Progress: progress})
		return reportOutcome(rep, err)
	})
}

// StartChecks runs a running instance's checks in the background.
func (a *App) StartChecks(ctx context.Context, t *Target, ref engine.Ref) (*Operation, error) {
	if err := t.Runnable(); err != nil {
		return nil, err
	}
	if len(t.Checks) == 0 {
		return nil, &ErrNoChecks{Lab: t.ID(), File: t.ComposeFile}
	}
	if running := a.ops.running(ref); running != nil {
		return nil, &BusyError{Running: running.View()}
	}
	st, err := a.free(ctx, t, ref)
	if err != nil {
		return nil, err
	}
	if !st.State.Live() {
		return nil, &StateError{Ref: ref, State: st.State, Doing: "running its checks"}
	}
	return a.ops.start(OpChecks, &ref, "", func(ctx context.Context, progress engine.Progress) error {
		rep, err := a.Check(ctx, t, ref, progress)
		return reportOutcome(rep, err)
	})
}

// StateError refuses an operation that needs a running instance.
type StateError struct {
	Ref   engine.Ref
	State engine.State
	Doing string // what could not be done: "running its checks"
}

func (e *StateError) Error() string {
	return fmt.Sprintf("lab %s is not running (it is %s): start it before %s", e.Ref, e.State, e.Doing)
}

// FailedPrecondition classifies the error (errdefs).
func (e *StateError) FailedPrecondition() {}

// reportOutcome is the error of an operation that ran a test or checks.
func reportOutcome(rep *labtest.Report, keepErr error) error {
	switch {
	case rep == nil:
		return keepErr
	case rep.Status == labtest.Failed:
		return ReportError(rep)
	case keepErr != nil:
		return fmt.Errorf("the %s passed, but: %w", rep.Mode, keepErr)
	}
	return nil
}

// StartPull pulls an image in the background. A registry that cannot be
// reached gives an error within pullTimeout, not a hang.
func (a *App) StartPull(ctx context.Context, image string) (*Operation, error) {
	// A pull takes an image name (an id names nothing to pull).
	if _, err := reference.ParseNormalizedNamed(image); err != nil {
		return nil, &engine.InvalidImageRefError{Ref: image, Reason: "a pull takes an image reference such as alpine:3.20"}
	}
	eng, err := a.Engine(ctx)
	if err != nil {
		return nil, err
	}
	return a.ops.start(OpPull, nil, image, func(ctx context.Context, progress engine.Progress) error {
		ctx, cancel := context.WithTimeout(ctx, pullTimeout)
		defer cancel()
		return eng.Pull(ctx, image, progress)
	})
}

// pullTimeout bounds a pull.
const pullTimeout = 10 * time.Minute

// free reads an instance's status and refuses when another process (a dsp
// CLI) holds it.
func (a *App) free(ctx context.Context, t *Target, ref engine.Ref) (*engine.Status, error) {
	st, err := a.Status(ctx, t, ref)
	if err != nil {
		return nil, err
	}
	if st.Operation != "" && a.ops.running(ref) == nil {
		return nil, &engine.BusyError{Ref: ref, Operation: st.Operation}
	}
	return st, nil
}
