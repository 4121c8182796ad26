package server

import (
	"context"
	"net/http"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/distribution/reference"

	"github.com/dsp-lab/dsp/internal/engine"
)

// imageView is a local image with the labs that use and need it.
type imageView struct {
	engine.Image
	NeededBy []string `json:"neededBy"`
}

func (s *Server) handleImages(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), opTimeout)
	defer cancel()
	images, err := s.engine.Images(ctx)
	if err != nil {
		writeError(w, statusFor(err), "", "%v", err)
		return
	}
	needed := s.neededBy(ctx)
	out := make([]imageView, 0, len(images))
	for _, img := range images {
		v := imageView{Image: img, NeededBy: []string{}}
		for _, tag := range img.Tags {
			v.NeededBy = append(v.NeededBy, needed[tag]...)
		}
		sort.Strings(v.NeededBy)
		v.NeededBy = slices.Compact(v.NeededBy)
		out = append(out, v)
	}
	writeJSON(w, http.StatusOK, map[string]any{"images": out})
}

// neededBy maps image names (as labs write them, normalised with a tag) to
// the labs that need them.
func (s *Server) neededBy(ctx context.Context) map[string][]string {
	_, entries, err := s.catalog.Labs(ctx)
	if err != nil {
		return nil
	}
	out := map[string][]string{}
	for _, e := range entries {
		if e.Lab == nil {
			continue
		}
		for _, img := range e.Lab.Images() {
			key := normaliseImage(img)
			out[key] = append(out[key], e.Lab.ID())
		}
	}
	return out
}

// normaliseImage writes an image reference the way Docker lists tags
// ("nginx" becomes "nginx:latest").
func normaliseImage(name string) string {
	ref, err := reference.ParseNormalizedNamed(name)
	if err != nil {
		return name
	}
	return reference.FamiliarString(reference.TagNameOnly(ref))
}

func (s *Server) handleImagePull(w http.ResponseWriter, r *http.Request) {
	var body struct {
		Image string `json:"image"`
	}
	if !decodeBody(w, r, &body) {
		return
	}
	name := strings.TrimSpace(body.Image)
	if _, err := reference.ParseNormalizedNamed(name); err != nil || name == "" {
		writeError(w, http.StatusBadRequest, "image", "%q is not an image reference such as alpine:3.20", body.Image)
		return
	}
	op, err := s.ops.start("pull", "", name, func(ctx context.Context, progress engine.Progress) error {
		// A registry that cannot be reached must give an error, not a hang.
		ctx, cancel := context.WithTimeout(ctx, 10*time.Minute)
		defer cancel()
		return s.engine.Pull(ctx, name, progress)
	})
	if err != nil {
		writeError(w, statusFor(err), "", "%v", err)
		return
	}
	writeJSON(w, http.StatusAccepted, map[string]string{"operation": op.ID, "kind": op.Kind, "image": name})
}

func (s *Server) handleImageRemove(w http.ResponseWriter, r *http.Request) {
	ref := r.URL.Query().Get("ref")
	if ref == "" {
		writeError(w, http.StatusBadRequest, "ref", "name the image to remove with ?ref=NAME_OR_ID")
		return
	}
	if err := engine.CheckImageRef(ref); err != nil {
		writeError(w, http.StatusBadRequest, "ref", "%v", err)
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), opTimeout)
	defer cancel()
	present, _, err := s.engine.ImagePresent(ctx, ref)
	if err != nil {
		writeError(w, statusFor(err), "ref", "%v", err)
		return
	}
	if !present {
		writeError(w, http.StatusNotFound, "ref", "no image %q on this machine", ref)
		return
	}
	if err := s.engine.RemoveImage(ctx, ref); err != nil {
		writeError(w, statusFor(err), "ref", "%v", err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
