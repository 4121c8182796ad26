package server

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/dsp-lab/dsp/internal/app"
	"github.com/dsp-lab/dsp/internal/engine"
)

// Flag submissions are rate-limited per session and lab, so that a flag
// cannot be guessed by brute force through the API.
const (
	flagAttempts = 10
	flagWindow   = time.Minute
)

// handleLabTest runs the lab's whole test cycle on its own fresh instance
// ("test"): validate, up, healthy, checks, solve, flag, down. An invalid lab
// is tested too: its report says why validation failed.
func (s *Server) handleLabTest(w http.ResponseWriter, r *http.Request) {
	s.labOperation(w, r, func(ctx context.Context, t *app.Target, _ engine.Ref) (*app.Operation, error) {
		return s.app.StartTest(ctx, t)
	})
}

// handleLabChecks runs the lab's checks against a running instance; 409
// when it is not running.
func (s *Server) handleLabChecks(w http.ResponseWriter, r *http.Request) {
	s.labOperation(w, r, s.app.StartChecks)
}

// flagResult is the answer to a flag submission.
type flagResult struct {
	Correct bool   `json:"correct"`
	Message string `json:"message"`
}

// handleLabFlag checks a submitted flag against the running instance's
// flags.
func (s *Server) handleLabFlag(w http.ResponseWriter, r *http.Request) {
	t, ref, ok := s.target(w, r)
	if !ok {
		return
	}
	key := ref.String()
	if c, err := r.Cookie(sessionCookie); err == nil {
		key = c.Value + "\x00" + key
	}
	if wait := s.flagLimiter.wait(key); wait > 0 {
		w.Header().Set("Retry-After", fmt.Sprint(int(wait.Seconds())))
		writeError(w, http.StatusTooManyRequests, "", "too many flag submissions for %s: try again in %s", ref, wait)
		return
	}
	var body struct {
		Flag string `json:"flag"`
	}
	if !decodeBody(w, r, &body) {
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), opTimeout)
	defer cancel()
	correct, err := s.app.SubmitFlag(ctx, t, ref, body.Flag)
	var notRunning *engine.NotRunningError
	var bad *app.FlagError
	switch {
	case errors.As(err, &bad):
		writeError(w, http.StatusBadRequest, "flag", "%v", err)
		return
	case errors.Is(err, engine.ErrNoFlag):
		writeError(w, http.StatusBadRequest, "flag", "lab %s plants no flag: there is nothing to submit", t.ID())
		return
	}
	s.flagLimiter.fail(key) // every submission counts, right or wrong
	switch {
	case errors.As(err, &notRunning):
		writeError(w, http.StatusConflict, "", "lab %s is not running: start it, then submit the flag it planted", ref)
		return
	case err != nil:
		writeErr(w, err)
		return
	}
	if correct {
		writeJSON(w, http.StatusOK, flagResult{Correct: true, Message: fmt.Sprintf("Correct: that is the flag of %s.", t.ID())})
		return
	}
	writeJSON(w, http.StatusOK, flagResult{Correct: false, Message: "Wrong flag: that is not the flag of this lab's running instance. Try again."})
}
