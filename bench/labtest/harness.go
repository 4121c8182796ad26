package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/dsp-lab/dsp/bench/internal/benchkit"
)

// Bounds the compose path shares with dsp (internal/labtest, internal/lab):
// a check passes as soon as one attempt passes within its timeout, an
// attempt lasts at most maxAttempt, attempts are a second apart, and the
// solution has two minutes.
const (
	checkTimeout = 30 * time.Second
	maxAttempt   = 10 * time.Second
	retryPause   = time.Second
	solveTimeout = 2 * time.Minute
	// stepTimeout bounds `dsp lab test` and compose's up and down.
	stepTimeout = 10 * time.Minute
)

type tool int

const (
	toolDSP tool = iota
	toolCompose
)

func (t tool) String() string {
	if t == toolDSP {
		return "dsp"
	}
	return "compose"
}

// Phases of a run. dsp's come from its JSON report's steps; compose's are
// the commands the harness times.
const (
	phValidate = "validate"
	phUp       = "up"
	phHealthy  = "healthy"
	phStart    = "start"  // dsp: up + healthy; compose: up -d --wait
	phChecks   = "checks" // every check
	phCommands = "commands"
	phTCP      = "tcp"
	phHTTP     = "http"
	phSolve    = "solve"
	phDown     = "down"
	phRest     = "rest" // total minus every step
)

// sample is one run of one tool.
type sample struct {
	warmup bool
	total  time.Duration
	phase  map[string]time.Duration
	// each command check, in order
	commands []time.Duration
	// compose: attempts beyond the first (a check that had to be retried)
	retries int
}

// labResult holds every run of one lab.
type labResult struct {
	lab     *labSpec
	samples map[tool][]sample
}

// timed returns the counted (non warm-up) samples of one tool.
func (r *labResult) timed(t tool) []sample {
	var out []sample
	for _, s := range r.samples[t] {
		if !s.warmup {
			out = append(out, s)
		}
	}
	return out
}

type harness struct {
	cfg     *config
	dsp     string // private copy of bin/dsp
	compose string
	labs    []*labSpec
	reports string // folder of dsp's --json reports
	load    benchkit.Load
}

// benchLab runs the warm-up and timed runs of one lab, alternating which
// tool goes first from one round to the next.
func (h *harness) benchLab(ctx context.Context, l *labSpec) (*labResult, error) {
	r := &labResult{lab: l, samples: map[tool][]sample{}}
	rounds := h.cfg.warmup + h.cfg.runs
	for i := 0; i < rounds; i++ {
		order := []tool{toolDSP, toolCompose}
		if i%2 == 1 {
			slices.Reverse(order)
		}
		warm := i < h.cfg.warmup
		for _, t := range order {
			if err := ctx.Err(); err != nil {
				return nil, fmt.Errorf("interrupted: %w", err)
			}
			s, err := h.cycle(ctx, l, t)
			if err != nil {
				return nil, fmt.Errorf("%s, %s, round %d: %w", l.row, t, i+1, err)
			}
			s.warmup = warm
			r.samples[t] = append(r.samples[t], s)
			label := fmt.Sprintf("run %d/%d", i+1-h.cfg.warmup, h.cfg.runs)
			if warm {
				label = fmt.Sprintf("warm-up %d/%d", i+1, h.cfg.warmup)
			}
			fmt.Printf("%-34s %-12s %-8s total %6.2fs  start %5.2fs  checks %5.2fs  solve %5.2fs  down %5.2fs\n",
				l.row, label, t, s.total.Seconds(), s.phase[phStart].Seconds(), s.phase[phChecks].Seconds(), s.phase[phSolve].Seconds(), s.phase[phDown].Seconds())
		}
	}
	return r, nil
}

// cycle runs one tool's whole test of the lab, from nothing back to
// nothing, and checks both ends.
func (h *harness) cycle(ctx context.Context, l *labSpec, t tool) (sample, error) {
	filters := h.filters(l, t)
	left, err := resources(ctx, filters)
	if err != nil {
		return sample{}, err
	}
	if !left.empty() {
		return sample{}, fmt.Errorf("not starting from nothing: %s", left)
	}
	if err := h.load.Note(ctx); err != nil {
		return sample{}, err
	}
	var s sample
	if t == toolDSP {
		s, err = h.dspRun(ctx, l)
	} else {
		s, err = h.composeRun(ctx, l)
	}
	if err != nil {
		return s, err
	}
	left, err = resources(ctx, filters)
	if err != nil {
		return s, err
	}
	if !left.empty() {
		return s, fmt.Errorf("%s left something behind: %s", t, left)
	}
	return s, nil
}

