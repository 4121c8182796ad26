package benchkit

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"runtime"
	"strconv"
	"strings"
	"time"
)

// Machine describes the machine, the Docker Engine and the dsp binary a
// benchmark measured.
type Machine struct {
	Date      time.Time
	NProc     int
	CPU       string
	Memory    string
	Kernel    string
	Docker    string // server version, API and client versions
	Storage   string // storage driver, cgroup version, the engine's CPUs
	GoVersion string
	DSPCommit string // short commit of the tree, with a note when it has uncommitted changes
	DSPBuilt  time.Time
}

// Describe asks the machine, the engine and git. ignore are pathspecs
// (relative to root) whose uncommitted changes do not count as changes of
// the tree measured, such as the benchmark's own folder and report.
func Describe(ctx context.Context, root, dspBin string, ignore ...string) (*Machine, error) {
	m := &Machine{
		Date:      time.Now(),
		NProc:     runtime.NumCPU(),
		CPU:       cpuModel(),
		Memory:    memTotal(),
		Kernel:    readTrim("/proc/sys/kernel/osrelease"),
		GoVersion: runtime.Version(),
	}
	var err error
	if m.Docker, err = Output(ctx, "", "docker", "version", "--format", "{{.Server.Version}} (API {{.Server.APIVersion}}, client {{.Client.Version}})"); err != nil {
		return nil, err
	}
	if m.Storage, err = Output(ctx, "", "docker", "info", "--format", "{{.Driver}} storage driver, cgroup v{{.CgroupVersion}}, {{.NCPU}} CPUs"); err != nil {
		return nil, err
	}
	m.DSPCommit = "unknown"
	if c, err := Output(ctx, root, "git", "rev-parse", "--short", "HEAD"); err == nil {
		m.DSPCommit = c
		args := []string{"status", "--porcelain", "--", "."}
		for _, p := range ignore {
			args = append(args, ":!"+p)
		}
		if st, err := Output(ctx, root, "git", args...); err == nil && st != "" {
			m.DSPCommit += " with uncommitted changes in the tree"
		}
	}
	if st, err := os.Stat(dspBin); err == nil {
		m.DSPBuilt = st.ModTime()
	}
	return m, nil
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

// Load records, right before each timed start, how many running containers
// share the engine and the 1-minute load average: other work makes the
// timings noisier.
type Load struct {
	ContainersMin, ContainersMax int
	AvgMin, AvgMax               float64
	seen                         bool
}

// Note takes one sample.
func (l *Load) Note(ctx context.Context) error {
	out, err := Output(ctx, "", "docker", "ps", "-q")
	if err != nil {
		return err
	}
	n := len(strings.Fields(out))
	if avg, err := LoadAverage(); err == nil {
		if !l.seen || avg < l.AvgMin {
			l.AvgMin = avg
		}
		if !l.seen || avg > l.AvgMax {
			l.AvgMax = avg
		}
	}
	if !l.seen || n < l.ContainersMin {
		l.ContainersMin = n
	}
	if !l.seen || n > l.ContainersMax {
		l.ContainersMax = n
	}
	l.seen = true
	return nil
}
