package app

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"

	"github.com/dsp-lab/dsp/internal/engine"
	"github.com/dsp-lab/dsp/internal/lab"
	"github.com/dsp-lab/dsp/internal/labtest"
)

// TestOptions tune a test or a checks run.
type TestOptions struct {
	TrustOnce bool
	// Instance is the instance a test starts; "" is labtest.TestInstance,
	// apart from the instance a person uses.
	Instance string
	Progress engine.Progress
}

// Test runs a lab's whole test cycle on its own fresh instance (validate,
// up, healthy, checks, solution, flag, down), keeps the report as the
// lab's last one and returns it. An invalid lab is tested too: its report
// says why validation failed. The error is about keeping the report; the
// report says whether the test passed.
func (a *App) Test(ctx context.Context, t *Target, opts TestOptions) (*labtest.Report, error) {
	eng, err := a.Engine(ctx)
	if err != nil {
		return nil, err
	}
	ref, err := labtest.TestRef(t.Lab)
	if opts.Instance != "" {
		ref, err = t.Ref(opts.Instance)
	}
	if err != nil {
		return nil, err
	}
	rep := labtest.Test(ctx, eng, ref, t.Lab, t.LoadErr, labtest.Options{Trusted: t.Trusted || opts.TrustOnce, Progress: opts.Progress, Problems: t.Problems})
	return rep, a.keep(rep)
}

// ErrNoChecks means a lab declares no checks.
type ErrNoChecks struct{ Lab, File string }

func (e *ErrNoChecks) Error() string {
	return fmt.Sprintf("lab %s declares no checks (x-dsp.checks in %s)", e.Lab, e.File)
}

// FailedPrecondition classifies the error (errdefs).
func (e *ErrNoChecks) FailedPrecondition() {}

// Check runs a lab's checks against a running instance and keeps the
// report as the lab's last one.
func (a *App) Check(ctx context.Context, t *Target, ref engine.Ref, progress engine.Progress) (*labtest.Report, error) {
	if len(t.Checks) == 0 {
		return nil, &ErrNoChecks{Lab: t.ID(), File: t.ComposeFile}
	}
	eng, err := a.Engine(ctx)
	if err != nil {
		return nil, err
	}
	rep := labtest.Checks(ctx, eng, ref, t.Lab, labtest.Options{Trusted: t.Trusted, Progress: progress})
	return rep, a.keep(rep)
}

// keep saves a report as its lab's last one.
func (a *App) keep(rep *labtest.Report) error {
	if err := a.tests().Save(rep); err != nil {
		return fmt.Errorf("keep the report of %s: %w", rep.ID(), err)
	}
	return nil
}

// SuiteOptions tune a run over many labs.
type SuiteOptions struct {
	TrustOnce bool
	labtest.SuiteOptions
}

// Suite tests many labs, in parallel where their fixed subnets and host
// ports allow, and keeps each report as its lab's last one.
func (a *App) Suite(ctx context.Context, targets []*Target, opts SuiteOptions) ([]*labtest.Report, error) {
	eng, err := a.Engine(ctx)
	if err != nil {
		return nil, err
	}
	list := make([]labtest.Target, len(targets))
	for i, t := range targets {
		list[i] = labtest.Target{Lab: t.Lab, Problems: t.Problems, LoadErr: t.LoadErr, Trusted: t.Trusted || opts.TrustOnce}
	}
	var (
		mu       sync.Mutex
		keepErrs []error
	)
	done := opts.Done
	opts.Done = func(r *labtest.Report) {
		if err := a.keep(r); err != nil {
			mu.Lock()
			keepErrs = append(keepErrs, err)
			mu.Unlock()
		}
		if done != nil {
			done(r)
		}
	}
	reports := labtest.RunSuite(ctx, eng, list, opts.SuiteOptions)
	return reports, errors.Join(keepErrs...)
}

