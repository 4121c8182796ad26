package catalog

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/dsp-lab/dsp/internal/lab"
	"github.com/dsp-lab/dsp/internal/safepath"
)

// ExistsError means a repository of that name is in the main directory
// already.
type ExistsError struct{ Name string }

func (e *ExistsError) Error() string {
	return fmt.Sprintf("a repository named %q is already in the main directory: choose another name", e.Name)
}

// Conflict classifies the error (errdefs).
func (e *ExistsError) Conflict() {}

// RepoDir returns the folder of a repository of the main directory.
func (c *Catalog) RepoDir(name string) (string, error) {
	dir, err := safepath.Join(c.Home, name)
	if err != nil {
		return "", err
	}
	names, err := c.repoNames()
	if err != nil {
		return "", err
	}
	if !slices.Contains(names, name) {
		return "", &NotFoundError{Kind: "repository", Name: name, Where: c.Home}
	}
	return dir, nil
}

// Repo describes one repository.
func (c *Catalog) Repo(name string) (Repo, error) {
	if _, err := c.RepoDir(name); err != nil {
		return Repo{}, err
	}
	repos, err := c.Repos()
	if err != nil {
		return Repo{}, err
	}
	for _, r := range repos {
		if r.Name == name {
			return r, nil
		}
	}
	return Repo{}, &NotFoundError{Kind: "repository", Name: name, Where: c.Home}
}

// FreeRepoName checks that name can be a new repository's: a safe folder
// name nobody uses yet.
func (c *Catalog) FreeRepoName(name string) error {
	if err := safepath.Name(name); err != nil {
		return err
	}
	if strings.HasPrefix(name, ".") {
		return &safepath.NameError{Name: name, Reason: "a repository name does not start with a dot"}
	}
	if _, err := os.Lstat(filepath.Join(c.Home, name)); err == nil {
		return &ExistsError{Name: name}
	}
	return nil
}

// TempDir makes a folder inside the main directory's state folder for
// work that is renamed into place when done (a clone).
func (c *Catalog) TempDir(pattern string) (string, error) {
	base := filepath.Join(c.StateDir(), "tmp")
	if err := os.MkdirAll(base, 0o700); err != nil {
		return "", fmt.Errorf("temporary folder: %w", err)
	}
	return os.MkdirTemp(base, pattern)
}

// AddRepo moves a finished folder (made in TempDir) into the main
// directory as repository name, marking it as a repository when it has no
// .dsp file. It starts untrusted, whatever an earlier repository of that
// name was.
func (c *Catalog) AddRepo(name, from string) error {
	if err := c.FreeRepoName(name); err != nil {
		return err
	}
	marker := filepath.Join(from, lab.MarkerFile)
	if _, err := os.Lstat(marker); errors.Is(err, fs.ErrNotExist) {
		if err := os.WriteFile(marker, nil, 0o644); err != nil {
			return fmt.Errorf("mark repository %s: %w", name, err)
		}
	}
	if err := c.forget(name); err != nil {
		return err
	}
	if err := os.Rename(from, filepath.Join(c.Home, name)); err != nil {
		return fmt.Errorf("add repository %s: %w", name, err)
	}
	return nil
}

// PersonalError refuses what may not be done to the personal repository.
type PersonalError struct{ Name, What string }

func (e *PersonalError) Error() string {
	return fmt.Sprintf("%s is your personal repository: it cannot be %s", e.Name, e.What)
}

// Forbidden classifies the error (errdefs).
func (e *PersonalError) Forbidden() {}

// RemoveRepo deletes a repository's folder and everything dsp recorded
// about it. The folder is first renamed away, so that the catalogue never
// sees half a repository.
func (c *Catalog) RemoveRepo(name string) error {
	dir, err := c.RepoDir(name)
	if err != nil {
		return err
	}
	if name == c.current().PersonalRepo {
		return &PersonalError{Name: name, What: "removed"}
	}
	trash, err := c.TempDir("removed-")
	if err != nil {
		return err
	}
	gone := filepath.Join(trash, name)
	if err := os.Rename(dir, gone); err != nil {
		return fmt.Errorf("remove repository %s: %w", name, err)
	}
	if err := c.forget(name); err != nil {
		return err
	}
	if err := os.RemoveAll(trash); err != nil {
		return fmt.Errorf("remove repository %s: %w", name, err)
	}
	return nil
}

// forget drops the trust and exposure recorded for a repository name.
func (c *Catalog) forget(name string) error {
	return c.update(func(cfg *config) {
		cfg.TrustedRepos = slices.DeleteFunc(cfg.TrustedRepos, func(s string) bool { return s == name })
		cfg.Exposed = slices.DeleteFunc(cfg.Exposed, func(s string) bool { return s == name || strings.HasPrefix(s, name+"/") })
		delete(cfg.TrustDropped, name)
	})
}

// DropTrust withdraws the user's trust in a repository and records why.
func (c *Catalog) DropTrust(name string, why []string) error {
	return c.update(func(cfg *config) {
		cfg.TrustedRepos = slices.DeleteFunc(cfg.TrustedRepos, func(s string) bool { return s == name })
		if cfg.TrustDropped == nil {
			cfg.TrustDropped = map[string][]string{}
		}
		cfg.TrustDropped[name] = why
	})
}

// TrustDropped says what made dsp withdraw trust in a repository (nil
// when it did not).
func (c *Catalog) TrustDropped(name string) []string {
	return c.current().TrustDropped[name]
}

// IsPersonal reports whether name is the personal repository.
func (c *Catalog) IsPersonal(name string) bool { return name == c.current().PersonalRepo }
