package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/dsp-lab/dsp/internal/capture"
)

// The tools compared.
const (
	toolDSP     = "dsp"
	toolTcpdump = "tcpdump"
)

// captured is what one tool reported for one run.
type captured struct {
	packets uint64        // written to the file
	dropped uint64        // the kernel's drop count (tp_drops)
	cpu     time.Duration // user and system time of the capturing process
	wall    time.Duration // from its start to its exit
}

// cpuShare is the CPU the process used, in CPUs (1 = one CPU busy all the
// time).
func (c captured) cpuShare() float64 { return c.cpu.Seconds() / c.wall.Seconds() }

// readyWait bounds how long a tool may take to open its capture.
const readyWait = 30 * time.Second

// process is a capturing process: its output is collected line by line,
// and ready closes when it prints the line that says it captures.
type process struct {
	cmd    *exec.Cmd
	ready  chan struct{}
	mu     sync.Mutex
	lines  []string
	copied sync.WaitGroup
}

// startProcess starts cmd; readyText is the start of the line (on stdout
// or stderr) that says the capture is open.
func startProcess(cmd *exec.Cmd, readyText string) (*process, error) {
	p := &process{cmd: cmd, ready: make(chan struct{})}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	stderr, err := cmd.StderrPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s: %w", cmd.Path, err)
	}
	var once sync.Once
	for _, r := range []io.Reader{stdout, stderr} {
		p.copied.Add(1)
		go func() {
			defer p.copied.Done()
			s := bufio.NewScanner(r)
			for s.Scan() {
				line := s.Text()
				p.mu.Lock()
				p.lines = append(p.lines, line)
				p.mu.Unlock()
				if strings.HasPrefix(line, readyText) {
					once.Do(func() { close(p.ready) })
				}
			}
		}()
	}
	return p, nil
}

// waitReady waits until the process captures.
func (p *process) waitReady(ctx context.Context) error {
	select {
	case <-p.ready:
		return nil
	case <-ctx.Done():
	case <-time.After(readyWait):
	}
	_ = p.cmd.Process.Kill()
	_, _, _ = p.finish()
	return fmt.Errorf("%s did not start capturing within %s:\n%s", p.cmd.Path, readyWait, p.output())
}

// interrupt ends the process with SIGINT, as a user's Ctrl-C, and returns
// its output.
func (p *process) interrupt() (string, time.Duration, error) {
	if err := p.cmd.Process.Signal(os.Interrupt); err != nil {
		return "", 0, err
	}
	return p.finish()
}

func (p *process) finish() (string, time.Duration, error) {
	p.copied.Wait() // Wait closes the pipes: read them out first
	err := p.cmd.Wait()
	var cpu time.Duration
	if st := p.cmd.ProcessState; st != nil {
		cpu = st.UserTime() + st.SystemTime()
	}
	if err != nil {
		return p.output(), cpu, fmt.Errorf("%s: %w:\n%s", p.cmd.Path, err, p.output())
	}
	return p.output(), cpu, nil
}

func (p *process) output() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return strings.Join(p.lines, "\n")
}

// childFlag runs the benchmark binary as dsp's capturing process.
const childFlag = "capture-child"

// childReport is what the dsp capture child prints when it ends.
type childReport struct {
	Packets, Dropped uint64
	Err              string
}

// runChild is the dsp side of a run, in its own process as tcpdump is:
// it captures iface into /dev/null with internal/capture until SIGINT,
// then prints its statistics as JSON.
func runChild(iface string) error {
	devNull, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
	if err != nil {
		return err
	}
	defer devNull.Close()
	interrupted, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	c, err := capture.Start(context.Background(), devNull, capture.Options{
		Sources: []capture.Source{{Interface: iface, Description: "benchmark bridge"}},
	})
	if err != nil {
		return err
	}
	fmt.Println("capturing")
	select {
	case <-interrupted.Done():
	case <-c.Done():
	}
	c.Stop()
	st := c.Stats()
	rep := childReport{Packets: st.Packets, Dropped: st.Dropped}
	if err := c.Err(); err != nil {
		rep.Err = err.Error()
	}
	return json.NewEncoder(os.Stdout).Encode(rep)
}

// tool is how to run one of the tools compared on a bridge.
type tool struct {
	name      string
	command   func(bridge string) *exec.Cmd
	readyText string
	parse     func(output string) (captured, error)
}

func tools(self string, tcpdumpBufferKiB int) map[string]tool {
	return map[string]tool{
		toolDSP: {
			name: toolDSP,
			command: func(bridge string) *exec.Cmd {
				return exec.Command(self, "-"+childFlag, bridge)
			},
			readyText: "capturing",
			parse:     parseChild,
		},
		toolTcpdump: {
			name: toolTcpdump,
			command: func(bridge string) *exec.Cmd {
				return exec.Command("tcpdump", "-n", "-i", bridge, "-B", strconv.Itoa(tcpdumpBufferKiB), "-w", os.DevNull)
			},
			readyText: "tcpdump: listening on",
			parse:     parseTcpdump,
		},
	}
}

func parseChild(output string) (captured, error) {
	lines := strings.Split(strings.TrimSpace(output), "\n")
	for i := len(lines) - 1; i >= 0; i-- {
		var rep childReport
		if json.Unmarshal([]byte(lines[i]), &rep) != nil {
			continue
		}
		if rep.Err != "" {
			return captured{}, fmt.Errorf("dsp capture: %s", rep.Err)
		}
		return captured{packets: rep.Packets, dropped: rep.Dropped}, nil
	}
	return captured{}, fmt.Errorf("no statistics from the dsp capture:\n%s", output)
}

var tcpdumpStat = regexp.MustCompile(`(?m)^(\d+) packets? (captured|dropped by kernel)$`)

// parseTcpdump reads what tcpdump prints on exit: "N packets captured",
// "N packets received by filter", "N packets dropped by kernel".
func parseTcpdump(output string) (captured, error) {
	var c captured
	found := 0
	for _, m := range tcpdumpStat.FindAllStringSubmatch(output, -1) {
		n, err := strconv.ParseUint(m[1], 10, 64)
		if err != nil {
			return c, err
		}
		if m[2] == "captured" {
			c.packets = n
		} else {
			c.dropped = n
		}
		found++
	}
	if found != 2 {
		return c, errors.New("no statistics in tcpdump's output:\n" + output)
	}
	return c, nil
}
