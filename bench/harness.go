package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os/exec"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/dsp-lab/dsp/bench/internal/benchkit"
)

// stepTimeout bounds one timed command; a hung start or stop fails the run.
const stepTimeout = 5 * time.Minute

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

// sample is one up/down cycle of one tool.
type sample struct {
	up, down time.Duration
	warmup   bool
}

// labResult holds every cycle of one lab.
type labResult struct {
	lab     *labSpec
	samples map[tool][]sample
}

// timed returns the durations of the counted (non warm-up) cycles.
func (r *labResult) timed(t tool, down bool) []time.Duration {
	var out []time.Duration
	for _, s := range r.samples[t] {
		if s.warmup {
			continue
		}
		if down {
			out = append(out, s.down)
		} else {
			out = append(out, s.up)
		}
	}
	return out
}

type harness struct {
	cfg     *config
	dsp     string
	compose string
	labs    []*labSpec

	// other running containers on the engine and the load average, seen
	// right before each start
	load benchkit.Load
}

// benchLab runs the warm-up and timed cycles of one lab, alternating which
// tool goes first from one round to the next.
func (h *harness) benchLab(ctx context.Context, l *labSpec) (*labResult, error) {
	if l.services == 0 {
		n, err := h.countServices(ctx, l)
		if err != nil {
			return nil, err
		}
		l.services = n
	}
	tools := []tool{toolDSP}
	if l.composeProject != "" {
		tools = append(tools, toolCompose)
	}
	r := &labResult{lab: l, samples: map[tool][]sample{}}
	rounds := h.cfg.warmup + h.cfg.runs
	for i := 0; i < rounds; i++ {
		order := slices.Clone(tools)
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
			fmt.Printf("%-28s %-12s %-8s up %7.2fs   down %7.2fs\n", l.row, label, t, s.up.Seconds(), s.down.Seconds())
		}
	}
	return r, nil
}

// cycle starts the lab from nothing with one tool, checks that every
// service runs, stops it and checks that nothing is left.
func (h *harness) cycle(ctx context.Context, l *labSpec, t tool) (sample, error) {
	var s sample
	filters := h.filters(l, t)
	left, err := h.resources(ctx, filters)
	if err != nil {
		return s, err
	}
	if !left.empty() {
		return s, fmt.Errorf("not starting from nothing: %s", left)
	}
	if err := h.load.Note(ctx); err != nil {
		return s, err
	}

	up, down := h.commands(l, t)
	var out string
	if s.up, out, err = h.timedRun(up); err != nil {
		return s, fmt.Errorf("up: %w", err)
	}
	got, err := h.resources(ctx, filters)
	if err != nil {
		return s, err
	}
	if len(got.running) != l.services || len(got.networks) < 1 {
		return s, fmt.Errorf("after up: want %d running containers and a network, got %s; %s said:\n%s", l.services, got, strings.Join(up, " "), benchkit.Indent(out))
	}
	if s.down, out, err = h.timedRun(down); err != nil {
		return s, fmt.Errorf("down: %w", err)
	}
	left, err = h.resources(ctx, filters)
	if err != nil {
		return s, err
	}
	if !left.empty() {
		return s, fmt.Errorf("down left something behind: %s; %s said:\n%s", left, strings.Join(down, " "), benchkit.Indent(out))
	}
	return s, nil
}

// commands are the up and down command lines of one tool.
func (h *harness) commands(l *labSpec, t tool) (up, down []string) {
	if t == toolDSP {
		base := []string{h.dsp, "--home", h.cfg.home, "lab"}
		return append(slices.Clone(base), "up", l.ref(), "--plain"),
			append(slices.Clone(base), "down", l.ref(), "--plain")
	}
	base := []string{h.compose, "-f", l.file, "-p", l.composeProject}
	return append(slices.Clone(base), "up", "-d"), append(slices.Clone(base), "down")
}

// timedRun measures the wall-clock time of a whole command, from process
// start to exit. Output goes to a buffer for both tools (no terminal); it
// is returned for error messages.
func (h *harness) timedRun(argv []string) (time.Duration, string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), stepTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
	cmd.Env = benchkit.TimedEnv()
	cmd.Cancel = func() error { return cmd.Process.Signal(syscall.SIGINT) }
	cmd.WaitDelay = time.Minute
	var out bytes.Buffer
	cmd.Stdout = &out
	cmd.Stderr = &out
	start := time.Now()
	err := cmd.Run()
	elapsed := time.Since(start)
	if err != nil {
		return elapsed, out.String(), fmt.Errorf("%s: %w\n%s", strings.Join(argv, " "), err, benchkit.Indent(out.String()))
	}
	return elapsed, out.String(), nil
}

