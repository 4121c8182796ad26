// Command vm times how long a lab's virtual machine (x-dsp.vm) takes to be
// ready against how long a container of the same lab takes to start, and
// writes BENCHMARKS-vm.md at the root of the repository.
//
// Run it from the repository, after building dsp and the images:
//
//	make build && scripts/build-images.sh && go run ./bench/vm -runs 5
//
// In a throw-away main directory (-home) it makes a repository "benchvm"
// with two labs: "mixed-vm", a copy of examples/mixed-vm (the VM victim,
// booted by QEMU in the dsp/qemu helper container, and the container
// attacker), and "attacker-only", the same compose file without the victim
// service. Then, after a warm-up round, for -runs rounds that alternate
// which lab goes first, it times `dsp lab up --plain` of each lab (the
// whole command, and when each service's ready line arrives in its
// progress) and `dsp lab down --plain`. The accelerator of every boot is
// read from the helper container's log (`docker logs`), where the launcher
// writes the one it picked and why: KVM when /dev/kvm runs virtual
// machines, else TCG.
//
// Every cycle starts from nothing and is checked with docker label filters;
// whatever happens, every lab it started is stopped and what is left of its
// main directory removed, and the report says what docker ps found after.
// It shells out to bin/dsp and docker; go.yaml.in/yaml/v4 (a dependency of
// dsp) edits the copied compose file.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"time"

	"go.yaml.in/yaml/v4"

	"github.com/dsp-lab/dsp/bench/internal/benchkit"
)

const (
	benchRepo  = "benchvm"
	vmLabName  = "mixed-vm"
	ctrLabName = "attacker-only"
	vmService  = "victim"
	ctrService = "attacker"
	// The example's addresses, and those of the copies: a `dsp lab test`
	// of the example on the same engine (tests running meanwhile) would
	// otherwise ask for the same subnet.
	exampleNet = "10.233.1."
	benchNet   = "10.233.201."
	// stepTimeout bounds one timed command; a hung start or stop fails
	// the run.
	stepTimeout = 5 * time.Minute
	// Progress lines of `dsp lab up --plain` this benchmark waits for.
	vmReadyText   = "container " + vmService + ": [done] VM up in "
	ctrReadyText  = "container " + ctrService + ": [done] Started"
	accelLogText  = "dsp-vm: accelerator: "
	cardLogText   = "dsp-vm: card "
	qemuLogText   = "dsp-vm: starting "
	guestReadyLog = "dsp-vm-ready"
)

type config struct {
	root   string
	runs   int
	warmup int
	home   string
	dsp    string
	out    string
	keep   bool
}

func main() {
	cfg, err := parseFlags()
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench/vm:", err)
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, cfg); err != nil {
		fmt.Fprintln(os.Stderr, "\nbench/vm: FAILED:", err)
		os.Exit(1)
	}
}

func parseFlags() (*config, error) {
	cfg := &config{}
	flag.IntVar(&cfg.runs, "runs", 5, "timed rounds (each starts and stops both labs)")
	flag.IntVar(&cfg.warmup, "warmup", 1, "untimed warm-up rounds (listed in the report, not counted)")
	flag.StringVar(&cfg.home, "home", filepath.Join(os.TempDir(), "dsp-bench-vm-home"), "throw-away dsp main directory the labs are copied into (wiped)")
	flag.StringVar(&cfg.dsp, "dsp", "", "dsp binary (default: bin/dsp of the repository)")
	flag.StringVar(&cfg.out, "out", "", "report file (default: BENCHMARKS-vm.md of the repository)")
	flag.BoolVar(&cfg.keep, "keep", false, "keep the main directory afterwards")
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
	root, err := benchkit.FindRoot()
	if err != nil {
		return nil, err
	}
	cfg.root = root
	if cfg.dsp == "" {
		cfg.dsp = filepath.Join(root, "bin", "dsp")
	}
	if cfg.out == "" {
		cfg.out = filepath.Join(root, "BENCHMARKS-vm.md")
	}
	if err := benchkit.AbsPaths(&cfg.dsp, &cfg.home, &cfg.out); err != nil {
		return nil, err
	}
	return cfg, nil
}

// labSpec is one of the two labs.
type labSpec struct {
	name     string // lab folder in benchRepo, the dsp lab name
	row      string // its name in the report
	dir      string
	vm       bool // it has the VM
	services int
}

func (l *labSpec) ref() string { return benchRepo + "/" + l.name }

// cycle is one start and stop of one lab.
type cycle struct {
	round  int // 0-based, warm-up rounds first
	warmup bool
	first  bool // this lab went first in its round

	up, down time.Duration // wall clock of the whole lab up / lab down
	// ready: from the start of lab up to the ready line of the lab's
	// service in its progress: "VM up in" for the VM, "Started" for
	// attacker-only
	ready time.Duration
	// VM lab only
	reported   time.Duration // the time dsp prints in "VM up in …"
	attacker   time.Duration // lab up to the attacker's "Started" line
	accel      string        // kvm or tcg, from the helper's log
	reason     string        // why the launcher picked it
	probe      time.Duration // the helper's log: last "card" line to the "accelerator" line
	guestBoot  time.Duration // the helper's log: "starting qemu" to the guest's ready line
	containerU time.Duration // the helper container's StartedAt to the guest's ready line
}

