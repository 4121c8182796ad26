// Package catalog is dsp's main directory: the lab repositories in it, the
// labs in each, the personal repository, and which repositories the user
// trusts. The layout is upstream DSP's, so an existing ~/dsp works as it is.
package catalog

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/user"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/dsp-lab/dsp/internal/atomicfile"
	"github.com/dsp-lab/dsp/internal/lab"
	"github.com/dsp-lab/dsp/internal/safepath"
)

// HomeEnv names the environment variable that selects the main directory.
const HomeEnv = "DSP_HOME"

// stateDir holds dsp's own files inside the main directory (config, locks);
// it is hidden and has no .dsp marker, so it is never taken for a repository.
const stateDir = ".dsp.d"

// DefaultHome is the main directory when neither --home nor DSP_HOME is
// given: ~/dsp, upstream DSP's default, so existing users keep their labs.
func DefaultHome() string {
	home, err := os.UserHomeDir()
	if err != nil {
		return "dsp"
	}
	return filepath.Join(home, "dsp")
}

// Catalog is an opened main directory.
type Catalog struct {
	Home string
	labs labCache

	// config is the main directory's config.json as last read; it is read
	// again when the file changes (dsp repo trust in another process).
	mu       sync.Mutex
	config   config
	configAt configStamp
}

// configStamp tells whether config.json changed since it was read.
type configStamp struct {
	size    int64
	modTime time.Time
}

type config struct {
	PersonalRepo string   `json:"personalRepo"`
	TrustedRepos []string `json:"trustedRepos"`
	// Exposed lists the repositories (REPO) and labs (REPO/LAB) whose
	// published ports are offered to the network, not only to this machine.
	Exposed []string `json:"exposed,omitempty"`
	// Limits bound every container of every lab (a lab may ask for less).
	Limits Limits `json:"limits,omitzero"`
	// TrustDropped says, per repository, what an update changed that made
	// dsp withdraw the user's trust (until the user trusts it again).
	TrustDropped map[string][]string `json:"trustDropped,omitempty"`
	// ToolboxImages are the images the user registered as toolboxes.
	ToolboxImages []string `json:"toolboxImages,omitempty"`
}

// Limits bound what one container of a lab may use; zero is no limit.
type Limits struct {
	Memory int64   `json:"memory,omitempty"` // bytes
	CPUs   float64 `json:"cpus,omitempty"`
	Pids   int64   `json:"pids,omitempty"`
}

// Repo is a lab repository.
type Repo struct {
	Name     string      `json:"name"`
	Dir      string      `json:"dir"`
	Personal bool        `json:"personal"`
	Trusted  bool        `json:"trusted"`
	Labels   []lab.Label `json:"labels"`
}

// Open opens the main directory, creating it when missing. A main directory
// without any repository gets a personal repository (named after the user)
// and, when seed is given, the example labs as repository "examples".
func Open(home string, seed fs.FS) (*Catalog, error) {
	abs, err := filepath.Abs(home)
	if err != nil {
		return nil, fmt.Errorf("main directory %s: %w", home, err)
	}
	if err := os.MkdirAll(filepath.Join(abs, stateDir), 0o755); err != nil {
		return nil, fmt.Errorf("main directory %s: %w", abs, err)
	}
	c := &Catalog{Home: abs}
	if err := c.loadConfig(); err != nil {
		return nil, err
	}
	repos, err := c.repoNames()
	if err != nil {
		return nil, err
	}
	if len(repos) == 0 {
		if err := c.initialise(seed); err != nil {
			return nil, err
		}
	}
	return c, nil
}

// StateDir is where dsp keeps its own files (locks, config).
func (c *Catalog) StateDir() string { return filepath.Join(c.Home, stateDir) }

