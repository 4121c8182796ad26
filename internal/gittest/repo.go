package gittest

import (
	"errors"
	"fmt"
	"io"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/go-git/go-git/v5/plumbing/storer"
)

// Branch is the branch every Repo is built on and HEAD points to.
const Branch = "main"

// upstreamAuthor is the author and committer of every commit a Repo makes.
var upstreamAuthor = object.Signature{Name: "Upstream", Email: "upstream@example.com"}

// Repo is a bare repository on disk with helpers to change it like an upstream author would.
// It is built and read with go-git; every method opens the repository afresh, so it sees what a
// push through a server wrote.
type Repo struct {
	dir string
}

// NewRepo creates a bare repository "repo.git" in t.TempDir() with one commit on branch "main"
// holding files (path → content; paths with / create folders; every file has mode 0644),
// authored by "Upstream <upstream@example.com>". The repository's config sets
// http.receivepack=true, so an HTTPServer accepts pushes to it.
func NewRepo(t testing.TB, files map[string]string) *Repo {
	t.Helper()
	return NewRepoAt(t, filepath.Join(t.TempDir(), "repo.git"), files)
}

// NewRepoAt is NewRepo at a chosen folder dir (which must not exist or be empty, and should end
// in .git), for servers that serve several repositories under one root.
func NewRepoAt(t testing.TB, dir string, files map[string]string) *Repo {
	t.Helper()
	r := NewEmptyRepo(t, dir)
	if _, err := r.commit(map[string]plumbing.Hash{}, plumbing.ZeroHash, files, nil, "Initial commit"); err != nil {
		t.Fatalf("gittest: first commit in %s: %v", r.dir, err)
	}
	return r
}

// Dir returns the bare repository's folder (an absolute path ending in .git).
func (r *Repo) Dir() string { return r.dir }

// Commit makes a new commit on main that writes files (path → content, mode 0644) and removes
// the paths in remove (each must be a file at main), and returns its hash. Its message names
// what changed, e.g. "Update a.txt, b/c.txt; remove old.txt".
func (r *Repo) Commit(t testing.TB, files map[string]string, remove ...string) string {
	t.Helper()
	hash, err := r.commitOnMain(files, remove)
	if err != nil {
		t.Fatalf("gittest: commit in %s: %v", r.dir, err)
	}
	return hash.String()
}

// Head returns the hash of main.
func (r *Repo) Head(t testing.TB) string {
	t.Helper()
	_, head, err := r.head()
	if err != nil {
		t.Fatalf("gittest: %v", err)
	}
	return head.Hash().String()
}

// File returns the content of the file at path in main's tree, and false when there is none
// (for asserting that a push arrived).
func (r *Repo) File(t testing.TB, path string) (string, bool) {
	t.Helper()
	content, ok, err := r.file(path)
	if err != nil {
		t.Fatalf("gittest: read %s at %s in %s: %v", path, Branch, r.dir, err)
	}
	return content, ok
}

// Log returns the commit messages of main's history, newest first, each without its trailing
// newline.
func (r *Repo) Log(t testing.TB) []string {
	t.Helper()
	messages, err := r.log()
	if err != nil {
		t.Fatalf("gittest: log of %s in %s: %v", Branch, r.dir, err)
	}
	return messages
}

// open opens the bare repository.
func (r *Repo) open() (*git.Repository, error) {
	repo, err := git.PlainOpen(r.dir)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", r.dir, err)
	}
	return repo, nil
}

// head opens the repository and resolves main.
func (r *Repo) head() (*git.Repository, *plumbing.Reference, error) {
	repo, err := r.open()
	if err != nil {
		return nil, nil, err
	}
	ref, err := repo.Reference(plumbing.NewBranchReferenceName(Branch), true)
	if err != nil {
		return nil, nil, fmt.Errorf("resolve %s in %s: %w", Branch, r.dir, err)
	}
	return repo, ref, nil
}

// headCommit returns main's commit.
func (r *Repo) headCommit() (*object.Commit, error) {
	repo, ref, err := r.head()
	if err != nil {
		return nil, err
	}
	commit, err := repo.CommitObject(ref.Hash())
	if err != nil {
		return nil, fmt.Errorf("read commit %s: %w", ref.Hash(), err)
	}
	return commit, nil
}

