package catalog_test

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"syscall"
	"testing"

	"github.com/dsp-lab/dsp/internal/catalog"
	"github.com/dsp-lab/dsp/internal/lab"
	"github.com/dsp-lab/dsp/internal/safepath"
)

// openPersonal opens a new main directory (its personal repository only)
// and returns it with the personal repository's name and folder.
func openPersonal(t *testing.T) (*catalog.Catalog, string, string) {
	t.Helper()
	c, err := catalog.Open(t.TempDir(), nil)
	if err != nil {
		t.Fatal(err)
	}
	name, dir, err := c.PersonalRepo()
	if err != nil {
		t.Fatal(err)
	}
	return c, name, dir
}

func TestFreeLabName(t *testing.T) {
	c, repo, dir := openPersonal(t)
	writeTree(t, filepath.Join(dir, "Web Lab 1.0"), map[string]string{".dsp": ""})
	for _, ok := range []string{"Other Lab", "Solr 3.5.0", "web-lab"} {
		if err := c.FreeLabName(repo, ok, ""); err != nil {
			t.Errorf("FreeLabName(%q) = %v", ok, err)
		}
	}
	var taken *catalog.LabExistsError
	for _, name := range []string{"Web Lab 1.0", "web lab 1.0", "WEB LAB 1.0", "labels.json"} {
		if err := c.FreeLabName(repo, name, ""); !errors.As(err, &taken) {
			t.Errorf("FreeLabName(%q) = %v, want a LabExistsError", name, err)
		}
	}
	if err := c.FreeLabName(repo, "web lab 1.0", "Web Lab 1.0"); err != nil {
		t.Errorf("another case of the lab's own name: %v", err)
	}
	var bad *safepath.NameError
	for _, name := range []string{"", "a/b", "..", ".hidden", "../x", `a\b`, " x"} {
		if err := c.FreeLabName(repo, name, ""); !errors.As(err, &bad) {
			t.Errorf("FreeLabName(%q) = %v, want a NameError", name, err)
		}
	}
}

func TestAddRenameRemoveLab(t *testing.T) {
	c, repo, dir := openPersonal(t)
	tmp, err := c.TempDir("test-")
	if err != nil {
		t.Fatal(err)
	}
	staged := filepath.Join(tmp, "x")
	if err := catalog.WriteNewLab(staged, `A "lab": #1`); err != nil {
		t.Fatal(err)
	}
	got, err := c.AddLab(repo, "first", staged)
	if err != nil || got != filepath.Join(dir, "first") {
		t.Fatalf("AddLab = %s, %v", got, err)
	}
	l, problems, err := lab.Load(context.Background(), got)
	if err != nil || l.Title != `A "lab": #1` || l.Format != lab.FormatNative || len(l.Services()) != 1 || l.Services()[0].Image != "dsp/busybox:latest" {
		t.Fatalf("the new lab loads as %+v, %v, %v", l, problems, err)
	}
	if len(l.Risks()) != 0 {
		t.Errorf("a new lab has risks: %v", l.Risks())
	}
	if _, err := c.AddLab(repo, "FIRST", t.TempDir()); err == nil {
		t.Errorf("AddLab took a name in use in another case")
	}

	if err := c.SetExposed(repo, "first", true); err != nil {
		t.Fatal(err)
	}
	renamed, err := c.RenameLab(repo, "first", "Second Lab")
	if err != nil || renamed != filepath.Join(dir, "Second Lab") {
		t.Fatalf("RenameLab = %s, %v", renamed, err)
	}
	if !c.IsExposed(repo, "Second Lab") || c.IsExposed(repo, "first") {
		t.Errorf("the exposure did not follow the lab")
	}
	if _, err := os.Stat(filepath.Join(dir, "first")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the old folder is still there: %v", err)
	}
	if _, err := c.RenameLab(repo, "Second Lab", "second lab"); err != nil {
		t.Errorf("a rename to another case of its name: %v", err)
	}
	if err := c.RemoveLab(repo, "second lab"); err != nil {
		t.Fatal(err)
	}
	if c.IsExposed(repo, "second lab") {
		t.Errorf("a removed lab stays exposed")
	}
	names, _ := c.LabNames(repo)
	if len(names) != 0 {
		t.Errorf("labs left: %v", names)
	}
	if entries, _ := os.ReadDir(filepath.Join(c.StateDir(), "tmp")); len(entries) != 1 { // test-, made above
		t.Errorf("the temporary folder holds %d entries", len(entries))
	}
}

func TestRemoveTreeOfReadOnlyFolders(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "lab")
	writeTree(t, dir, map[string]string{"sub/file": "x"})
	for _, p := range []string{filepath.Join(dir, "sub"), dir} {
		if err := os.Chmod(p, 0o555); err != nil {
			t.Fatal(err)
		}
	}
	if err := catalog.RemoveTree(dir); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(dir); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("still there: %v", err)
	}
}

