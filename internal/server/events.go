package server

import (
	"encoding/json"
	"fmt"
	"net/http"
	"time"
)

// handleEvents streams server-sent events: state, progress, operation
// (the application's Bus).
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
	events, stop := s.app.Events().Subscribe()
	defer stop()
	w.WriteHeader(http.StatusOK)
	fmt.Fprint(w, "retry: 1000\n: connected\n\n")
	flusher.Flush()
	heartbeat := time.NewTicker(15 * time.Second)
	defer heartbeat.Stop()
	for {
		select {
		case <-r.Context().Done():
			return
		case m, open := <-events:
			if !open {
				// this stream fell behind and missed events: end it, so that
				// the browser reconnects and reads again what it shows
				s.log.Info("event stream fell behind: closed for the client to reconnect")
				return
			}
			data, err := json.Marshal(m.Payload)
			if err != nil {
				s.log.Warn("event", "name", m.Name, "err", err)
				continue
			}
			fmt.Fprintf(w, "event: %s\ndata: %s\n\n", m.Name, data)
			flusher.Flush()
		case <-heartbeat.C:
			fmt.Fprint(w, ": keep-alive\n\n")
			flusher.Flush()
		}
	}
}
