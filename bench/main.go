// Command bench times dsp's lab lifecycle against plain Docker Compose and
// writes the result to BENCHMARKS.md at the root of the repository.
//
// Run it from the repository, after building dsp:
//
//	make build && go run ./bench -runs 5
//
// In one run it generates, in a throw-away main directory, a repository
// "bench" with labs of 2, 5 and 20 busybox services (whose PID 1 ignores
// SIGTERM) and a copy of the hello-flag example; then, for each lab, it
// times `dsp lab up` / `dsp lab down` and `docker-compose up -d` /
// `docker-compose down` on the same compose file, alternating the two tools,
// checks that every start starts everything and every stop leaves nothing,
// and writes medians, ratios and min/max to BENCHMARKS.md.
//
// The compose CLI is built once from the Compose module version in dsp's
// go.mod and cached in bench/.bin/. The harness only uses the standard
// library and shells out to bin/dsp, to that compose binary and to docker.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/dsp-lab/dsp/bench/internal/benchkit"
)

// config is what the flags choose.
type config struct {
	root    string // the dsp repository
	runs    int
	warmup  int
	sizes   []int
	hello   bool
	home    string
	dsp     string
	compose string // empty: build/cache bench/.bin/docker-compose
	out     string
	keep    bool
}

func main() {
	cfg, err := parseFlags()
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(2)
	}
	// Ctrl-C reaches the running dsp/compose process too (same process
	// group); the harness stops between steps and always cleans up.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, cfg); err != nil {
		fmt.Fprintln(os.Stderr, "\nbench: FAILED:", err)
		os.Exit(1)
	}
}

func parseFlags() (*config, error) {
	cfg := &config{}
	var sizes string
	flag.IntVar(&cfg.runs, "runs", 5, "timed runs per tool per lab")
	flag.IntVar(&cfg.warmup, "warmup", 1, "untimed warm-up runs per tool per lab (their times are listed but not counted)")
	flag.StringVar(&sizes, "sizes", "2,5,20", "comma-separated numbers of services of the generated labs")
	flag.BoolVar(&cfg.hello, "hello", true, "also time dsp alone on a copy of examples/hello-flag (actions and files)")
	flag.StringVar(&cfg.home, "home", filepath.Join(os.TempDir(), "dsp-bench-home"), "throw-away dsp main directory the labs are generated into (wiped)")
	flag.StringVar(&cfg.dsp, "dsp", "", "dsp binary (default: bin/dsp of the repository)")
	flag.StringVar(&cfg.compose, "compose", "", "docker-compose binary (default: bench/.bin/docker-compose, built from the Compose version in go.mod)")
	flag.StringVar(&cfg.out, "out", "", "report file (default: BENCHMARKS.md of the repository)")
	flag.BoolVar(&cfg.keep, "keep", false, "keep the generated main directory")
	flag.Parse()
	if flag.NArg() > 0 {
		return nil, fmt.Errorf("unexpected arguments %q", flag.Args())
	}
	if cfg.runs < 1 {
		return nil, errors.New("-runs must be at least 1")
	}
	if cfg.warmup < 0 {
		return nil, errors.New("-warmup must not be negative")
	}
	for _, s := range strings.Split(sizes, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n < 1 || n > 250 {
			return nil, fmt.Errorf("-sizes: %q is not a number of services between 1 and 250", s)
		}
		cfg.sizes = append(cfg.sizes, n)
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
		cfg.out = filepath.Join(root, "BENCHMARKS.md")
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
	if _, err := benchkit.Output(ctx, "", "docker", "version", "--format", "{{.Server.Version}}"); err != nil {
		return fmt.Errorf("the Docker Engine does not answer: %w", err)
	}

	composeBin, composeVersion, err := benchkit.EnsureCompose(ctx, cfg.root, cfg.compose)
	if err != nil {
		return err
	}
	fmt.Printf("compose: %s (%s)\n", composeBin, composeVersion)
	env, err := describeEnvironment(ctx, cfg, composeBin, composeVersion)
	if err != nil {
		return err
	}
	env.dspSum = dspSum

	labs, err := generateLabs(cfg)
	if err != nil {
		return err
	}
	h := &harness{cfg: cfg, dsp: dspCopy, compose: composeBin, labs: labs}
	// Whatever happens from here on, remove every container, network and
	// volume of the benchmark's projects, and the generated main directory.
	defer func() {
		if cerr := h.cleanup(); cerr != nil {
			fmt.Fprintln(os.Stderr, "bench: cleanup:", cerr)
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

	results := make([]*labResult, 0, len(labs))
	timedStart := time.Now()
	for _, l := range labs {
		r, err := h.benchLab(ctx, l)
		if err != nil {
			return err
		}
		results = append(results, r)
	}
	env.timedDuration = time.Since(timedStart)
	env.totalDuration = time.Since(began)
	env.load = h.load

	report := renderReport(cfg, env, results)
	if err := os.WriteFile(cfg.out, []byte(report), 0o644); err != nil {
		return fmt.Errorf("write report: %w", err)
	}
	fmt.Printf("\nwrote %s (timed part %s, total %s)\n", cfg.out, env.timedDuration.Round(time.Second), env.totalDuration.Round(time.Second))
	fmt.Print(summaryTable(results))
	return nil
}
