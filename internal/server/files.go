package server

import (
	"archive/tar"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"os"
	"path"
	"strings"
	"time"

	cerrdefs "github.com/containerd/errdefs"

	"github.com/dsp-lab/dsp/internal/app"
	"github.com/dsp-lab/dsp/internal/archive"
)

// Upload limits.
const (
	maxUploadBytes = 1 << 30 // the whole request
	maxUploadFiles = 100000
	// maxUploads bounds the uploads in progress at once: each spools to a
	// temporary file of up to maxUploadBytes.
	maxUploads = 4
)

// containerPath reads the path query parameter: an absolute path in the
// container, passed to the Engine as data.
func containerPath(w http.ResponseWriter, r *http.Request) (string, bool) {
	p := r.URL.Query().Get("path")
	switch {
	case p == "":
		writeError(w, http.StatusBadRequest, "path", "the path query parameter is missing")
		return "", false
	case !strings.HasPrefix(p, "/"):
		writeError(w, http.StatusBadRequest, "path", "path %q is not absolute", p)
		return "", false
	case strings.ContainsRune(p, 0) || len(p) > 4096:
		writeError(w, http.StatusBadRequest, "path", "path contains NUL or is longer than 4096 bytes")
		return "", false
	}
	return path.Clean(p), true
}

// attachment is a Content-Disposition header that names a download.
func attachment(name string) string {
	ascii := strings.Map(func(r rune) rune {
		if r < 0x20 || r >= 0x7f || r == '"' || r == '\\' {
			return '_'
		}
		return r
	}, name)
	h := `attachment; filename="` + ascii + `"`
	if ascii != name {
		h += "; filename*=UTF-8''" + url.PathEscape(name)
	}
	return h
}

// handleFileDownload serves GET .../services/{service}/files?path=/abs: a
// file as itself, a folder as a tar archive.
func (s *Server) handleFileDownload(w http.ResponseWriter, r *http.Request) {
	p, ok := containerPath(w, r)
	if !ok {
		return
	}
	svc, ok := s.service(w, r)
	if !ok {
		return
	}
	ctx := r.Context()
	service := svc.Name
	st, resolved, err := svc.Stat(ctx, p)
	if !s.fileError(w, err, p, svc) {
		return
	}
	name := path.Base(p)
	if p == "/" {
		name = service + "-root"
	}
	if !st.Mode.IsDir() && !st.Mode.IsRegular() {
		writeError(w, http.StatusBadRequest, "path", "%s in service %s is neither a file nor a folder", p, service)
		return
	}
	content, err := svc.Download(ctx, resolved)
	if !s.fileError(w, err, p, svc) {
		return
	}
	defer content.Close()
	h := w.Header()
	h.Set("Cache-Control", "no-store")
	if st.Mode.IsDir() {
		h.Set("Content-Type", "application/x-tar")
		h.Set("Content-Disposition", attachment(name+".tar"))
		w.WriteHeader(http.StatusOK)
		_, _ = io.Copy(w, content)
		return
	}
	tr := tar.NewReader(content)
	hdr, err := tr.Next()
	if err != nil || hdr.Typeflag != tar.TypeReg {
		writeError(w, http.StatusInternalServerError, "", "the Docker Engine sent no file for %s", p)
		return
	}
	h.Set("Content-Type", "application/octet-stream")
	h.Set("Content-Disposition", attachment(name))
	h.Set("Content-Length", fmt.Sprint(hdr.Size))
	w.WriteHeader(http.StatusOK)
	_, _ = io.Copy(w, tr)
}

// fileError answers an Engine error about path p; it returns true when
// there was none.
func (s *Server) fileError(w http.ResponseWriter, err error, p string, svc *app.Service) bool {
	switch {
	case err == nil:
		return true
	case cerrdefs.IsNotFound(err):
		writeError(w, http.StatusNotFound, "path", "%s does not exist in service %s of lab %s", p, svc.Name, svc.Ref)
	case cerrdefs.IsInvalidArgument(err):
		writeError(w, http.StatusBadRequest, "path", "%s in service %s: %v", p, svc.Name, err)
	case cerrdefs.IsConflict(err), cerrdefs.IsPermissionDenied(err), cerrdefs.IsFailedPrecondition(err):
		writeError(w, http.StatusConflict, "path", "%s in service %s: %v", p, svc.Name, err)
	default:
		writeError(w, http.StatusInternalServerError, "", "%s in service %s: %v", p, svc.Name, err)
	}
	return false
}

