package server

import (
	"bytes"
	"io/fs"
	"net/http"
	"path"
	"strings"
	"time"
)

// handleStatic serves the built UI. Unknown paths get index.html (the UI
// routes in the browser); assets are cached, index.html is not.
func (s *Server) handleStatic(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		writeError(w, http.StatusMethodNotAllowed, "", "%s is not allowed on %s", r.Method, r.URL.Path)
		return
	}
	if s.assets == nil {
		writeError(w, http.StatusServiceUnavailable, "", "%v", errNoUI)
		return
	}
	name := strings.TrimPrefix(path.Clean("/"+r.URL.Path), "/")
	if name == "" {
		name = "index.html"
	}
	if st, err := fs.Stat(s.assets, name); err != nil || st.IsDir() {
		name = "index.html"
	}
	data, err := fs.ReadFile(s.assets, name)
	if err != nil {
		writeError(w, http.StatusServiceUnavailable, "", "%v", errNoUI)
		return
	}
	if name == "index.html" {
		w.Header().Set("Cache-Control", "no-store")
	} else if strings.HasPrefix(name, "assets/") {
		w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
	}
	http.ServeContent(w, r, name, time.Time{}, bytes.NewReader(data))
}
