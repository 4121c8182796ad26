package labtest

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path"
	"strings"
	"time"

	"github.com/dsp-lab/dsp/internal/archive"
	"github.com/dsp-lab/dsp/internal/ctf"
	"github.com/dsp-lab/dsp/internal/engine"
	"github.com/dsp-lab/dsp/internal/lab"
	"github.com/dsp-lab/dsp/internal/safepath"
)

// TestInstance is the instance a test starts: a lab under test never
// touches the instance a person is using.
const TestInstance = "test"

// ProgressStep is the step of the progress events a test sends about its
// own steps; the start and the stop send their own.
const ProgressStep engine.Step = "test"

// healthyTimeout bounds the wait for healthchecks.
const healthyTimeout = 3 * time.Minute

// maxScriptSize bounds a solution script.
const maxScriptSize = 1 << 20

// Options tune a test.
type Options struct {
	Trusted  bool            // the lab's repository is trusted
	Progress engine.Progress // receives every step
	// Problems are the lab's problems from loading (its warnings are
	// counted in the validate step).
	Problems lab.Problems
}

// TestRef names the instance a test of l starts.
func TestRef(l *lab.Lab) (engine.Ref, error) {
	return engine.NewRef(l.Repo, l.Name, TestInstance)
}

// run is one test or check run in progress.
type run struct {
	eng      engine.Engine
	lab      *lab.Lab
	ref      engine.Ref
	report   *Report
	progress engine.Progress
	failed   bool
}

func newRun(eng engine.Engine, ref engine.Ref, l *lab.Lab, mode string, progress engine.Progress) *run {
	return &run{
		eng:      eng,
		lab:      l,
		ref:      ref,
		report:   &Report{Repo: l.Repo, Lab: l.Name, Mode: mode, Instance: ref.Instance, Status: Passed, Started: time.Now(), Steps: []Step{}},
		progress: progress,
	}
}

// record adds a step to the report and tells the progress receiver.
func (r *run) record(s Step) {
	if s.Status == Failed {
		r.failed = true
		r.report.Status = Failed
	}
	r.report.Steps = append(r.report.Steps, s)
	if r.progress != nil {
		status := engine.StatusDone
		switch s.Status {
		case Failed:
			status = engine.StatusError
		case Skipped:
			status = engine.StatusInfo
		}
		msg := string(s.Status)
		if s.Message != "" {
			msg += ": " + s.Message
		}
		r.progress(engine.Event{Time: time.Now(), Step: ProgressStep, Target: stepTitle(s), Status: status, Message: msg})
	}
}

// announce tells the progress receiver that a step begins.
func (r *run) announce(kind, name, what string) {
	if r.progress != nil {
		r.progress(engine.Event{Time: time.Now(), Step: ProgressStep, Target: stepTitle(Step{Kind: kind, Name: name}), Status: engine.StatusWorking, Message: what})
	}
}

// skip records the steps that cannot run after a failure.
func (r *run) skip(kind, name, why string) {
	r.record(Step{Kind: kind, Name: name, Status: Skipped, Message: why})
}

// cancelled records a step that did not run because the test was
// interrupted; an interrupted test has not passed.
func (r *run) cancelled(kind, name string) {
	r.skip(kind, name, "cancelled")
	r.failed = true
	r.report.Status = Failed
}

func (r *run) finish() *Report {
	r.report.Duration = since(r.report.Started)
	return r.report
}

func stepTitle(s Step) string {
	if s.Kind == StepCheck {
		return "check: " + s.Name
	}
	return s.Kind
}

// Test validates the lab, starts the fresh instance ref (TestRef), waits
// until it is healthy, runs the checks, the solution script and the flag
// check, and always tears the instance down. loadErr is the error lab.Load
// returned.
func Test(ctx context.Context, eng engine.Engine, ref engine.Ref, l *lab.Lab, loadErr error, opts Options) *Report {
	r := newRun(eng, ref, l, ModeTest, opts.Progress)
	started := time.Now()
	if loadErr != nil {
		r.record(Step{Kind: StepValidate, Name: StepValidate, Status: Failed, Duration: since(started), Message: loadErr.Error()})
		return r.finish()
	}
	r.record(Step{Kind: StepValidate, Name: StepValidate, Status: Passed, Duration: since(started), Message: validMessage(l, opts.Problems)})

	var flag string
	if l.Flag != nil {
		var err error
		if flag, err = ctf.NewFlag(l.Flag.Prefix); err != nil {
			r.record(Step{Kind: StepUp, Name: StepUp, Status: Failed, Message: err.Error()})
			return r.finish()
		}
	}
	if r.up(ctx, opts.Trusted, flag) && r.healthy(ctx) {
		r.checks(ctx)
		output := r.solve(ctx)
		r.flag(ctx, flag, output)
	}
	r.down(ctx)
	return r.finish()
}

