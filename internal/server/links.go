package server

import (
	"context"
	"net/http"

	"github.com/dsp-lab/dsp/internal/app"
)

// linkBody is what PUT …/links/{service} takes: the shape, and the network
// ("" for every lab network of the service).
type linkBody struct {
	Network string `json:"network,omitempty"`
	Rate    string `json:"rate,omitempty"`
	Delay   string `json:"delay,omitempty"`
	Jitter  string `json:"jitter,omitempty"`
	Loss    string `json:"loss,omitempty"`
}

func (s *Server) handleLinks(w http.ResponseWriter, r *http.Request) {
	_, ref, ok := s.target(w, r)
	if !ok {
		return
	}
	links, err := s.app.Links(r.Context(), ref)
	if err != nil {
		writeErr(w, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"links": links})
}

// handleLinkSet impairs a service's links: 200 with them; 400 naming the
// value at fault; 503 naming it when the kernel lacks what it needs
// (sch_netem for a delay, jitter or loss).
func (s *Server) handleLinkSet(w http.ResponseWriter, r *http.Request) {
	t, ref, ok := s.target(w, r)
	if !ok {
		return
	}
	var body linkBody
	if !decodeBody(w, r, &body) {
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), opTimeout)
	defer cancel()
	links, err := s.app.SetLink(ctx, t, ref, app.LinkRequest{
		Service: r.PathValue("service"), Network: body.Network,
		Rate: body.Rate, Delay: body.Delay, Jitter: body.Jitter, Loss: body.Loss,
	})
	if err != nil {
		writeErr(w, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"links": links})
}

func (s *Server) handleLinkClear(w http.ResponseWriter, r *http.Request) {
	t, ref, ok := s.target(w, r)
	if !ok {
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), opTimeout)
	defer cancel()
	links, err := s.app.ClearLink(ctx, t, ref, r.PathValue("service"), r.URL.Query().Get("network"))
	if err != nil {
		writeErr(w, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"links": links})
}
