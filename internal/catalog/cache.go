package catalog

import (
	"context"
	"fmt"
	"hash/fnv"
	"io"
	"os"
	"path/filepath"
	"sync"

	"github.com/dsp-lab/dsp/internal/lab"
)

// labCache keeps loaded labs until their files change, so that listing a
// few hundred labs costs a few stat calls per lab instead of parsing every
// compose file again. Loaded labs are shared: callers must not modify them.
type labCache struct {
	mu      sync.Mutex
	entries map[string]cacheEntry // lab folder -> entry
}

type cacheEntry struct {
	fingerprint uint64
	deps        []string // nested files the lab was read from (env files)
	lab         *lab.Lab
	problems    lab.Problems
	err         error
}

// load returns the lab in dir, from the cache when nothing it was read
// from changed. repoPrint is the fingerprint of its repository's shared
// files (repoFingerprint), computed once per repository by the caller.
func (c *labCache) load(ctx context.Context, dir string, repoPrint uint64) (*lab.Lab, lab.Problems, error) {
	fp, err := fingerprint(dir, repoPrint)
	if err != nil {
		return lab.Load(ctx, dir)
	}
	c.mu.Lock()
	e, ok := c.entries[dir]
	c.mu.Unlock()
	if ok && e.fingerprint == withFiles(fp, e.deps) {
		return e.lab, e.problems, e.err
	}
	l, problems, err := lab.Load(ctx, dir)
	deps := dependencies(l)
	c.mu.Lock()
	if c.entries == nil {
		c.entries = map[string]cacheEntry{}
	}
	c.entries[dir] = cacheEntry{fingerprint: withFiles(fp, deps), deps: deps, lab: l, problems: problems, err: err}
	c.mu.Unlock()
	return l, problems, err
}

// dependencies lists the files a loaded lab read besides its folder's own
// entries: env and label files, which may sit in subfolders.
func dependencies(l *lab.Lab) []string {
	if l == nil || l.Project == nil {
		return nil
	}
	var deps []string
	for _, s := range l.Project.Services {
		for _, f := range s.EnvFiles {
			deps = append(deps, f.Path)
		}
		deps = append(deps, s.LabelFiles...)
	}
	return deps
}

// withFiles mixes the size and time of files into a fingerprint.
func withFiles(fp uint64, files []string) uint64 {
	h := fnv.New64a()
	fmt.Fprintf(h, "%d\n", fp)
	for _, f := range files {
		if info, err := os.Stat(f); err == nil {
			fmt.Fprintf(h, "%s\x00%d\x00%d\n", f, info.Size(), info.ModTime().UnixNano())
		} else {
			fmt.Fprintf(h, "%s\x00missing\n", f)
		}
	}
	return h.Sum64()
}

// fingerprint summarises what a lab's loading depends on: the names, sizes
// and times of the entries of the lab folder, and its repository's shared
// files.
func fingerprint(dir string, repoPrint uint64) (uint64, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return 0, err
	}
	h := fnv.New64a()
	fmt.Fprintf(h, "%d\n", repoPrint)
	writeEntries(h, entries)
	return h.Sum64(), nil
}

// repoFingerprint summarises the repository files every lab of it reads:
// labels.json and the entries of .data.
func repoFingerprint(repoDir string) uint64 {
	h := fnv.New64a()
	if info, err := os.Stat(filepath.Join(repoDir, "labels.json")); err == nil {
		fmt.Fprintf(h, "labels\x00%d\x00%d\n", info.Size(), info.ModTime().UnixNano())
	}
	if entries, err := os.ReadDir(filepath.Join(repoDir, ".data")); err == nil {
		writeEntries(h, entries)
	}
	return h.Sum64()
}

func writeEntries(w io.Writer, entries []os.DirEntry) {
	for _, e := range entries {
		if info, err := e.Info(); err == nil {
			fmt.Fprintf(w, "%s\x00%d\x00%d\x00%v\n", e.Name(), info.Size(), info.ModTime().UnixNano(), info.Mode())
		}
	}
}