// dspReport is the part of `dsp lab test --json` the harness reads.
type dspReport struct {
	Summary struct {
		Labs, Passed, Failed int
	} `json:"summary"`
	Labs []struct {
		Status     string `json:"status"`
		DurationMs int64  `json:"durationMs"`
		Steps      []struct {
			Kind       string `json:"kind"`
			Name       string `json:"name"`
			Status     string `json:"status"`
			DurationMs int64  `json:"durationMs"`
			Message    string `json:"message"`
		} `json:"steps"`
	} `json:"labs"`
}

// dspRun times `dsp lab test` and reads where its time went from its JSON
// report.
func (h *harness) dspRun(ctx context.Context, l *labSpec) (sample, error) {
	s := sample{phase: map[string]time.Duration{}}
	report := filepath.Join(h.reports, l.name+".json")
	_ = os.Remove(report)
	argv := []string{h.dsp, "--home", h.cfg.home, "lab", "test", l.ref(), "--plain", "--json", report}
	elapsed, out, code, err := timedRun(ctx, argv, stepTimeout)
	s.total = elapsed
	if err == nil && code != 0 {
		err = fmt.Errorf("exit status %d", code)
	}
	if err != nil {
		return s, fmt.Errorf("%s: %w\n%s", strings.Join(argv, " "), err, benchkit.Indent(out))
	}
	data, err := os.ReadFile(report)
	if err != nil {
		return s, fmt.Errorf("dsp's JSON report: %w", err)
	}
	var rep dspReport
	if err := json.Unmarshal(data, &rep); err != nil {
		return s, fmt.Errorf("dsp's JSON report: %w", err)
	}
	if len(rep.Labs) != 1 || rep.Labs[0].Status != "passed" {
		return s, fmt.Errorf("dsp's report does not say passed:\n%s", benchkit.Indent(string(data)))
	}
	kinds := map[string]string{}
	for _, c := range l.checks {
		kinds[c.name] = c.kind
	}
	var steps time.Duration
	checks := 0
	for _, st := range rep.Labs[0].Steps {
		d := time.Duration(st.DurationMs) * time.Millisecond
		if st.Status != "passed" {
			return s, fmt.Errorf("dsp step %s %q is %s: %s", st.Kind, st.Name, st.Status, st.Message)
		}
		steps += d
		switch st.Kind {
		case "validate":
			s.phase[phValidate] += d
		case "up":
			s.phase[phUp] += d
			s.phase[phStart] += d
		case "healthy":
			s.phase[phHealthy] += d
			s.phase[phStart] += d
		case "check":
			checks++
			s.phase[phChecks] += d
			switch kinds[st.Name] {
			case "command":
				s.phase[phCommands] += d
				s.commands = append(s.commands, d)
			case "tcp":
				s.phase[phTCP] += d
			case "http":
				s.phase[phHTTP] += d
			default:
				return s, fmt.Errorf("dsp ran a check the lab does not have: %q", st.Name)
			}
		case "solve":
			s.phase[phSolve] += d
		case "down":
			s.phase[phDown] += d
		default:
			return s, fmt.Errorf("dsp ran an unexpected step %s (the lab has no flag)", st.Kind)
		}
	}
	for _, k := range []string{phValidate, phUp, phHealthy, phSolve, phDown} {
		if _, ok := s.phase[k]; !ok {
			return s, fmt.Errorf("dsp's report has no %s step", k)
		}
	}
	if checks != len(l.checks) {
		return s, fmt.Errorf("dsp ran %d checks, the lab has %d", checks, len(l.checks))
	}
	s.phase[phRest] = s.total - steps
	return s, nil
}