func (r *Repo) file(path string) (string, bool, error) {
	commit, err := r.headCommit()
	if err != nil {
		return "", false, err
	}
	f, err := commit.File(path)
	if errors.Is(err, object.ErrFileNotFound) {
		return "", false, nil
	}
	if err != nil {
		return "", false, err
	}
	content, err := f.Contents()
	if err != nil {
		return "", false, err
	}
	return content, true, nil
}

func (r *Repo) log() ([]string, error) {
	repo, ref, err := r.head()
	if err != nil {
		return nil, err
	}
	iter, err := repo.Log(&git.LogOptions{From: ref.Hash()})
	if err != nil {
		return nil, err
	}
	var messages []string
	err = iter.ForEach(func(c *object.Commit) error {
		messages = append(messages, strings.TrimRight(c.Message, "\n"))
		return nil
	})
	return messages, err
}

// commitOnMain reads main's files and commits the changes on top of it.
func (r *Repo) commitOnMain(files map[string]string, remove []string) (plumbing.Hash, error) {
	parent, err := r.headCommit()
	if err != nil {
		return plumbing.ZeroHash, err
	}
	tree, err := parent.Tree()
	if err != nil {
		return plumbing.ZeroHash, fmt.Errorf("read tree of %s: %w", parent.Hash, err)
	}
	entries := map[string]plumbing.Hash{}
	err = tree.Files().ForEach(func(f *object.File) error {
		entries[f.Name] = f.Hash
		return nil
	})
	if err != nil {
		return plumbing.ZeroHash, fmt.Errorf("list files of %s: %w", parent.Hash, err)
	}
	return r.commit(entries, parent.Hash, files, remove, changeMessage(files, remove))
}

// commit writes files as blobs over entries (path → blob), removes the paths in remove, and
// stores a commit of the resulting tree with parent (none when zero) as the new main.
func (r *Repo) commit(entries map[string]plumbing.Hash, parent plumbing.Hash, files map[string]string, remove []string, message string) (plumbing.Hash, error) {
	repo, err := r.open()
	if err != nil {
		return plumbing.ZeroHash, err
	}
	st := repo.Storer
	for name, content := range files {
		clean := path.Clean(name)
		if clean != name || path.IsAbs(name) || name == "." || name == ".." || strings.HasPrefix(name, "../") {
			return plumbing.ZeroHash, fmt.Errorf("file path %q is not a clean relative path", name)
		}
		hash, err := writeBlob(st, content)
		if err != nil {
			return plumbing.ZeroHash, fmt.Errorf("write %s: %w", name, err)
		}
		entries[name] = hash
	}
	for _, name := range remove {
		if _, ok := entries[name]; !ok {
			return plumbing.ZeroHash, fmt.Errorf("remove %s: no such file at %s", name, Branch)
		}
		delete(entries, name)
	}
	treeHash, err := writeTree(st, entries)
	if err != nil {
		return plumbing.ZeroHash, err
	}
	sig := upstreamAuthor
	sig.When = time.Now()
	commit := &object.Commit{
		Author:    sig,
		Committer: sig,
		Message:   message + "\n",
		TreeHash:  treeHash,
	}
	if !parent.IsZero() {
		commit.ParentHashes = []plumbing.Hash{parent}
	}
	hash, err := storeObject(st, commit)
	if err != nil {
		return plumbing.ZeroHash, fmt.Errorf("write commit: %w", err)
	}
	ref := plumbing.NewHashReference(plumbing.NewBranchReferenceName(Branch), hash)
	if err := st.SetReference(ref); err != nil {
		return plumbing.ZeroHash, fmt.Errorf("move %s to %s: %w", Branch, hash, err)
	}
	return hash, nil
}

// changeMessage names the files a commit writes and removes.
func changeMessage(files map[string]string, remove []string) string {
	changed := make([]string, 0, len(files))
	for name := range files {
		changed = append(changed, name)
	}
	sort.Strings(changed)
	removed := append([]string(nil), remove...)
	sort.Strings(removed)
	var parts []string
	if len(changed) > 0 {
		parts = append(parts, "Update "+strings.Join(changed, ", "))
	}
	if len(removed) > 0 {
		parts = append(parts, "remove "+strings.Join(removed, ", "))
	}
	if len(parts) == 0 {
		return "Empty commit"
	}
	return strings.Join(parts, "; ")
}