type bench struct {
	cfg  *config
	dsp  string
	labs []*labSpec
	load benchkit.Load
}

type environment struct {
	machine     *benchkit.Machine
	dspSum      string
	qemuImage   string
	qemuVersion string
	kvmDevice   string
	vmFiles     string
	leftovers   string
	newerSource string // a source file modified after the dsp binary
	timed, all  time.Duration
}

func run(ctx context.Context, cfg *config) (err error) {
	began := time.Now()
	dspCopy, dspSum, cleanupBin, err := benchkit.SnapshotDSP(cfg.root, cfg.dsp)
	if err != nil {
		return err
	}
	defer cleanupBin()
	env, err := describe(ctx, cfg)
	if err != nil {
		return err
	}
	env.dspSum = dspSum
	labs, err := makeLabs(cfg)
	if err != nil {
		return err
	}
	b := &bench{cfg: cfg, dsp: dspCopy, labs: labs}
	defer func() {
		if cerr := b.cleanup(); cerr != nil {
			fmt.Fprintln(os.Stderr, "bench/vm: cleanup:", cerr)
			if err == nil {
				err = cerr
			}
		}
		if !cfg.keep {
			_ = os.RemoveAll(cfg.home)
		}
	}()
	for _, l := range labs {
		if f, err := resources(ctx, labDirLabel(l)); err != nil {
			return err
		} else if !f.empty() {
			return fmt.Errorf("%s exists already (%s) though its main directory was just made", l.ref(), f)
		}
	}

	timedStart := time.Now()
	results, err := b.rounds(ctx)
	if err != nil {
		return err
	}
	env.timed = time.Since(timedStart)
	if err := b.cleanup(); err != nil {
		return err
	}
	if env.leftovers, err = b.leftovers(ctx); err != nil {
		return err
	}
	env.all = time.Since(began)
	report := render(cfg, env, b.load, results)
	if err := os.WriteFile(cfg.out, []byte(report), 0o644); err != nil {
		return fmt.Errorf("write report: %w", err)
	}
	fmt.Printf("\nwrote %s (timed part %s, total %s)\n", cfg.out, env.timed.Round(time.Second), env.all.Round(time.Second))
	fmt.Print(summary(results))
	return nil
}

// describe asks the machine, the engine and the helper image.
func describe(ctx context.Context, cfg *config) (*environment, error) {
	if _, err := benchkit.Output(ctx, "", "docker", "version", "--format", "{{.Server.Version}}"); err != nil {
		return nil, fmt.Errorf("the Docker Engine does not answer: %w", err)
	}
	m, err := benchkit.Describe(ctx, cfg.root, cfg.dsp, "bench/vm", "BENCHMARKS-vm.md")
	if err != nil {
		return nil, err
	}
	env := &environment{machine: m, newerSource: benchkit.NewerSource(cfg.root, cfg.dsp)}
	id, err := benchkit.Output(ctx, "", "docker", "image", "inspect", "--format", "{{.Id}}", "dsp/qemu:latest")
	if err != nil {
		return nil, fmt.Errorf("the helper image dsp/qemu:latest (scripts/build-images.sh builds it): %w", err)
	}
	env.qemuImage = strings.TrimPrefix(id, "sha256:")[:12]
	if v, err := benchkit.Output(ctx, "", "docker", "run", "--rm", "--network", "none", "--entrypoint", "qemu-system-x86_64", "dsp/qemu:latest", "--version"); err == nil {
		env.qemuVersion, _, _ = strings.Cut(v, "\n")
	}
	if _, err := benchkit.Output(ctx, "", "docker", "image", "inspect", "--format", "{{.Id}}", "dsp/busybox:latest"); err != nil {
		return nil, fmt.Errorf("the attacker's image dsp/busybox:latest (scripts/build-images.sh builds it): %w", err)
	}
	env.kvmDevice = "absent"
	if _, err := os.Stat("/dev/kvm"); err == nil {
		env.kvmDevice = "present"
	}
	if info, err := os.ReadFile(filepath.Join(cfg.root, "examples", vmLabName, "vm", "build-info.txt")); err == nil {
		env.vmFiles, _, _ = strings.Cut(strings.TrimSpace(string(info)), "\n")
	}
	return env, nil
}

// makeLabs wipes the main directory and copies the example into it twice:
// as it is and without its VM service.
func makeLabs(cfg *config) ([]*labSpec, error) {
	if err := benchkit.ResetHome(cfg.home, "main directory generated by go run ./bench/vm; wiped on every run"); err != nil {
		return nil, err
	}
	// dsp labels containers with the resolved lab folder
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
	example := filepath.Join(cfg.root, "examples", vmLabName)
	for _, f := range []string{"vmlinux", "initrd.img"} {
		if _, err := os.Stat(filepath.Join(example, "vm", f)); err != nil {
			return nil, fmt.Errorf("the example's VM files (scripts/build-images.sh builds them): %w", err)
		}
	}
	vmLab := &labSpec{name: vmLabName, row: "mixed-vm (VM victim + container attacker)", vm: true, services: 2}
	ctrLab := &labSpec{name: ctrLabName, row: "attacker-only (container attacker)", services: 1}
	for _, l := range []*labSpec{vmLab, ctrLab} {
		l.dir = filepath.Join(repo, l.name)
		if err := benchkit.CopyTree(example, l.dir); err != nil {
			return nil, fmt.Errorf("copy %s: %w", example, err)
		}
		if err := editCompose(filepath.Join(l.dir, "compose.yaml"), !l.vm); err != nil {
			return nil, err
		}
	}
	// the container lab needs no kernel
	if err := os.RemoveAll(filepath.Join(ctrLab.dir, "vm")); err != nil {
		return nil, err
	}
	return []*labSpec{vmLab, ctrLab}, nil
}