// hostileLab is a lab folder with links in and out, a FIFO, and a file
// beside it.
func hostileLab(t *testing.T) string {
	t.Helper()
	base := t.TempDir()
	dir := filepath.Join(base, "lab")
	writeTree(t, dir, map[string]string{".dsp": "", "compose.yaml": "services: {}\n", "files/motd": "hi", "solve.sh": "#!/bin/sh\n"})
	writeTree(t, base, map[string]string{"secret": "not yours"})
	if err := os.Chmod(filepath.Join(dir, "solve.sh"), 0o755); err != nil {
		t.Fatal(err)
	}
	for name, target := range map[string]string{
		"motd":          "files/motd",   // in: kept
		"files/up":      "../solve.sh",  // in: kept
		"etc":           "/etc",         // absolute: left out
		"secret":        "../secret",    // out: left out
		"files/climb":   "../../secret", // out: left out
		"self-absolute": dir + "/motd",  // absolute, though inside: left out
	} {
		if err := os.Symlink(target, filepath.Join(dir, name)); err != nil {
			t.Fatal(err)
		}
	}
	if err := syscall.Mkfifo(filepath.Join(dir, "fifo"), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

// keptEntries are what a copy of hostileLab holds.
var keptEntries = []string{".dsp", "compose.yaml", "files", "files/motd", "files/up", "motd", "solve.sh"}

// tree lists a folder: relative path -> content (a link: "-> target").
func tree(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.Walk(dir, func(p string, info os.FileInfo, err error) error {
		if err != nil || p == dir {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		switch {
		case info.Mode()&os.ModeSymlink != 0:
			target, _ := os.Readlink(p)
			out[filepath.ToSlash(rel)] = "-> " + target
		case info.IsDir():
			out[filepath.ToSlash(rel)] = "/"
		default:
			data, _ := os.ReadFile(p)
			out[filepath.ToSlash(rel)] = string(data)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func keys(m map[string]string) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func TestCopyLabTreeIsConfined(t *testing.T) {
	src := hostileLab(t)
	dst := filepath.Join(t.TempDir(), "copy")
	if err := catalog.CopyLabTree(src, dst); err != nil {
		t.Fatal(err)
	}
	got := tree(t, dst)
	if !slices.Equal(keys(got), keptEntries) {
		t.Errorf("copied %v, want %v", keys(got), keptEntries)
	}
	if got["motd"] != "-> files/motd" || got["files/up"] != "-> ../solve.sh" || got["files/motd"] != "hi" {
		t.Errorf("copy = %v", got)
	}
	if st, err := os.Stat(filepath.Join(dst, "solve.sh")); err != nil || st.Mode().Perm() != 0o755 {
		t.Errorf("solve.sh lost its mode: %v, %v", st, err)
	}
	if err := catalog.CopyLabTree(src, dst); err == nil {
		t.Errorf("CopyLabTree over an existing folder succeeded")
	}
}

func TestWriteLabArchive(t *testing.T) {
	src := hostileLab(t)
	var buf bytes.Buffer
	if err := catalog.WriteLabArchive(&buf, src, "My Lab"); err != nil {
		t.Fatal(err)
	}
	gz, err := gzip.NewReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	tr := tar.NewReader(gz)
	var names []string
	for {
		hdr, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if hdr.Uid != 0 || hdr.Uname != "" {
			t.Errorf("%s: owner %d %q", hdr.Name, hdr.Uid, hdr.Uname)
		}
		if hdr.Name == "My Lab/solve.sh" && hdr.Mode != 0o755 {
			t.Errorf("solve.sh has mode %o", hdr.Mode)
		}
		names = append(names, hdr.Name)
	}
	want := []string{"My Lab/"}
	for _, k := range keptEntries {
		if k == "files" {
			k += "/"
		}
		want = append(want, "My Lab/"+k)
	}
	sort.Strings(names)
	sort.Strings(want)
	if !slices.Equal(names, want) {
		t.Errorf("archive entries %v, want %v", names, want)
	}
	if err := catalog.WriteLabArchive(io.Discard, src, "../x"); err == nil {
		t.Errorf("an archive with a top folder named ../x was written")
	}
}

func TestOwnerAccess(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "lab")
	writeTree(t, dir, map[string]string{"sub/file": "x"})
	if err := os.Chmod(filepath.Join(dir, "sub", "file"), 0o044); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(filepath.Join(dir, "sub"), 0o055); err != nil {
		t.Fatal(err)
	}
	if err := catalog.OwnerAccess(dir); err != nil {
		t.Fatal(err)
	}
	for p, want := range map[string]os.FileMode{"sub": 0o755, "sub/file": 0o444} {
		if st, err := os.Stat(filepath.Join(dir, p)); err != nil || st.Mode().Perm() != want {
			t.Errorf("%s: %v, %v; want %o", p, st.Mode().Perm(), err, want)
		}
	}
}
