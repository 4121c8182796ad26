package app

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"github.com/dsp-lab/dsp/internal/archive"
	"github.com/dsp-lab/dsp/internal/catalog"
	"github.com/dsp-lab/dsp/internal/lab"
	"github.com/dsp-lab/dsp/internal/safepath"
)

// The labs of the personal repository are the user's to create, import,
// copy, rename and delete; the labs of other repositories are read-only
// (their remotes' authors change them) and are copied into it to be
// changed. Every lab written appears whole or not at all: it is made in the
// main directory's temporary folder and renamed into place.

// Import limits: what an archive from a stranger may unpack to.
const (
	MaxImportBytes   = 256 << 20
	MaxImportEntries = 10000
	// maxComposeImport bounds an imported compose file (the loader reads no
	// larger file).
	maxComposeImport = 16 << 20
)

// importLimits are the Limits of an imported archive.
var importLimits = archive.Limits{MaxBytes: MaxImportBytes, MaxEntries: MaxImportEntries}

// ArgError names the argument of a lab use case at fault: "name", "from"
// or "file". Its kind (errdefs) is its cause's.
type ArgError struct {
	Arg string
	Err error
}

func (e *ArgError) Error() string { return e.Err.Error() }

func (e *ArgError) Unwrap() error { return e.Err }

// argError wraps err (when not nil) as the fault of arg.
func argError(arg string, err error) error {
	if err == nil {
		return nil
	}
	return &ArgError{Arg: arg, Err: err}
}

// NotEditableError refuses to change a lab outside the personal
// repository.
type NotEditableError struct {
	Lab      string // REPO/LAB, or the folder of a lab outside the main directory
	Personal string
	What     string // "renamed", "deleted"
}

func (e *NotEditableError) Error() string {
	return fmt.Sprintf("lab %s cannot be %s: only the labs of your personal repository (%s) are yours to change; copy it there first", e.Lab, e.What, e.Personal)
}

// Forbidden classifies the error (errdefs).
func (e *NotEditableError) Forbidden() {}

// LabInUseError refuses to change a lab while an instance of it exists or
// an operation works on it.
type LabInUseError struct {
	Lab   string
	Users []string // REPO/LAB#instance
	What  string   // "renamed", "deleted"
}

func (e *LabInUseError) Error() string {
	return fmt.Sprintf("lab %s cannot be %s while it runs: stop %s first", e.Lab, e.What, strings.Join(e.Users, ", "))
}

// Conflict classifies the error (errdefs).
func (e *LabInUseError) Conflict() {}

// ImportError refuses a file that is not a lab dsp can import.
type ImportError struct {
	File   string
	Reason string
	Err    error // the loader's *lab.InvalidError, for a lab with errors
}

func (e *ImportError) Error() string { return fmt.Sprintf("import %s: %s", e.File, e.Reason) }

func (e *ImportError) Unwrap() error { return e.Err }

// InvalidParameter classifies the error (errdefs).
func (e *ImportError) InvalidParameter() {}

// inUse lists what holds labs of a repository (lab "" for any of its
// labs): their instances on the engine and the operations of this App
// running on them, as REPO/LAB[#instance]. An engine that cannot be
// reached runs nothing of ours.
func (a *App) inUse(ctx context.Context, repo, labName string) ([]string, error) {
	matches := func(r, l string) bool { return r == repo && (labName == "" || l == labName) }
	var busy []string
	for _, v := range a.Operations() {
		if r, l, ok := strings.Cut(v.Lab, "/"); ok && v.State == OpRunning && matches(r, l) {
			busy = append(busy, v.Lab)
		}
	}
	if eng, err := a.Engine(ctx); err == nil {
		all, err := eng.Instances(ctx)
		if err != nil {
			return nil, err
		}
		for _, in := range all {
			if in.Ref.Owner == "" && matches(in.Ref.Repo, in.Ref.Lab) {
				busy = append(busy, in.Ref.String())
			}
		}
	}
	sort.Strings(busy)
	return slices.Compact(busy), nil
}

// writable returns the personal repository, where labs are written; it is
// refused while a repository operation (a publish) works on it.
func (a *App) writable() (string, error) {
	repo, _, err := a.catalog.PersonalRepo()
	if err != nil {
		return "", err
	}
	if op := a.ops.runningOnRepo(repo); op != nil {
		return "", &BusyError{Running: op.View()}
	}
	return repo, nil
}