// editCompose moves a copy's addresses to benchNet and, with dropVM,
// removes the VM service.
func editCompose(file string, dropVM bool) error {
	data, err := os.ReadFile(file)
	if err != nil {
		return err
	}
	text := string(data)
	if !strings.Contains(text, exampleNet) {
		return fmt.Errorf("%s: no address in %s*: the example changed, update bench/vm", file, exampleNet)
	}
	text = strings.ReplaceAll(text, exampleNet, benchNet)
	if dropVM {
		if text, err = dropService(text, vmService); err != nil {
			return fmt.Errorf("%s: %w", file, err)
		}
	}
	return os.WriteFile(file, []byte(text), 0o644)
}

// dropService removes one service from a compose file, keeping the rest
// (comments included) as it was.
func dropService(text, service string) (string, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal([]byte(text), &doc); err != nil {
		return "", err
	}
	if doc.Kind != yaml.DocumentNode || len(doc.Content) != 1 || doc.Content[0].Kind != yaml.MappingNode {
		return "", errors.New("not a mapping")
	}
	top := doc.Content[0]
	for i := 0; i+1 < len(top.Content); i += 2 {
		if top.Content[i].Value != "services" {
			continue
		}
		svcs := top.Content[i+1]
		for j := 0; j+1 < len(svcs.Content); j += 2 {
			if svcs.Content[j].Value == service {
				svcs.Content = slices.Delete(svcs.Content, j, j+2)
				out, err := yaml.Marshal(&doc)
				return string(out), err
			}
		}
	}
	return "", fmt.Errorf("no service %s", service)
}

// rounds runs the warm-up and timed rounds, alternating which lab goes
// first.
func (b *bench) rounds(ctx context.Context) (map[string][]cycle, error) {
	results := map[string][]cycle{}
	total := b.cfg.warmup + b.cfg.runs
	for i := range total {
		order := slices.Clone(b.labs)
		if i%2 == 1 {
			slices.Reverse(order)
		}
		warm := i < b.cfg.warmup
		label := fmt.Sprintf("run %d/%d", i+1-b.cfg.warmup, b.cfg.runs)
		if warm {
			label = fmt.Sprintf("warm-up %d/%d", i+1, b.cfg.warmup)
		}
		for k, l := range order {
			if err := ctx.Err(); err != nil {
				return nil, fmt.Errorf("interrupted: %w", err)
			}
			c, err := b.cycle(ctx, l)
			if err != nil {
				return nil, fmt.Errorf("%s, %s: %w", l.ref(), label, err)
			}
			c.round, c.warmup, c.first = i, warm, k == 0
			results[l.name] = append(results[l.name], c)
			extra := ""
			if l.vm {
				extra = fmt.Sprintf("   (dsp: VM up in %s, %s)", c.reported, c.accel)
			}
			fmt.Printf("%-14s %-12s %-14s ready %6.2fs   up %6.2fs   down %5.2fs%s\n",
				label, l.name, "", c.ready.Seconds(), c.up.Seconds(), c.down.Seconds(), extra)
		}
	}
	return results, nil
}

// cycle starts one lab from nothing, checks it runs, reads the VM's log,
// stops it and checks nothing is left.
func (b *bench) cycle(ctx context.Context, l *labSpec) (cycle, error) {
	var c cycle
	label := labDirLabel(l)
	if f, err := resources(ctx, label); err != nil {
		return c, err
	} else if !f.empty() {
		return c, fmt.Errorf("not starting from nothing: %s", f)
	}
	if err := b.load.Note(ctx); err != nil {
		return c, err
	}
	base := []string{b.dsp, "--home", b.cfg.home, "lab"}
	up, err := timedRun(append(slices.Clone(base), "up", l.ref(), "--plain"))
	if err != nil {
		return c, fmt.Errorf("up: %w", err)
	}
	c.up = up.wall
	if err := b.readUp(ctx, l, up, &c); err != nil {
		return c, err
	}
	down, err := timedRun(append(slices.Clone(base), "down", l.ref(), "--plain"))
	if err != nil {
		return c, fmt.Errorf("down: %w", err)
	}
	c.down = down.wall
	if f, err := resources(ctx, label); err != nil {
		return c, err
	} else if !f.empty() {
		return c, fmt.Errorf("down left something behind: %s; dsp said:\n%s", f, benchkit.Indent(down.text()))
	}
	return c, nil
}

