package server

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"path/filepath"
	"strings"
	"time"

	"github.com/dsp-lab/dsp/internal/engine"
	"github.com/dsp-lab/dsp/internal/lab"
	"github.com/dsp-lab/dsp/internal/labtest"
)

// Flag submissions are rate-limited per session and lab, so that a flag
// cannot be guessed by brute force through the API.
const (
	flagAttempts = 10
	flagWindow   = time.Minute
	// maxFlagLength bounds a submitted flag (generated flags are about 40
	// characters).
	maxFlagLength = 1024
)

// testStore keeps each lab's last test or checks report.
func (s *Server) testStore() labtest.Store {
	return labtest.Store{Dir: filepath.Join(s.catalog.StateDir(), "tests")}
}

// lastTest returns the lab's last report, nil when there is none (or it
// cannot be read: that is logged).
func (s *Server) lastTest(l *lab.Lab) *labtest.Report {
	rep, err := s.testStore().Last(l.Repo, l.Name)
	if err != nil {
		s.log.Warn("read the last test report", "lab", l.ID(), "err", err)
		return nil
	}
	return rep
}

// handleLabTest runs the lab's whole test cycle on a fresh instance
// ("test"): validate, up, healthy, checks, solve, flag, down. An invalid lab
// is tested too: its report says why validation failed.
func (s *Server) handleLabTest(w http.ResponseWriter, r *http.Request) {
	s.startLabOperationWith(w, r, "test", opRules{allowInvalid: true}, func(ctx context.Context, l *lab.Lab, loadErr error, progress engine.Progress) error {
		rep := labtest.Test(ctx, s.engine, l, loadErr, labtest.Options{Trusted: s.catalog.IsTrusted(l.Repo), Progress: progress})
		return s.keepReport(l, rep)
	})
}

// handleLabChecks runs the lab's checks against its running default
// instance; 409 when it is not running.
func (s *Server) handleLabChecks(w http.ResponseWriter, r *http.Request) {
	s.startLabOperationWith(w, r, "checks", opRules{needRunning: true}, func(ctx context.Context, l *lab.Lab, _ error, progress engine.Progress) error {
		rep := labtest.Checks(ctx, s.engine, l, labtest.Options{Trusted: s.catalog.IsTrusted(l.Repo), Instance: engine.DefaultInstance, Progress: progress})
		return s.keepReport(l, rep)
	})
}

// keepReport saves a report as the lab's last one and turns a failed
// report into the operation's error: the first failed step and why.
func (s *Server) keepReport(l *lab.Lab, rep *labtest.Report) error {
	if rep == nil {
		return fmt.Errorf("the test of %s gave no report", l.ID())
	}
	saveErr := s.testStore().Save(rep)
	if saveErr != nil {
		s.log.Warn("save the test report", "lab", l.ID(), "err", saveErr)
	}
	if rep.Status == labtest.Failed {
		return reportError(rep)
	}
	if saveErr != nil {
		return fmt.Errorf("the %s passed, but its report could not be saved: %w", rep.Mode, saveErr)
	}
	return nil
}

// reportError says which step of a failed report failed first, and why.
func reportError(rep *labtest.Report) error {
	failures := rep.Failures()
	if len(failures) == 0 {
		return fmt.Errorf("the %s failed", rep.Mode)
	}
	f := failures[0]
	what := f.Kind
	if f.Name != "" && f.Name != f.Kind {
		what = fmt.Sprintf("%s %q", f.Kind, f.Name)
	}
	msg := f.Message
	if msg == "" {
		msg = "failed"
	}
	if n := len(failures) - 1; n > 0 {
		return fmt.Errorf("%s: %s (and %d more failed %s)", what, msg, n, plural(n, "step", "steps"))
	}
	return fmt.Errorf("%s: %s", what, msg)
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// flagResult is the answer to a flag submission.
type flagResult struct {
	Correct bool   `json:"correct"`
	Message string `json:"message"`
}

// plantsFlag reports whether a lab has a flag to submit: a per-instance
// flag or a ctf action.
func plantsFlag(l *lab.Lab) bool { return l.Flag != nil || len(l.CTFFlags()) > 0 }

// handleLabFlag checks a submitted flag against the running default
// instance's flags.
func (s *Server) handleLabFlag(w http.ResponseWriter, r *http.Request) {
	l, _ := s.loadLab(w, r)
	if l == nil {
		return
	}
	key := l.ID()
	if c, err := r.Cookie(sessionCookie); err == nil {
		key = c.Value + "\x00" + key
	}
	if wait := s.flagLimiter.wait(key); wait > 0 {
		w.Header().Set("Retry-After", fmt.Sprint(int(wait.Seconds())))
		writeError(w, http.StatusTooManyRequests, "", "too many flag submissions for %s: try again in %s", l.ID(), wait)
		return
	}
	var body struct {
		Flag string `json:"flag"`
	}
	if !decodeBody(w, r, &body) {
		return
	}
	flag := strings.TrimSpace(body.Flag)
	switch {
	case flag == "":
		writeError(w, http.StatusBadRequest, "flag", "the flag is empty")
		return
	case len(body.Flag) > maxFlagLength:
		writeError(w, http.StatusBadRequest, "flag", "the flag is longer than %d bytes", maxFlagLength)
		return
	case !plantsFlag(l):
		writeError(w, http.StatusBadRequest, "flag", "lab %s plants no flag: there is nothing to submit", l.ID())
		return
	}
	s.flagLimiter.fail(key) // every submission counts, right or wrong
	ctx, cancel := context.WithTimeout(r.Context(), opTimeout)
	defer cancel()
	ok, err := s.engine.SubmitFlag(ctx, engine.RefOf(l), flag)
	var notRunning *engine.NotRunningError
	switch {
	case errors.As(err, &notRunning):
		writeError(w, http.StatusConflict, "", "lab %s is not running: start it, then submit the flag it planted", l.ID())
		return
	case errors.Is(err, engine.ErrNoFlag):
		writeError(w, http.StatusBadRequest, "flag", "lab %s plants no flag: there is nothing to submit", l.ID())
		return
	case err != nil:
		writeError(w, statusFor(err), "", "%v", err)
		return
	}
	if ok {
		writeJSON(w, http.StatusOK, flagResult{Correct: true, Message: fmt.Sprintf("Correct: that is the flag of %s.", l.ID())})
		return
	}
	writeJSON(w, http.StatusOK, flagResult{Correct: false, Message: "Wrong flag: that is not the flag of this lab's running instance. Try again."})
}
