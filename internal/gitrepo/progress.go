package gitrepo

import (
	"bytes"
	"regexp"
	"strconv"
	"strings"
	"sync"

	"github.com/go-git/go-git/v5/plumbing/protocol/packp/sideband"
)

// Progress is one line of a remote's progress ("Receiving objects:  42%
// (21/50)"), with its percentage when it has one (-1 when not).
type Progress struct {
	Line    string
	Percent int
}

// progressWriter turns git's sideband progress (lines ended by \r while
// they count, \n when done) into Progress calls, one per distinct line.
type progressWriter struct {
	mu   sync.Mutex
	send func(Progress)
	buf  []byte
	last string
	// phase and step throttle counting lines: one per 5% of a phase.
	phase string
	step  int
}

var percent = regexp.MustCompile(`(\d{1,3})%`)

func newProgressWriter(send func(Progress)) sideband.Progress {
	if send == nil {
		return nil
	}
	return &progressWriter{send: send}
}

func (w *progressWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.buf = append(w.buf, p...)
	for {
		i := bytes.IndexAny(w.buf, "\r\n")
		if i < 0 {
			break
		}
		w.emit(string(w.buf[:i]))
		w.buf = w.buf[i+1:]
	}
	return len(p), nil
}

func (w *progressWriter) emit(line string) {
	line = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(line), "remote:"))
	if line == "" || line == w.last {
		return
	}
	pc := -1
	if m := percent.FindStringSubmatch(line); m != nil {
		pc, _ = strconv.Atoi(m[1])
	}
	phase, _, _ := strings.Cut(line, ":")
	if pc >= 0 && phase == w.phase && pc/5 == w.step && !strings.HasSuffix(line, "done.") {
		return
	}
	w.last, w.phase, w.step = line, phase, pc/5
	w.send(Progress{Line: line, Percent: pc})
}

// say sends a line of dsp's own.
func say(send func(Progress), line string) {
	if send != nil {
		send(Progress{Line: line, Percent: -1})
	}
}
