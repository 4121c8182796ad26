package server

import (
	"context"
	"net/http"
	"strings"

	cerrdefs "github.com/containerd/errdefs"
)

func (s *Server) handleImages(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), opTimeout)
	defer cancel()
	images, err := s.app.Images(ctx)
	if err != nil {
		writeErr(w, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"images": images})
}

func (s *Server) handleImagePull(w http.ResponseWriter, r *http.Request) {
	var body struct {
		Image string `json:"image"`
	}
	if !decodeBody(w, r, &body) {
		return
	}
	name := strings.TrimSpace(body.Image)
	op, err := s.app.StartPull(r.Context(), name)
	if err != nil {
		field := ""
		if cerrdefs.IsInvalidArgument(err) {
			field = "image"
		}
		writeError(w, statusFor(err), field, "%v", err)
		return
	}
	v := op.View()
	writeJSON(w, http.StatusAccepted, map[string]string{"operation": v.ID, "kind": v.Kind, "image": name})
}

func (s *Server) handleImageRemove(w http.ResponseWriter, r *http.Request) {
	ref := r.URL.Query().Get("ref")
	if ref == "" {
		writeError(w, http.StatusBadRequest, "ref", "name the image to remove with ?ref=NAME_OR_ID")
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), opTimeout)
	defer cancel()
	if err := s.app.RemoveImage(ctx, ref); err != nil {
		if cerrdefs.IsInvalidArgument(err) || cerrdefs.IsNotFound(err) || cerrdefs.IsConflict(err) {
			writeError(w, statusFor(err), "ref", "%v", err)
			return
		}
		writeErr(w, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