// TestTargets finds the labs to test from repository names and paths (a
// repository folder, or a lab folder); no argument means every repository
// of the main directory. Only labs that declare checks or a solution are
// taken, unless all is set.
func (a *App) TestTargets(ctx context.Context, args []string, all bool) ([]*Target, error) {
	if len(args) == 0 {
		repos, err := a.catalog.Repos()
		if err != nil {
			return nil, err
		}
		for _, r := range repos {
			args = append(args, r.Name)
		}
	}
	var out []*Target
	for _, arg := range args {
		targets, err := a.testTargets(ctx, arg)
		if err != nil {
			return nil, err
		}
		for _, t := range targets {
			if all || len(t.Checks) > 0 || t.Solve != nil {
				out = append(out, t)
			}
		}
	}
	return out, nil
}

// testTargets loads the labs of one argument of dsp test.
func (a *App) testTargets(ctx context.Context, arg string) ([]*Target, error) {
	if !IsPath(arg) {
		names, err := a.catalog.LabNames(arg)
		if err != nil {
			return nil, fmt.Errorf("repository %q: %w", arg, err)
		}
		var out []*Target
		for _, n := range names {
			t, err := a.Lab(ctx, arg+"/"+n)
			if err != nil {
				return nil, err
			}
			out = append(out, t)
		}
		return out, nil
	}
	dir, err := realDir(arg)
	if err != nil {
		return nil, err
	}
	// A repository folder has a .dsp marker too: its lab subfolders decide.
	// A folder without any is a lab itself.
	names, err := labFolders(dir)
	if err != nil {
		return nil, err
	}
	if len(names) == 0 && lab.IsLabDir(dir) {
		names, dir = []string{filepath.Base(dir)}, filepath.Dir(dir)
	}
	if len(names) == 0 {
		return nil, &NotALabError{Dir: dir, Repo: true}
	}
	var out []*Target
	for _, n := range names {
		t, err := a.LabAt(ctx, filepath.Join(dir, n))
		if err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, nil
}

// labFolders lists the lab folders directly inside a repository folder.
func labFolders(dir string) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("read repository folder: %w", err)
	}
	var out []string
	for _, e := range entries {
		p := filepath.Join(dir, e.Name())
		if e.IsDir() && !strings.HasPrefix(e.Name(), ".") && lab.IsLabDir(p) {
			out = append(out, e.Name())
		}
	}
	sort.Strings(out)
	return out, nil
}

// maxFlagLength bounds a submitted flag (generated flags are about 40
// characters).
const maxFlagLength = 1024

// FlagError refuses a submission that is not a flag at all.
type FlagError struct{ Reason string }

func (e *FlagError) Error() string { return e.Reason }

// InvalidParameter classifies the error (errdefs).
func (e *FlagError) InvalidParameter() {}

// SubmitFlag reports whether flag is the flag of a running instance. It is
// a *FlagError for an empty or oversized flag, engine.ErrNoFlag when the
// lab plants none, and an *engine.NotRunningError when the instance is not
// running.
func (a *App) SubmitFlag(ctx context.Context, t *Target, ref engine.Ref, flag string) (bool, error) {
	if len(flag) > maxFlagLength {
		return false, &FlagError{Reason: fmt.Sprintf("the flag is longer than %d bytes", maxFlagLength)}
	}
	flag = strings.TrimSpace(flag)
	if flag == "" {
		return false, &FlagError{Reason: "the flag is empty"}
	}
	if t.Flag == nil && len(t.CTFFlags()) == 0 {
		return false, fmt.Errorf("lab %s: %w", t.ID(), engine.ErrNoFlag)
	}
	eng, err := a.Engine(ctx)
	if err != nil {
		return false, err
	}
	return eng.SubmitFlag(ctx, ref, flag)
}

// ReportError says which step of a failed report failed first, and why.
func ReportError(rep *labtest.Report) error {
	failures := rep.Failures()
	if len(failures) == 0 {
		return fmt.Errorf("the %s failed", rep.Mode)
	}
	f := failures[0]
	what := f.Kind
	if f.Name != "" && f.Name != f.Kind {
		what = fmt.Sprintf("%s %q", f.Kind, f.Name)
	}
	msg := f.Message
	if msg == "" {
		msg = "failed"
	}
	if n := len(failures) - 1; n > 0 {
		steps := "steps"
		if n == 1 {
			steps = "step"
		}
		return fmt.Errorf("%s: %s (and %d more failed %s)", what, msg, n, steps)
	}
	return fmt.Errorf("%s: %s", what, msg)
}
