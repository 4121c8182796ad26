// Package server is dsp's web application: a JSON API, a stream of live
// events and the embedded browser UI, all behind a login. Handlers parse
// the request, call the application layer (internal/app), the same one the
// CLI calls, and render its answer.
package server

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"time"

	cerrdefs "github.com/containerd/errdefs"

	"github.com/dsp-lab/dsp/internal/app"
	"github.com/dsp-lab/dsp/internal/engine"
	"github.com/dsp-lab/dsp/internal/gitrepo"
)

// Server is the web application.
type Server struct {
	app      *app.App
	auth     *auth
	assets   fs.FS // the built UI; nil when it was not built
	log      *slog.Logger
	loopback bool // listening on a loopback address only
	// flagLimiter counts flag submissions per session and lab.
	flagLimiter *loginLimiter
	terms       terminals     // open terminals (terminal.go)
	uploads     chan struct{} // one token per upload in progress (files.go)
}

// Options configure a Server.
type Options struct {
	App    *app.App
	Assets fs.FS // the UI's dist folder; nil serves a notice
	Logger *slog.Logger
	// Loopback says the server listens on a loopback address, so requests
	// must name a loopback host (this defeats DNS rebinding).
	Loopback bool
}

// New builds the server; ctx bounds its background work (the live lab
// states). PasswordCreated says the admin secret was created now (first
// start).
func New(ctx context.Context, opts Options) (s *Server, passwordCreated bool, err error) {
	a, created, err := newAuth(opts.App.StateDir())
	if err != nil {
		return nil, false, err
	}
	logger := opts.Logger
	if logger == nil {
		logger = slog.Default()
	}
	s = &Server{
		app:      opts.App,
		auth:     a,
		assets:   opts.Assets,
		log:      logger,
		loopback: opts.Loopback,

		flagLimiter: newLoginLimiter(flagAttempts, flagWindow),
		uploads:     make(chan struct{}, maxUploads),
	}
	go opts.App.Watch(ctx)
	return s, created, nil
}

// LoginURL returns a one-time login URL for base (http://host:port).
func (s *Server) LoginURL(base string) string {
	return strings.TrimSuffix(base, "/") + "/login?token=" + s.auth.newLoginToken()
}

