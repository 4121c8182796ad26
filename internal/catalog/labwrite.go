package catalog

import (
	"archive/tar"
	"compress/gzip"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/dsp-lab/dsp/internal/lab"
	"github.com/dsp-lab/dsp/internal/safepath"
)

// This file writes labs: into the personal repository (new, imported,
// copied), renames and removes them, and packs one as an archive. A lab
// appears whole or not at all: it is made in TempDir and renamed into
// place.

// labWrites serialises the check that a lab name is free with the rename
// that takes it.
var labWrites sync.Mutex

// NoPersonalError means the main directory has no personal repository.
type NoPersonalError struct{ Home string }

func (e *NoPersonalError) Error() string {
	return fmt.Sprintf("the main directory %s has no personal repository to keep your labs in", e.Home)
}

// FailedPrecondition classifies the error (errdefs).
func (e *NoPersonalError) FailedPrecondition() {}

// PersonalRepo returns the name and folder of the personal repository.
func (c *Catalog) PersonalRepo() (string, string, error) {
	name := c.current().PersonalRepo
	if name == "" {
		return "", "", &NoPersonalError{Home: c.Home}
	}
	dir, err := c.RepoDir(name)
	if err != nil {
		return "", "", &NoPersonalError{Home: c.Home}
	}
	return name, dir, nil
}

// LabExistsError refuses a lab name that the repository uses already,
// case-insensitively (REPO/LAB resolves names so).
type LabExistsError struct {
	Repo, Name string
	Taken      string // the name in use
}

func (e *LabExistsError) Error() string {
	if e.Taken != e.Name {
		return fmt.Sprintf("repository %s already has %q, which differs from %q only in case: choose another name", e.Repo, e.Taken, e.Name)
	}
	return fmt.Sprintf("repository %s already has %q: choose another name", e.Repo, e.Name)
}

// Conflict classifies the error (errdefs).
func (e *LabExistsError) Conflict() {}

// FreeLabName checks that name can name a new lab of repository repo: one
// safe folder name that no entry of the repository has, whatever its case.
// except, when set, is a name that may be taken (a lab renamed to another
// case of its own name).
func (c *Catalog) FreeLabName(repo, name, except string) error {
	if err := safepath.Name(name); err != nil {
		return err
	}
	dir, err := c.RepoDir(repo)
	if err != nil {
		return err
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return fmt.Errorf("read repository %s: %w", repo, err)
	}
	for _, e := range entries {
		if e.Name() != except && strings.EqualFold(e.Name(), name) {
			return &LabExistsError{Repo: repo, Name: name, Taken: e.Name()}
		}
	}
	return nil
}

// AddLab moves a finished lab folder (made in TempDir) into repository
// repo as lab name and returns its folder. The name must be free.
func (c *Catalog) AddLab(repo, name, from string) (string, error) {
	labWrites.Lock()
	defer labWrites.Unlock()
	if err := c.FreeLabName(repo, name, ""); err != nil {
		return "", err
	}
	dir, err := safepath.Join(c.Home, repo, name)
	if err != nil {
		return "", err
	}
	if err := os.Rename(from, dir); err != nil {
		return "", fmt.Errorf("add lab %s/%s: %w", repo, name, err)
	}
	return dir, nil
}

// RenameLab renames lab name of repository repo to newName (free, or the
// same name in another case) and returns its new folder. What the user set
// for the lab (exposure) follows it.
func (c *Catalog) RenameLab(repo, name, newName string) (string, error) {
	labWrites.Lock()
	defer labWrites.Unlock()
	if err := c.FreeLabName(repo, newName, name); err != nil {
		return "", err
	}
	from, err := safepath.Join(c.Home, repo, name)
	if err != nil {
		return "", err
	}
	to, err := safepath.Join(c.Home, repo, newName)
	if err != nil {
		return "", err
	}
	if err := os.Rename(from, to); err != nil {
		return "", fmt.Errorf("rename lab %s/%s: %w", repo, name, err)
	}
	old, id := repo+"/"+name, repo+"/"+newName
	err = c.update(func(cfg *config) {
		for i, s := range cfg.Exposed {
			if s == old {
				cfg.Exposed[i] = id
			}
		}
		cfg.Exposed = slices.Compact(cfg.Exposed)
	})
	return to, err
}

