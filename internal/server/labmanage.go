package server

import (
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"path"
	"strings"

	"github.com/dsp-lab/dsp/internal/app"
)

// Lab management: create, import, export, copy, rename and delete labs of
// the personal repository (app/labfiles.go holds the rules).

// maxImportRequest bounds an import request: the largest archive an import
// takes, and room for the form around it.
const maxImportRequest = app.MaxImportBytes + 1<<20

// maxNameField bounds the name field of an import.
const maxNameField = 1024

// writeLabDetails answers the details of a lab written by a use case.
func (s *Server) writeLabDetails(w http.ResponseWriter, r *http.Request, status int, t *app.Target) {
	ref, err := t.Ref("")
	if err != nil {
		writeErr(w, err)
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), opTimeout)
	defer cancel()
	d, warnings := s.app.Details(ctx, t, ref)
	s.warn("lab details", warnings)
	writeJSON(w, status, labDetails{Details: d, Operation: s.app.LatestOperation(ref)})
}

// handleLabCreate serves POST /api/labs {"name": …, "from": "REPO/LAB"}:
// a new lab in the personal repository, or a copy of from.
func (s *Server) handleLabCreate(w http.ResponseWriter, r *http.Request) {
	var body struct {
		Name string `json:"name"`
		From string `json:"from"`
	}
	if !decodeBody(w, r, &body) {
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), opTimeout)
	defer cancel()
	t, err := s.app.NewLab(ctx, body.Name, body.From)
	if err != nil {
		writeErr(w, err)
		return
	}
	s.log.Info("lab created", "lab", t.ID(), "from", body.From)
	s.writeLabDetails(w, r, http.StatusCreated, t)
}

// handleLabCopy serves POST /api/labs/{repo}/{lab}/copy {"name": …}.
func (s *Server) handleLabCopy(w http.ResponseWriter, r *http.Request) {
	s.labNamed(w, r, http.StatusCreated, s.app.CopyLab)
}

// handleLabRename serves POST /api/labs/{repo}/{lab}/rename {"name": …}.
func (s *Server) handleLabRename(w http.ResponseWriter, r *http.Request) {
	s.labNamed(w, r, http.StatusOK, s.app.RenameLab)
}

// labNamed runs a use case that makes the lab of the path into the lab of
// the body's name, and answers the new lab's details.
func (s *Server) labNamed(w http.ResponseWriter, r *http.Request, status int, do func(context.Context, *app.Target, string) (*app.Target, error)) {
	t, _, ok := s.target(w, r)
	if !ok {
		return
	}
	var body struct {
		Name string `json:"name"`
	}
	if !decodeBody(w, r, &body) {
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), opTimeout)
	defer cancel()
	got, err := do(ctx, t, body.Name)
	if err != nil {
		writeErr(w, err)
		return
	}
	s.log.Info("lab written", "lab", got.ID(), "from", t.ID())
	s.writeLabDetails(w, r, status, got)
}

// handleLabDelete serves DELETE /api/labs/{repo}/{lab}.
func (s *Server) handleLabDelete(w http.ResponseWriter, r *http.Request) {
	t, _, ok := s.target(w, r)
	if !ok {
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), opTimeout)
	defer cancel()
	if err := s.app.DeleteLab(ctx, t); err != nil {
		writeErr(w, err)
		return
	}
	s.log.Info("lab deleted", "lab", t.ID())
	w.WriteHeader(http.StatusNoContent)
}