// initialise creates the personal repository and installs the examples.
func (c *Catalog) initialise(seed fs.FS) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	name := personalName()
	if err := CreateRepo(filepath.Join(c.Home, name)); err != nil {
		return err
	}
	c.config.PersonalRepo = name
	c.config.TrustedRepos = appendUnique(c.config.TrustedRepos, name)
	// Saved before the examples, so that a failure there does not leave a
	// personal repository nobody knows is personal.
	if err := c.saveConfig(); err != nil {
		return err
	}
	if seed != nil {
		if err := InstallSeed(seed, filepath.Join(c.Home, ExamplesRepo)); err != nil {
			return err
		}
		c.config.TrustedRepos = appendUnique(c.config.TrustedRepos, ExamplesRepo)
	}
	return c.saveConfig()
}

// ExamplesRepo is the repository the bundled examples are installed as.
const ExamplesRepo = "examples"

// CreateRepo makes an empty repository folder with its marker and labels.
func CreateRepo(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("create repository %s: %w", dir, err)
	}
	if err := os.WriteFile(filepath.Join(dir, lab.MarkerFile), nil, 0o644); err != nil {
		return fmt.Errorf("create repository %s: %w", dir, err)
	}
	labels := filepath.Join(dir, "labels.json")
	if _, err := os.Stat(labels); errors.Is(err, os.ErrNotExist) {
		if err := os.WriteFile(labels, []byte("{\"labels\":[]}\n"), 0o644); err != nil {
			return fmt.Errorf("create repository %s: %w", dir, err)
		}
	}
	return nil
}

// InstallSeed copies a repository from an fs.FS (the bundled examples)
// into dir, which must not exist yet. The copy is made beside dir and
// renamed into place: a failure (a full disk) leaves no half repository.
func InstallSeed(seed fs.FS, dir string) error {
	if _, err := os.Stat(dir); err == nil {
		return fmt.Errorf("install examples: %s already exists", dir)
	}
	tmp, err := os.MkdirTemp(filepath.Dir(dir), "."+filepath.Base(dir)+".tmp-*")
	if err != nil {
		return fmt.Errorf("install examples: %w", err)
	}
	if err := copySeed(seed, tmp); err != nil {
		os.RemoveAll(tmp)
		return fmt.Errorf("install examples into %s: %w", dir, err)
	}
	if err := os.Chmod(tmp, 0o755); err != nil {
		os.RemoveAll(tmp)
		return fmt.Errorf("install examples into %s: %w", dir, err)
	}
	if err := os.Rename(tmp, dir); err != nil {
		os.RemoveAll(tmp)
		return fmt.Errorf("install examples into %s: %w", dir, err)
	}
	return nil
}

// copySeed copies the files of seed into the folder dir.
func copySeed(seed fs.FS, dir string) error {
	return fs.WalkDir(seed, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		target := filepath.Join(dir, filepath.FromSlash(p))
		if d.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		data, err := fs.ReadFile(seed, p)
		if err != nil {
			return err
		}
		mode := os.FileMode(0o644)
		if strings.HasSuffix(p, ".sh") {
			mode = 0o755
		}
		return os.WriteFile(target, data, mode)
	})
}

var userNameRe = regexp.MustCompile(`[^A-Za-z0-9_.-]+`)

func personalName() string {
	name := ""
	if u, err := user.Current(); err == nil {
		name = u.Username
	}
	name = strings.Trim(userNameRe.ReplaceAllString(name, "-"), "-.")
	if name == "" || name == ExamplesRepo {
		name = "personal"
	}
	return name
}

func (c *Catalog) configPath() string { return filepath.Join(c.StateDir(), "config.json") }

func (c *Catalog) loadConfig() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.reloadConfig()
}