// countServices asks compose how many services a lab's file has.
func (h *harness) countServices(ctx context.Context, l *labSpec) (int, error) {
	out, err := benchkit.Output(ctx, l.dir, h.compose, "-f", l.file, "config", "--services")
	if err != nil {
		return 0, err
	}
	n := len(strings.Fields(out))
	if n == 0 {
		return 0, fmt.Errorf("%s has no services", l.file)
	}
	return n, nil
}

// filters select what one tool created for a lab: dsp labels everything
// with the lab's folder, compose with its project name.
func (h *harness) filters(l *labSpec, t tool) []string {
	if t == toolDSP {
		return []string{"io.dsp.repo=" + benchRepo, "io.dsp.lab=" + l.name}
	}
	return []string{"com.docker.compose.project=" + l.composeProject}
}

// found lists Docker objects matching a lab's filters.
type found struct {
	containers, running, networks, volumes []string
}

func (f found) empty() bool {
	return len(f.containers)+len(f.networks)+len(f.volumes) == 0
}

func (f found) String() string {
	return fmt.Sprintf("%d containers (%d running), %d networks, %d volumes", len(f.containers), len(f.running), len(f.networks), len(f.volumes))
}

func (h *harness) resources(ctx context.Context, labels []string) (found, error) {
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
		{&f.running, append([]string{"ps", "-q", "--no-trunc", "--filter", "status=running"}, args...)},
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

// clearLeftovers removes what an interrupted earlier benchmark left, and
// refuses to start when a lab's names are used by something that is not
// the benchmark's (another main directory holding a bench/… lab).
func (h *harness) clearLeftovers(ctx context.Context) error {
	for _, l := range h.labs {
		f, err := h.resources(ctx, h.filters(l, toolDSP))
		if err != nil {
			return err
		}
		if f.empty() {
			continue
		}
		mine, err := h.resources(ctx, []string{"io.dsp.lab-dir=" + l.dir})
		if err != nil {
			return err
		}
		if len(mine.containers) != len(f.containers) || len(mine.networks) != len(f.networks) {
			return fmt.Errorf("lab %s runs on this engine from another main directory (%s): stop it first; the benchmark only removes its own", l.ref(), f)
		}
		fmt.Printf("removing what an earlier benchmark left of %s: %s\n", l.ref(), f)
	}
	for _, l := range h.labs {
		if l.composeProject == "" {
			continue
		}
		f, err := h.resources(ctx, h.filters(l, toolCompose))
		if err != nil {
			return err
		}
		if f.empty() {
			continue
		}
		mine, err := h.resources(ctx, append(h.filters(l, toolCompose), "com.docker.compose.project.working_dir="+l.dir))
		if err != nil {
			return err
		}
		if len(mine.containers) != len(f.containers) {
			return fmt.Errorf("compose project %s exists on this engine and is not the benchmark's (%s): stop it first", l.composeProject, f)
		}
		fmt.Printf("removing what an earlier benchmark left of compose project %s: %s\n", l.composeProject, f)
	}
	return h.cleanup()
}

// cleanup removes every container, network and volume of the benchmark's
// labs: first with the tools themselves, then by label. It runs even when
// the benchmark fails or is interrupted.
func (h *harness) cleanup() error {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	var errs []error
	for _, l := range h.labs {
		sets := [][]string{h.filters(l, toolDSP)}
		if l.composeProject != "" {
			sets = append(sets, h.filters(l, toolCompose))
		}
		for i, labels := range sets {
			f, err := h.resources(ctx, labels)
			if err != nil {
				errs = append(errs, err)
				continue
			}
			if f.empty() {
				continue
			}
			fmt.Printf("cleanup: %s (%s): %s\n", l.ref(), []tool{toolDSP, toolCompose}[i], f)
			own := labels
			if i == 0 {
				_, _ = benchkit.Output(ctx, "", h.dsp, "--home", h.cfg.home, "lab", "down", l.ref(), "--plain")
				// by label only what this main directory's lab created
				own = []string{"io.dsp.lab-dir=" + l.dir}
			} else {
				_, _ = benchkit.Output(ctx, "", h.compose, "-f", l.file, "-p", l.composeProject, "down", "-v", "-t", "0", "--remove-orphans")
			}
			if err := h.forceRemove(ctx, own); err != nil {
				errs = append(errs, err)
			}
			if f, err := h.resources(ctx, labels); err == nil && !f.empty() {
				errs = append(errs, fmt.Errorf("%s (%s): still left after cleanup: %s", l.ref(), []tool{toolDSP, toolCompose}[i], f))
			}
		}
	}
	return errors.Join(errs...)
}

// forceRemove removes by label whatever the tools did not.
func (h *harness) forceRemove(ctx context.Context, labels []string) error {
	f, err := h.resources(ctx, labels)
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
	if f, err = h.resources(ctx, labels); err == nil && !f.empty() {
		return fmt.Errorf("still left after cleanup (%s): %s", strings.Join(labels, ","), f)
	}
	return err
}
