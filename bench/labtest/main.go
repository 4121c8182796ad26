// Command labtest times `dsp lab test` against the same work scripted with
// the plain Docker Compose CLI, on the same lab in the same run, and writes
// BENCHMARKS-labtest.md at the root of the repository.
//
// Run it from the repository, after building dsp:
//
//	make build && go run ./bench/labtest -runs 5
//
// It generates, in a throw-away main directory, a native lab (compose.yaml
// with x-dsp) of busybox services: an httpd "server", a "client" and
// sleeping nodes, with -checks command checks spread over the services, a
// tcp and an http check from the client to the server, and a solution
// command; with -healthcheck, a second lab whose server starts serving
// after 3 s and has a healthcheck, so that both tools wait for it. For each lab it alternates
//
//   - dsp: `dsp --home H lab test benchlt/LAB --plain --json R` (validate, up,
//     wait healthy, checks, solution, down), which must pass;
//   - compose: `docker-compose up -d --wait`, each check with
//     `docker-compose exec -T` (nc and wget for the tcp and http checks,
//     retried like dsp retries a check), the solution the same way, then
//     `docker-compose down --timeout 0`;
//
// checks before and after every run that nothing of the lab exists, and
// writes medians, min/max, the ratio and where each tool spends its time.
//
// The compose CLI is the one `go run ./bench` builds from the Compose module
// version in dsp's go.mod (cached in bench/.bin/). Standard library only.
package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"github.com/dsp-lab/dsp/bench/internal/benchkit"
)

type config struct {
	root        string
	runs        int
	warmup      int
	checks      int
	services    int
	healthcheck bool
	calibrate   int
	home        string
	dsp         string
	compose     string
	out         string
	keep        bool
}

func main() {
	cfg, err := parseFlags()
	if err != nil {
		fmt.Fprintln(os.Stderr, "labtest:", err)
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, cfg); err != nil {
		fmt.Fprintln(os.Stderr, "\nlabtest: FAILED:", err)
		os.Exit(1)
	}
}

func parseFlags() (*config, error) {
	cfg := &config{}
	flag.IntVar(&cfg.runs, "runs", 5, "timed runs per tool per lab")
	flag.IntVar(&cfg.warmup, "warmup", 1, "untimed warm-up runs per tool per lab (listed, not counted)")
	flag.IntVar(&cfg.checks, "checks", 10, "command checks of the lab (plus one tcp and one http check)")
	flag.IntVar(&cfg.services, "services", 3, "services of the lab (a server, a client and sleeping nodes; at least 2)")
	flag.BoolVar(&cfg.healthcheck, "healthcheck", true, "also time a second lab: the same, with a server that serves after a few seconds and a healthcheck to wait for")
	flag.IntVar(&cfg.calibrate, "calibrate", 10, "after the runs, time this many single commands of each kind (compose exec, docker exec, compose config) on a running lab; 0: skip")
	flag.StringVar(&cfg.home, "home", filepath.Join(os.TempDir(), "dsp-bench-labtest-home"), "throw-away dsp main directory the labs are generated into (wiped)")
	flag.StringVar(&cfg.dsp, "dsp", "", "dsp binary (default: bin/dsp of the repository)")
	flag.StringVar(&cfg.compose, "compose", "", "docker-compose binary (default: bench/.bin/docker-compose, built from the Compose version in go.mod)")
	flag.StringVar(&cfg.out, "out", "", "report file (default: BENCHMARKS-labtest.md of the repository)")
	flag.BoolVar(&cfg.keep, "keep", false, "keep the generated main directory")
	flag.Parse()
	switch {
	case flag.NArg() > 0:
		return nil, fmt.Errorf("unexpected arguments %q", flag.Args())
	case cfg.runs < 1:
		return nil, errors.New("-runs must be at least 1")
	case cfg.warmup < 0:
		return nil, errors.New("-warmup must not be negative")
	case cfg.checks < 1 || cfg.checks > 200:
		return nil, errors.New("-checks must be between 1 and 200")
	case cfg.services < 2 || cfg.services > 50:
		return nil, errors.New("-services must be between 2 and 50")
	case cfg.calibrate < 0:
		return nil, errors.New("-calibrate must not be negative")
	}
	root, err := benchkit.FindRoot()
	if err != nil {
		return nil, err
	}
	cfg.root = root
	if cfg.dsp == "" {
		cfg.dsp = filepath.Join(root, "bin", "dsp")
	}
	if cfg.out == "" {
		cfg.out = filepath.Join(root, "BENCHMARKS-labtest.md")
	}
	if err := benchkit.AbsPaths(&cfg.dsp, &cfg.home, &cfg.out, &cfg.compose); err != nil {
		return nil, err
	}
	return cfg, nil
}