// reloadConfig reads config.json again when it changed since it was read;
// c.mu is held.
func (c *Catalog) reloadConfig() error {
	st, err := os.Stat(c.configPath())
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("read %s: %w", c.configPath(), err)
	}
	stamp := configStamp{size: st.Size(), modTime: st.ModTime()}
	if stamp == c.configAt {
		return nil
	}
	data, err := os.ReadFile(c.configPath())
	if err != nil {
		return fmt.Errorf("read %s: %w", c.configPath(), err)
	}
	var cfg config
	if err := json.Unmarshal(data, &cfg); err != nil {
		return fmt.Errorf("read %s: %w", c.configPath(), err)
	}
	c.config, c.configAt = cfg, stamp
	return nil
}

// current returns the config, read again when the file changed; a file
// that cannot be read keeps the config last read.
func (c *Catalog) current() config {
	c.mu.Lock()
	defer c.mu.Unlock()
	_ = c.reloadConfig()
	return c.config
}

// saveConfig writes the config atomically: a failed write keeps the old
// file. c.mu is held.
func (c *Catalog) saveConfig() error {
	data, err := json.MarshalIndent(c.config, "", "  ")
	if err != nil {
		return err
	}
	if err := atomicfile.Write(c.configPath(), append(data, '\n'), 0o600); err != nil {
		return fmt.Errorf("save the settings: %w", err)
	}
	c.configAt = configStamp{}
	return nil
}

// repoNames lists the direct subfolders that hold a .dsp file.
func (c *Catalog) repoNames() ([]string, error) {
	entries, err := os.ReadDir(c.Home)
	if err != nil {
		return nil, fmt.Errorf("read main directory %s: %w", c.Home, err)
	}
	var out []string
	for _, e := range entries {
		if safepath.Name(e.Name()) != nil {
			continue
		}
		dir := filepath.Join(c.Home, e.Name())
		if !isDir(dir) {
			continue
		}
		if st, err := os.Stat(filepath.Join(dir, lab.MarkerFile)); err == nil && !st.IsDir() {
			out = append(out, e.Name())
		}
	}
	sort.Strings(out)
	return out, nil
}

// Repos lists the repositories, the personal one first.
func (c *Catalog) Repos() ([]Repo, error) {
	names, err := c.repoNames()
	if err != nil {
		return nil, err
	}
	cfg := c.current()
	var out []Repo
	for _, n := range names {
		dir := filepath.Join(c.Home, n)
		labels, _ := lab.LoadRepoLabels(dir)
		out = append(out, Repo{Name: n, Dir: dir, Personal: n == cfg.PersonalRepo, Trusted: slices.Contains(cfg.TrustedRepos, n), Labels: labels})
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Personal && !out[j].Personal })
	return out, nil
}

// LabNames lists the labs of a repository: direct subfolders that hold a
// .dsp file (or a native compose file with x-dsp).
func (c *Catalog) LabNames(repo string) ([]string, error) {
	dir, err := safepath.Join(c.Home, repo)
	if err != nil {
		return nil, err
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("read repository %s: %w", repo, err)
	}
	var out []string
	for _, e := range entries {
		if safepath.Name(e.Name()) != nil {
			continue
		}
		p := filepath.Join(dir, e.Name())
		if !isDir(p) || !lab.IsLabDir(p) {
			continue
		}
		// A real folder is inside the repository by construction; a
		// symbolic link must not lead out of it.
		if e.Type()&fs.ModeSymlink != 0 {
			if _, err := safepath.Within(dir, p); err != nil {
				continue
			}
		}
		out = append(out, e.Name())
	}
	sort.Slice(out, func(i, j int) bool { return strings.ToLower(out[i]) < strings.ToLower(out[j]) })
	return out, nil
}

// IsTrusted reports whether the user trusts the repository's labs to ask
// for privileges.
func (c *Catalog) IsTrusted(repo string) bool {
	return slices.Contains(c.current().TrustedRepos, repo)
}