// editable returns the personal repository when the lab is one of its
// labs, and refuses with a *NotEditableError otherwise.
func (a *App) editable(t *Target, what string) (string, error) {
	personal, _, err := a.catalog.PersonalRepo()
	if err != nil {
		return "", err
	}
	id := t.ID()
	// The lab's own folder may be a link (inside its repository): its
	// parent says where it is.
	dir := t.Dir
	if parent, err := filepath.EvalSymlinks(filepath.Dir(dir)); err == nil {
		dir = filepath.Join(parent, filepath.Base(dir))
	}
	rel, ok := a.relToHome(dir)
	if !ok {
		id = t.Dir
	}
	parts := strings.Split(rel, string(filepath.Separator))
	if !ok || len(parts) != 2 || parts[0] != personal || parts[1] != t.Name || t.Repo != personal {
		return "", &NotEditableError{Lab: id, Personal: personal, What: what}
	}
	if op := a.ops.runningOnRepo(personal); op != nil {
		return "", &BusyError{Running: op.View()}
	}
	return personal, nil
}

// labIdle refuses while an instance of the lab exists or an operation
// works on it.
func (a *App) labIdle(ctx context.Context, t *Target, what string) error {
	busy, err := a.inUse(ctx, t.Repo, t.Name)
	if err != nil {
		return err
	}
	if len(busy) > 0 {
		return &LabInUseError{Lab: t.ID(), Users: busy, What: what}
	}
	return nil
}

// newName checks the name of a lab to be added to the personal repository.
func (a *App) newName(repo, name string) error {
	return argError("name", a.catalog.FreeLabName(repo, name, ""))
}

// stage makes a temporary folder and returns it with the path, inside it,
// of a lab folder named name (not made yet). The caller removes tmp.
func (a *App) stage(pattern, name string) (tmp, dir string, err error) {
	tmp, err = a.catalog.TempDir(pattern)
	if err != nil {
		return "", "", err
	}
	stage := filepath.Join(tmp, "lab")
	if err := os.Mkdir(stage, 0o755); err != nil {
		os.RemoveAll(tmp)
		return "", "", err
	}
	return tmp, filepath.Join(stage, name), nil
}

// addLab moves a finished lab folder into the personal repository as lab
// name and loads it.
func (a *App) addLab(ctx context.Context, repo, name, from string) (*Target, error) {
	dir, err := a.catalog.AddLab(repo, name, from)
	if err != nil {
		return nil, argError("name", err)
	}
	a.events.publish(EventRepos, RepoEvent{Repo: repo})
	t, err := a.LabAt(ctx, dir)
	if err != nil {
		a.removeAdded(repo, name)
		return nil, err
	}
	return t, nil
}

// removeAdded removes a lab that addLab added but that is refused after
// all.
func (a *App) removeAdded(repo, name string) {
	if err := a.catalog.RemoveLab(repo, name); err != nil {
		a.log.Warn("remove a refused lab", "lab", repo+"/"+name, "err", err)
	}
	a.events.publish(EventRepos, RepoEvent{Repo: repo})
}

// NewLab makes a lab in the personal repository: with from "", a new
// native lab (a .dsp marker and a compose file with one busybox service
// that sleeps, titled name); else a copy of the lab from names (REPO/LAB
// of any repository of the main directory, never a path), as CopyLab.
func (a *App) NewLab(ctx context.Context, name, from string) (*Target, error) {
	if from != "" {
		repo, labName, ok := strings.Cut(from, "/")
		if !ok {
			return nil, argError("from", &safepath.NameError{Name: from, Reason: "is not REPO/LAB"})
		}
		src, err := a.LabByName(ctx, repo, labName)
		if err != nil {
			return nil, argError("from", err)
		}
		return a.CopyLab(ctx, src, name)
	}
	repo, err := a.writable()
	if err != nil {
		return nil, err
	}
	if err := a.newName(repo, name); err != nil {
		return nil, err
	}
	tmp, dir, err := a.stage("new-", name)
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(tmp)
	if err := catalog.WriteNewLab(dir, name); err != nil {
		return nil, err
	}
	return a.addLab(ctx, repo, name, dir)
}

// CopyLab copies a lab (of any repository, upstream or native) into the
// personal repository as lab name: its whole folder, confined — symbolic
// links that lead out of the lab folder are neither followed nor copied.
// The repository's own files (upstream .data/) stay where they are.
func (a *App) CopyLab(ctx context.Context, t *Target, name string) (*Target, error) {
	repo, err := a.writable()
	if err != nil {
		return nil, err
	}
	if err := a.newName(repo, name); err != nil {
		return nil, err
	}
	tmp, dir, err := a.stage("copy-", name)
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(tmp)
	if err := catalog.CopyLabTree(t.Dir, dir); err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return a.addLab(ctx, repo, name, dir)
}

