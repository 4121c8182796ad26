package main

import (
	"fmt"
	"io"
	"os"
	"strings"
	"sync"

	"github.com/moby/term"

	"github.com/dsp-lab/dsp/internal/engine"
)

// renderer shows engine progress. On a terminal it keeps one live line per
// target (service, network, action) and redraws them in place; elsewhere it
// prints one plain line per event.
type renderer struct {
	mu      sync.Mutex
	out     io.Writer
	live    bool
	order   []string
	lines   map[string]engine.Event
	drawn   int
	spinner int
}

func newRenderer(out io.Writer, plain bool) *renderer {
	live := false
	if f, ok := out.(*os.File); ok && !plain {
		live = term.IsTerminal(f.Fd())
	}
	return &renderer{out: out, live: live, lines: map[string]engine.Event{}}
}

// Event receives one progress event.
func (r *renderer) Event(ev engine.Event) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if !r.live {
		fmt.Fprintln(r.out, plainLine(ev))
		return
	}
	if ev.Target == "" || ev.Status == engine.StatusInfo {
		// Messages and command output scroll above the live block.
		r.clear()
		fmt.Fprintln(r.out, plainLine(ev))
		r.draw()
		return
	}
	key := string(ev.Step) + " " + ev.Target
	if _, ok := r.lines[key]; !ok {
		r.order = append(r.order, key)
	}
	r.lines[key] = ev
	r.clear()
	r.draw()
}

// Close leaves the final state on screen.
func (r *renderer) Close() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.drawn = 0
}

func (r *renderer) clear() {
	if r.drawn > 0 {
		fmt.Fprintf(r.out, "\x1b[%dA\x1b[J", r.drawn)
	}
	r.drawn = 0
}

func (r *renderer) draw() {
	r.spinner++
	for _, key := range r.order {
		ev := r.lines[key]
		fmt.Fprintf(r.out, " %s %-9s %-28s %s\n", r.icon(ev.Status), ev.Step, trimTo(ev.Target, 28), trimTo(ev.Message, 80))
		r.drawn++
	}
}

func (r *renderer) icon(s engine.EventStatus) string {
	switch s {
	case engine.StatusDone:
		return "\x1b[32m✔\x1b[0m"
	case engine.StatusError:
		return "\x1b[31m✘\x1b[0m"
	case engine.StatusWarning:
		return "\x1b[33m!\x1b[0m"
	default:
		frames := []string{"⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"}
		return frames[r.spinner%len(frames)]
	}
}

func plainLine(ev engine.Event) string {
	parts := []string{ev.Time.Format("15:04:05"), fmt.Sprintf("%-9s", ev.Step)}
	if ev.Target != "" {
		parts = append(parts, ev.Target+":")
	}
	if ev.Status != engine.StatusInfo {
		parts = append(parts, "["+string(ev.Status)+"]")
	}
	if ev.Message != "" {
		parts = append(parts, ev.Message)
	}
	return strings.Join(parts, " ")
}

func trimTo(s string, n int) string {
	s = strings.ReplaceAll(s, "\n", " ")
	if len([]rune(s)) > n {
		return string([]rune(s)[:n-1]) + "…"
	}
	return s
}
