package app

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/dsp-lab/dsp/internal/catalog"
	"github.com/dsp-lab/dsp/internal/engine"
	"github.com/dsp-lab/dsp/internal/lab"
)

// Target is a lab a user named, with what dsp knows about it.
type Target struct {
	*lab.Lab
	// Problems are the lab's errors and warnings.
	Problems lab.Problems
	// LoadErr is the *lab.InvalidError of a lab with errors.
	LoadErr error
	// Trusted says the lab may ask for what gives its containers power
	// over the host (see trusted).
	Trusted bool
}

// Runnable returns nil for a lab that can start, else its load error.
func (t *Target) Runnable() error { return t.LoadErr }

// WithoutRisks is the lab without what it asks for that needs trust (see
// lab.WithoutRisks): how a user starts a lab of an untrusted repository
// without trusting it.
func (t *Target) WithoutRisks() (*Target, error) {
	if t.LoadErr != nil {
		return t, nil
	}
	l, err := t.Lab.WithoutRisks()
	if err != nil {
		return nil, err
	}
	cp := *t
	cp.Lab = l
	return &cp, nil
}

// Ref names an instance of the lab ("" is the default instance).
func (t *Target) Ref(instance string) (engine.Ref, error) {
	return engine.NewRef(t.Repo, t.Name, instance)
}

// NotALabError means a path names a folder that is not a lab (or, for a
// repository, holds none).
type NotALabError struct {
	Dir  string
	Repo bool // the folder was taken as a repository
}

func (e *NotALabError) Error() string {
	if e.Repo {
		return fmt.Sprintf("%s holds no lab (a folder with a .dsp file or a compose file with an x-dsp section)", e.Dir)
	}
	return fmt.Sprintf("%s is not a lab folder: a lab has a .dsp file or a compose file with an x-dsp section", e.Dir)
}

// NotFound classifies the error (errdefs).
func (e *NotALabError) NotFound() {}

// IsPath tells whether a lab or repository argument is a path rather than
// a name: it starts with /, ./ or ../, or is . or ... The one rule for
// every command.
func IsPath(arg string) bool {
	return arg == "." || arg == ".." || strings.HasPrefix(arg, "/") || strings.HasPrefix(arg, "./") || strings.HasPrefix(arg, "../")
}

// Lab resolves a lab argument: REPO/LAB (exact, else a unique
// case-insensitive match), or a path to a lab folder. An argument that is
// neither a path nor a known REPO/LAB but names an existing folder is taken
// as a path.
func (a *App) Lab(ctx context.Context, arg string) (*Target, error) {
	if !IsPath(arg) {
		dir, err := a.catalog.Resolve(arg)
		if err == nil {
			return a.load(ctx, dir)
		}
		if st, serr := os.Stat(arg); serr != nil || !st.IsDir() {
			return nil, err
		}
	}
	return a.LabAt(ctx, arg)
}

// LabByName resolves a lab from its repository and lab names (as a URL
// gives them).
func (a *App) LabByName(ctx context.Context, repo, name string) (*Target, error) {
	if _, err := engine.NewRef(repo, name, ""); err != nil {
		return nil, err
	}
	dir, err := a.catalog.Resolve(repo + "/" + name)
	if err != nil {
		return nil, err
	}
	return a.load(ctx, dir)
}

// LabAt loads the lab in a folder, with every symbolic link on the way
// resolved first, so that its repository (and the trust given to it) is
// the one the folder really is in.
func (a *App) LabAt(ctx context.Context, path string) (*Target, error) {
	dir, err := realDir(path)
	if err != nil {
		return nil, err
	}
	if !lab.IsLabDir(dir) {
		return nil, &NotALabError{Dir: dir}
	}
	return a.load(ctx, dir)
}

// realDir returns the absolute path of a folder with symbolic links
// resolved.
func realDir(path string) (string, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return "", fmt.Errorf("lab folder %s: %w", path, err)
	}
	real, err := filepath.EvalSymlinks(abs)
	if errors.Is(err, fs.ErrNotExist) {
		return "", &NotALabError{Dir: abs}
	}
	if err != nil {
		return "", fmt.Errorf("lab folder %s: %w", path, err)
	}
	if st, err := os.Stat(real); err != nil || !st.IsDir() {
		return "", &NotALabError{Dir: abs}
	}
	return real, nil
}

// load loads the lab in dir (an absolute, resolved folder) and decides its
// trust.
func (a *App) load(ctx context.Context, dir string) (*Target, error) {
	l, problems, err := a.catalog.LoadDir(ctx, dir)
	if l == nil {
		return nil, err
	}
	return &Target{Lab: l, Problems: problems, LoadErr: err, Trusted: a.trusted(l.Dir)}, nil
}

// trusted is the one trust rule. A lab in the main directory is trusted
// when its repository is (the user said so with dsp repo trust, or it is
// the personal repository or the examples). A lab folder elsewhere is the
// user's own checkout and is trusted. dir has its symbolic links resolved,
// so a link elsewhere that leads into an untrusted repository does not
// make its labs trusted.
func (a *App) trusted(dir string) bool {
	rel, ok := a.relToHome(dir)
	if !ok {
		return true
	}
	repo, _, _ := strings.Cut(rel, string(filepath.Separator))
	return a.catalog.IsTrusted(repo)
}

// inHome reports whether a folder (symbolic links resolved) is in the main
// directory.
func (a *App) inHome(dir string) bool {
	_, ok := a.relToHome(dir)
	return ok
}

// relToHome returns the path of dir inside the main directory, false when
// it is not inside.
func (a *App) relToHome(dir string) (string, bool) {
	home := a.catalog.Home
	if real, err := filepath.EvalSymlinks(home); err == nil {
		home = real
	}
	rel, err := filepath.Rel(home, dir)
	if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return "", false
	}
	return rel, true
}

// Repos lists the repositories of the main directory.
func (a *App) Repos() ([]catalog.Repo, error) { return a.catalog.Repos() }

// SetTrusted records the user's consent (or its withdrawal) for the labs
// of a repository to ask for privileges.
func (a *App) SetTrusted(repo string, trusted bool) error {
	return a.catalog.SetTrusted(repo, trusted)
}

// ErrExamplesInstalled means the examples are already in the main
// directory.
var ErrExamplesInstalled = errors.New("the examples are already installed")

// InstallExamples adds the bundled example labs to the main directory as a
// trusted repository and returns its folder.
func (a *App) InstallExamples() (string, error) {
	dir := filepath.Join(a.catalog.Home, catalog.ExamplesRepo)
	if _, err := os.Stat(dir); err == nil {
		return dir, ErrExamplesInstalled
	}
	if a.seed == nil {
		return "", errors.New("this build of dsp carries no examples")
	}
	if err := catalog.InstallSeed(a.seed, dir); err != nil {
		return "", err
	}
	return dir, a.catalog.SetTrusted(catalog.ExamplesRepo, true)
}