// Handler returns the HTTP handler with every route.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	// Public: the login endpoints and the UI's static files.
	mux.HandleFunc("GET /login", s.handleTokenLogin)
	mux.HandleFunc("POST /api/login", s.handleLogin)
	mux.HandleFunc("GET /api/session", s.handleSession)
	mux.HandleFunc("/", s.handleStatic)

	// Everything else needs a session.
	api := http.NewServeMux()
	api.HandleFunc("POST /api/logout", s.handleLogout)
	api.HandleFunc("GET /api/labs", s.handleLabs)
	api.HandleFunc("GET /api/labs/{repo}/{lab}", s.handleLab)
	api.HandleFunc("POST /api/labs", s.handleLabCreate)
	api.HandleFunc("POST /api/labs/import", s.handleLabImport)
	api.HandleFunc("DELETE /api/labs/{repo}/{lab}", s.handleLabDelete)
	api.HandleFunc("GET /api/labs/{repo}/{lab}/export", s.handleLabExport)
	api.HandleFunc("POST /api/labs/{repo}/{lab}/copy", s.handleLabCopy)
	api.HandleFunc("POST /api/labs/{repo}/{lab}/rename", s.handleLabRename)
	api.HandleFunc("GET /api/labs/{repo}/{lab}/status", s.handleLabStatus)
	api.HandleFunc("GET /api/labs/{repo}/{lab}/instances", s.handleLabInstances)
	api.HandleFunc("PUT /api/labs/{repo}/{lab}/exposure", s.handleLabExposure)
	api.HandleFunc("GET /api/labs/{repo}/{lab}/images", s.handleLabImages)
	api.HandleFunc("POST /api/labs/{repo}/{lab}/up", s.handleLabUp)
	api.HandleFunc("POST /api/labs/{repo}/{lab}/down", s.handleLabDown)
	api.HandleFunc("POST /api/labs/{repo}/{lab}/build", s.handleLabBuild)
	api.HandleFunc("POST /api/labs/{repo}/{lab}/test", s.handleLabTest)
	api.HandleFunc("POST /api/labs/{repo}/{lab}/checks", s.handleLabChecks)
	api.HandleFunc("POST /api/labs/{repo}/{lab}/flag", s.handleLabFlag)
	api.HandleFunc("GET /api/labs/{repo}/{lab}/services/{service}/terminal", s.handleTerminal)
	api.HandleFunc("GET /api/labs/{repo}/{lab}/services/{service}/screen", s.handleScreen)
	api.HandleFunc("GET /api/labs/{repo}/{lab}/services/{service}/files", s.handleFileDownload)
	api.HandleFunc("POST /api/labs/{repo}/{lab}/services/{service}/files", s.handleFileUpload)
	api.HandleFunc("GET /api/operations/{id}", s.handleOperation)
	api.HandleFunc("POST /api/operations/{id}/cancel", s.handleOperationCancel)
	api.HandleFunc("GET /api/labs/{repo}/{lab}/toolboxes", s.handleToolboxes)
	api.HandleFunc("POST /api/labs/{repo}/{lab}/toolboxes", s.handleToolboxAttach)
	api.HandleFunc("DELETE /api/labs/{repo}/{lab}/toolboxes/{name}", s.handleToolboxDetach)
	api.HandleFunc("GET /api/toolbox-images", s.handleToolboxImages)
	api.HandleFunc("POST /api/toolbox-images/build", s.handleToolboxBuild)
	api.HandleFunc("PUT /api/toolbox-images", s.handleToolboxRegister)
	api.HandleFunc("GET /api/tools", s.handleTools)
	api.HandleFunc("GET /api/labs/{repo}/{lab}/links", s.handleLinks)
	api.HandleFunc("GET /api/labs/{repo}/{lab}/captures", s.handleLabCaptures)
	api.HandleFunc("POST /api/labs/{repo}/{lab}/captures", s.handleCaptureStart)
	api.HandleFunc("GET /api/captures", s.handleCaptures)
	api.HandleFunc("GET /api/captures/{id}", s.handleCapture)
	api.HandleFunc("POST /api/captures/{id}/stop", s.handleCaptureStop)
	api.HandleFunc("DELETE /api/captures/{id}", s.handleCaptureDelete)
	api.HandleFunc("GET /api/captures/{id}/file", s.handleCaptureFile)
	api.HandleFunc("GET /api/captures/{id}/live", s.handleCaptureLive)
	api.HandleFunc("PUT /api/labs/{repo}/{lab}/links/{service}", s.handleLinkSet)
	api.HandleFunc("DELETE /api/labs/{repo}/{lab}/links/{service}", s.handleLinkClear)
	api.HandleFunc("POST /api/labs/{repo}/{lab}/tools", s.handleToolRun)
	api.HandleFunc("GET /api/images", s.handleImages)
	api.HandleFunc("POST /api/images/pull", s.handleImagePull)
	api.HandleFunc("DELETE /api/images", s.handleImageRemove)
	api.HandleFunc("GET /api/settings", s.handleSettings)
	api.HandleFunc("GET /api/labs/{repo}/{lab}/source", s.handleSource)
	api.HandleFunc("PUT /api/labs/{repo}/{lab}/source", s.handleSourceSave)
	api.HandleFunc("POST /api/labs/{repo}/{lab}/source/parse", s.handleSourceParse)
	api.HandleFunc("POST /api/labs/{repo}/{lab}/source/render", s.handleSourceRender)
	api.HandleFunc("POST /api/labs/{repo}/{lab}/source/free-address", s.handleFreeAddress)
	api.HandleFunc("GET /api/labs/{repo}/{lab}/plan", s.handlePlan)
	api.HandleFunc("POST /api/labs/{repo}/{lab}/apply", s.handleApply)
	api.HandleFunc("GET /api/repos", s.handleRepos)
	api.HandleFunc("GET /api/repos/suggestions", s.handleRepoSuggestions)
	api.HandleFunc("POST /api/repos", s.handleRepoAdd)
	api.HandleFunc("DELETE /api/repos/{repo}", s.handleRepoRemove)
	api.HandleFunc("POST /api/repos/{repo}/update", s.handleRepoUpdate)
	api.HandleFunc("PUT /api/repos/{repo}/trust", s.handleRepoTrust)
	api.HandleFunc("PUT /api/repos/{repo}/credentials", s.handleRepoCredentials)
	api.HandleFunc("DELETE /api/repos/{repo}/credentials", s.handleRepoForgetCredentials)
	api.HandleFunc("POST /api/repos/{repo}/publish", s.handleRepoPublish)
	api.HandleFunc("GET /api/events", s.handleEvents)
	api.HandleFunc("GET /api/openapi.json", s.handleOpenAPI)
	api.HandleFunc("/api/", func(w http.ResponseWriter, r *http.Request) {
		writeError(w, http.StatusNotFound, "", "no API route %s %s", r.Method, r.URL.Path)
	})
	mux.Handle("/api/", s.requireSession(api))
	return s.guard(mux)
}