// handleFileUpload serves POST .../services/{service}/files?path=/folder:
// multipart/form-data whose parts named "file" carry files, each with its
// relative path as filename (a folder upload sends webkitRelativePath).
// Every path is checked before anything reaches the container; the files
// are packed into one tar archive (on disk, not in memory) and extracted
// into the folder by the Engine.
func (s *Server) handleFileUpload(w http.ResponseWriter, r *http.Request) {
	p, ok := containerPath(w, r)
	if !ok {
		return
	}
	if mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type")); err != nil || mt != "multipart/form-data" {
		writeError(w, http.StatusBadRequest, "Content-Type", "the body must be multipart/form-data")
		return
	}
	svc, ok := s.service(w, r)
	if !ok {
		return
	}
	select {
	case s.uploads <- struct{}{}:
		defer func() { <-s.uploads }()
	default:
		w.Header().Set("Retry-After", "5")
		writeError(w, http.StatusTooManyRequests, "", "%d uploads are in progress: try again when one ends", maxUploads)
		return
	}
	ctx := r.Context()
	service := svc.Name
	st, resolved, err := svc.Stat(ctx, p)
	if !s.fileError(w, err, p, svc) {
		return
	}
	if !st.Mode.IsDir() {
		writeError(w, http.StatusBadRequest, "path", "%s in service %s is not a folder", p, service)
		return
	}

	r.Body = http.MaxBytesReader(w, r.Body, maxUploadBytes)
	mr, err := r.MultipartReader()
	if err != nil {
		writeError(w, http.StatusBadRequest, "Content-Type", "bad multipart body: %v", err)
		return
	}
	spool, err := os.CreateTemp("", "dsp-upload-*.tar")
	if err != nil {
		writeError(w, http.StatusInternalServerError, "", "upload: %v", err)
		return
	}
	defer os.Remove(spool.Name())
	defer spool.Close()
	part, err := os.CreateTemp("", "dsp-upload-part-*")
	if err != nil {
		writeError(w, http.StatusInternalServerError, "", "upload: %v", err)
		return
	}
	defer os.Remove(part.Name())
	defer part.Close()

	tw := tar.NewWriter(spool)
	now := time.Now()
	files, dirs := map[string]bool{}, map[string]bool{}
	n := 0
	for {
		mp, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			uploadReadError(w, err)
			return
		}
		if mp.FormName() != "file" {
			writeError(w, http.StatusBadRequest, "file", "unexpected form field %q: send files in fields named file", mp.FormName())
			return
		}
		// Part.FileName keeps only the last element: read the raw name.
		_, params, err := mime.ParseMediaType(mp.Header.Get("Content-Disposition"))
		name := params["filename"]
		if err != nil || name == "" {
			writeError(w, http.StatusBadRequest, "file", "a file part has no filename")
			return
		}
		if err := archive.RelPath(name); err != nil {
			writeError(w, http.StatusBadRequest, "file", "file name refused: %v", err)
			return
		}
		if files[name] || dirs[name] {
			writeError(w, http.StatusBadRequest, "file", "%q is sent twice, or as both a file and a folder", name)
			return
		}
		if n++; n > maxUploadFiles {
			writeError(w, http.StatusBadRequest, "file", "more than %d files", maxUploadFiles)
			return
		}
		// The folders on the way, once each.
		elems := strings.Split(name, "/")
		for i := 1; i < len(elems); i++ {
			dir := strings.Join(elems[:i], "/")
			if files[dir] {
				writeError(w, http.StatusBadRequest, "file", "%q is sent as both a file and a folder", dir)
				return
			}
			if !dirs[dir] {
				dirs[dir] = true
				if err := tw.WriteHeader(&tar.Header{Typeflag: tar.TypeDir, Name: dir + "/", Mode: 0o755, ModTime: now}); err != nil {
					writeError(w, http.StatusInternalServerError, "", "upload: %v", err)
					return
				}
			}
		}
		files[name] = true
		// A tar header needs the size first: the part goes to disk, then
		// into the archive.
		if _, err := part.Seek(0, io.SeekStart); err != nil {
			writeError(w, http.StatusInternalServerError, "", "upload: %v", err)
			return
		}
		if err := part.Truncate(0); err != nil {
			writeError(w, http.StatusInternalServerError, "", "upload: %v", err)
			return
		}
		size, err := io.Copy(part, mp)
		if err != nil {
			uploadReadError(w, err)
			return
		}
		if err := tw.WriteHeader(&tar.Header{Typeflag: tar.TypeReg, Name: name, Mode: 0o644, Size: size, ModTime: now}); err != nil {
			writeError(w, http.StatusInternalServerError, "", "upload: %v", err)
			return
		}
		if _, err := part.Seek(0, io.SeekStart); err != nil {
			writeError(w, http.StatusInternalServerError, "", "upload: %v", err)
			return
		}
		if _, err := io.CopyN(tw, part, size); err != nil {
			writeError(w, http.StatusInternalServerError, "", "upload: %v", err)
			return
		}
	}
	if n == 0 {
		writeError(w, http.StatusBadRequest, "file", "no file in the upload (send parts named file)")
		return
	}
	if err := tw.Close(); err != nil {
		writeError(w, http.StatusInternalServerError, "", "upload: %v", err)
		return
	}
	if _, err := spool.Seek(0, io.SeekStart); err != nil {
		writeError(w, http.StatusInternalServerError, "", "upload: %v", err)
		return
	}
	err = svc.Upload(ctx, resolved, spool)
	if !s.fileError(w, err, p, svc) {
		return
	}
	s.log.Info("files uploaded", "lab", svc.Ref.String(), "service", service, "path", p, "files", n)
	writeJSON(w, http.StatusOK, map[string]any{"uploaded": n, "path": p})
}

// uploadReadError answers a failure to read the request body.
func uploadReadError(w http.ResponseWriter, err error) {
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		writeError(w, http.StatusRequestEntityTooLarge, "", "the upload is larger than %d bytes", maxUploadBytes)
		return
	}
	writeError(w, http.StatusBadRequest, "", "bad multipart body: %v", err)
}
