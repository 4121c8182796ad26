package server

import (
	"context"
	"errors"
	"net/http"

	"github.com/dsp-lab/dsp/internal/engine"
	"github.com/dsp-lab/dsp/internal/lab"
	"github.com/dsp-lab/dsp/internal/report"
)

func (s *Server) handleLabs(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), opTimeout)
	defer cancel()
	states, err := s.engine.States(ctx)
	if err != nil {
		s.log.Warn("read lab states", "err", err)
		states = nil
	}
	tests, err := s.testStore().All()
	if err != nil {
		s.log.Warn("read the last test reports", "err", err)
	}
	doc, err := report.BuildCatalogue(ctx, s.catalog, states, tests)
	if err != nil {
		writeError(w, statusFor(err), "", "%v", err)
		return
	}
	writeJSON(w, http.StatusOK, doc)
}

// loadLab resolves and loads the lab named in the path. It answers the
// request itself and returns nil on errors; an invalid lab is returned
// with its load error.
func (s *Server) loadLab(w http.ResponseWriter, r *http.Request) (*lab.Lab, error) {
	repo, name, ok := labPath(w, r)
	if !ok {
		return nil, nil
	}
	l, err := s.catalog.Load(r.Context(), repo+"/"+name)
	if l == nil {
		writeError(w, statusFor(err), "", "%v", err)
		return nil, nil
	}
	return l, err
}

func (s *Server) handleLab(w http.ResponseWriter, r *http.Request) {
	l, loadErr := s.loadLab(w, r)
	if l == nil {
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), opTimeout)
	defer cancel()
	st, err := s.engine.Status(ctx, engine.RefOf(l), l)
	if err != nil {
		s.log.Warn("lab status", "lab", l.ID(), "err", err)
		st = nil
	}
	d := report.BuildDetails(l, loadErr, s.catalog.IsTrusted(l.Repo), st)
	d.LastTest = s.lastTest(l)
	writeJSON(w, http.StatusOK, labDetails{Details: d, Operation: s.ops.latestID(l.ID())})
}

// labDetails is a lab's details with its latest operation in this server.
type labDetails struct {
	*report.Details
	Operation string `json:"operation,omitempty"`
}

func (s *Server) handleLabStatus(w http.ResponseWriter, r *http.Request) {
	l, _ := s.loadLab(w, r)
	if l == nil {
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), opTimeout)
	defer cancel()
	st, err := s.engine.Status(ctx, engine.RefOf(l), l)
	if err != nil {
		writeError(w, statusFor(err), "", "%v", err)
		return
	}
	writeJSON(w, http.StatusOK, st)
}

// labImage is an image a lab needs.
type labImage struct {
	Name     string   `json:"name"`
	Services []string `json:"services"`
	Build    bool     `json:"build"`
	Present  bool     `json:"present"`
	Size     int64    `json:"size"`
}

func (s *Server) handleLabImages(w http.ResponseWriter, r *http.Request) {
	l, _ := s.loadLab(w, r)
	if l == nil {
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), opTimeout)
	defer cancel()
	images, err := s.labImages(ctx, l)
	if err != nil {
		writeError(w, statusFor(err), "", "%v", err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"images": images})
}

func (s *Server) labImages(ctx context.Context, l *lab.Lab) ([]labImage, error) {
	byName := map[string]*labImage{}
	out := []labImage{}
	for _, svc := range l.Services {
		if img, ok := byName[svc.Image]; ok {
			img.Services = append(img.Services, svc.Name)
			img.Build = img.Build || svc.Build != ""
			continue
		}
		present, size, err := s.engine.ImagePresent(ctx, svc.Image)
		if err != nil {
			return nil, err
		}
		out = append(out, labImage{Name: svc.Image, Services: []string{svc.Name}, Build: svc.Build != "", Present: present, Size: size})
		byName[svc.Image] = &out[len(out)-1]
	}
	return out, nil
}

