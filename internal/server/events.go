package server

import (
	"context"
	"fmt"
	"net/http"
	"sync"
	"time"

	"github.com/dsp-lab/dsp/internal/engine"
	"github.com/dsp-lab/dsp/internal/lab"
)

// stateTracker turns Docker events and finished operations into "state"
// events for the open pages: a lab stopped with the CLI or a container
// killed with docker shows in the browser within a second. Docker reports
// an event slightly before its lists show the change, and the end of an
// operation in another process (its lock released) makes no event, so a
// lab is checked again after each event, and while it is in transition,
// until its state settles; only changes are published.
type stateTracker struct {
	s    *Server
	mu   sync.Mutex
	due  map[engine.Ref]time.Time // next check of each lab with pending checks
	left map[engine.Ref]int       // checks left after the next one
	last map[engine.Ref]engine.State
	kick chan struct{}
}

// recheck is how often a lab is looked at again after a change.
const recheck = 400 * time.Millisecond

// settleChecks is how many checks follow a change when nothing moves.
const settleChecks = 5

func newStateTracker(s *Server) *stateTracker {
	return &stateTracker{s: s, due: map[engine.Ref]time.Time{}, left: map[engine.Ref]int{}, last: map[engine.Ref]engine.State{}, kick: make(chan struct{}, 1)}
}

// changed schedules checks of a lab instance.
func (t *stateTracker) changed(ref engine.Ref) {
	if ref.Instance == "" {
		ref.Instance = engine.DefaultInstance
	}
	t.mu.Lock()
	t.due[ref] = time.Now().Add(150 * time.Millisecond)
	t.left[ref] = settleChecks
	t.mu.Unlock()
	select {
	case t.kick <- struct{}{}:
	default:
	}
}

func (t *stateTracker) run(ctx context.Context) {
	go t.s.engine.Watch(ctx, t.changed)
	ticker := time.NewTicker(100 * time.Millisecond)
	defer ticker.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.kick:
		case <-ticker.C:
		}
		for _, ref := range t.dueNow() {
			t.check(ctx, ref)
		}
	}
}

// dueNow returns the labs whose check is due.
func (t *stateTracker) dueNow() []engine.Ref {
	t.mu.Lock()
	defer t.mu.Unlock()
	now := time.Now()
	var out []engine.Ref
	for ref, at := range t.due {
		if !at.After(now) {
			out = append(out, ref)
		}
	}
	return out
}

// check reads a lab's state, publishes it when it changed, and schedules
// the next check while it may still move.
func (t *stateTracker) check(ctx context.Context, ref engine.Ref) {
	var l *lab.Lab
	if loaded, err := t.s.catalog.Load(ctx, ref.Repo+"/"+ref.Lab); loaded != nil && err == nil {
		l = loaded
	}
	st, err := t.s.engine.Status(ctx, ref, l)
	t.mu.Lock()
	transitional := err == nil && (st.State == engine.StateStarting || st.State == engine.StateStopping)
	if transitional {
		t.left[ref] = settleChecks
	}
	if t.left[ref] > 0 {
		t.left[ref]--
		t.due[ref] = time.Now().Add(recheck)
	} else {
		delete(t.due, ref)
		delete(t.left, ref)
	}
	publish := err == nil && t.last[ref] != st.State
	if err == nil {
		t.last[ref] = st.State
	}
	t.mu.Unlock()
	if err != nil {
		t.s.log.Warn("lab status", "lab", ref, "err", err)
		return
	}
	if publish {
		t.s.hub.publish("state", map[string]any{"lab": ref.Repo + "/" + ref.Lab, "instance": ref.Instance, "state": st.State, "status": st})
	}
}

// handleEvents streams server-sent events: state, progress, operation.
func (s *Server) handleEvents(w http.ResponseWriter, r *http.Request) {
	flusher, ok := w.(http.Flusher)
	if !ok {
		writeError(w, http.StatusInternalServerError, "", "streaming is not supported")
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Accel-Buffering", "no")
	ch := s.hub.subscribe()
	defer s.hub.unsubscribe(ch)
	w.WriteHeader(http.StatusOK)
	fmt.Fprint(w, "retry: 1000\n: connected\n\n")
	flusher.Flush()
	heartbeat := time.NewTicker(15 * time.Second)
	defer heartbeat.Stop()
	for {
		select {
		case <-r.Context().Done():
			return
		case m := <-ch:
			fmt.Fprintf(w, "event: %s\ndata: %s\n\n", m.name, m.data)
			flusher.Flush()
		case <-heartbeat.C:
			fmt.Fprint(w, ": keep-alive\n\n")
			flusher.Flush()
		}
	}
}
