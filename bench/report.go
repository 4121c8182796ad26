package main

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"
)

// downTarget is the target for stops: at least this many times
// faster than docker compose down on images that ignore SIGTERM.
const downTarget = 5.0

// Stop grace periods of the generated labs: dsp's default (they set no
// x-dsp stop_timeout) and Docker's default, which compose uses.
const (
	dspGrace     = 0
	composeGrace = 10 * time.Second
)

// environment describes the machine and the software measured.
type environment struct {
	date           time.Time
	nproc          int
	cpu            string
	memory         string
	kernel         string
	docker         string
	storage        string
	composeVersion string
	composeBin     string
	goVersion      string
	dspCommit      string
	dspBuilt       time.Time
	dspSum         string

	timedDuration, totalDuration time.Duration
	foreignMin, foreignMax       int
	loadMin, loadMax             float64
}

func describeEnvironment(ctx context.Context, cfg *config, composeBin, composeVersion string) (*environment, error) {
	env := &environment{
		date:           time.Now(),
		nproc:          runtime.NumCPU(),
		cpu:            cpuModel(),
		memory:         memTotal(),
		kernel:         readTrim("/proc/sys/kernel/osrelease"),
		composeVersion: composeVersion,
		goVersion:      runtime.Version(),
	}
	if rel, err := filepath.Rel(cfg.root, composeBin); err == nil && !strings.HasPrefix(rel, "..") {
		env.composeBin = rel
	} else {
		env.composeBin = composeBin
	}
	var err error
	if env.docker, err = output(ctx, "", "docker", "version", "--format", "{{.Server.Version}} (API {{.Server.APIVersion}}, client {{.Client.Version}})"); err != nil {
		return nil, err
	}
	if env.storage, err = output(ctx, "", "docker", "info", "--format", "{{.Driver}} storage driver, cgroup v{{.CgroupVersion}}, {{.NCPU}} CPUs"); err != nil {
		return nil, err
	}
	env.dspCommit = "unknown"
	if c, err := output(ctx, cfg.root, "git", "rev-parse", "--short", "HEAD"); err == nil {
		env.dspCommit = c
		if st, err := output(ctx, cfg.root, "git", "status", "--porcelain", "--", ".", ":!bench", ":!BENCHMARKS.md"); err == nil && st != "" {
			env.dspCommit += " with uncommitted changes in the tree"
		}
	}
	if st, err := os.Stat(cfg.dsp); err == nil {
		env.dspBuilt = st.ModTime()
	}
	return env, nil
}

func cpuModel() string {
	f, err := os.Open("/proc/cpuinfo")
	if err != nil {
		return "unknown"
	}
	defer f.Close()
	s := bufio.NewScanner(f)
	for s.Scan() {
		if k, v, ok := strings.Cut(s.Text(), ":"); ok && strings.TrimSpace(k) == "model name" {
			return strings.TrimSpace(v)
		}
	}
	return "unknown"
}

func memTotal() string {
	f, err := os.Open("/proc/meminfo")
	if err != nil {
		return "unknown"
	}
	defer f.Close()
	s := bufio.NewScanner(f)
	for s.Scan() {
		fields := strings.Fields(s.Text())
		if len(fields) >= 2 && fields[0] == "MemTotal:" {
			kb, err := strconv.ParseFloat(fields[1], 64)
			if err == nil {
				return fmt.Sprintf("%.1f GiB", kb/1024/1024)
			}
		}
	}
	return "unknown"
}

func readTrim(p string) string {
	b, err := os.ReadFile(p)
	if err != nil {
		return "unknown"
	}
	return strings.TrimSpace(string(b))
}

// stats of a set of timings.
type stats struct {
	n                int
	median, min, max time.Duration
}