// composeRun does the same work with the compose CLI: up and wait, every
// check, the solution, down without a grace period. Whatever fails, it
// still takes the lab down.
func (h *harness) composeRun(ctx context.Context, l *labSpec) (s sample, err error) {
	s = sample{phase: map[string]time.Duration{}}
	base := h.composeBase(l)
	started := time.Now()
	var phases time.Duration
	timed := func(name string, d time.Duration) {
		s.phase[name] += d
		phases += d
	}
	downed := false
	defer func() {
		if !downed {
			_, _, _, _ = timedRun(context.WithoutCancel(ctx), append(slices.Clone(base), "down", "--timeout", "0"), stepTimeout)
		}
	}()

	d, out, code, err := timedRun(ctx, append(slices.Clone(base), "up", "-d", "--wait"), stepTimeout)
	if err == nil && code != 0 {
		err = fmt.Errorf("exit status %d", code)
	}
	if err != nil {
		return s, fmt.Errorf("compose up: %w\n%s", err, benchkit.Indent(out))
	}
	timed(phStart, d)

	for _, c := range l.checks {
		if err := ctx.Err(); err != nil {
			return s, err
		}
		d, retries, err := h.composeCheck(ctx, base, c)
		if err != nil {
			return s, fmt.Errorf("check %q: %w", c.name, err)
		}
		s.retries += retries
		timed(phChecks, d)
		switch c.kind {
		case "command":
			s.phase[phCommands] += d
			s.commands = append(s.commands, d)
		case "tcp":
			s.phase[phTCP] += d
		case "http":
			s.phase[phHTTP] += d
		}
	}

	d, out, code, err = timedRun(ctx, append(append(slices.Clone(base), "exec", "-T", "client"), l.solve...), solveTimeout)
	if err == nil && code != 0 {
		err = fmt.Errorf("exit status %d", code)
	}
	if err != nil {
		return s, fmt.Errorf("solution: %w\n%s", err, benchkit.Indent(out))
	}
	timed(phSolve, d)

	downed = true
	d, out, code, err = timedRun(context.WithoutCancel(ctx), append(slices.Clone(base), "down", "--timeout", "0"), stepTimeout)
	if err == nil && code != 0 {
		err = fmt.Errorf("exit status %d", code)
	}
	if err != nil {
		return s, fmt.Errorf("compose down: %w\n%s", err, benchkit.Indent(out))
	}
	timed(phDown, d)
	s.total = time.Since(started)
	s.phase[phRest] = s.total - phases
	return s, nil
}

func (h *harness) composeBase(l *labSpec) []string {
	return []string{h.compose, "-p", l.project, "-f", l.file}
}

// composeCheck runs one check the way dsp does (tries until one attempt
// passes or the timeout runs out) with `docker-compose exec -T`: the
// command itself, busybox nc for tcp, busybox wget for http (under timeout:
// busybox wget's own -T crashes).
func (h *harness) composeCheck(ctx context.Context, base []string, c check) (time.Duration, int, error) {
	argv := append(slices.Clone(base), "exec", "-T", c.service)
	var match string
	switch c.kind {
	case "command":
		argv = append(argv, c.argv...)
		match = c.output
	case "tcp":
		host, port, _ := strings.Cut(c.target, ":")
		argv = append(argv, "nc", "-w", "2", host, port)
	case "http":
		argv = append(argv, "timeout", "5", "wget", "-q", "-O", "-", c.target)
		match = c.body
	}
	var re *regexp.Regexp
	if match != "" {
		re = regexp.MustCompile(match)
	}
	started := time.Now()
	for attempt := 0; ; attempt++ {
		_, out, code, err := timedRun(ctx, argv, maxAttempt)
		switch {
		case err != nil && ctx.Err() != nil:
			return time.Since(started), attempt, err
		case err == nil && code == 0 && (re == nil || re.MatchString(out)):
			return time.Since(started), attempt, nil
		}
		if time.Since(started)+retryPause >= checkTimeout {
			if err == nil {
				err = fmt.Errorf("exit status %d", code)
			}
			return time.Since(started), attempt, fmt.Errorf("%s: %w (after %d attempts)\n%s", strings.Join(argv, " "), err, attempt+1, benchkit.Indent(out))
		}
		select {
		case <-ctx.Done():
			return time.Since(started), attempt, ctx.Err()
		case <-time.After(retryPause):
		}
	}
}

// timedRun measures the wall-clock time of a command from process start to
// exit. Output (stdout and stderr) goes to a buffer for both tools. err is
// for a command that could not run or was stopped; a command that ran and
// failed returns its exit code.
func timedRun(ctx context.Context, argv []string, timeout time.Duration) (time.Duration, string, int, error) {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
	cmd.Env = benchkit.TimedEnv()
	cmd.Cancel = func() error { return cmd.Process.Signal(syscall.SIGINT) }
	cmd.WaitDelay = 30 * time.Second
	var out bytes.Buffer
	cmd.Stdout = &out
	cmd.Stderr = &out
	start := time.Now()
	err := cmd.Run()
	elapsed := time.Since(start)
	var exit *exec.ExitError
	if errors.As(err, &exit) && ctx.Err() == nil {
		return elapsed, out.String(), exit.ExitCode(), nil
	}
	if err == nil && ctx.Err() != nil {
		err = ctx.Err()
	}
	if err != nil {
		return elapsed, out.String(), -1, fmt.Errorf("%s: %w", strings.Join(argv, " "), err)
	}
	return elapsed, out.String(), 0, nil
}

