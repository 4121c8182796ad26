package server

import (
	"context"
	"errors"
	"net/http"
	"strconv"

	"github.com/dsp-lab/dsp/internal/app"
	"github.com/dsp-lab/dsp/internal/engine"
	"github.com/dsp-lab/dsp/internal/report"
)

func (s *Server) handleLabs(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), opTimeout)
	defer cancel()
	doc, warnings, err := s.app.Catalogue(ctx)
	if err != nil {
		writeErr(w, err)
		return
	}
	s.warn("catalogue", warnings)
	writeJSON(w, http.StatusOK, doc)
}

// warn logs what the application could not read but worked around.
func (s *Server) warn(what string, warnings []error) {
	for _, err := range warnings {
		s.log.Warn(what, "err", err)
	}
}

// labDetails is a lab's details with its instance's latest operation in
// this server.
type labDetails struct {
	*report.Details
	Operation string `json:"operation,omitempty"`
}

func (s *Server) handleLab(w http.ResponseWriter, r *http.Request) {
	t, ref, ok := s.target(w, r)
	if !ok {
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), opTimeout)
	defer cancel()
	d, warnings := s.app.Details(ctx, t, ref)
	s.warn("lab details", warnings)
	writeJSON(w, http.StatusOK, labDetails{Details: d, Operation: s.app.LatestOperation(ref)})
}

func (s *Server) handleLabStatus(w http.ResponseWriter, r *http.Request) {
	t, ref, ok := s.target(w, r)
	if !ok {
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), opTimeout)
	defer cancel()
	st, err := s.app.Status(ctx, t, ref)
	if err != nil {
		writeErr(w, err)
		return
	}
	writeJSON(w, http.StatusOK, st)
}

func (s *Server) handleLabInstances(w http.ResponseWriter, r *http.Request) {
	t, _, ok := s.target(w, r)
	if !ok {
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), opTimeout)
	defer cancel()
	list, err := s.app.Instances(ctx, t)
	if err != nil {
		writeErr(w, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"instances": list})
}

// handleLabExposure offers a lab's published ports to the network, or
// keeps them on 127.0.0.1, from its next start on: {"exposed": true}.
func (s *Server) handleLabExposure(w http.ResponseWriter, r *http.Request) {
	t, _, ok := s.target(w, r)
	if !ok {
		return
	}
	var body struct {
		Exposed *bool `json:"exposed"`
	}
	if !decodeBody(w, r, &body) {
		return
	}
	if body.Exposed == nil {
		writeError(w, http.StatusBadRequest, "exposed", "say whether the lab is exposed: {\"exposed\": true}")
		return
	}
	if err := s.app.SetExposed(t.Repo, t.Name, *body.Exposed); err != nil {
		writeErr(w, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]bool{"exposed": s.app.Exposed(t)})
}

func (s *Server) handleLabImages(w http.ResponseWriter, r *http.Request) {
	t, _, ok := s.target(w, r)
	if !ok {
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), opTimeout)
	defer cancel()
	images, err := s.app.LabImages(ctx, t)
	if err != nil {
		writeErr(w, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"images": images})
}

// labOperation starts a background operation on a lab instance: 202 with
// the operation; 404 for an unknown lab; 400 for an invalid lab that would
// start; 409 when the instance is busy (here or in a dsp CLI process) or
// not in the state the operation needs.
func (s *Server) labOperation(w http.ResponseWriter, r *http.Request, start func(ctx context.Context, t *app.Target, ref engine.Ref) (*app.Operation, error)) {
	t, ref, ok := s.target(w, r)
	if !ok {
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), opTimeout)
	defer cancel()
	op, err := start(ctx, t, ref)
	switch {
	case err != nil && t.LoadErr != nil && errors.Is(err, t.LoadErr):
		writeError(w, http.StatusBadRequest, "lab", "%v", err)
		return
	case err != nil:
		writeErr(w, err)
		return
	}
	v := op.View()
	writeJSON(w, http.StatusAccepted, map[string]string{"operation": v.ID, "kind": v.Kind, "lab": v.Lab, "instance": v.Instance})
}

func (s *Server) handleLabUp(w http.ResponseWriter, r *http.Request) {
	withoutRisks := false
	if v := r.URL.Query().Get("withoutRisks"); v != "" {
		var err error
		if withoutRisks, err = strconv.ParseBool(v); err != nil {
			writeError(w, http.StatusBadRequest, "withoutRisks", "withoutRisks must be true or false, not %q", v)
			return
		}
	}
	s.labOperation(w, r, func(ctx context.Context, t *app.Target, ref engine.Ref) (*app.Operation, error) {
		if withoutRisks {
			var err error
			if t, err = t.WithoutRisks(); err != nil {
				return nil, err
			}
		}
		return s.app.StartUp(ctx, t, ref)
	})
}

func (s *Server) handleLabDown(w http.ResponseWriter, r *http.Request) {
	s.labOperation(w, r, s.app.StartDown)
}

func (s *Server) handleLabBuild(w http.ResponseWriter, r *http.Request) {
	s.labOperation(w, r, func(ctx context.Context, t *app.Target, _ engine.Ref) (*app.Operation, error) {
		return s.app.StartBuild(ctx, t)
	})
}

func (s *Server) handleOperation(w http.ResponseWriter, r *http.Request) {
	op, ok := s.app.Operation(r.PathValue("id"))
	if !ok {
		writeError(w, http.StatusNotFound, "id", "no operation %q", r.PathValue("id"))
		return
	}
	writeJSON(w, http.StatusOK, op.View())
}

var errNoUI = errors.New("the web UI is not built: run `make web` (or `make build`), then restart dsp")