// RenameLab renames a lab of the personal repository. It is refused for
// other repositories' labs and while an instance of the lab exists or an
// operation works on it.
func (a *App) RenameLab(ctx context.Context, t *Target, name string) (*Target, error) {
	repo, err := a.editable(t, "renamed")
	if err != nil {
		return nil, err
	}
	if name == t.Name {
		return nil, argError("name", &safepath.NameError{Name: name, Reason: "is the lab's name already"})
	}
	if err := argError("name", a.catalog.FreeLabName(repo, name, t.Name)); err != nil {
		return nil, err
	}
	if err := a.labIdle(ctx, t, "renamed"); err != nil {
		return nil, err
	}
	dir, err := a.catalog.RenameLab(repo, t.Name, name)
	if err != nil {
		return nil, argError("name", err)
	}
	if err := a.tests().Move(repo, t.Name, name); err != nil {
		return nil, err
	}
	a.events.publish(EventRepos, RepoEvent{Repo: repo})
	return a.LabAt(ctx, dir)
}

// DeleteLab deletes a lab of the personal repository, with the same
// refusals as RenameLab.
func (a *App) DeleteLab(ctx context.Context, t *Target) error {
	repo, err := a.checkDelete(ctx, t)
	if err != nil {
		return err
	}
	if err := a.catalog.RemoveLab(repo, t.Name); err != nil {
		return err
	}
	if err := a.tests().Forget(repo, t.Name); err != nil {
		return err
	}
	a.events.publish(EventRepos, RepoEvent{Repo: repo})
	return nil
}

// CanDeleteLab tells whether DeleteLab would delete the lab now (nil), or
// why not: what a confirmation is asked after.
func (a *App) CanDeleteLab(ctx context.Context, t *Target) error {
	_, err := a.checkDelete(ctx, t)
	return err
}

func (a *App) checkDelete(ctx context.Context, t *Target) (string, error) {
	repo, err := a.editable(t, "deleted")
	if err != nil {
		return "", err
	}
	return repo, a.labIdle(ctx, t, "deleted")
}

// ExportLab writes the lab folder to w as a .tar.gz archive with the
// folder's name at the top (NAME/…), the way ImportLab reads it back:
// files with their permission bits, and the symbolic links that stay
// inside the lab (links that lead out are left out).
func (a *App) ExportLab(ctx context.Context, t *Target, w io.Writer) error {
	return catalog.WriteLabArchive(ctxWriter{ctx, w}, t.Dir, t.Name)
}

// ctxWriter stops writing when its context ends.
type ctxWriter struct {
	ctx context.Context
	w   io.Writer
}

func (c ctxWriter) Write(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.w.Write(p)
}

// ImportLabFile imports the lab in a file (see ImportLab).
func (a *App) ImportLabFile(ctx context.Context, path, name string) (*Target, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, argError("file", err)
	}
	defer f.Close()
	return a.ImportLab(ctx, f, filepath.Base(path), name)
}

// importKinds are the kinds of files ImportLab reads.
const (
	kindCompose = "compose"
	kindZip     = "zip"
	kindTarGz   = "tar.gz"
	kindTar     = "tar"
)

// ImportLab adds a lab to the personal repository from a file named
// filename: a compose file (.yml, .yaml), which becomes the lab's compose
// file beside a .dsp marker, or a .zip, .tar.gz/.tgz or .tar archive of a
// lab folder, upstream or native, holding the folder itself or its
// contents at the top. The name defaults to the archive's folder, else the
// file's name without its extension. Archives are checked entry by entry
// (no absolute names, no "..", no links that lead out, no devices, at most
// MaxImportBytes and MaxImportEntries) and unpacked in the main
// directory's temporary folder; the lab must load without errors, else it
// is refused, with the loader's problems, and nothing is left.
func (a *App) ImportLab(ctx context.Context, r io.Reader, filename, name string) (*Target, error) {
	repo, err := a.writable()
	if err != nil {
		return nil, err
	}
	if name != "" {
		if err := a.newName(repo, name); err != nil {
			return nil, err
		}
	}
	br := bufio.NewReaderSize(r, 1024)
	kind := importKind(filename, br)
	if kind == "" {
		return nil, argError("file", &ImportError{File: filename, Reason: "not a compose file (.yml, .yaml), a .zip, a .tar.gz (.tgz) or a .tar archive"})
	}
	tmp, err := a.catalog.TempDir("import-")
	if err != nil {
		return nil, err
	}
	defer func() { _ = catalog.RemoveTree(tmp) }()
	unpacked := filepath.Join(tmp, "unpacked")
	if err := os.Mkdir(unpacked, 0o755); err != nil {
		return nil, err
	}
	root, folder, err := a.unpack(ctx, kind, br, r, filename, tmp, unpacked)
	if err != nil {
		return nil, importFailed(filename, err)
	}
	if name == "" {
		if name, err = defaultLabName(kind, filename, folder); err != nil {
			return nil, argError("name", err)
		}
		if err := a.newName(repo, name); err != nil {
			return nil, err
		}
	}
	// Checked where nothing sees it, under its own name.
	staged := filepath.Join(tmp, "lab", name)
	if err := os.Mkdir(filepath.Dir(staged), 0o755); err != nil {
		return nil, err
	}
	if err := os.Rename(root, staged); err != nil {
		return nil, err
	}
	if err := checkImported(ctx, filename, staged); err != nil {
		return nil, importFailed(filename, err)
	}
	t, err := a.addLab(ctx, repo, name, staged)
	if err != nil {
		return nil, err
	}
	// What depends on the repository (its labels, its .data) is seen now.
	if t.LoadErr != nil {
		a.removeAdded(repo, name)
		return nil, argError("file", invalidImport(filename, t.Dir, t.Problems, t.LoadErr))
	}
	return t, nil
}