// encoder is any git object go-git can encode: blobs, trees and commits.
type encoder interface {
	Encode(plumbing.EncodedObject) error
}

// storeObject encodes o and stores it, returning its hash.
func storeObject(st storer.EncodedObjectStorer, o encoder) (plumbing.Hash, error) {
	obj := st.NewEncodedObject()
	if err := o.Encode(obj); err != nil {
		return plumbing.ZeroHash, err
	}
	return st.SetEncodedObject(obj)
}

// writeBlob stores content as a blob.
func writeBlob(st storer.EncodedObjectStorer, content string) (plumbing.Hash, error) {
	obj := st.NewEncodedObject()
	obj.SetType(plumbing.BlobObject)
	w, err := obj.Writer()
	if err != nil {
		return plumbing.ZeroHash, err
	}
	if _, err := io.WriteString(w, content); err != nil {
		return plumbing.ZeroHash, err
	}
	if err := w.Close(); err != nil {
		return plumbing.ZeroHash, err
	}
	return st.SetEncodedObject(obj)
}

// writeTree stores the trees for files (slash-separated path → blob, all regular files) and
// returns the root tree's hash.
func writeTree(st storer.EncodedObjectStorer, files map[string]plumbing.Hash) (plumbing.Hash, error) {
	blobs := map[string]plumbing.Hash{}
	dirs := map[string]map[string]plumbing.Hash{}
	for name, hash := range files {
		first, rest, nested := strings.Cut(name, "/")
		if !nested {
			blobs[first] = hash
			continue
		}
		if dirs[first] == nil {
			dirs[first] = map[string]plumbing.Hash{}
		}
		dirs[first][rest] = hash
	}
	var tree object.Tree
	for name, hash := range blobs {
		if _, clash := dirs[name]; clash {
			return plumbing.ZeroHash, fmt.Errorf("%s is both a file and a folder", name)
		}
		tree.Entries = append(tree.Entries, object.TreeEntry{Name: name, Mode: filemode.Regular, Hash: hash})
	}
	for name, sub := range dirs {
		hash, err := writeTree(st, sub)
		if err != nil {
			return plumbing.ZeroHash, fmt.Errorf("%s/%w", name, err)
		}
		tree.Entries = append(tree.Entries, object.TreeEntry{Name: name, Mode: filemode.Dir, Hash: hash})
	}
	// Git orders tree entries by name, comparing a folder's name as if it ended in "/".
	sortKey := func(e object.TreeEntry) string {
		if e.Mode == filemode.Dir {
			return e.Name + "/"
		}
		return e.Name
	}
	sort.Slice(tree.Entries, func(i, j int) bool { return sortKey(tree.Entries[i]) < sortKey(tree.Entries[j]) })
	hash, err := storeObject(st, &tree)
	if err != nil {
		return plumbing.ZeroHash, fmt.Errorf("write tree: %w", err)
	}
	return hash, nil
}

// NewEmptyRepo creates a bare repository without any commit at dir (push
// enabled), as a hosting service makes a new repository: a remote to
// publish to.
func NewEmptyRepo(t testing.TB, dir string) *Repo {
	t.Helper()
	dir, err := filepath.Abs(dir)
	if err != nil {
		t.Fatalf("gittest: new repo: %v", err)
	}
	repo, err := git.PlainInitWithOptions(dir, &git.PlainInitOptions{
		InitOptions: git.InitOptions{DefaultBranch: plumbing.NewBranchReferenceName(Branch)},
		Bare:        true,
	})
	if err != nil {
		t.Fatalf("gittest: init bare repository %s: %v", dir, err)
	}
	cfg, err := repo.Config()
	if err != nil {
		t.Fatalf("gittest: read config of %s: %v", dir, err)
	}
	cfg.Raw.Section("http").SetOption("receivepack", "true")
	if err := repo.SetConfig(cfg); err != nil {
		t.Fatalf("gittest: enable http.receivepack in %s: %v", dir, err)
	}
	return &Repo{dir: dir}
}
