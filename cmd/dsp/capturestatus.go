package main

import (
	"fmt"
	"io"
	"os"
	"sort"
	"strings"

	"github.com/docker/go-units"
	"github.com/moby/term"

	"github.com/dsp-lab/dsp/internal/capture"
)

// captureStatus shows a capture's counters: one line redrawn in place on a
// terminal (packets, bytes, drops, packets per second, top protocols),
// a line every 10 seconds elsewhere.
type captureStatus struct {
	out   io.Writer
	live  bool
	ticks int
}

func newCaptureStatus(out io.Writer, plain bool) *captureStatus {
	live := false
	if f, ok := out.(*os.File); ok && !plain {
		live = term.IsTerminal(f.Fd())
	}
	return &captureStatus{out: out, live: live}
}

func (s *captureStatus) start(interfaces []string) {
	fmt.Fprintf(s.out, "capturing %s (Ctrl-C stops)\n", strings.Join(interfaces, "; "))
}

func (s *captureStatus) show(st capture.Stats) {
	s.ticks++
	switch {
	case s.live:
		fmt.Fprintf(s.out, "\r\033[K%s", statsLine(st))
	case s.ticks%10 == 0:
		fmt.Fprintln(s.out, statsLine(st))
	}
}

func (s *captureStatus) end(st capture.Stats) {
	if s.live {
		fmt.Fprint(s.out, "\r\033[K")
	}
	fmt.Fprintf(s.out, "captured %s\n", statsLine(st))
}

// statsLine words the counters: "1204 packets, 310kB, 0 dropped, 52/s
// (TCP 900, ARP 4, …)".
func statsLine(st capture.Stats) string {
	rate := uint64(0)
	if n := len(st.PerSecond); n > 1 {
		rate = st.PerSecond[n-2] // the last whole second
	}
	line := fmt.Sprintf("%d packets, %s, %d dropped, %d/s", st.Packets, units.HumanSize(float64(st.Bytes)), st.Dropped, rate)
	type count struct {
		proto string
		n     uint64
	}
	var top []count
	for p, n := range st.ByProtocol {
		top = append(top, count{p, n})
	}
	sort.Slice(top, func(i, j int) bool {
		return top[i].n > top[j].n || (top[i].n == top[j].n && top[i].proto < top[j].proto)
	})
	if len(top) > 4 {
		top = top[:4]
	}
	parts := make([]string, len(top))
	for i, c := range top {
		parts[i] = fmt.Sprintf("%s %d", c.proto, c.n)
	}
	if len(parts) > 0 {
		line += " (" + strings.Join(parts, ", ") + ")"
	}
	return line
}
