package server

import (
	"context"
	"net/http"

	"github.com/dsp-lab/dsp/internal/app"
	"github.com/dsp-lab/dsp/internal/gitrepo"
)

func (s *Server) handleRepos(w http.ResponseWriter, r *http.Request) {
	repos, err := s.app.RepoInfos()
	if err != nil {
		writeErr(w, err)
		return
	}
	writeJSON(w, http.StatusOK, repos)
}

func (s *Server) handleRepoSuggestions(w http.ResponseWriter, r *http.Request) {
	list, err := s.app.Suggestions()
	if err != nil {
		writeErr(w, err)
		return
	}
	writeJSON(w, http.StatusOK, list)
}

type addRepoRequest struct {
	URL           string `json:"url"`
	Name          string `json:"name"`
	Branch        string `json:"branch"`
	Username      string `json:"username"`
	Token         string `json:"token"`
	SSHKey        string `json:"sshKey"`
	AcceptHostKey string `json:"acceptHostKey"`
}

// handleRepoAdd clones a repository in the background: 202 with the
// operation; 400 for a bad URL or name; 409 for a taken name or an SSH
// host key to accept (hostKey in the answer); 403 for a changed host key.
func (s *Server) handleRepoAdd(w http.ResponseWriter, r *http.Request) {
	var req addRepoRequest
	if !decodeBody(w, r, &req) {
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), opTimeout)
	defer cancel()
	op, err := s.app.StartAddRepo(ctx, app.AddRepoRequest{
		URL: req.URL, Name: req.Name, Branch: req.Branch, AcceptHostKey: req.AcceptHostKey,
		Auth: gitrepo.Auth{Username: req.Username, Token: req.Token, SSHKey: req.SSHKey},
	})
	s.repoOperation(w, op, err)
}

func (s *Server) repoOperation(w http.ResponseWriter, op *app.Operation, err error) {
	if err != nil {
		writeErr(w, err)
		return
	}
	v := op.View()
	writeJSON(w, http.StatusAccepted, map[string]string{"operation": v.ID, "kind": v.Kind, "repo": v.Repo})
}

func (s *Server) handleRepoUpdate(w http.ResponseWriter, r *http.Request) {
	var req struct {
		KeepLocal     bool   `json:"keepLocal"`
		AcceptHostKey string `json:"acceptHostKey"`
	}
	if !decodeBody(w, r, &req) {
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), opTimeout)
	defer cancel()
	op, err := s.app.StartUpdateRepo(ctx, r.PathValue("repo"), app.UpdateRepoOptions{KeepLocal: req.KeepLocal, AcceptHostKey: req.AcceptHostKey})
	s.repoOperation(w, op, err)
}

func (s *Server) handleRepoRemove(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), opTimeout)
	defer cancel()
	if err := s.app.RemoveRepo(ctx, r.PathValue("repo")); err != nil {
		writeErr(w, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (s *Server) handleRepoTrust(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Trusted *bool `json:"trusted"`
	}
	if !decodeBody(w, r, &req) {
		return
	}
	if req.Trusted == nil {
		writeError(w, http.StatusBadRequest, "trusted", "give trusted: true or false")
		return
	}
	name := r.PathValue("repo")
	if err := s.app.SetTrusted(name, *req.Trusted); err != nil {
		writeErr(w, err)
		return
	}
	info, err := s.app.RepoInfo(name)
	if err != nil {
		writeErr(w, err)
		return
	}
	writeJSON(w, http.StatusOK, info)
}

func (s *Server) handleRepoCredentials(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Username string `json:"username"`
		Token    string `json:"token"`
	}
	if !decodeBody(w, r, &req) {
		return
	}
	if req.Token == "" {
		writeError(w, http.StatusBadRequest, "token", "give a token (to forget the credentials, DELETE them)")
		return
	}
	if err := s.app.SetRepoCredentials(r.PathValue("repo"), gitrepo.Auth{Username: req.Username, Token: req.Token}); err != nil {
		writeErr(w, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (s *Server) handleRepoForgetCredentials(w http.ResponseWriter, r *http.Request) {
	if err := s.app.SetRepoCredentials(r.PathValue("repo"), gitrepo.Auth{}); err != nil {
		writeErr(w, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// handleRepoPublish commits and pushes the personal repository in the
// background.
func (s *Server) handleRepoPublish(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Message       string `json:"message"`
		Remote        string `json:"remote"`
		Username      string `json:"username"`
		Token         string `json:"token"`
		AcceptHostKey string `json:"acceptHostKey"`
	}
	if !decodeBody(w, r, &req) {
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), opTimeout)
	defer cancel()
	op, err := s.app.StartPublish(ctx, app.PublishRequest{Repo: r.PathValue("repo"), Remote: req.Remote, Message: req.Message, AcceptHostKey: req.AcceptHostKey, Auth: gitrepo.Auth{Username: req.Username, Token: req.Token}})
	s.repoOperation(w, op, err)
}
