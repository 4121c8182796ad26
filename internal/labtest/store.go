package labtest

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/dsp-lab/dsp/internal/atomicfile"
	"github.com/dsp-lab/dsp/internal/lab"
)

// Store keeps the last report of each lab, one JSON file a lab.
type Store struct {
	Dir string
}

func (s Store) file(repo, name string) string {
	sum := sha256.Sum256([]byte(repo + "\x00" + name))
	return filepath.Join(s.Dir, lab.Slug(repo)+"--"+lab.Slug(name)+"-"+hex.EncodeToString(sum[:4])+".json")
}

// Save replaces the lab's last report; a reader never sees half a file.
func (s Store) Save(r *Report) error {
	if err := os.MkdirAll(s.Dir, 0o700); err != nil {
		return fmt.Errorf("test results folder: %w", err)
	}
	data, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return fmt.Errorf("encode the report of %s: %w", r.ID(), err)
	}
	if err := atomicfile.Write(s.file(r.Repo, r.Lab), data, 0o600); err != nil {
		return fmt.Errorf("save the report of %s: %w", r.ID(), err)
	}
	return nil
}

// Last returns the lab's last report, or nil when it was never tested.
func (s Store) Last(repo, name string) (*Report, error) {
	data, err := os.ReadFile(s.file(repo, name))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("last report of %s/%s: %w", repo, name, err)
	}
	var r Report
	if err := json.Unmarshal(data, &r); err != nil {
		return nil, fmt.Errorf("last report of %s/%s: %w", repo, name, err)
	}
	return &r, nil
}

// All returns the last report of every lab that has one, keyed by REPO/LAB
// (Report.ID), reading the folder once. A missing folder is no reports; a
// file that cannot be read or decoded, or that is not where Last would look
// for its lab, is skipped.
func (s Store) All() (map[string]*Report, error) {
	out := map[string]*Report{}
	entries, err := os.ReadDir(s.Dir)
	if errors.Is(err, fs.ErrNotExist) {
		return out, nil
	}
	if err != nil {
		return out, fmt.Errorf("test results folder: %w", err)
	}
	for _, e := range entries {
		name := e.Name()
		if !e.Type().IsRegular() || strings.HasPrefix(name, ".") || !strings.HasSuffix(name, ".json") {
			continue
		}
		data, err := os.ReadFile(filepath.Join(s.Dir, name))
		if err != nil {
			continue
		}
		var r Report
		if json.Unmarshal(data, &r) != nil || r.Repo == "" || r.Lab == "" || filepath.Base(s.file(r.Repo, r.Lab)) != name {
			continue
		}
		out[r.ID()] = &r
	}
	return out, nil
}

// Move gives a renamed lab the last report of its old name.
func (s Store) Move(repo, from, to string) error {
	err := os.Rename(s.file(repo, from), s.file(repo, to))
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("move the last report of %s/%s: %w", repo, from, err)
	}
	return nil
}

// Forget removes a deleted lab's last report.
func (s Store) Forget(repo, name string) error {
	err := os.Remove(s.file(repo, name))
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("remove the last report of %s/%s: %w", repo, name, err)
	}
	return nil
}