func summarize(ds []time.Duration) stats {
	if len(ds) == 0 {
		return stats{}
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	st := stats{n: len(s), min: s[0], max: s[len(s)-1]}
	if len(s)%2 == 1 {
		st.median = s[len(s)/2]
	} else {
		st.median = (s[len(s)/2-1] + s[len(s)/2]) / 2
	}
	return st
}

func ratio(a, b time.Duration) float64 { return a.Seconds() / b.Seconds() }

// row is the numbers of one lab.
type row struct {
	r                                *labResult
	dspUp, dspDown, compUp, compDown stats
	hasCompose                       bool
	upRatio, downSpeedup             float64
}

func rows(results []*labResult) []row {
	var out []row
	for _, r := range results {
		x := row{
			r:       r,
			dspUp:   summarize(r.timed(toolDSP, false)),
			dspDown: summarize(r.timed(toolDSP, true)),
		}
		if len(r.samples[toolCompose]) > 0 {
			x.hasCompose = true
			x.compUp = summarize(r.timed(toolCompose, false))
			x.compDown = summarize(r.timed(toolCompose, true))
			x.upRatio = ratio(x.dspUp.median, x.compUp.median)
			x.downSpeedup = ratio(x.compDown.median, x.dspDown.median)
		}
		out = append(out, x)
	}
	return out
}

const tableHeader = "| lab size | dsp up median | compose up median | up ratio (dsp ÷ compose) | dsp down median | compose down median | down ratio (compose ÷ dsp) |\n" +
	"|---|---:|---:|---:|---:|---:|---:|\n"

func mainTable(rs []row) string {
	var b strings.Builder
	b.WriteString(tableHeader)
	for _, x := range rs {
		if x.hasCompose {
			fmt.Fprintf(&b, "| %s | %s | %s | %.2f | %s | %s | %.1f× |\n", x.r.lab.row,
				formatSeconds(x.dspUp.median), formatSeconds(x.compUp.median), x.upRatio,
				formatSeconds(x.dspDown.median), formatSeconds(x.compDown.median), x.downSpeedup)
		} else {
			fmt.Fprintf(&b, "| %s | %s | n/a | n/a | %s | n/a | n/a |\n", x.r.lab.row,
				formatSeconds(x.dspUp.median), formatSeconds(x.dspDown.median))
		}
	}
	return b.String()
}

// summaryTable is printed on the terminal at the end.
func summaryTable(results []*labResult) string { return mainTable(rows(results)) }

func renderReport(cfg *config, env *environment, results []*labResult) string {
	rs := rows(results)
	var b strings.Builder
	p := func(format string, args ...any) { fmt.Fprintf(&b, format, args...) }

	p("# Benchmarks: dsp lab up/down vs docker compose up/down\n\n")
	p("<!-- Generated by `go run ./bench`; overwritten on every run. Do not edit by hand. -->\n\n")
	p("Reproduce from the repository root (Docker running, images built with `make images`):\n\n")
	p("```sh\nmake build && go run ./bench -runs %d\n```\n\n", cfg.runs)
	p("The first run also builds the compose CLI (a few minutes) into `bench/.bin/`. ")
	p("`go run ./bench -h` lists the options (`-runs`, `-warmup`, `-sizes`, `-hello`, `-home`, `-out`).\n\n")

	p("## Setup\n\n")
	p("| | |\n|---|---|\n")
	p("| date | %s |\n", env.date.Format("2006-01-02 15:04 MST"))
	p("| machine | %d CPUs (nproc), %s, %s RAM, Linux %s |\n", env.nproc, env.cpu, env.memory, env.kernel)
	p("| Docker Engine | %s; %s |\n", env.docker, env.storage)
	p("| Docker Compose | %s, standalone `%s` built from `github.com/docker/compose/v5@%s` (the version dsp links, from go.mod) |\n", env.composeVersion, env.composeBin, env.composeVersion)
	p("| dsp | `bin/dsp` built %s (sha256 %.12s…, copied at start: a rebuild during the run does not change what is timed), tree at commit %s |\n", env.dspBuilt.Format("2006-01-02 15:04"), env.dspSum, env.dspCommit)
	p("| Go | %s |\n", env.goVersion)
	p("| runs | %d timed up/down cycles per tool per lab, after %d warm-up cycle(s) each (not counted); the tool that goes first alternates every round |\n", cfg.runs, cfg.warmup)
	p("| duration | %s for the timed part, %s in all |\n", env.timedDuration.Round(time.Second), env.totalDuration.Round(time.Second))
	p("| other load | right before each start: %d–%d other running containers on the engine, 1-minute load average %.2f–%.2f; the machine and the engine are shared, so other work adds noise |\n\n", env.foreignMin, env.foreignMax, env.loadMin, env.loadMax)

	p("## Results (medians)\n\n")
	b.WriteString(mainTable(rs))
	p("\nTimes are wall clock from process start to exit of the whole command: `dsp --home H lab up|down bench/LAB --plain` ")
	p("and `docker-compose -f LAB/compose.yaml -p bench-compose-N up -d|down`. ")
	p("Up ratio below 1 means dsp starts faster; down ratio is how many times faster dsp stops.\n\n")

	p("## Targets\n\n")
	b.WriteString(targets(rs))

	p("\n## Spread\n\n")
	p("| lab size | tool | up median | up min | up max | down median | down min | down max |\n|---|---|---:|---:|---:|---:|---:|---:|\n")
	for _, x := range rs {
		line := func(t tool, up, down stats) {
			p("| %s | %s | %s | %s | %s | %s | %s | %s |\n", x.r.lab.row, t,
				formatSeconds(up.median), formatSeconds(up.min), formatSeconds(up.max),
				formatSeconds(down.median), formatSeconds(down.min), formatSeconds(down.max))
		}
		line(toolDSP, x.dspUp, x.dspDown)
		if x.hasCompose {
			line(toolCompose, x.compUp, x.compDown)
		}
	}

	p("\n## Every cycle\n\nIn seconds, in the order they ran for each tool; warm-up cycles in brackets.\n\n")
	p("| lab size | tool | up | down |\n|---|---|---|---|\n")
	for _, r := range results {
		for _, t := range []tool{toolDSP, toolCompose} {
			ss := r.samples[t]
			if len(ss) == 0 {
				continue
			}
			var ups, downs []string
			for _, s := range ss {
				u, d := strconv.FormatFloat(s.up.Seconds(), 'f', 2, 64), strconv.FormatFloat(s.down.Seconds(), 'f', 2, 64)
				if s.warmup {
					u, d = "["+u+"]", "["+d+"]"
				}
				ups, downs = append(ups, u), append(downs, d)
			}
			p("| %s | %s | %s | %s |\n", r.lab.row, t, strings.Join(ups, " "), strings.Join(downs, " "))
		}
	}

	p("\n## Method\n\n")
	p("- The harness (`bench/`, package main, standard library only) generates a throw-away dsp main directory (`-home`, default `%s`) holding one repository `%s` with one native lab per size: ", filepath.Join(os.TempDir(), "dsp-bench-home"), benchRepo)
	p("a `compose.yaml` with a top-level `x-dsp: {title: …}` and a `.dsp` marker. Each service is `image: dsp/busybox:latest`, `command: [\"sh\", \"-c\", \"sleep 1000000\"]`, `tty: true`, `stdin_open: true`, no `init`, ")
	p("on one user network with a fixed subnet (10.239.N.0/24), so both tools create a network. There are no x-dsp actions or files: the rows by size compare the bare lifecycle.\n")
	p("- PID 1 of every container ignores SIGTERM (a process that is PID 1 of its namespace only gets the signals it handles), like the shells and daemons of most lab images, so a stop lasts its whole grace period: Docker's default 10 s for compose; dsp's default is none (containers are removed at once; a lab sets one with x-dsp `stop_timeout`).")
	if m, ok := minComposeDown(rs); ok {
		p(" The fastest compose down measured took %s, which confirms it.", formatSeconds(m))
	}
	p("\n- Plain compose runs the very same file (it ignores the x-dsp fields) under its own project name `bench-compose-N`, so the two never share a container or network (dsp's project names start with `dsp_`).\n")
	p("- Every cycle starts from nothing and is checked with `docker ps -a` / `docker network ls` / `docker volume ls` label filters: before the start nothing of the lab exists, after it every service is running and the network exists, after the stop nothing is left (dsp also removes its ready-marker volume). A failed check stops the benchmark. Whatever happens, the harness removes everything it created when it ends.\n")
	p("- Both commands write to a buffer (no terminal). Each time includes process start, connecting to Docker and loading the compose file, and for dsp everything `lab up` / `lab down` does besides Compose's work (checks before starting, its ready marker, the status it prints, its own stop and removal).\n")
	if cfg.hello {
		p("- `hello-flag (actions+files)` is a copy of `examples/hello-flag` run by dsp alone (image built beforehand, one service, three wrapper actions and two copied files): plain compose would not run the actions or copy the files, so its columns are n/a. Its down uses the lab's `stop_timeout: 1s`.\n")
	}
	return b.String()
}

// targets states, for each lab compose ran, whether dsp meets the issue's
// targets: up no slower than compose, down at least 5× faster.
func targets(rs []row) string {
	var b strings.Builder
	var upMet, downMet, n int
	for _, x := range rs {
		if !x.hasCompose {
			continue
		}
		n++
		up := x.dspUp.median <= x.compUp.median
		down := x.downSpeedup >= downTarget
		if up {
			upMet++
		}
		if down {
			downMet++
		}
		upNote := ""
		if !up && x.dspUp.min <= x.compUp.max {
			upNote = "; the min–max ranges overlap"
		}
		fmt.Fprintf(&b, "- %s — up no slower than compose: **%s** (dsp %s vs compose %s median, ratio %.2f%s). Down ≥ %.0f× faster: **%s** (dsp %s vs compose %s median, %.1f×; beyond the grace period of %s / %s, the stop took dsp %s and compose %s).\n",
			x.r.lab.row, metStr(up), formatSeconds(x.dspUp.median), formatSeconds(x.compUp.median), x.upRatio, upNote,
			downTarget, metStr(down), formatSeconds(x.dspDown.median), formatSeconds(x.compDown.median), x.downSpeedup,
			formatSeconds(dspGrace), formatSeconds(composeGrace), formatSeconds(x.dspDown.median-dspGrace), formatSeconds(x.compDown.median-composeGrace))
	}
	fmt.Fprintf(&b, "\nOverall: up no slower than docker compose met for %d of %d lab sizes; down at least %.0f× faster met for %d of %d (judged on medians, strictly).\n", upMet, n, downTarget, downMet, n)
	fmt.Fprintf(&b, "With grace periods of %s and %s, a stop is %.0f× faster only while what dsp spends beyond its grace period stays under (%s + compose's own extra) ÷ %.0f − %s.\n",
		formatSeconds(dspGrace), formatSeconds(composeGrace), downTarget, formatSeconds(composeGrace), downTarget, formatSeconds(dspGrace))
	return b.String()
}

func metStr(ok bool) string {
	if ok {
		return "met"
	}
	return "NOT met"
}

func minComposeDown(rs []row) (time.Duration, bool) {
	var m time.Duration
	ok := false
	for _, x := range rs {
		if x.hasCompose && (!ok || x.compDown.min < m) {
			m, ok = x.compDown.min, true
		}
	}
	return m, ok
}