// SetTrusted records the user's consent (or its withdrawal) for a repository.
func (c *Catalog) SetTrusted(repo string, trusted bool) error {
	names, err := c.repoNames()
	if err != nil {
		return err
	}
	if !slices.Contains(names, repo) {
		return &NotFoundError{Kind: "repository", Name: repo, Where: c.Home}
	}
	return c.update(func(cfg *config) {
		delete(cfg.TrustDropped, repo)
		if trusted {
			cfg.TrustedRepos = appendUnique(cfg.TrustedRepos, repo)
		} else {
			cfg.TrustedRepos = slices.DeleteFunc(cfg.TrustedRepos, func(s string) bool { return s == repo })
		}
	})
}

// IsExposed reports whether the user chose to offer the published ports of
// a lab (or of every lab of its repository) to the network.
func (c *Catalog) IsExposed(repo, lab string) bool {
	exposed := c.current().Exposed
	return slices.Contains(exposed, repo) || slices.Contains(exposed, repo+"/"+lab)
}

// IsRepoExposed reports whether every lab of a repository is exposed.
func (c *Catalog) IsRepoExposed(repo string) bool {
	return slices.Contains(c.current().Exposed, repo)
}

// SetExposed offers the ports of a repository's labs (lab "") or of one
// lab to the network, or takes them back to this machine.
func (c *Catalog) SetExposed(repo, lab string, exposed bool) error {
	id := repo
	if lab != "" {
		dir, err := c.Resolve(repo + "/" + lab)
		if err != nil {
			return err
		}
		repo, lab = filepath.Base(filepath.Dir(dir)), filepath.Base(dir)
		id = repo + "/" + lab
	} else if names, err := c.repoNames(); err != nil {
		return err
	} else if !slices.Contains(names, repo) {
		return &NotFoundError{Kind: "repository", Name: repo, Where: c.Home}
	}
	return c.update(func(cfg *config) {
		cfg.Exposed = slices.DeleteFunc(cfg.Exposed, func(s string) bool { return s == id })
		if exposed {
			cfg.Exposed = append(cfg.Exposed, id)
		}
	})
}

// ToolboxImages are the images the user registered as toolboxes.
func (c *Catalog) ToolboxImages() []string { return slices.Clone(c.current().ToolboxImages) }

// SetToolboxImage registers an image as a toolbox, or forgets it.
func (c *Catalog) SetToolboxImage(image string, registered bool) error {
	return c.update(func(cfg *config) {
		cfg.ToolboxImages = slices.DeleteFunc(cfg.ToolboxImages, func(s string) bool { return s == image })
		if registered {
			cfg.ToolboxImages = append(cfg.ToolboxImages, image)
		}
	})
}

// Limits returns the limits the user set for every container.
func (c *Catalog) Limits() Limits { return c.current().Limits }

// SetLimits sets the limits of every container of every lab.
func (c *Catalog) SetLimits(l Limits) error {
	if l.Memory < 0 || l.CPUs < 0 || l.Pids < 0 {
		return &LimitsError{Limits: l}
	}
	return c.update(func(cfg *config) { cfg.Limits = l })
}

// LimitsError refuses negative limits.
type LimitsError struct{ Limits Limits }

func (e *LimitsError) Error() string {
	return fmt.Sprintf("limits must not be negative (memory %d, cpus %g, pids %d)", e.Limits.Memory, e.Limits.CPUs, e.Limits.Pids)
}

// InvalidParameter classifies the error (errdefs).
func (e *LimitsError) InvalidParameter() {}

// update changes the config as it is on disk now and saves it.
func (c *Catalog) update(change func(*config)) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if err := c.reloadConfig(); err != nil {
		return err
	}
	change(&c.config)
	return c.saveConfig()
}