// importFailed is the error of an import that failed on the file: it
// names the file.
func importFailed(filename string, err error) error {
	var named *ImportError
	if !errors.As(err, &named) && !errors.Is(err, context.Canceled) {
		err = fmt.Errorf("import %s: %w", filename, err)
	}
	return argError("file", err)
}

// importKind tells what a file is from its name, else from its first
// bytes; "" when it is none of what ImportLab reads.
func importKind(filename string, br *bufio.Reader) string {
	lower := strings.ToLower(filename)
	switch {
	case strings.HasSuffix(lower, ".yml"), strings.HasSuffix(lower, ".yaml"):
		return kindCompose
	case strings.HasSuffix(lower, ".zip"):
		return kindZip
	case strings.HasSuffix(lower, ".tar.gz"), strings.HasSuffix(lower, ".tgz"):
		return kindTarGz
	case strings.HasSuffix(lower, ".tar"):
		return kindTar
	}
	head, _ := br.Peek(512)
	switch {
	case bytes.HasPrefix(head, []byte{0x1f, 0x8b}):
		return kindTarGz
	case bytes.HasPrefix(head, []byte("PK\x03\x04")), bytes.HasPrefix(head, []byte("PK\x05\x06")):
		return kindZip
	case len(head) >= 262 && string(head[257:262]) == "ustar":
		return kindTar
	}
	return ""
}

// unpack writes the file into the folder unpacked and returns the lab
// folder in it, with the name of the archive's top folder when the lab is
// that folder ("" when the archive holds the lab's contents).
func (a *App) unpack(ctx context.Context, kind string, br *bufio.Reader, raw io.Reader, filename, tmp, unpacked string) (string, string, error) {
	switch kind {
	case kindCompose:
		return unpacked, "", writeComposeLab(br, filename, unpacked)
	case kindTar:
		if err := archive.ExtractTar(ctx, br, unpacked, importLimits); err != nil {
			return "", "", err
		}
	case kindTarGz:
		gz, err := gzip.NewReader(br)
		if err != nil {
			return "", "", &archive.FormatError{Kind: "tar.gz", Err: err}
		}
		if err := archive.ExtractTar(ctx, gz, unpacked, importLimits); err != nil {
			return "", "", err
		}
	case kindZip:
		ra, size, done, err := zipSource(br, raw, tmp)
		if err != nil {
			return "", "", err
		}
		err = archive.ExtractZip(ctx, ra, size, unpacked, importLimits)
		done()
		if err != nil {
			return "", "", err
		}
	}
	if err := catalog.OwnerAccess(unpacked); err != nil {
		return "", "", err
	}
	root, folder, err := labRoot(unpacked)
	if err != nil {
		return "", "", &ImportError{File: filename, Reason: err.Error()}
	}
	return root, folder, nil
}

// zipSource returns the zip file to read and what to call when done with
// it: the file itself when it is one on disk that nothing read yet, else a
// copy spooled into tmp (at most MaxImportBytes).
func zipSource(br *bufio.Reader, raw io.Reader, tmp string) (io.ReaderAt, int64, func(), error) {
	if f, ok := raw.(*os.File); ok && br.Buffered() == 0 {
		if st, err := f.Stat(); err == nil && st.Mode().IsRegular() {
			if off, err := f.Seek(0, io.SeekCurrent); err == nil && off == 0 {
				return f, st.Size(), func() {}, nil
			}
		}
	}
	spool, err := os.Create(filepath.Join(tmp, "upload.zip"))
	if err != nil {
		return nil, 0, nil, err
	}
	done := func() { spool.Close() }
	n, err := io.Copy(spool, io.LimitReader(br, MaxImportBytes+1))
	if err == nil && n > MaxImportBytes {
		err = &archive.LimitError{What: "bytes", Limit: MaxImportBytes}
	}
	if err != nil {
		done()
		return nil, 0, nil, err
	}
	return spool, n, done, nil
}

