// Command capture benchmarks dsp's live capture (internal/capture)
// against tcpdump: how many packets per second each keeps up with on the
// bridge of a Docker network before the kernel drops some.
//
// It creates a network with two dsp/busybox containers and sends UDP
// frames of a fixed size from one to the other at stepped rates, from a
// socket it opens in the sender's network namespace. For each rate it
// runs, one after the other with the same traffic, a dsp capture (this
// program in a child process, writing pcapng to /dev/null) and
// `tcpdump -w /dev/null` on the bridge; which goes first alternates. It
// writes BENCHMARKS-capture.md.
//
//	sudo go run ./bench/capture
//
// It needs root, Docker, dsp/busybox:latest (scripts/build-images.sh) and
// tcpdump.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log"
	"os"
	"os/exec"
	"os/signal"
	"runtime"
	"strconv"
	"strings"
	"time"

	"golang.org/x/sys/unix"

	"github.com/dsp-lab/dsp/bench/internal/benchkit"
)

// dspRingKiB is the size of internal/capture's receive ring per source
// (blockSize × blockCount there): tcpdump gets a buffer of the same size
// by default.
const dspRingKiB = 16 << 10

// config is the command line.
type config struct {
	rates      []int
	senders    int
	runs       int
	length     time.Duration
	settle     time.Duration
	frameSize  int
	tcpdumpBuf int
	out        string
	root       string
}

func main() {
	child := flag.String(childFlag, "", "internal: capture this interface as dsp and print the statistics on SIGINT")
	rates := flag.String("rates", "25000,50000,100000,150000,200000,400000", "packets per second to send, comma-separated")
	senders := flag.Int("senders", runtime.NumCPU(), "sockets sending at once, each from its own thread, sharing the rate")
	runs := flag.Int("runs", 2, "runs of each tool at each rate")
	length := flag.Duration("for", 3*time.Second, "traffic of one run")
	settle := flag.Duration("settle", 1500*time.Millisecond, "time a tool gets after the last frame before it is stopped (tcpdump hands a partly filled block over after 1 s)")
	frameSize := flag.Int("size", 128, "bytes of each frame on the wire (Ethernet header to the end of the UDP payload)")
	tcpdumpBuf := flag.Int("tcpdump-buffer", dspRingKiB, "tcpdump -B, in KiB (default: the size of dsp's ring)")
	out := flag.String("out", "BENCHMARKS-capture.md", "report file")
	flag.Parse()
	if *child != "" {
		if err := runChild(*child); err != nil {
			log.Fatal(err)
		}
		return
	}
	cfg := config{senders: *senders, runs: *runs, length: *length, settle: *settle, frameSize: *frameSize, tcpdumpBuf: *tcpdumpBuf, out: *out}
	for _, r := range strings.Split(*rates, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(r))
		if err != nil || n <= 0 {
			log.Fatalf("-rates: %q is not a positive number", r)
		}
		cfg.rates = append(cfg.rates, n)
	}
	if cfg.senders < 1 || cfg.runs < 1 {
		log.Fatal("-senders and -runs must be at least 1")
	}
	if cfg.frameSize < 60 || cfg.frameSize > 1514 {
		log.Fatalf("-size %d: want 60 to 1514 bytes", cfg.frameSize)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, cfg); err != nil {
		log.Fatal(err)
	}
}

// result is one run of one tool.
type result struct {
	rate  int // packets per second asked
	round int
	tool  string
	first bool // it ran before the other tool at this rate and round
	sent  sent
	got   captured
}

func run(ctx context.Context, cfg config) error {
	if os.Geteuid() != 0 {
		return errors.New("run as root: captures and entering the containers' namespaces need it")
	}
	if _, err := exec.LookPath("tcpdump"); err != nil {
		return errors.New("tcpdump is not installed (apt-get install -y tcpdump)")
	}
	root, err := benchkit.FindRoot()
	if err != nil {
		return err
	}
	cfg.root = root
	self, err := os.Executable()
	if err != nil {
		return err
	}
	machine, err := benchkit.Describe(ctx, root, "", "bench/capture", "BENCHMARKS-capture.md")
	if err != nil {
		return err
	}
	tcpdumpVersion, _ := exec.CommandContext(ctx, "tcpdump", "--version").CombinedOutput()
	began := time.Now()

	l, err := newLab(ctx)
	defer func() {
		if err := l.remove(); err != nil {
			log.Printf("remove the benchmark's network and containers: %v", err)
		}
	}()
	if err != nil {
		return err
	}
	sink, err := l.openSink()
	if err != nil {
		return fmt.Errorf("receiver socket: %w", err)
	}
	defer unix.Close(sink)
	senders := make([]int, cfg.senders)
	for i := range senders {
		if senders[i], err = l.openSender(); err != nil {
			return fmt.Errorf("sender socket: %w", err)
		}
		defer unix.Close(senders[i])
	}

	var load benchkit.Load
	var results []result
	toolset := tools(self, cfg.tcpdumpBuf)
	for round := range cfg.runs {
		for i, rate := range cfg.rates {
			order := []string{toolDSP, toolTcpdump}
			if (i+round)%2 == 1 {
				order = []string{toolTcpdump, toolDSP}
			}
			for k, name := range order {
				if err := load.Note(ctx); err != nil {
					return err
				}
				r, err := measure(ctx, cfg, l, senders, toolset[name], rate)
				if err != nil {
					return fmt.Errorf("%s at %d packets/s: %w", name, rate, err)
				}
				r.round, r.first = round, k == 0
				results = append(results, r)
				fmt.Printf("round %d, %7d/s asked, %-7s: sent %8d (%7.0f/s), on the bridge %8d, captured %8d, dropped %8d, CPU %5.1f%%\n",
					round+1, rate, name, r.sent.frames, r.sent.rate(), r.sent.bridge, r.got.packets, r.got.dropped,
					100*r.got.cpuShare())
			}
		}
	}
	rep := report{cfg: cfg, machine: machine, tcpdumpVersion: strings.TrimSpace(string(tcpdumpVersion)),
		results: results, load: load, duration: time.Since(began)}
	if err := os.WriteFile(cfg.out, []byte(rep.markdown()), 0o644); err != nil {
		return err
	}
	fmt.Println("wrote", cfg.out)
	return nil
}

// measure runs one tool on the bridge while the senders send at rate.
func measure(ctx context.Context, cfg config, l *lab, senders []int, t tool, rate int) (result, error) {
	began := time.Now()
	p, err := startProcess(t.command(l.bridge), t.readyText)
	if err != nil {
		return result{}, err
	}
	if err := p.waitReady(ctx); err != nil {
		return result{}, err
	}
	before, err := l.bridgeFrames()
	if err != nil {
		_, _, _ = p.interrupt()
		return result{}, err
	}
	s, err := blastAll(senders, rate, cfg.length, cfg.frameSize)
	if err != nil {
		_, _, _ = p.interrupt()
		return result{}, err
	}
	// The same time for both to empty their buffers: a tool stopped at
	// once would leave what it has not read yet uncounted.
	time.Sleep(cfg.settle)
	after, err := l.bridgeFrames()
	if err != nil {
		_, _, _ = p.interrupt()
		return result{}, err
	}
	s.bridge = after - before
	out, cpu, err := p.interrupt()
	if err != nil {
		return result{}, err
	}
	got, err := t.parse(out)
	if err != nil {
		return result{}, err
	}
	got.cpu, got.wall = cpu, time.Since(began)
	return result{rate: rate, tool: t.name, sent: s, got: got}, nil
}