// handleLabExport serves GET /api/labs/{repo}/{lab}/export: the lab folder
// as a .tar.gz, made whole on disk first so that a failure is an error
// answer, not a cut download.
func (s *Server) handleLabExport(w http.ResponseWriter, r *http.Request) {
	t, _, ok := s.target(w, r)
	if !ok {
		return
	}
	spool, ok := uploadTemp(w, "dsp-export-*.tar.gz")
	if !ok {
		return
	}
	defer removeTemp(spool)
	if err := s.app.ExportLab(r.Context(), t, spool); err != nil {
		writeErr(w, err)
		return
	}
	size, err := spool.Seek(0, io.SeekCurrent)
	if err == nil {
		_, err = spool.Seek(0, io.SeekStart)
	}
	if err != nil {
		writeError(w, http.StatusInternalServerError, "", "export: %v", err)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "application/gzip")
	h.Set("Content-Disposition", attachment(t.Name+".tar.gz"))
	h.Set("Content-Length", fmt.Sprint(size))
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusOK)
	_, _ = io.Copy(w, spool)
}

// handleLabImport serves POST /api/labs/import: multipart/form-data with
// the part file (a compose file, .zip, .tar.gz/.tgz or .tar; its filename
// says which) and, optionally, the field name. The file is spooled to disk
// (at most maxImportRequest), then imported.
func (s *Server) handleLabImport(w http.ResponseWriter, r *http.Request) {
	if mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type")); err != nil || mt != "multipart/form-data" {
		writeError(w, http.StatusBadRequest, "Content-Type", "the body must be multipart/form-data")
		return
	}
	if !s.reserveUpload(w) {
		return
	}
	defer s.releaseUpload()
	r.Body = http.MaxBytesReader(w, r.Body, maxImportRequest)
	mr, err := r.MultipartReader()
	if err != nil {
		writeError(w, http.StatusBadRequest, "Content-Type", "bad multipart body: %v", err)
		return
	}
	spool, ok := uploadTemp(w, "dsp-import-*")
	if !ok {
		return
	}
	defer removeTemp(spool)
	var filename, name string
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			importReadError(w, err)
			return
		}
		switch part.FormName() {
		case "file":
			if filename != "" {
				writeError(w, http.StatusBadRequest, "file", "send one file")
				return
			}
			if filename = partFilename(part.Header.Get("Content-Disposition")); filename == "" {
				writeError(w, http.StatusBadRequest, "file", "the file part has no filename (it says what the file is: .yaml, .zip, .tar.gz, .tar)")
				return
			}
			if _, err := io.Copy(spool, part); err != nil {
				importReadError(w, err)
				return
			}
		case "name":
			data, err := io.ReadAll(io.LimitReader(part, maxNameField+1))
			if err != nil {
				importReadError(w, err)
				return
			}
			if len(data) > maxNameField {
				writeError(w, http.StatusBadRequest, "name", "the name is longer than %d bytes", maxNameField)
				return
			}
			name = string(data)
		default:
			writeError(w, http.StatusBadRequest, "file", "unexpected form field %q: send the fields file and name", part.FormName())
			return
		}
	}
	if filename == "" {
		writeError(w, http.StatusBadRequest, "file", "no file in the upload (send it in the field file)")
		return
	}
	if _, err := spool.Seek(0, io.SeekStart); err != nil {
		writeError(w, http.StatusInternalServerError, "", "import: %v", err)
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), 5*opTimeout)
	defer cancel()
	t, err := s.app.ImportLab(ctx, spool, filename, name)
	if err != nil {
		writeErr(w, err)
		return
	}
	s.log.Info("lab imported", "lab", t.ID(), "file", filename)
	s.writeLabDetails(w, r, http.StatusCreated, t)
}

// partFilename is the last element of a part's filename, whichever
// separator the browser used (only its extension and stem are used).
func partFilename(disposition string) string {
	_, params, err := mime.ParseMediaType(disposition)
	if err != nil {
		return ""
	}
	name := strings.ReplaceAll(params["filename"], `\`, "/")
	if name == "" {
		return ""
	}
	return path.Base(name)
}

// importReadError answers a failure to read an import's body.
func importReadError(w http.ResponseWriter, err error) {
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		writeError(w, http.StatusRequestEntityTooLarge, "file", "the upload is larger than %d MiB", app.MaxImportBytes>>20)
		return
	}
	writeError(w, http.StatusBadRequest, "file", "bad multipart body: %v", err)
}