// Checks runs the lab's checks against the running instance ref.
func Checks(ctx context.Context, eng engine.Engine, ref engine.Ref, l *lab.Lab, opts Options) *Report {
	r := newRun(eng, ref, l, ModeChecks, opts.Progress)
	st, err := eng.Status(ctx, r.ref, l)
	switch {
	case err != nil:
		r.record(Step{Kind: StepHealthy, Name: StepHealthy, Status: Failed, Message: err.Error()})
	case !st.State.Live():
		r.record(Step{Kind: StepHealthy, Name: StepHealthy, Status: Failed, Message: fmt.Sprintf("lab %s is %s: start it first", r.ref, st.State)})
	default:
		r.checks(ctx)
	}
	return r.finish()
}

func validMessage(l *lab.Lab, problems lab.Problems) string {
	msg := fmt.Sprintf("%d services, %d checks", len(l.Services()), len(l.Checks))
	if n := len(problems.Warnings()); n > 0 {
		msg += fmt.Sprintf(", %d warnings", n)
	}
	return msg
}

// up starts a fresh instance, removing one a previous run left behind.
func (r *run) up(ctx context.Context, trusted bool, flag string) bool {
	started := time.Now()
	r.announce(StepUp, StepUp, "starting instance "+r.ref.Instance)
	if st, err := r.eng.Status(ctx, r.ref, r.lab); err == nil && st.State != engine.StateStopped {
		r.announce(StepUp, StepUp, fmt.Sprintf("a previous test left the instance %s: removing it", st.State))
		if err := r.eng.Down(ctx, r.ref, r.lab, engine.DownOptions{Progress: r.progress}); err != nil {
			r.record(Step{Kind: StepUp, Name: StepUp, Status: Failed, Duration: since(started), Message: err.Error()})
			return false
		}
	}
	err := r.eng.Up(ctx, r.ref, r.lab, engine.UpOptions{Trusted: trusted, Progress: r.progress, Flag: flag})
	if err != nil {
		r.record(Step{Kind: StepUp, Name: StepUp, Status: Failed, Duration: since(started), Message: err.Error()})
		return false
	}
	r.record(Step{Kind: StepUp, Name: StepUp, Status: Passed, Duration: since(started), Message: "started in " + time.Since(started).Round(10*time.Millisecond).String()})
	return true
}

// healthy waits until every container runs and every healthcheck passes.
func (r *run) healthy(ctx context.Context) bool {
	started := time.Now()
	r.announce(StepHealthy, StepHealthy, "waiting for every service to run and every healthcheck to pass")
	ctx, cancel := context.WithTimeout(ctx, healthyTimeout)
	defer cancel()
	fail := func(msg string) bool {
		r.record(Step{Kind: StepHealthy, Name: StepHealthy, Status: Failed, Duration: since(started), Message: msg})
		return false
	}
	for {
		st, err := r.eng.Status(ctx, r.ref, r.lab)
		if err != nil {
			return fail(err.Error())
		}
		var waiting []string
		for _, s := range st.Services {
			switch {
			case s.State != "running":
				return fail(fmt.Sprintf("service %s is %s (%s)", s.Name, s.State, s.Status))
			case s.Health == "unhealthy":
				return fail(fmt.Sprintf("service %s is unhealthy", s.Name))
			case s.Health == "starting":
				waiting = append(waiting, s.Name)
			}
		}
		if len(waiting) == 0 {
			r.record(Step{Kind: StepHealthy, Name: StepHealthy, Status: Passed, Duration: since(started), Message: fmt.Sprintf("%d services running", len(st.Services))})
			return true
		}
		select {
		case <-ctx.Done():
			return fail(fmt.Sprintf("healthchecks of %s still starting after %s", strings.Join(waiting, ", "), healthyTimeout))
		case <-time.After(retryPause):
		}
	}
}

// checks runs every check; they run one after the other, in the lab's
// order, so that a check may rely on the ones before.
func (r *run) checks(ctx context.Context) {
	for _, c := range r.lab.Checks {
		if ctx.Err() != nil {
			r.cancelled(StepCheck, c.Name)
			continue
		}
		r.announce(StepCheck, c.Name, c.Describe())
		r.record(runCheck(ctx, r.eng, r.ref, c))
	}
}