func run(ctx context.Context, cfg *config) (err error) {
	began := time.Now()
	dspCopy, dspSum, cleanup, err := benchkit.SnapshotDSP(cfg.root, cfg.dsp)
	if err != nil {
		return err
	}
	defer cleanup()
	if _, err := benchkit.Output(ctx, "", "docker", "image", "inspect", "--format", "{{.Id}}", "dsp/busybox:latest"); err != nil {
		return fmt.Errorf("image dsp/busybox:latest is missing (run `make images`): %w", err)
	}
	composeBin, composeVersion, err := benchkit.EnsureCompose(ctx, cfg.root, cfg.compose)
	if err != nil {
		return err
	}
	fmt.Printf("compose: %s (%s)\n", composeBin, composeVersion)
	machine, err := benchkit.Describe(ctx, cfg.root, cfg.dsp, "bench", "BENCHMARKS*.md")
	if err != nil {
		return err
	}
	env := &environment{Machine: machine, dspSum: dspSum, composeVersion: composeVersion, composeBin: composeBin}
	if rel, err := filepath.Rel(cfg.root, composeBin); err == nil && filepath.IsLocal(rel) {
		env.composeBin = rel
	}

	labs, err := generateLabs(cfg)
	if err != nil {
		return err
	}
	h := &harness{cfg: cfg, dsp: dspCopy, compose: composeBin, labs: labs, reports: filepath.Join(filepath.Dir(dspCopy), "reports")}
	if err := os.MkdirAll(h.reports, 0o755); err != nil {
		return err
	}
	// Whatever happens from here on, remove everything of the benchmark's
	// labs and the generated main directory.
	defer func() {
		if cerr := h.cleanup(); cerr != nil {
			fmt.Fprintln(os.Stderr, "labtest: cleanup:", cerr)
			if err == nil {
				err = cerr
			}
		}
		if !cfg.keep {
			_ = os.RemoveAll(cfg.home)
		}
	}()
	if err := h.clearLeftovers(ctx); err != nil {
		return err
	}

	var results []*labResult
	timedStart := time.Now()
	for _, l := range labs {
		r, err := h.benchLab(ctx, l)
		if err != nil {
			return err
		}
		results = append(results, r)
	}
	env.timedDuration = time.Since(timedStart)
	env.load = h.load
	if cfg.calibrate > 0 {
		if env.calibration, err = h.calibrate(ctx, labs[0]); err != nil {
			return fmt.Errorf("calibration: %w", err)
		}
	}
	if len(labs) > 1 {
		if env.health, err = h.probeHealth(ctx, labs[1]); err != nil {
			return fmt.Errorf("health probe: %w", err)
		}
	}
	env.totalDuration = time.Since(began)

	report := renderReport(cfg, env, results)
	if err := os.WriteFile(cfg.out, []byte(report), 0o644); err != nil {
		return fmt.Errorf("write report: %w", err)
	}
	fmt.Printf("\nwrote %s (timed part %s, total %s)\n\n", cfg.out, env.timedDuration.Round(time.Second), env.totalDuration.Round(time.Second))
	fmt.Print(resultsTable(results))
	return nil
}

// generateLabs wipes and fills the main directory with repository benchlt
// and its labs.
func generateLabs(cfg *config) ([]*labSpec, error) {
	if err := benchkit.ResetHome(cfg.home, "main directory generated by go run ./bench/labtest; wiped on every run"); err != nil {
		return nil, err
	}
	// dsp labels what it creates with the lab folder: resolve symlinks so
	// that the harness filters on the path dsp writes.
	home, err := filepath.EvalSymlinks(cfg.home)
	if err != nil {
		return nil, err
	}
	cfg.home = home
	repo := filepath.Join(home, benchRepo)
	if err := os.MkdirAll(repo, 0o755); err != nil {
		return nil, err
	}
	if err := os.WriteFile(filepath.Join(repo, ".dsp"), nil, 0o644); err != nil {
		return nil, err
	}
	// Compose project names unique to this run: other work on the engine
	// never shares them.
	suffix := make([]byte, 3)
	if _, err := rand.Read(suffix); err != nil {
		return nil, err
	}
	id := hex.EncodeToString(suffix)
	checks := fmt.Sprintf("%d+2 checks", cfg.checks)
	labs := []*labSpec{newLab("labtest", fmt.Sprintf("%d services, %s", cfg.services, checks), cfg.services, cfg.checks, false, "dsp-bench-labtest-"+id)}
	if cfg.healthcheck {
		labs = append(labs, newLab("labtest-health", fmt.Sprintf("%d services, %s, server healthy after %d s", cfg.services, checks, serverDelay), cfg.services, cfg.checks, true, "dsp-bench-labtest-health-"+id))
	}
	for _, l := range labs {
		if err := l.write(repo); err != nil {
			return nil, err
		}
	}
	return labs, nil
}