// filters select what one tool created for a lab: dsp labels everything
// with the lab folder (which is in the benchmark's own main directory),
// compose with the run's project name.
func (h *harness) filters(l *labSpec, t tool) []string {
	if t == toolDSP {
		return []string{"io.dsp.lab-dir=" + l.dir}
	}
	return []string{"com.docker.compose.project=" + l.project}
}

// found lists Docker objects matching a lab's filters.
type found struct {
	containers, networks, volumes []string
}

func (f found) empty() bool {
	return len(f.containers)+len(f.networks)+len(f.volumes) == 0
}

func (f found) String() string {
	return fmt.Sprintf("%d containers, %d networks, %d volumes", len(f.containers), len(f.networks), len(f.volumes))
}

func resources(ctx context.Context, labels []string) (found, error) {
	var f found
	var args []string
	for _, l := range labels {
		args = append(args, "--filter", "label="+l)
	}
	lists := []struct {
		dst  *[]string
		argv []string
	}{
		{&f.containers, append([]string{"ps", "-a", "-q", "--no-trunc"}, args...)},
		{&f.networks, append([]string{"network", "ls", "-q", "--no-trunc"}, args...)},
		{&f.volumes, append([]string{"volume", "ls", "-q"}, args...)},
	}
	for _, l := range lists {
		out, err := benchkit.Output(ctx, "", "docker", l.argv...)
		if err != nil {
			return f, err
		}
		*l.dst = strings.Fields(out)
	}
	return f, nil
}

// clearLeftovers removes what an earlier run killed before its cleanup
// left of these labs: everything labelled with a lab folder of the
// benchmark's own main directory.
func (h *harness) clearLeftovers(ctx context.Context) error {
	for _, l := range h.labs {
		out, err := benchkit.Output(ctx, "", "docker", "ps", "-a", "--filter", "label=com.docker.compose.project.working_dir="+l.dir, "--format", `{{.Label "com.docker.compose.project"}}`)
		if err != nil {
			return err
		}
		projects := map[string]bool{}
		for _, p := range strings.Fields(out) {
			if !strings.HasPrefix(p, "dsp_") {
				projects[p] = true
			}
		}
		for p := range projects {
			fmt.Printf("removing what an earlier benchmark left of compose project %s\n", p)
			if err := forceRemove(ctx, []string{"com.docker.compose.project=" + p}); err != nil {
				return err
			}
		}
		if f, err := resources(ctx, h.filters(l, toolDSP)); err != nil {
			return err
		} else if !f.empty() {
			fmt.Printf("removing what an earlier benchmark left of %s: %s\n", l.ref(), f)
		}
	}
	return h.cleanup()
}

// cleanup removes everything of the benchmark's labs: first with the
// tools, then by label. It runs even when the benchmark fails or is
// interrupted.
func (h *harness) cleanup() error {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	var errs []error
	for _, l := range h.labs {
		for _, t := range []tool{toolDSP, toolCompose} {
			labels := h.filters(l, t)
			f, err := resources(ctx, labels)
			if err != nil {
				errs = append(errs, err)
				continue
			}
			if f.empty() {
				continue
			}
			fmt.Printf("cleanup: %s (%s): %s\n", l.ref(), t, f)
			if t == toolCompose {
				_, _ = benchkit.Output(ctx, l.dir, h.compose, "-p", l.project, "-f", l.file, "down", "-v", "-t", "0", "--remove-orphans")
			}
			if err := forceRemove(ctx, labels); err != nil {
				errs = append(errs, err)
			}
		}
	}
	return errors.Join(errs...)
}

// forceRemove removes by label whatever the tools did not.
func forceRemove(ctx context.Context, labels []string) error {
	f, err := resources(ctx, labels)
	if err != nil || f.empty() {
		return err
	}
	if len(f.containers) > 0 {
		if _, err := benchkit.Output(ctx, "", "docker", append([]string{"rm", "-f", "-v"}, f.containers...)...); err != nil {
			return err
		}
	}
	if len(f.networks) > 0 {
		if _, err := benchkit.Output(ctx, "", "docker", append([]string{"network", "rm"}, f.networks...)...); err != nil {
			return err
		}
	}
	if len(f.volumes) > 0 {
		if _, err := benchkit.Output(ctx, "", "docker", append([]string{"volume", "rm", "-f"}, f.volumes...)...); err != nil {
			return err
		}
	}
	if f, err = resources(ctx, labels); err == nil && !f.empty() {
		return fmt.Errorf("still left after cleanup (%s): %s", strings.Join(labels, ","), f)
	}
	return err
}