func (s *Server) handleLabUp(w http.ResponseWriter, r *http.Request) {
	s.startLabOperation(w, r, "up", func(ctx context.Context, l *lab.Lab, progress engine.Progress) error {
		return s.engine.Up(ctx, l, engine.UpOptions{Trusted: s.catalog.IsTrusted(l.Repo), Progress: progress})
	})
}

func (s *Server) handleLabDown(w http.ResponseWriter, r *http.Request) {
	s.startLabOperation(w, r, "down", func(ctx context.Context, l *lab.Lab, progress engine.Progress) error {
		return s.engine.Down(ctx, engine.RefOf(l), l, engine.DownOptions{Progress: progress})
	})
}

func (s *Server) handleLabBuild(w http.ResponseWriter, r *http.Request) {
	s.startLabOperation(w, r, "build", func(ctx context.Context, l *lab.Lab, progress engine.Progress) error {
		return s.engine.Build(ctx, l, true, progress)
	})
}

// startLabOperation starts a background operation on a lab: 202 with the
// operation, 404 for an unknown lab, 409 when the lab is busy (here or in
// another dsp process), 400 when an invalid lab would be started.
func (s *Server) startLabOperation(w http.ResponseWriter, r *http.Request, kind string, fn func(context.Context, *lab.Lab, engine.Progress) error) {
	s.startLabOperationWith(w, r, kind, opRules{allowInvalid: kind == "down"}, func(ctx context.Context, l *lab.Lab, _ error, progress engine.Progress) error {
		return fn(ctx, l, progress)
	})
}

// opRules are what a lab operation requires of the lab.
type opRules struct {
	allowInvalid bool // an invalid lab may be operated on (fn gets its load error)
	needRunning  bool // the lab's default instance must be running (409 otherwise)
}

// startLabOperationWith is startLabOperation with rules; fn gets the lab's
// load error when invalid labs are allowed.
func (s *Server) startLabOperationWith(w http.ResponseWriter, r *http.Request, kind string, rules opRules, fn func(context.Context, *lab.Lab, error, engine.Progress) error) {
	l, loadErr := s.loadLab(w, r)
	if l == nil {
		return
	}
	if loadErr != nil && !rules.allowInvalid {
		writeError(w, http.StatusBadRequest, "lab", "%v", loadErr)
		return
	}
	st, err := s.engine.Status(r.Context(), engine.RefOf(l), l)
	if err != nil {
		writeError(w, http.StatusInternalServerError, "", "%v", err)
		return
	}
	if st.Operation != "" && s.ops.running(l.ID()) == nil {
		writeError(w, http.StatusConflict, "", "%v", &engine.BusyError{Ref: engine.RefOf(l), Operation: st.Operation})
		return
	}
	if rules.needRunning && s.ops.running(l.ID()) == nil && st.State != engine.StateRunning && st.State != engine.StateDegraded {
		writeError(w, http.StatusConflict, "", "lab %s is %s: start it before running its %s", l.ID(), st.State, kind)
		return
	}
	op, err := s.ops.start(kind, l.ID(), "", func(ctx context.Context, progress engine.Progress) error {
		defer s.states.changed(engine.RefOf(l))
		err := fn(ctx, l, loadErr, progress)
		if err != nil {
			s.log.Info("operation failed", "kind", kind, "lab", l.ID(), "err", err)
		}
		return err
	})
	if err != nil {
		writeError(w, statusFor(err), "", "%v", err)
		return
	}
	s.states.changed(engine.RefOf(l))
	writeJSON(w, http.StatusAccepted, map[string]string{"operation": op.ID, "kind": op.Kind, "lab": op.Lab})
}

func (s *Server) handleOperation(w http.ResponseWriter, r *http.Request) {
	op, ok := s.ops.get(r.PathValue("id"))
	if !ok {
		writeError(w, http.StatusNotFound, "id", "no operation %q", r.PathValue("id"))
		return
	}
	writeJSON(w, http.StatusOK, op.view())
}

var errNoUI = errors.New("the web UI is not built: run `make web` (or `make build`), then restart dsp")
