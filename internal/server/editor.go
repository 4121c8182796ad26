package server

import (
	"context"
	"net/http"

	"github.com/dsp-lab/dsp/internal/app"
	"github.com/dsp-lab/dsp/internal/labedit"
)

// maxSource bounds the compose text an editor request carries (the lab
// loader reads at most 16 MiB; an edited compose file is far smaller).
const maxSource = 4 << 20

func (s *Server) handleSource(w http.ResponseWriter, r *http.Request) {
	t, ref, ok := s.target(w, r)
	if !ok {
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), opTimeout)
	defer cancel()
	src, err := s.app.Source(ctx, t, ref)
	if err != nil {
		writeErr(w, err)
		return
	}
	writeJSON(w, http.StatusOK, src)
}

type sourceRequest struct {
	Compose string         `json:"compose"`
	Model   *labedit.Model `json:"model"`
	Network string         `json:"network"`
	Story   *labedit.Story `json:"story"`
	Layout  *app.Layout    `json:"layout"`
}

func (s *Server) handleSourceParse(w http.ResponseWriter, r *http.Request) {
	s.sourceCall(w, r, false, func(ctx context.Context, t *app.Target, req sourceRequest) (any, error) {
		return s.app.ParseSource(ctx, t, req.Compose)
	})
}

func (s *Server) handleSourceRender(w http.ResponseWriter, r *http.Request) {
	s.sourceCall(w, r, true, func(ctx context.Context, t *app.Target, req sourceRequest) (any, error) {
		return s.app.RenderSource(ctx, t, req.Compose, req.Model)
	})
}

func (s *Server) handleFreeAddress(w http.ResponseWriter, r *http.Request) {
	s.sourceCall(w, r, true, func(_ context.Context, _ *app.Target, req sourceRequest) (any, error) {
		addr, err := s.app.FreeAddress(req.Model, req.Network)
		if err != nil {
			return nil, err
		}
		return map[string]string{"address": addr}, nil
	})
}

func (s *Server) handleSourceSave(w http.ResponseWriter, r *http.Request) {
	s.sourceCall(w, r, false, func(ctx context.Context, t *app.Target, req sourceRequest) (any, error) {
		return s.app.SaveSource(ctx, t, app.SaveRequest{Compose: req.Compose, Story: req.Story, Layout: req.Layout})
	})
}

// sourceCall decodes an editor request for a lab (refusing one without a
// model when the call needs it) and answers what call returns.
func (s *Server) sourceCall(w http.ResponseWriter, r *http.Request, needModel bool, call func(context.Context, *app.Target, sourceRequest) (any, error)) {
	t, _, ok := s.target(w, r)
	if !ok {
		return
	}
	var req sourceRequest
	if !decodeBodyOf(w, r, &req, maxSource) {
		return
	}
	if needModel && req.Model == nil {
		writeError(w, http.StatusBadRequest, "model", "give the model")
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), opTimeout)
	defer cancel()
	out, err := call(ctx, t, req)
	if err != nil {
		writeErr(w, err)
		return
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) handlePlan(w http.ResponseWriter, r *http.Request) {
	t, ref, ok := s.target(w, r)
	if !ok {
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), opTimeout)
	defer cancel()
	plan, err := s.app.Plan(ctx, t, ref)
	if err != nil {
		writeErr(w, err)
		return
	}
	writeJSON(w, http.StatusOK, plan)
}

func (s *Server) handleApply(w http.ResponseWriter, r *http.Request) {
	s.labOperation(w, r, s.app.StartApply)
}