// RemoveLab deletes lab name of repository repo and what dsp recorded
// about it. The folder is first renamed away, so that the catalogue never
// sees half a lab.
func (c *Catalog) RemoveLab(repo, name string) error {
	dir, err := safepath.Join(c.Home, repo, name)
	if err != nil {
		return err
	}
	trash, err := c.TempDir("removed-")
	if err != nil {
		return err
	}
	labWrites.Lock()
	err = os.Rename(dir, filepath.Join(trash, name))
	labWrites.Unlock()
	if err != nil {
		os.RemoveAll(trash)
		return fmt.Errorf("remove lab %s/%s: %w", repo, name, err)
	}
	id := repo + "/" + name
	if err := c.update(func(cfg *config) {
		cfg.Exposed = slices.DeleteFunc(cfg.Exposed, func(s string) bool { return s == id })
	}); err != nil {
		return err
	}
	return RemoveTree(trash)
}

// RemoveTree removes a folder and everything in it, read-only folders
// (upstream labs unpacked as they were shipped) included.
func RemoveTree(dir string) error {
	if err := os.RemoveAll(dir); err == nil {
		return nil
	}
	_ = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && d.IsDir() {
			_ = os.Chmod(p, 0o700)
		}
		return nil
	})
	return os.RemoveAll(dir)
}

// OwnerAccess lets the owner traverse and change every folder under dir
// and read every file: an archive may ship folders without those bits,
// which would keep dsp from reading or ever removing the lab.
func OwnerAccess(dir string) error {
	return filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.Type()&fs.ModeSymlink != 0 {
			return nil
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		want := info.Mode().Perm() | 0o400
		if d.IsDir() {
			want |= 0o700
		}
		if want != info.Mode().Perm() {
			return os.Chmod(p, want)
		}
		return nil
	})
}

// WriteNewLab writes a new native lab into the folder dir (made if
// missing): a .dsp marker and a compose file with one busybox service that
// sleeps, titled title.
func WriteNewLab(dir, title string) error {
	quoted, err := json.Marshal(title) // a JSON string is a YAML scalar
	if err != nil {
		return err
	}
	compose := "x-dsp:\n" +
		"  title: " + string(quoted) + "\n" +
		"services:\n" +
		"  box:\n" +
		"    image: dsp/busybox:latest\n" +
		"    command: [sleep, infinity]\n"
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("new lab: %w", err)
	}
	if err := os.WriteFile(filepath.Join(dir, lab.MarkerFile), nil, 0o644); err != nil {
		return fmt.Errorf("new lab: %w", err)
	}
	if err := os.WriteFile(filepath.Join(dir, "compose.yaml"), []byte(compose), 0o644); err != nil {
		return fmt.Errorf("new lab: %w", err)
	}
	return nil
}

// labEntry is one entry of a lab folder that copies and archives keep.
type labEntry struct {
	rel  string // slash-separated, relative to the lab folder
	info fs.FileInfo
	link string // a symbolic link's target
}

// walkLab calls fn for the lab folder's entries that a copy keeps, parents
// before children: folders, regular files, and symbolic links with a
// relative target that resolves inside the lab folder (or to nothing
// there). Links that lead out, absolute links, devices, FIFOs and sockets
// are left out; links are never followed.
func walkLab(dir string, fn func(e labEntry) error) error {
	root, err := os.OpenRoot(dir)
	if err != nil {
		return err
	}
	defer root.Close()
	return filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if p == dir {
			return nil
		}
		rel, err := filepath.Rel(dir, p)
		if err != nil {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		e := labEntry{rel: filepath.ToSlash(rel), info: info}
		switch mode := info.Mode(); {
		case mode.IsDir(), mode.IsRegular():
		case mode&fs.ModeSymlink != 0:
			if e.link, err = os.Readlink(p); err != nil {
				return err
			}
			if !linkStaysIn(root, rel, e.link) {
				return nil
			}
		default:
			return nil
		}
		return fn(e)
	})
}

// linkStaysIn reports whether the symbolic link rel (relative to root)
// with the given target resolves inside root, or to nothing there.
func linkStaysIn(root *os.Root, rel, target string) bool {
	if target == "" || filepath.IsAbs(target) {
		return false
	}
	clean := path.Join(path.Dir(filepath.ToSlash(rel)), filepath.ToSlash(target))
	if clean == ".." || strings.HasPrefix(clean, "../") {
		return false
	}
	_, err := root.Stat(rel)
	return err == nil || errors.Is(err, fs.ErrNotExist)
}