// Resolve finds a lab by "REPO/LAB" (exact, else a unique case-insensitive
// match) and returns its folder.
func (c *Catalog) Resolve(ref string) (string, error) {
	repoPart, labPart, ok := strings.Cut(ref, "/")
	if !ok || repoPart == "" || labPart == "" {
		return "", fmt.Errorf("%q is not REPO/LAB", ref)
	}
	if err := safepath.Name(repoPart); err != nil {
		return "", fmt.Errorf("repository: %w", err)
	}
	if err := safepath.Name(labPart); err != nil {
		return "", fmt.Errorf("lab: %w", err)
	}
	repos, err := c.repoNames()
	if err != nil {
		return "", err
	}
	repo, err := match(repos, repoPart, "repository", c.Home)
	if err != nil {
		return "", err
	}
	labs, err := c.LabNames(repo)
	if err != nil {
		return "", err
	}
	name, err := match(labs, labPart, "lab", repo)
	if err != nil {
		return "", err
	}
	return safepath.Join(c.Home, repo, name)
}

// match returns the exact name, else the only case-insensitive match.
func match(names []string, want, kind, where string) (string, error) {
	if slices.Contains(names, want) {
		return want, nil
	}
	var found []string
	for _, n := range names {
		if strings.EqualFold(n, want) {
			found = append(found, n)
		}
	}
	switch len(found) {
	case 1:
		return found[0], nil
	case 0:
		return "", &NotFoundError{Kind: kind, Name: want, Where: where}
	default:
		return "", &AmbiguousError{Kind: kind, Name: want, Where: where, Candidates: found}
	}
}

// AmbiguousError reports a name that matches several repositories or labs
// when case is ignored.
type AmbiguousError struct {
	Kind, Name, Where string
	Candidates        []string
}

func (e *AmbiguousError) Error() string {
	return fmt.Sprintf("%s %q is ambiguous in %s: %s", e.Kind, e.Name, e.Where, strings.Join(e.Candidates, ", "))
}

// InvalidParameter classifies the error (errdefs).
func (e *AmbiguousError) InvalidParameter() {}

// NotFoundError reports an unknown repository or lab.
type NotFoundError struct {
	Kind, Name, Where string
}

// NotFound classifies the error (errdefs).
func (e *NotFoundError) NotFound() {}

func (e *NotFoundError) Error() string {
	return fmt.Sprintf("no %s %q in %s", e.Kind, e.Name, e.Where)
}

// Load resolves and loads a lab, as lab.Load does: the lab is returned even
// when invalid, with its problems and the *lab.InvalidError.
func (c *Catalog) Load(ctx context.Context, ref string) (*lab.Lab, lab.Problems, error) {
	dir, err := c.Resolve(ref)
	if err != nil {
		return nil, nil, err
	}
	return c.LoadDir(ctx, dir)
}

// LoadDir loads the lab in a folder (of this main directory or elsewhere),
// from the cache when its files did not change.
func (c *Catalog) LoadDir(ctx context.Context, dir string) (*lab.Lab, lab.Problems, error) {
	return c.labs.load(ctx, dir, repoFingerprint(filepath.Dir(dir)))
}

// Entry is one lab in a listing.
type Entry struct {
	Repo     string
	Name     string
	Lab      *lab.Lab
	Problems lab.Problems
	Error    error
}

// Labs loads every lab of every repository. A lab that fails to load is
// listed with its error.
func (c *Catalog) Labs(ctx context.Context) ([]Repo, []Entry, error) {
	repos, err := c.Repos()
	if err != nil {
		return nil, nil, err
	}
	var entries []Entry
	for _, r := range repos {
		names, err := c.LabNames(r.Name)
		if err != nil {
			return nil, nil, err
		}
		repoPrint := repoFingerprint(r.Dir)
		for _, n := range names {
			l, problems, err := c.labs.load(ctx, filepath.Join(r.Dir, n), repoPrint)
			entries = append(entries, Entry{Repo: r.Name, Name: n, Lab: l, Problems: problems, Error: err})
		}
	}
	return repos, entries, nil
}

func isDir(p string) bool {
	st, err := os.Stat(p)
	return err == nil && st.IsDir()
}

func appendUnique(list []string, s string) []string {
	if slices.Contains(list, s) {
		return list
	}
	return append(list, s)
}