// readUp checks what lab up started and fills in the times of the ready
// lines and, for the VM, what the helper's log says.
func (b *bench) readUp(ctx context.Context, l *labSpec, up *runResult, c *cycle) error {
	f, err := resources(ctx, labDirLabel(l))
	if err != nil {
		return err
	}
	if len(f.running) != l.services {
		return fmt.Errorf("after up: want %d running containers, got %s; dsp said:\n%s", l.services, f, benchkit.Indent(up.text()))
	}
	att, ok := up.find(ctrReadyText)
	if !ok {
		return fmt.Errorf("no %q line in the progress:\n%s", ctrReadyText, benchkit.Indent(up.text()))
	}
	if !l.vm {
		c.ready = att.at
		return nil
	}
	c.attacker = att.at
	line, ok := up.find(vmReadyText)
	if !ok {
		return fmt.Errorf("no %q line in the progress:\n%s", vmReadyText, benchkit.Indent(up.text()))
	}
	c.ready = line.at
	_, rest, _ := strings.Cut(line.text, vmReadyText)
	if c.reported, err = time.ParseDuration(strings.TrimSpace(rest)); err != nil {
		return fmt.Errorf("parse %q: %w", line.text, err)
	}
	return readHelperLog(ctx, l, c)
}

// readHelperLog reads which accelerator the launcher used, and when it
// logged what, from the VM helper container.
func readHelperLog(ctx context.Context, l *labSpec, c *cycle) error {
	id, err := benchkit.Output(ctx, "", "docker", "ps", "-q", "--filter", "label="+labDirLabel(l)[0],
		"--filter", "label=com.docker.compose.service="+vmService, "--filter", "label=io.dsp.vm-helper=true")
	if err != nil {
		return err
	}
	if len(strings.Fields(id)) != 1 {
		return fmt.Errorf("want one running VM helper container of %s, docker ps found %q", l.ref(), id)
	}
	startedAt, err := benchkit.Output(ctx, "", "docker", "inspect", "--format", "{{.State.StartedAt}}", id)
	if err != nil {
		return err
	}
	started, err := time.Parse(time.RFC3339Nano, startedAt)
	if err != nil {
		return fmt.Errorf("StartedAt %q: %w", startedAt, err)
	}
	// docker logs writes the container's stdout and stderr to its own
	// stdout and stderr: both are needed (the launcher logs on stderr,
	// the console goes to stdout)
	cmd := exec.CommandContext(ctx, "docker", "logs", "-t", id)
	log, err := cmd.CombinedOutput()
	if err != nil {
		return fmt.Errorf("docker logs %s: %w: %s", id, err, log)
	}
	var card, accelAt, qemu, ready time.Time
	for _, raw := range strings.Split(string(log), "\n") {
		stamp, text, ok := strings.Cut(raw, " ")
		if !ok {
			continue
		}
		t, err := time.Parse(time.RFC3339Nano, stamp)
		if err != nil {
			continue
		}
		switch {
		case strings.HasPrefix(text, cardLogText):
			card = t
		case strings.HasPrefix(text, accelLogText) && c.accel == "":
			accelAt = t
			c.accel, c.reason, _ = strings.Cut(strings.TrimPrefix(text, accelLogText), " ")
			c.reason = strings.TrimSuffix(strings.TrimPrefix(c.reason, "("), ")")
		case strings.HasPrefix(text, qemuLogText) && qemu.IsZero():
			qemu = t
		case strings.Contains(text, guestReadyLog) && ready.IsZero() && !qemu.IsZero():
			ready = t
		}
	}
	if c.accel == "" || qemu.IsZero() || ready.IsZero() {
		return fmt.Errorf("the helper's log does not say its accelerator, its qemu start and the guest's %q:\n%s", guestReadyLog, benchkit.Indent(string(log)))
	}
	if !card.IsZero() {
		c.probe = accelAt.Sub(card)
	}
	c.guestBoot = ready.Sub(qemu)
	c.containerU = ready.Sub(started)
	return nil
}

// runResult is the output of one timed command, each line stamped with
// when it arrived.
type runResult struct {
	wall  time.Duration
	lines []stampedLine
}

type stampedLine struct {
	at   time.Duration // since the command started
	text string
}

func (r *runResult) find(s string) (stampedLine, bool) {
	for _, l := range r.lines {
		if strings.Contains(l.text, s) {
			return l, true
		}
	}
	return stampedLine{}, false
}

func (r *runResult) text() string {
	var b strings.Builder
	for _, l := range r.lines {
		fmt.Fprintf(&b, "[+%6.2fs] %s\n", l.at.Seconds(), l.text)
	}
	return b.String()
}

// stampWriter splits what a command writes into lines, each stamped with
// the time its end arrived.
type stampWriter struct {
	mu      sync.Mutex
	started time.Time
	partial []byte
	lines   []stampedLine
}

func (w *stampWriter) Write(p []byte) (int, error) {
	now := time.Since(w.started)
	w.mu.Lock()
	defer w.mu.Unlock()
	w.partial = append(w.partial, p...)
	for {
		i := slices.Index(w.partial, '\n')
		if i < 0 {
			break
		}
		w.lines = append(w.lines, stampedLine{at: now, text: strings.TrimRight(string(w.partial[:i]), "\r")})
		w.partial = w.partial[i+1:]
	}
	return len(p), nil
}

