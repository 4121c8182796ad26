package server

import (
	"context"
	_ "embed"
	"net/http"
)

func (s *Server) handleSettings(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), opTimeout)
	defer cancel()
	repos, err := s.catalog.Repos()
	if err != nil {
		writeError(w, statusFor(err), "", "%v", err)
		return
	}
	type repoView struct {
		Name     string `json:"name"`
		Dir      string `json:"dir"`
		Personal bool   `json:"personal"`
		Trusted  bool   `json:"trusted"`
	}
	views := []repoView{}
	personal := ""
	for _, r := range repos {
		views = append(views, repoView{Name: r.Name, Dir: r.Dir, Personal: r.Personal, Trusted: r.Trusted})
		if r.Personal {
			personal = r.Name
		}
	}
	docker := map[string]string{}
	if version, api, err := s.engine.Version(ctx); err == nil {
		docker["version"], docker["apiVersion"] = version, api
	}
	writeJSON(w, http.StatusOK, map[string]any{"home": s.catalog.Home, "personalRepo": personal, "repositories": views, "docker": docker})
}

//go:embed openapi.json
var openAPI []byte

func (s *Server) handleOpenAPI(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write(openAPI)
}
