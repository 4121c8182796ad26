package catalog

import (
	"context"
	"fmt"
	"hash/fnv"
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
	lab         *lab.Lab
	err         error
}

func (c *labCache) load(ctx context.Context, dir string) (*lab.Lab, error) {
	fp, err := fingerprint(dir)
	if err != nil {
		return lab.Load(ctx, dir)
	}
	c.mu.Lock()
	e, ok := c.entries[dir]
	c.mu.Unlock()
	if ok && e.fingerprint == fp {
		return e.lab, e.err
	}
	l, err := lab.Load(ctx, dir)
	c.mu.Lock()
	if c.entries == nil {
		c.entries = map[string]cacheEntry{}
	}
	c.entries[dir] = cacheEntry{fingerprint: fp, lab: l, err: err}
	c.mu.Unlock()
	return l, err
}

// fingerprint summarises what a lab's loading depends on: the names, sizes
// and times of the entries of the lab folder, of its repository folder and
// of the repository's .data folder.
func fingerprint(dir string) (uint64, error) {
	h := fnv.New64a()
	repo := filepath.Dir(dir)
	for _, d := range []string{dir, repo, filepath.Join(repo, ".data")} {
		entries, err := os.ReadDir(d)
		if err != nil {
			if d == dir {
				return 0, err
			}
			continue
		}
		for _, e := range entries {
			info, err := e.Info()
			if err != nil {
				continue
			}
			fmt.Fprintf(h, "%s\x00%s\x00%d\x00%d\x00%v\n", d, e.Name(), info.Size(), info.ModTime().UnixNano(), info.Mode())
		}
	}
	return h.Sum64(), nil
}
