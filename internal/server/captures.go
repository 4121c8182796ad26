package server

import (
	"context"
	"encoding/json"
	"fmt"
	"mime"
	"net/http"
	"time"

	"github.com/dsp-lab/dsp/internal/app"
	"github.com/dsp-lab/dsp/internal/capture"
)

// handleLabCaptures lists an instance's captures, running and ended.
func (s *Server) handleLabCaptures(w http.ResponseWriter, r *http.Request) {
	_, ref, ok := s.target(w, r)
	if !ok {
		return
	}
	list, err := s.app.Captures(&ref)
	if err != nil {
		writeErr(w, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"captures": list})
}

func (s *Server) handleCaptures(w http.ResponseWriter, _ *http.Request) {
	list, err := s.app.Captures(nil)
	if err != nil {
		writeErr(w, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"captures": list})
}

// handleCaptureStart starts a capture: 201 with it.
func (s *Server) handleCaptureStart(w http.ResponseWriter, r *http.Request) {
	t, ref, ok := s.target(w, r)
	if !ok {
		return
	}
	var req app.CaptureRequest
	if !decodeBody(w, r, &req) {
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), opTimeout)
	defer cancel()
	v, err := s.app.StartCapture(ctx, t, ref, req)
	if err != nil {
		writeErr(w, err)
		return
	}
	writeJSON(w, http.StatusCreated, v)
}

func (s *Server) handleCapture(w http.ResponseWriter, r *http.Request) {
	v, err := s.app.CaptureView(r.PathValue("id"))
	if err != nil {
		writeErr(w, err)
		return
	}
	writeJSON(w, http.StatusOK, v)
}

func (s *Server) handleCaptureStop(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), opTimeout)
	defer cancel()
	v, err := s.app.StopCapture(ctx, r.PathValue("id"))
	if err != nil {
		writeErr(w, err)
		return
	}
	writeJSON(w, http.StatusOK, v)
}

func (s *Server) handleCaptureDelete(w http.ResponseWriter, r *http.Request) {
	if err := s.app.DeleteCapture(r.PathValue("id")); err != nil {
		writeErr(w, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// handleCaptureFile sends the capture's pcapng file as it is now (a
// running capture's up to its last whole block).
func (s *Server) handleCaptureFile(w http.ResponseWriter, r *http.Request) {
	f, err := s.app.OpenCapture(r.PathValue("id"))
	if err != nil {
		writeErr(w, err)
		return
	}
	defer f.Close()
	h := w.Header()
	h.Set("Content-Type", "application/x-pcapng")
	h.Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": f.View.File}))
	h.Set("Cache-Control", "no-store")
	http.ServeContent(w, r, "", f.ModTime(), f.Reader())
}

// livePacket is a packet as the live stream sends it.
type livePacket struct {
	N         int64     `json:"n"`
	Time      time.Time `json:"time"`
	Interface int       `json:"interface"`
	Src       string    `json:"src"`
	Dst       string    `json:"dst"`
	Protocol  string    `json:"protocol"`
	Length    int       `json:"length"`
	Info      string    `json:"info"`
}

// liveStats are a capture's counters as the live stream sends them.
type liveStats struct {
	Packets    uint64            `json:"packets"`
	Bytes      uint64            `json:"bytes"`
	Dropped    uint64            `json:"dropped"`
	Missed     uint64            `json:"missed"`
	ByProtocol map[string]uint64 `json:"byProtocol"`
	PerSecond  []uint64          `json:"perSecond"`
}

func statsOf(st capture.Stats) liveStats {
	out := liveStats{Packets: st.Packets, Bytes: st.Bytes, Dropped: st.Dropped, Missed: st.Missed, ByProtocol: st.ByProtocol, PerSecond: st.PerSecond}
	if out.ByProtocol == nil {
		out.ByProtocol = map[string]uint64{}
	}
	if out.PerSecond == nil {
		out.PerSecond = []uint64{}
	}
	return out
}

// Live streaming: packets go out in batches at most every
// liveFlushEvery (or when liveBatch are waiting), counters every second.
const (
	liveBuffer     = 4096
	liveBatch      = 200
	liveFlushEvery = 200 * time.Millisecond
)

// handleCaptureLive streams a running capture as server-sent events:
// `packets` (an array of packets), `stats` (the counters, every second)
// and `end` (the capture as it ended).
func (s *Server) handleCaptureLive(w http.ResponseWriter, r *http.Request) {
	flusher, ok := w.(http.Flusher)
	if !ok {
		writeError(w, http.StatusInternalServerError, "", "streaming is not supported")
		return
	}
	id := r.PathValue("id")
	live, err := s.app.WatchCapture(id, liveBuffer)
	if err != nil {
		writeErr(w, err)
		return
	}
	defer live.Close()
	h := w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Accel-Buffering", "no")
	w.WriteHeader(http.StatusOK)
	fmt.Fprint(w, "retry: 2000\n: connected\n\n")
	send := func(name string, v any) {
		data, err := json.Marshal(v)
		if err != nil {
			return
		}
		fmt.Fprintf(w, "event: %s\ndata: %s\n\n", name, data)
		flusher.Flush()
	}
	send("stats", statsOf(live.Stats()))
	flush := time.NewTicker(liveFlushEvery)
	defer flush.Stop()
	stats := time.NewTicker(time.Second)
	defer stats.Stop()
	batch := make([]livePacket, 0, liveBatch)
	sendBatch := func() {
		if len(batch) > 0 {
			send("packets", batch)
			batch = batch[:0]
		}
	}
	for {
		select {
		case <-r.Context().Done():
			return
		case p, open := <-live.Packets:
			if !open {
				sendBatch()
				send("stats", statsOf(live.Stats()))
				if v, err := s.app.StopCapture(r.Context(), id); err == nil {
					send("end", v)
				}
				return
			}
			batch = append(batch, livePacket{N: p.N, Time: p.Time, Interface: p.Interface, Src: p.Src, Dst: p.Dst, Protocol: p.Protocol, Length: p.Length, Info: p.Info})
			if len(batch) >= liveBatch {
				sendBatch()
			}
		case <-flush.C:
			sendBatch()
		case <-stats.C:
			send("stats", statsOf(live.Stats()))
		}
	}
}
