package server

import (
	"context"
	"net/http"

	"github.com/dsp-lab/dsp/internal/app"
	"github.com/dsp-lab/dsp/internal/engine"
	"github.com/dsp-lab/dsp/internal/tools"
)

// handleToolboxes lists the toolboxes attached to an instance.
func (s *Server) handleToolboxes(w http.ResponseWriter, r *http.Request) {
	_, ref, ok := s.target(w, r)
	if !ok {
		return
	}
	list, err := s.app.Toolboxes(r.Context(), ref)
	if err != nil {
		writeErr(w, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"toolboxes": list})
}

// handleToolboxAttach attaches a toolbox: 201 with it; 400 naming the
// field at fault; 409 for a taken name; 412 for a lab that is not running
// or an image that is missing.
func (s *Server) handleToolboxAttach(w http.ResponseWriter, r *http.Request) {
	t, ref, ok := s.target(w, r)
	if !ok {
		return
	}
	var req app.ToolboxRequest
	if !decodeBody(w, r, &req) {
		return
	}
	if req.Networks == nil {
		req.Networks = []engine.ToolboxNetwork{}
	}
	ctx, cancel := context.WithTimeout(r.Context(), opTimeout)
	defer cancel()
	tb, err := s.app.AttachToolbox(ctx, t, ref, req)
	if err != nil {
		writeErr(w, err)
		return
	}
	writeJSON(w, http.StatusCreated, tb)
}

func (s *Server) handleToolboxDetach(w http.ResponseWriter, r *http.Request) {
	_, ref, ok := s.target(w, r)
	if !ok {
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), opTimeout)
	defer cancel()
	if err := s.app.DetachToolbox(ctx, ref, r.PathValue("name")); err != nil {
		writeErr(w, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (s *Server) handleToolboxImages(w http.ResponseWriter, r *http.Request) {
	list, err := s.app.ToolboxImages(r.Context())
	if err != nil {
		writeErr(w, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"images": list})
}

// handleTools lists the catalogue of one-shot tools.
func (s *Server) handleTools(w http.ResponseWriter, r *http.Request) {
	cat, err := s.app.Tools()
	if err != nil {
		writeErr(w, err)
		return
	}
	list := cat.Tools()
	if list == nil {
		list = []tools.Tool{}
	}
	writeJSON(w, http.StatusOK, map[string]any{"tools": list})
}

// handleToolRun runs a one-shot tool: 202 with its operation, whose log
// is the tool's output.
func (s *Server) handleToolRun(w http.ResponseWriter, r *http.Request) {
	var req app.ToolRequest
	if !decodeBody(w, r, &req) {
		return
	}
	s.labOperation(w, r, func(ctx context.Context, t *app.Target, ref engine.Ref) (*app.Operation, error) {
		return s.app.StartTool(ctx, t, ref, req)
	})
}

// handleOperationCancel cancels a cancellable operation (a tool run).
func (s *Server) handleOperationCancel(w http.ResponseWriter, r *http.Request) {
	op, err := s.app.CancelOperation(r.PathValue("id"))
	if err != nil {
		writeErr(w, err)
		return
	}
	writeJSON(w, http.StatusOK, op.View())
}

// handleToolboxBuild builds dsp's toolbox image: 202 with the operation;
// 409 when its base image is missing.
func (s *Server) handleToolboxBuild(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), opTimeout)
	defer cancel()
	op, err := s.app.StartBuildToolbox(ctx)
	if err != nil {
		writeErr(w, err)
		return
	}
	v := op.View()
	writeJSON(w, http.StatusAccepted, map[string]string{"operation": v.ID, "kind": v.Kind, "image": v.Image})
}

// handleToolboxRegister registers an image as a toolbox, or forgets it.
func (s *Server) handleToolboxRegister(w http.ResponseWriter, r *http.Request) {
	var body struct {
		Image      string `json:"image"`
		Registered bool   `json:"registered"`
	}
	if !decodeBody(w, r, &body) {
		return
	}
	if err := s.app.RegisterToolboxImage(body.Image, body.Registered); err != nil {
		writeErr(w, err)
		return
	}
	s.handleToolboxImages(w, r)
}