// CopyLabTree copies the lab folder src to dst, which must not exist:
// folders, files (with their permission bits and times) and the symbolic
// links that stay inside the lab (see walkLab). Nothing outside src is
// read, nothing outside dst is written.
func CopyLabTree(src, dst string) error {
	if err := os.Mkdir(dst, 0o755); err != nil {
		return fmt.Errorf("copy lab %s: %w", src, err)
	}
	out, err := os.OpenRoot(dst)
	if err != nil {
		return err
	}
	defer out.Close()
	in, err := os.OpenRoot(src)
	if err != nil {
		return err
	}
	defer in.Close()
	var dirs []labEntry
	err = walkLab(src, func(e labEntry) error {
		rel := filepath.FromSlash(e.rel)
		switch mode := e.info.Mode(); {
		case mode.IsDir():
			dirs = append(dirs, e)
			return out.Mkdir(rel, 0o700)
		case mode&fs.ModeSymlink != 0:
			return out.Symlink(e.link, rel)
		default:
			return copyFile(in, out, rel, e.info)
		}
	})
	if err != nil {
		return fmt.Errorf("copy lab %s: %w", src, err)
	}
	// Folders get their modes last, so that read-only ones could be filled.
	for i := len(dirs) - 1; i >= 0; i-- {
		d := dirs[i]
		rel := filepath.FromSlash(d.rel)
		if err := out.Chmod(rel, d.info.Mode().Perm()|0o700); err != nil {
			return err
		}
		_ = out.Chtimes(rel, d.info.ModTime(), d.info.ModTime())
	}
	return nil
}

// copyFile copies one regular file between roots.
func copyFile(in, out *os.Root, rel string, info fs.FileInfo) error {
	r, err := in.Open(rel)
	if err != nil {
		return err
	}
	defer r.Close()
	w, err := out.OpenFile(rel, os.O_WRONLY|os.O_CREATE|os.O_EXCL, info.Mode().Perm())
	if err != nil {
		return err
	}
	_, err = io.Copy(w, r)
	if cerr := w.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	if err := out.Chmod(rel, info.Mode().Perm()); err != nil {
		return err
	}
	return out.Chtimes(rel, info.ModTime(), info.ModTime())
}

// WriteLabArchive writes the lab folder dir to w as a gzip-compressed tar
// archive whose entries are in the folder name (name/, name/compose.yaml,
// …), with the entries a copy keeps (see walkLab), their permission bits
// and times, and no owners.
func WriteLabArchive(w io.Writer, dir, name string) error {
	if err := safepath.Name(name); err != nil {
		return err
	}
	st, err := os.Stat(dir)
	if err != nil {
		return fmt.Errorf("export lab %s: %w", dir, err)
	}
	root, err := os.OpenRoot(dir)
	if err != nil {
		return err
	}
	defer root.Close()
	gz := gzip.NewWriter(w)
	tw := tar.NewWriter(gz)
	if err := tw.WriteHeader(&tar.Header{Typeflag: tar.TypeDir, Name: name + "/", Mode: int64(st.Mode().Perm()), ModTime: st.ModTime()}); err != nil {
		return err
	}
	err = walkLab(dir, func(e labEntry) error {
		hdr := &tar.Header{Name: name + "/" + e.rel, Mode: int64(e.info.Mode().Perm()), ModTime: e.info.ModTime().Truncate(time.Second)}
		switch mode := e.info.Mode(); {
		case mode.IsDir():
			hdr.Typeflag, hdr.Name = tar.TypeDir, hdr.Name+"/"
			return tw.WriteHeader(hdr)
		case mode&fs.ModeSymlink != 0:
			hdr.Typeflag, hdr.Linkname = tar.TypeSymlink, e.link
			return tw.WriteHeader(hdr)
		}
		f, err := root.Open(filepath.FromSlash(e.rel))
		if err != nil {
			return err
		}
		defer f.Close()
		hdr.Typeflag, hdr.Size = tar.TypeReg, e.info.Size()
		if err := tw.WriteHeader(hdr); err != nil {
			return err
		}
		_, err = io.CopyN(tw, f, hdr.Size)
		return err
	})
	if err != nil {
		return fmt.Errorf("export lab %s: %w", dir, err)
	}
	if err := tw.Close(); err != nil {
		return err
	}
	return gz.Close()
}
