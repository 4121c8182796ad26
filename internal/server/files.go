package server

import (
	"archive/tar"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
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
	if !s.reserveUpload(w) {
		return
	}
	defer s.releaseUpload()
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
	spool, ok := uploadTemp(w, "dsp-upload-*.tar")
	if !ok {
		return
	}
	defer removeTemp(spool)
	part, ok := uploadTemp(w, "dsp-upload-part-*")
	if !ok {
		return
	}
	defer removeTemp(part)

	n, ok := packUpload(w, mr, spool, part)
	if !ok {
		return
	}
	if _, err := spool.Seek(0, io.SeekStart); err != nil {
		uploadInternalError(w, err)
		return
	}
	err = svc.Upload(ctx, resolved, spool)
	if !s.fileError(w, err, p, svc) {
		return
	}
	s.log.Info("files uploaded", "lab", svc.Ref.String(), "service", service, "path", p, "files", n)
	writeJSON(w, http.StatusOK, map[string]any{"uploaded": n, "path": p})
}

// reserveUpload takes one of the maxUploads places for an upload in
// progress; when all are taken it answers 429 and returns false. A place
// taken is given back by releaseUpload.
func (s *Server) reserveUpload(w http.ResponseWriter) bool {
	select {
	case s.uploads <- struct{}{}:
		return true
	default:
		w.Header().Set("Retry-After", "5")
		writeError(w, http.StatusTooManyRequests, "", "%d uploads are in progress: try again when one ends", maxUploads)
		return false
	}
}

// releaseUpload gives back the place taken by reserveUpload.
func (s *Server) releaseUpload() { <-s.uploads }

// uploadTemp creates a temporary file for an upload; it answers the
// request and returns false when it cannot. removeTemp removes the file.
func uploadTemp(w http.ResponseWriter, pattern string) (*os.File, bool) {
	f, err := os.CreateTemp("", pattern)
	if err != nil {
		uploadInternalError(w, err)
		return nil, false
	}
	return f, true
}

// removeTemp closes and removes a file made by uploadTemp.
func removeTemp(f *os.File) {
	f.Close()
	os.Remove(f.Name())
}

// packUpload reads the parts of an upload, checks each and packs it into
// a tar archive written to spool; part holds one part at a time. It
// returns the number of files, or answers the request and returns false
// when the upload is refused or fails.
func packUpload(w http.ResponseWriter, mr *multipart.Reader, spool, part *os.File) (int, bool) {
	u := &uploadTar{
		tw:    tar.NewWriter(spool),
		part:  part,
		now:   time.Now(),
		files: map[string]bool{},
		dirs:  map[string]bool{},
	}
	for {
		mp, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			uploadReadError(w, err)
			return 0, false
		}
		if !u.add(w, mp) {
			return 0, false
		}
	}
	if u.n == 0 {
		writeError(w, http.StatusBadRequest, "file", "no file in the upload (send parts named file)")
		return 0, false
	}
	if err := u.tw.Close(); err != nil {
		uploadInternalError(w, err)
		return 0, false
	}
	return u.n, true
}

// uploadTar is the tar archive of an upload being packed.
type uploadTar struct {
	tw    *tar.Writer
	part  *os.File // a part on disk: a tar header needs the size first
	now   time.Time
	files map[string]bool // the files packed
	dirs  map[string]bool // the folders packed
	n     int             // the files admitted
}

// add checks one part and packs it, with the folders on its way. Each of
// add's steps answers the request and returns false when it cannot go on.
func (u *uploadTar) add(w http.ResponseWriter, mp *multipart.Part) bool {
	name, ok := u.admit(w, mp)
	if !ok {
		return false
	}
	if !u.addDirs(w, name) {
		return false
	}
	u.files[name] = true
	return u.addFile(w, name, mp)
}

// admit checks a part's field and file name, and counts it; it returns
// the file's relative path.
func (u *uploadTar) admit(w http.ResponseWriter, mp *multipart.Part) (string, bool) {
	if mp.FormName() != "file" {
		writeError(w, http.StatusBadRequest, "file", "unexpected form field %q: send files in fields named file", mp.FormName())
		return "", false
	}
	// Part.FileName keeps only the last element: read the raw name.
	_, params, err := mime.ParseMediaType(mp.Header.Get("Content-Disposition"))
	name := params["filename"]
	if err != nil || name == "" {
		writeError(w, http.StatusBadRequest, "file", "a file part has no filename")
		return "", false
	}
	if err := archive.RelPath(name); err != nil {
		writeError(w, http.StatusBadRequest, "file", "file name refused: %v", err)
		return "", false
	}
	if u.files[name] || u.dirs[name] {
		writeError(w, http.StatusBadRequest, "file", "%q is sent twice, or as both a file and a folder", name)
		return "", false
	}
	if u.n++; u.n > maxUploadFiles {
		writeError(w, http.StatusBadRequest, "file", "more than %d files", maxUploadFiles)
		return "", false
	}
	return name, true
}

// addDirs packs the folders on the way to name, once each.
func (u *uploadTar) addDirs(w http.ResponseWriter, name string) bool {
	elems := strings.Split(name, "/")
	for i := 1; i < len(elems); i++ {
		dir := strings.Join(elems[:i], "/")
		if u.files[dir] {
			writeError(w, http.StatusBadRequest, "file", "%q is sent as both a file and a folder", dir)
			return false
		}
		if u.dirs[dir] {
			continue
		}
		u.dirs[dir] = true
		if err := u.tw.WriteHeader(&tar.Header{Typeflag: tar.TypeDir, Name: dir + "/", Mode: 0o755, ModTime: u.now}); err != nil {
			uploadInternalError(w, err)
			return false
		}
	}
	return true
}

// addFile packs the file name read from mp. A tar header needs the size
// first: the part goes to disk, then into the archive.
func (u *uploadTar) addFile(w http.ResponseWriter, name string, mp *multipart.Part) bool {
	if _, err := u.part.Seek(0, io.SeekStart); err != nil {
		uploadInternalError(w, err)
		return false
	}
	if err := u.part.Truncate(0); err != nil {
		uploadInternalError(w, err)
		return false
	}
	size, err := io.Copy(u.part, mp)
	if err != nil {
		uploadReadError(w, err)
		return false
	}
	if err := u.tw.WriteHeader(&tar.Header{Typeflag: tar.TypeReg, Name: name, Mode: 0o644, Size: size, ModTime: u.now}); err != nil {
		uploadInternalError(w, err)
		return false
	}
	if _, err := u.part.Seek(0, io.SeekStart); err != nil {
		uploadInternalError(w, err)
		return false
	}
	if _, err := io.CopyN(u.tw, u.part, size); err != nil {
		uploadInternalError(w, err)
		return false
	}
	return true
}

// uploadInternalError answers a failure of the server while packing an
// upload.
func uploadInternalError(w http.ResponseWriter, err error) {
	writeError(w, http.StatusInternalServerError, "", "upload: %v", err)
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