// composeNames are the compose file names a lab may use.
var composeNames = []string{"compose.yaml", "compose.yml", "docker-compose.yml", "docker-compose.yaml"}

// writeComposeLab makes a lab of a compose file in dir: the file, under its
// own name when it is a compose file name, else as compose.yaml, and a
// .dsp marker.
func writeComposeLab(r io.Reader, filename, dir string) error {
	data, err := io.ReadAll(io.LimitReader(r, maxComposeImport+1))
	if err != nil {
		return err
	}
	if len(data) > maxComposeImport {
		return &ImportError{File: filename, Reason: fmt.Sprintf("a compose file is at most %d MiB", maxComposeImport>>20)}
	}
	file := "compose.yaml"
	if base := filepath.Base(filename); slices.Contains(composeNames, strings.ToLower(base)) {
		file = strings.ToLower(base)
	}
	if err := os.WriteFile(filepath.Join(dir, file), data, 0o644); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, lab.MarkerFile), nil, 0o644)
}

// labRoot finds the lab folder in an unpacked archive: the top itself, or
// its one folder (files a Mac adds, __MACOSX and .DS_Store, left aside).
func labRoot(unpacked string) (string, string, error) {
	if lab.IsLabDir(unpacked) {
		return unpacked, "", nil
	}
	entries, err := os.ReadDir(unpacked)
	if err != nil {
		return "", "", err
	}
	var dirs []os.DirEntry
	others := 0
	for _, e := range entries {
		switch {
		case e.Name() == "__MACOSX" || e.Name() == ".DS_Store":
		case e.IsDir():
			dirs = append(dirs, e)
		default:
			others++
		}
	}
	if len(dirs) == 1 && others == 0 {
		dir := filepath.Join(unpacked, dirs[0].Name())
		if lab.IsLabDir(dir) {
			return dir, dirs[0].Name(), nil
		}
	}
	return "", "", errors.New("it holds no lab: neither its top nor its one top folder has a .dsp file or a compose file with an x-dsp section")
}

// defaultLabName is the name of an imported lab that the user did not
// name: its folder's in the archive, else the file's name without its
// extension (a compose file named like every compose file says nothing).
func defaultLabName(kind, filename, folder string) (string, error) {
	if folder != "" {
		if err := safepath.Name(folder); err != nil {
			return "", fmt.Errorf("the archive's folder cannot name the lab (%w): give a name", err)
		}
		return folder, nil
	}
	base := filepath.Base(filename)
	if kind == kindCompose && slices.Contains(composeNames, strings.ToLower(base)) {
		return "", &safepath.NameError{Name: "", Reason: "is missing: " + base + " does not say what the lab is called, give a name"}
	}
	lower := strings.ToLower(base)
	for _, ext := range []string{".tar.gz", ".tgz", ".tar", ".zip", ".yaml", ".yml"} {
		if strings.HasSuffix(lower, ext) {
			base = base[:len(base)-len(ext)]
			break
		}
	}
	if err := safepath.Name(base); err != nil {
		return "", fmt.Errorf("the file's name cannot name the lab (%w): give a name", err)
	}
	return base, nil
}

// checkImported checks an unpacked lab before it is added: its links stay
// inside it, and it loads without errors.
func checkImported(ctx context.Context, filename, dir string) error {
	if err := archive.LinksInside(dir); err != nil {
		return err
	}
	l, problems, err := lab.Load(ctx, dir)
	if l == nil {
		return err
	}
	if err != nil {
		return invalidImport(filename, dir, problems, err)
	}
	return nil
}

// invalidImport refuses a lab that does not load, naming its errors by
// their place in the lab.
func invalidImport(filename, dir string, problems lab.Problems, loadErr error) error {
	var lines []string
	for _, p := range problems.Errors() {
		if rel, err := filepath.Rel(dir, p.File); err == nil && !strings.HasPrefix(rel, "..") {
			p.File = filepath.ToSlash(rel)
		}
		lines = append(lines, p.String())
	}
	return &ImportError{File: filename, Reason: "the lab does not load:\n  " + strings.Join(lines, "\n  "), Err: loadErr}
}