// guard applies the checks every request passes: host, origin, CSRF
// header on state changes, and security headers. There is no CORS: the
// API answers its own origin only.
func (s *Server) guard(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data: https:; style-src 'self' 'unsafe-inline'; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'")
		if s.loopback && !loopbackHost(r.Host) {
			writeError(w, http.StatusMisdirectedRequest, "Host", "host %q is not this server's loopback address", r.Host)
			return
		}
		if origin := r.Header.Get("Origin"); origin != "" && !sameOrigin(origin, r.Host) {
			writeError(w, http.StatusForbidden, "Origin", "origin %q may not use this server", origin)
			return
		}
		if r.Method != http.MethodGet && r.Method != http.MethodHead && r.Header.Get("X-DSP-Request") != "1" {
			writeError(w, http.StatusForbidden, "X-DSP-Request", "state-changing requests need the header X-DSP-Request: 1")
			return
		}
		next.ServeHTTP(w, r)
	})
}

func (s *Server) requireSession(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, err := r.Cookie(sessionCookie)
		if err != nil || !s.auth.valid(c.Value) {
			writeError(w, http.StatusUnauthorized, "", "log in first")
			return
		}
		next.ServeHTTP(w, r)
	})
}

func (s *Server) setSession(w http.ResponseWriter) {
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: s.auth.newSession(), Path: "/", HttpOnly: true, SameSite: http.SameSiteStrictMode, MaxAge: int(sessionLifetime.Seconds())})
}

func (s *Server) handleTokenLogin(w http.ResponseWriter, r *http.Request) {
	token := r.URL.Query().Get("token")
	if token == "" {
		s.handleStatic(w, r)
		return
	}
	if !s.auth.consumeToken(token) {
		http.Redirect(w, r, "/#/login?expired=1", http.StatusSeeOther)
		return
	}
	s.setSession(w)
	s.setDevice(w, r)
	http.Redirect(w, r, "/", http.StatusSeeOther)
}

func (s *Server) handleLogin(w http.ResponseWriter, r *http.Request) {
	client := s.auth.loginClient(r)
	if wait := s.auth.backoff.wait(client); wait > 0 {
		seconds := int((wait + time.Second - 1) / time.Second)
		w.Header().Set("Retry-After", fmt.Sprint(seconds))
		writeError(w, http.StatusTooManyRequests, "", "too many failed logins from here: try again in %ds (or use the login URL dsp serve printed)", seconds)
		return
	}
	var body struct {
		Password string `json:"password"`
	}
	if !decodeBody(w, r, &body) {
		return
	}
	if !s.auth.checkPassword(body.Password) {
		s.auth.backoff.fail(client)
		writeError(w, http.StatusUnauthorized, "password", "wrong password")
		return
	}
	s.auth.backoff.succeed(client)
	s.setSession(w)
	s.setDevice(w, r)
	w.WriteHeader(http.StatusNoContent)
}

func (s *Server) handleSession(w http.ResponseWriter, r *http.Request) {
	c, err := r.Cookie(sessionCookie)
	if err != nil || !s.auth.valid(c.Value) {
		writeError(w, http.StatusUnauthorized, "", "log in first")
		return
	}
	writeJSON(w, http.StatusOK, map[string]bool{"authenticated": true})
}