// timedRun runs a command, timing it from process start to exit, with its
// output (no terminal) read as it comes.
func timedRun(argv []string) (*runResult, error) {
	ctx, cancel := context.WithTimeout(context.Background(), stepTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
	cmd.Env = benchkit.TimedEnv()
	cmd.Cancel = func() error { return cmd.Process.Signal(syscall.SIGINT) }
	cmd.WaitDelay = time.Minute
	w := &stampWriter{}
	cmd.Stdout = w
	cmd.Stderr = w
	w.started = time.Now()
	err := cmd.Run()
	r := &runResult{wall: time.Since(w.started)}
	w.mu.Lock()
	r.lines = w.lines
	if len(w.partial) > 0 {
		r.lines = append(r.lines, stampedLine{at: r.wall, text: string(w.partial)})
	}
	w.mu.Unlock()
	if err != nil {
		return r, fmt.Errorf("%s: %w\n%s", strings.Join(argv, " "), err, benchkit.Indent(r.text()))
	}
	return r, nil
}

// labDirLabel selects what dsp created for one lab of this main directory.
func labDirLabel(l *labSpec) []string { return []string{"io.dsp.lab-dir=" + l.dir} }

// found lists Docker objects matching label filters.
type found struct {
	containers, running, networks, volumes []string
}

func (f found) empty() bool { return len(f.containers)+len(f.networks)+len(f.volumes) == 0 }

func (f found) String() string {
	return fmt.Sprintf("%d containers (%d running), %d networks, %d volumes", len(f.containers), len(f.running), len(f.networks), len(f.volumes))
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

// cleanup stops every lab of the main directory that still has something
// on the engine, with dsp and then by label. It runs when the benchmark
// ends, fails or is interrupted.
func (b *bench) cleanup() error {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	var errs []error
	for _, l := range b.labs {
		f, err := resources(ctx, labDirLabel(l))
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if f.empty() {
			continue
		}
		fmt.Printf("cleanup: %s: %s\n", l.ref(), f)
		_, _ = benchkit.Output(ctx, "", b.dsp, "--home", b.cfg.home, "lab", "down", l.ref(), "--plain")
		if err := forceRemove(ctx, labDirLabel(l)); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// forceRemove removes by label whatever dsp did not.
func forceRemove(ctx context.Context, labels []string) error {
	f, err := resources(ctx, labels)
	if err != nil || f.empty() {
		return err
	}
	steps := []struct {
		ids  []string
		argv []string
	}{
		{f.containers, []string{"rm", "-f", "-v"}},
		{f.networks, []string{"network", "rm"}},
		{f.volumes, []string{"volume", "rm", "-f"}},
	}
	for _, s := range steps {
		if len(s.ids) == 0 {
			continue
		}
		if _, err := benchkit.Output(ctx, "", "docker", append(s.argv, s.ids...)...); err != nil {
			return err
		}
	}
	if f, err = resources(ctx, labels); err == nil && !f.empty() {
		return fmt.Errorf("still left after cleanup (%s): %s", strings.Join(labels, ","), f)
	}
	return err
}

// leftovers asks docker for anything dsp manages that belongs to this main
// directory (its io.dsp.namespace label, or a lab folder under it: volumes
// may carry the namespace "default"), after the cleanup: the report says
// what it found.
func (b *bench) leftovers(ctx context.Context) (string, error) {
	const format = `{{.Label "io.dsp.namespace"}}	{{.Label "io.dsp.lab-dir"}}	`
	kinds := []struct {
		name string
		argv []string
		id   string
	}{
		{"container", []string{"ps", "-a"}, "{{.ID}}"},
		{"network", []string{"network", "ls"}, "{{.ID}}"},
		{"volume", []string{"volume", "ls"}, "{{.Name}}"},
	}
	var left []string
	for _, k := range kinds {
		argv := append(slices.Clone(k.argv), "--filter", "label=io.dsp.managed=true", "--format", format+k.id)
		out, err := benchkit.Output(ctx, "", "docker", argv...)
		if err != nil {
			return "", err
		}
		for _, line := range strings.Split(out, "\n") {
			f := strings.Split(line, "\t")
			if len(f) == 3 && (f[0] == b.cfg.home || strings.HasPrefix(f[1], b.cfg.home+string(filepath.Separator))) {
				left = append(left, k.name+" "+f[2])
			}
		}
	}
	if len(left) > 0 {
		return "", fmt.Errorf("left on the engine after cleanup: %s", strings.Join(left, ", "))
	}
	return fmt.Sprintf("nothing: `docker ps -a`, `docker network ls` and `docker volume ls` with `--filter label=io.dsp.managed=true` list nothing whose `io.dsp.namespace` is `%s` or whose `io.dsp.lab-dir` is under it", b.cfg.home), nil
}

// timed returns the counted (non warm-up) cycles, of one accelerator when
// accel is not empty.
func timed(cs []cycle, accel string) []cycle {
	var out []cycle
	for _, c := range cs {
		if !c.warmup && (accel == "" || c.accel == accel) {
			out = append(out, c)
		}
	}
	return out
}

func stats(cs []cycle, pick func(cycle) time.Duration) benchkit.Stats {
	ds := make([]time.Duration, len(cs))
	for i, c := range cs {
		ds[i] = pick(c)
	}
	return benchkit.Summarize(ds)
}

// accels lists the accelerators of the counted VM boots, with the
// launcher's reasons.
func accels(vm []cycle) (names []string, reasons map[string]string) {
	reasons = map[string]string{}
	for _, c := range timed(vm, "") {
		if _, ok := reasons[c.accel]; !ok {
			names = append(names, c.accel)
			reasons[c.accel] = c.reason
		}
	}
	slices.Sort(names)
	return names, reasons
}

type measure struct {
	what string
	pick func(cycle) time.Duration
}

var (
	vmMeasures = []measure{
		{"VM boot to ready: `lab up` start → `victim: [done] VM up in` line", func(c cycle) time.Duration { return c.ready }},
		{"VM boot as dsp prints it (`VM up in …`: from the start of its wait for the console line, 0.1 s steps)", func(c cycle) time.Duration { return c.reported }},
		{"helper container started → guest's `dsp-vm-ready` (docker logs -t)", func(c cycle) time.Duration { return c.containerU }},
		{"  of which the launcher's KVM probe (`card` → `accelerator` log lines)", func(c cycle) time.Duration { return c.probe }},
		{"  of which QEMU start → guest's `dsp-vm-ready` (the guest's boot)", func(c cycle) time.Duration { return c.guestBoot }},
		{"attacker beside it: `lab up` start → `attacker: [done] Started` line", func(c cycle) time.Duration { return c.attacker }},
		{"whole `dsp lab up` (process start to exit)", func(c cycle) time.Duration { return c.up }},
		{"whole `dsp lab down`", func(c cycle) time.Duration { return c.down }},
	}
	ctrMeasures = []measure{
		{"container start: `lab up` start → `attacker: [done] Started` line", func(c cycle) time.Duration { return c.ready }},
		{"whole `dsp lab up` (process start to exit)", func(c cycle) time.Duration { return c.up }},
		{"whole `dsp lab down`", func(c cycle) time.Duration { return c.down }},
	}
)

func render(cfg *config, env *environment, load benchkit.Load, results map[string][]cycle) string {
	var b strings.Builder
	vm, ctr := results[vmLabName], timed(results[ctrLabName], "")
	names, reasons := accels(vm)
	b.WriteString("# Benchmarks: a lab's VM boot vs a container start\n\n")
	b.WriteString("<!-- Generated by `go run ./bench/vm`; overwritten on every run. Do not edit by hand. -->\n\n")
	b.WriteString("How long `dsp lab up` takes to have the virtual machine of examples/mixed-vm (`x-dsp.vm`, QEMU in dsp's helper container dsp/qemu) ready, against the start of the same lab's container service alone; and `dsp lab down` of both.\n\n")
	b.WriteString("Reproduce from the repository root (Docker running):\n\n```sh\nmake build && scripts/build-images.sh && go run ./bench/vm -runs 5\n```\n\n")
	b.WriteString("`scripts/build-images.sh` builds dsp/qemu, dsp/busybox and the example's kernel and initramfs (`examples/mixed-vm/vm/`). `go run ./bench/vm -h` lists the options (`-runs`, `-warmup`, `-home`, `-dsp`, `-out`, `-keep`).\n\n")
	writeSetup(&b, cfg, env, load, names, reasons)
	writeResults(&b, vm, ctr, names)
	writeCycles(&b, results)
	writeMethod(&b, cfg, env)
	return b.String()
}

func writeSetup(b *strings.Builder, cfg *config, env *environment, load benchkit.Load, names []string, reasons map[string]string) {
	m := env.machine
	b.WriteString("## Setup\n\n| | |\n|---|---|\n")
	fmt.Fprintf(b, "| date | %s |\n", m.Date.UTC().Format("2006-01-02 15:04 UTC"))
	fmt.Fprintf(b, "| machine | %d CPUs (nproc), %s, %s RAM, Linux %s |\n", m.NProc, m.CPU, m.Memory, m.Kernel)
	fmt.Fprintf(b, "| Docker Engine | %s; %s |\n", m.Docker, m.Storage)
	fmt.Fprintf(b, "| dsp | `bin/dsp` built %s (sha256 %s…, copied at start: a rebuild during the run does not change what is timed), tree at commit %s |\n",
		m.DSPBuilt.Format("2006-01-02 15:04"), env.dspSum[:12], m.DSPCommit+newerNote(env.newerSource))
	fmt.Fprintf(b, "| QEMU helper | dsp/qemu:latest (image %s), %s |\n", env.qemuImage, orUnknown(env.qemuVersion))
	fmt.Fprintf(b, "| accelerator | %s |\n", accelText(env, names, reasons))
	fmt.Fprintf(b, "| the VM | examples/mixed-vm `victim`: kernel `vm/vmlinux`, busybox initramfs `vm/initrd.img` (%s), 256 MiB, 1 CPU, serial console, ready on `dsp-vm-ready` |\n", orUnknown(env.vmFiles))
	fmt.Fprintf(b, "| Go | %s |\n", m.GoVersion)
	fmt.Fprintf(b, "| runs | %d timed rounds after %d warm-up round(s) (listed, not counted); each round starts and stops both labs, the lab that goes first alternates every round |\n", cfg.runs, cfg.warmup)
	fmt.Fprintf(b, "| duration | %s for the timed part, %s in all |\n", env.timed.Round(time.Second), env.all.Round(time.Second))
	fmt.Fprintf(b, "| other load | right before each start: %d–%d running containers on the engine, 1-minute load average %.2f–%.2f; the machine and the engine are shared (other tests may run), so other work adds noise |\n\n",
		load.ContainersMin, load.ContainersMax, load.AvgMin, load.AvgMax)
}

// accelText says which accelerators the boots used and, when KVM is not
// among them, why.
func accelText(env *environment, names []string, reasons map[string]string) string {
	var parts []string
	for _, n := range names {
		parts = append(parts, fmt.Sprintf("**%s** (the helper's log: `accelerator: %s (%s)`)", strings.ToUpper(n), n, reasons[n]))
	}
	s := strings.Join(parts, "; ") + fmt.Sprintf("; /dev/kvm on the host: %s", env.kvmDevice)
	switch {
	case !slices.Contains(names, "kvm"):
		s += ". **KVM is not usable here**, so the VM rows are TCG only"
	case !slices.Contains(names, "tcg"):
		s += ". TCG is not measured: the launcher uses KVM whenever it works and dsp has no switch to force TCG"
	}
	return s
}

// newerNote says that the binary is older than a source file.
func newerNote(file string) string {
	if file == "" {
		return ""
	}
	return fmt.Sprintf("; the binary is older than `%s` (changed after it was built: what it times may differ from the commit)", file)
}

func orUnknown(s string) string {
	if s == "" {
		return "unknown"
	}
	return s
}

func writeResults(b *strings.Builder, vm, ctr []cycle, names []string) {
	b.WriteString("## Results\n\nMedians of the timed rounds, with min and max. Every time runs from the start of the `dsp` process.\n\n")
	b.WriteString("| lab | measure | median | min | max |\n|---|---|---:|---:|---:|\n")
	for _, a := range names {
		cs := timed(vm, a)
		for _, m := range vmMeasures {
			st := stats(cs, m.pick)
			fmt.Fprintf(b, "| mixed-vm, %s | %s | %s | %s | %s |\n", strings.ToUpper(a), m.what, benchkit.Seconds(st.Median), benchkit.Seconds(st.Min), benchkit.Seconds(st.Max))
		}
	}
	for _, m := range ctrMeasures {
		st := stats(ctr, m.pick)
		fmt.Fprintf(b, "| attacker-only | %s | %s | %s | %s |\n", m.what, benchkit.Seconds(st.Median), benchkit.Seconds(st.Min), benchkit.Seconds(st.Max))
	}
	b.WriteString("\n### Ratios (of medians)\n\n| accelerator | VM boot ÷ container start (ready lines) | whole `lab up`: mixed-vm ÷ attacker-only | whole `lab down`: mixed-vm ÷ attacker-only |\n|---|---:|---:|---:|\n")
	cReady := stats(ctr, func(c cycle) time.Duration { return c.ready }).Median
	cUp := stats(ctr, func(c cycle) time.Duration { return c.up }).Median
	cDown := stats(ctr, func(c cycle) time.Duration { return c.down }).Median
	for _, a := range names {
		cs := timed(vm, a)
		vReady := stats(cs, func(c cycle) time.Duration { return c.ready }).Median
		vUp := stats(cs, func(c cycle) time.Duration { return c.up }).Median
		vDown := stats(cs, func(c cycle) time.Duration { return c.down }).Median
		fmt.Fprintf(b, "| %s | %.1f× (%s ÷ %s) | %.1f× (%s ÷ %s) | %.2f× (%s ÷ %s) |\n", strings.ToUpper(a),
			benchkit.Ratio(vReady, cReady), benchkit.Seconds(vReady), benchkit.Seconds(cReady),
			benchkit.Ratio(vUp, cUp), benchkit.Seconds(vUp), benchkit.Seconds(cUp),
			benchkit.Ratio(vDown, cDown), benchkit.Seconds(vDown), benchkit.Seconds(cDown))
	}
	b.WriteString("\nVM boot is `lab up` of mixed-vm until its `victim: [done] VM up in` progress line; container start is `lab up` of attacker-only until its `attacker: [done] Started` line. Both include dsp's checks, the network and the container creation and start.\n\n")
}

func writeCycles(b *strings.Builder, results map[string][]cycle) {
	b.WriteString("## Every cycle\n\nIn seconds, in the order they ran; warm-up rounds in brackets; `*` marks the lab that went first in its round.\n\n")
	b.WriteString("| lab | measure | cycles |\n|---|---|---|\n")
	rows := []struct {
		lab  string
		what string
		pick func(cycle) time.Duration
	}{
		{vmLabName, "`lab up` → VM ready line", func(c cycle) time.Duration { return c.ready }},
		{vmLabName, "dsp's `VM up in`", func(c cycle) time.Duration { return c.reported }},
		{vmLabName, "whole `lab up`", func(c cycle) time.Duration { return c.up }},
		{vmLabName, "whole `lab down`", func(c cycle) time.Duration { return c.down }},
		{ctrLabName, "`lab up` → attacker Started line", func(c cycle) time.Duration { return c.ready }},
		{ctrLabName, "whole `lab up`", func(c cycle) time.Duration { return c.up }},
		{ctrLabName, "whole `lab down`", func(c cycle) time.Duration { return c.down }},
	}
	for _, r := range rows {
		var cells []string
		for _, c := range results[r.lab] {
			cell := fmt.Sprintf("%.2f", r.pick(c).Seconds())
			if c.first {
				cell += "*"
			}
			if c.warmup {
				cell = "[" + cell + "]"
			}
			cells = append(cells, cell)
		}
		fmt.Fprintf(b, "| %s | %s | %s |\n", r.lab, r.what, strings.Join(cells, " "))
	}
	var acc []string
	for _, c := range results[vmLabName] {
		a := c.accel
		if c.warmup {
			a = "[" + a + "]"
		}
		acc = append(acc, a)
	}
	fmt.Fprintf(b, "| %s | accelerator | %s |\n\n", vmLabName, strings.Join(acc, " "))
}

func writeMethod(b *strings.Builder, cfg *config, env *environment) {
	b.WriteString("## Method\n\n")
	fmt.Fprintf(b, "- The harness (`bench/vm/main.go`, package main) makes a throw-away dsp main directory (`-home`, here `%s`) with one repository `%s` holding two labs. `%s` is a copy of `examples/mixed-vm` (its compose file, kernel, initramfs and files); `%s` is the same compose file without the `victim` service. In both copies the example's addresses `%s*` become `%s*`, so that a `dsp lab test` of the example running on the same engine meanwhile does not ask for the same subnet; nothing else changes.\n",
		cfg.home, benchRepo, vmLabName, ctrLabName, exampleNet, benchNet)
	b.WriteString("- Each round runs, for each lab, `dsp --home H lab up benchvm/LAB --plain` then `dsp --home H lab down benchvm/LAB --plain`. The harness reads the output as it comes (a pipe, no terminal) and stamps each line with the time since the process started: the ready line of the VM (`container victim: [done] VM up in …`, printed once the guest wrote `dsp-vm-ready` on its serial console) and the `container attacker: [done] Started` line. The whole `lab up` and `lab down` are timed from process start to exit.\n")
	b.WriteString("- The accelerator of each boot is read from the helper container's log (`docker logs -t`), where the launcher writes `accelerator: kvm|tcg (reason)` after probing /dev/kvm (it opens it, creates a VM, then runs an empty QEMU machine under KVM for 0.5 s): dsp passes /dev/kvm into the helper when the host has it, and the launcher falls back to TCG when KVM does not work. The same log's timestamps give the helper container's start (`docker inspect` StartedAt), the probe, QEMU's start and the guest's ready line.\n")
	b.WriteString("- Every cycle starts from nothing and is checked with `docker ps -a` / `docker network ls` / `docker volume ls` filtered on the lab's `io.dsp.lab-dir` label: nothing before the start, every service running after it (2 containers for mixed-vm: the VM helper and the attacker; 1 for attacker-only), nothing after the stop. A failed check stops the benchmark. Whatever happens, the harness stops every lab it started (dsp, then by label) when it ends, fails or is interrupted.\n")
	b.WriteString("- Both labs keep the example's `x-dsp.stop_timeout: 1s`; the attacker runs under an init (`init: true`) and the VM helper's launcher quits QEMU at once on SIGTERM, so neither stop waits for its grace period.\n")
	fmt.Fprintf(b, "- Left on the engine after the run: %s.\n", env.leftovers)
}

// summary is the short table printed at the end.
func summary(results map[string][]cycle) string {
	var b strings.Builder
	vm, ctr := results[vmLabName], timed(results[ctrLabName], "")
	names, _ := accels(vm)
	cReady := stats(ctr, func(c cycle) time.Duration { return c.ready })
	cUp := stats(ctr, func(c cycle) time.Duration { return c.up })
	cDown := stats(ctr, func(c cycle) time.Duration { return c.down })
	fmt.Fprintf(&b, "container start (attacker-only): ready %s [%s–%s], lab up %s [%s–%s], down %s [%s–%s]\n",
		benchkit.Seconds(cReady.Median), benchkit.Seconds(cReady.Min), benchkit.Seconds(cReady.Max),
		benchkit.Seconds(cUp.Median), benchkit.Seconds(cUp.Min), benchkit.Seconds(cUp.Max),
		benchkit.Seconds(cDown.Median), benchkit.Seconds(cDown.Min), benchkit.Seconds(cDown.Max))
	for _, a := range names {
		cs := timed(vm, a)
		r := stats(cs, func(c cycle) time.Duration { return c.ready })
		u := stats(cs, func(c cycle) time.Duration { return c.up })
		d := stats(cs, func(c cycle) time.Duration { return c.down })
		fmt.Fprintf(&b, "VM boot (mixed-vm, %s): ready %s [%s–%s], lab up %s [%s–%s], down %s [%s–%s]; VM ÷ container %.1f× (ready), %.1f× (lab up)\n",
			a, benchkit.Seconds(r.Median), benchkit.Seconds(r.Min), benchkit.Seconds(r.Max),
			benchkit.Seconds(u.Median), benchkit.Seconds(u.Min), benchkit.Seconds(u.Max),
			benchkit.Seconds(d.Median), benchkit.Seconds(d.Min), benchkit.Seconds(d.Max),
			benchkit.Ratio(r.Median, cReady.Median), benchkit.Ratio(u.Median, cUp.Median))
	}
	return b.String()
}
