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
// killed with docker shows in the browser within a second.
type stateTracker struct {
	s       *Server
	mu      sync.Mutex
	pending map[engine.Ref]bool
	kick    chan struct{}
}

func newStateTracker(s *Server) *stateTracker {
	return &stateTracker{s: s, pending: map[engine.Ref]bool{}, kick: make(chan struct{}, 1)}
}

// changed schedules a state check of a lab instance.
func (t *stateTracker) changed(ref engine.Ref) {
	if ref.Instance == "" {
		ref.Instance = engine.DefaultInstance
	}
	t.mu.Lock()
	t.pending[ref] = true
	t.mu.Unlock()
	select {
	case t.kick <- struct{}{}:
	default:
	}
}

func (t *stateTracker) run(ctx context.Context) {
	go t.s.engine.Watch(ctx, t.changed)
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.kick:
		}
		// Let a burst of events (a lab of 20 containers stopping) settle.
		time.Sleep(150 * time.Millisecond)
		t.mu.Lock()
		refs := t.pending
		t.pending = map[engine.Ref]bool{}
		t.mu.Unlock()
		for ref := range refs {
			t.publish(ctx, ref)
		}
	}
}

func (t *stateTracker) publish(ctx context.Context, ref engine.Ref) {
	var l *lab.Lab
	if loaded, err := t.s.catalog.Load(ctx, ref.Repo+"/"+ref.Lab); loaded != nil && err == nil {
		l = loaded
	}
	st, err := t.s.engine.Status(ctx, ref, l)
	if err != nil {
		t.s.log.Warn("lab status", "lab", ref, "err", err)
		return
	}
	t.s.hub.publish("state", map[string]any{"lab": ref.Repo + "/" + ref.Lab, "instance": ref.Instance, "state": st.State, "status": st})
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
	w.WriteHeader(http.StatusOK)
	fmt.Fprint(w, "retry: 1000\n: connected\n\n")
	flusher.Flush()

	ch := s.hub.subscribe()
	defer s.hub.unsubscribe(ch)
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