func (s *Server) handleLogout(w http.ResponseWriter, r *http.Request) {
	if c, err := r.Cookie(sessionCookie); err == nil {
		s.auth.end(c.Value)
	}
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: "", Path: "/", HttpOnly: true, SameSite: http.SameSiteStrictMode, MaxAge: -1})
	w.WriteHeader(http.StatusNoContent)
}

// apiError is the body of every error answer.
type apiError struct {
	Error   string   `json:"error"`
	Field   string   `json:"field,omitempty"`
	HostKey *hostKey `json:"hostKey,omitempty"`
}

// hostKey is an SSH host key dsp does not know, or that changed.
type hostKey struct {
	Host        string `json:"host"`
	Fingerprint string `json:"fingerprint"`
	Changed     bool   `json:"changed"`
}

func writeError(w http.ResponseWriter, status int, field, format string, args ...any) {
	writeJSON(w, status, apiError{Error: fmt.Sprintf(format, args...), Field: field})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// decodeBody reads a JSON body of at most 64 KiB, answering 400 on errors.
func decodeBody(w http.ResponseWriter, r *http.Request, v any) bool {
	return decodeBodyOf(w, r, v, 64<<10)
}

// decodeBodyOf reads a JSON body of at most limit bytes, answering 400 on
// errors.
func decodeBodyOf(w http.ResponseWriter, r *http.Request, v any, limit int64) bool {
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		writeError(w, http.StatusBadRequest, "Content-Type", "the body must be JSON (Content-Type: application/json)")
		return false
	}
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, limit))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		writeError(w, http.StatusBadRequest, "", "bad JSON body: %v", err)
		return false
	}
	return true
}

// writeErr answers an error of the application with the status its kind
// calls for: 404 not found, 400 bad input (naming the field when the error
// knows it), 403 forbidden, 409 conflict or wrong state, 503 when the
// Docker Engine cannot be reached, 500 otherwise.
func writeErr(w http.ResponseWriter, err error) {
	field := ""
	var ref *engine.InvalidRefError
	var arg *app.ArgError
	switch {
	case errors.As(err, &arg):
		field = arg.Arg
	case errors.As(err, &ref):
		field = ref.Field
	}
	body := apiError{Error: err.Error(), Field: field}
	var hk *gitrepo.HostKeyError
	if errors.As(err, &hk) {
		body.HostKey = &hostKey{Host: hk.Host, Fingerprint: hk.Fingerprint, Changed: hk.Changed}
	}
	writeJSON(w, statusFor(err), body)
}

// statusFor maps an error's kind (errdefs) to an HTTP status.
func statusFor(err error) int {
	switch {
	case cerrdefs.IsNotFound(err):
		return http.StatusNotFound
	case cerrdefs.IsInvalidArgument(err):
		return http.StatusBadRequest
	case cerrdefs.IsPermissionDenied(err):
		return http.StatusForbidden
	case cerrdefs.IsConflict(err), cerrdefs.IsFailedPrecondition(err):
		return http.StatusConflict
	case cerrdefs.IsUnavailable(err):
		return http.StatusServiceUnavailable
	default:
		return http.StatusInternalServerError
	}
}

// target resolves the lab of a request's {repo} and {lab} path values and
// the instance of its instance query parameter (default "default"). It
// answers the request itself and returns false when it cannot.
func (s *Server) target(w http.ResponseWriter, r *http.Request) (*app.Target, engine.Ref, bool) {
	t, err := s.app.LabByName(r.Context(), r.PathValue("repo"), r.PathValue("lab"))
	if err != nil {
		writeErr(w, err)
		return nil, engine.Ref{}, false
	}
	ref, err := t.Ref(r.URL.Query().Get("instance"))
	if err != nil {
		writeErr(w, err)
		return nil, engine.Ref{}, false
	}
	return t, ref, true
}

func loopbackHost(hostport string) bool {
	host, _, err := net.SplitHostPort(hostport)
	if err != nil {
		host = hostport
	}
	host = strings.Trim(host, "[]")
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

func sameOrigin(origin, host string) bool {
	return origin == "http://"+host || origin == "https://"+host
}

func clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// opTimeout bounds requests that call Docker synchronously.
const opTimeout = 30 * time.Second