// solve runs the solution script and returns its output.
func (r *run) solve(ctx context.Context) string {
	s := r.lab.Solve
	if s == nil {
		return ""
	}
	if ctx.Err() != nil {
		r.cancelled(StepSolve, StepSolve)
		return ""
	}
	if r.failed {
		r.skip(StepSolve, StepSolve, "a step before failed")
		return ""
	}
	started := time.Now()
	fail := func(msg, output string) string {
		r.record(Step{Kind: StepSolve, Name: StepSolve, Status: Failed, Duration: since(started), Message: msg, Output: tail(output)})
		return ""
	}
	argv := s.Command
	if s.Script != "" {
		data, err := readScript(r.lab.Dir, s.Script)
		if err != nil {
			return fail(err.Error(), "")
		}
		target := path.Join("/tmp", "dsp-solve-"+path.Base(s.Script))
		if err := writeFile(ctx, r.eng, r.ref, s.Service, target, data); err != nil {
			return fail(err.Error(), "")
		}
		argv = []string{target}
	}
	r.announce(StepSolve, StepSolve, fmt.Sprintf("running %s in %s", strings.Join(argv, " "), s.Service))
	ctx, cancel := context.WithTimeout(ctx, s.Timeout)
	defer cancel()
	code, output, err := r.eng.Exec(ctx, r.ref, s.Service, argv, func(line string) {
		if r.progress != nil {
			r.progress(engine.Event{Time: time.Now(), Step: ProgressStep, Target: StepSolve, Status: engine.StatusInfo, Message: line})
		}
	})
	switch {
	case errors.Is(err, context.DeadlineExceeded) || (err != nil && ctx.Err() != nil):
		return fail(fmt.Sprintf("the solution did not finish within %s", s.Timeout), output)
	case err != nil:
		return fail(fmt.Sprintf("run the solution in %s: %v", s.Service, err), output)
	case code != 0:
		return fail(fmt.Sprintf("the solution exited with code %d: the lab could not be solved", code), output)
	}
	r.record(Step{Kind: StepSolve, Name: StepSolve, Status: Passed, Duration: since(started), Message: "the solution exited with code 0", Output: tail(output)})
	return output
}

// flag checks that the solution found the instance's flag, and submits it
// the way a user would.
func (r *run) flag(ctx context.Context, flag, output string) {
	accepted := r.lab.WithFlag(flag).CTFFlags()
	if flag != "" {
		accepted = append([]string{flag}, accepted...)
	}
	if len(accepted) == 0 || r.lab.Solve == nil {
		return
	}
	if ctx.Err() != nil {
		r.cancelled(StepFlag, StepFlag)
		return
	}
	if r.failed {
		r.skip(StepFlag, StepFlag, "a step before failed")
		return
	}
	started := time.Now()
	found := ""
	for _, f := range accepted {
		if strings.Contains(output, f) {
			found = f
			break
		}
	}
	if found == "" {
		r.record(Step{Kind: StepFlag, Name: StepFlag, Status: Failed, Duration: since(started), Message: "the solution's output does not contain the instance's flag", Output: tail(output)})
		return
	}
	ok, err := r.eng.SubmitFlag(ctx, r.ref, found)
	switch {
	case err != nil:
		r.record(Step{Kind: StepFlag, Name: StepFlag, Status: Failed, Duration: since(started), Message: "submit the flag: " + err.Error()})
	case !ok:
		r.record(Step{Kind: StepFlag, Name: StepFlag, Status: Failed, Duration: since(started), Message: "the flag the solution found was refused"})
	default:
		r.record(Step{Kind: StepFlag, Name: StepFlag, Status: Passed, Duration: since(started), Message: "the solution found the instance's flag and it was accepted"})
	}
}

// down removes the instance, even when ctx was cancelled.
func (r *run) down(ctx context.Context) {
	started := time.Now()
	r.announce(StepDown, StepDown, "removing instance "+r.ref.Instance)
	cleanup, cancel := context.WithTimeout(context.WithoutCancel(ctx), 3*time.Minute)
	defer cancel()
	if err := r.eng.Down(cleanup, r.ref, r.lab, engine.DownOptions{Progress: r.progress}); err != nil {
		r.record(Step{Kind: StepDown, Name: StepDown, Status: Failed, Duration: since(started), Message: err.Error()})
	} else {
		r.record(Step{Kind: StepDown, Name: StepDown, Status: Passed, Duration: since(started), Message: "nothing left"})
	}
}

// readScript reads a solution script that stays inside the lab folder.
func readScript(dir, file string) ([]byte, error) {
	if _, err := safepath.Within(dir, file); err != nil {
		return nil, fmt.Errorf("solution script: %w", err)
	}
	st, err := os.Stat(file)
	if err != nil {
		return nil, fmt.Errorf("solution script: %w", err)
	}
	if st.Size() > maxScriptSize {
		return nil, fmt.Errorf("solution script %s is larger than 1 MiB", file)
	}
	return os.ReadFile(file)
}

// writeFile writes an executable file into a service's container.
func writeFile(ctx context.Context, eng engine.Engine, ref engine.Ref, service, target string, data []byte) error {
	content, err := archive.File(path.Base(target), data, 0o755)
	if err != nil {
		return err
	}
	if err := eng.CopyIn(ctx, ref, service, path.Dir(target), content); err != nil {
		return fmt.Errorf("service %s: write %s: %w", service, target, err)
	}
	return nil
}

func newGet(ctx context.Context, url string) (*http.Request, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, fmt.Errorf("check URL %s: %w", url, err)
	}
	req.Header.Set("User-Agent", "dsp-check")
	return req, nil
}
