package gitrepo

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/go-git/go-billy/v5/osfs"
	git "github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/config"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/cache"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/go-git/go-git/v5/plumbing/storer"
	"github.com/go-git/go-git/v5/plumbing/transport"
	"github.com/go-git/go-git/v5/plumbing/transport/client"
	"github.com/go-git/go-git/v5/plumbing/transport/server"
	"github.com/go-git/go-git/v5/storage/filesystem"
	"golang.org/x/crypto/ssh"

	"github.com/dsp-lab/dsp/internal/atomicfile"
	"github.com/dsp-lab/dsp/internal/safepath"
)

// remoteName is the one remote dsp manages in a checkout.
const remoteName = "origin"

// updatedFile, in a checkout's .git folder, holds when dsp last cloned or
// updated it.
const updatedFile = "dsp-updated"

// Client does git work for dsp.
type Client struct {
	hosts *KnownHosts
}

// New returns a client that checks SSH host keys against hosts.
func New(hosts *KnownHosts) *Client {
	installLocalTransport()
	return &Client{hosts: hosts}
}

// Options are what every operation with a remote takes.
type Options struct {
	Auth Auth
	// AcceptHostKey is the fingerprint (SHA256:…) of an unknown SSH host
	// key the user accepted; it is recorded when the server shows it.
	AcceptHostKey string
	Progress      func(Progress)
}

var installOnce sync.Once

// installLocalTransport serves file:// remotes with go-git's own server in
// this process, instead of the git-upload-pack binary go-git would run.
// go-git's table of transports is process-wide; the entry is the same for
// every Client.
func installLocalTransport() {
	installOnce.Do(func() {
		client.InstallProtocol("file", server.NewClient(localLoader{}))
	})
}

// localLoader opens a local repository, bare or not, for go-git's server.
type localLoader struct{}

func (localLoader) Load(ep *transport.Endpoint) (storer.Storer, error) {
	dir := ep.Path
	if st, err := os.Stat(filepath.Join(dir, ".git")); err == nil && st.IsDir() {
		dir = filepath.Join(dir, ".git")
	}
	if _, err := os.Stat(filepath.Join(dir, "config")); err != nil {
		return nil, transport.ErrRepositoryNotFound
	}
	return filesystem.NewStorage(osfs.New(dir), cache.NewObjectLRUDefault()), nil
}

// Clone clones a remote into dir (which must not exist yet). branch ""
// takes the remote's default branch. On failure dir is removed.
func (c *Client) Clone(ctx context.Context, r Remote, dir, branch string, opts Options) (err error) {
	s, err := newSession(r, opts.Auth, c.hosts, opts.AcceptHostKey)
	if err != nil {
		return err
	}
	if _, err := os.Stat(dir); err == nil {
		return fmt.Errorf("clone into %s: %w", dir, fs.ErrExist)
	}
	defer func() {
		if err != nil {
			_ = os.RemoveAll(dir)
		}
	}()
	say(opts.Progress, "cloning "+r.URL)
	co := &git.CloneOptions{URL: r.URL, Auth: s.method, RemoteName: remoteName, Progress: newProgressWriter(opts.Progress), Tags: git.NoTags}
	if branch != "" {
		co.ReferenceName = plumbing.NewBranchReferenceName(branch)
		co.SingleBranch = true
	}
	_, err = git.PlainCloneContext(ctx, dir, false, co)
	if err != nil {
		if errors.Is(err, plumbing.ErrReferenceNotFound) || errors.Is(err, git.NoMatchingRefSpecError{}) {
			return &NotFoundError{Remote: r.URL, What: fmt.Sprintf("no branch %q", branch)}
		}
		if errors.Is(err, transport.ErrEmptyRemoteRepository) {
			return &NotFoundError{Remote: r.URL, What: "the repository is empty"}
		}
		return fmt.Errorf("clone %s: %w", r.URL, s.err(err, opts.Auth, r.URL))
	}
	return markUpdated(dir)
}

// ProbeHostKey checks an SSH remote's host key against known_hosts (and
// accepts it when its fingerprint is opts.AcceptHostKey) without doing any
// git work, so that an unknown key is asked about before a long operation
// starts. It answers nil for other kinds of remote.
func (c *Client) ProbeHostKey(ctx context.Context, r Remote, opts Options) error {
	if r.Kind != SSH {
		return nil
	}
	ep, err := transport.NewEndpoint(r.URL)
	if err != nil {
		return &URLError{URL: r.URL, Reason: err.Error()}
	}
	port := ep.Port
	if port == 0 {
		port = 22
	}
	addr := net.JoinHostPort(ep.Host, fmt.Sprint(port))
	var found *HostKeyError
	checked := false
	cfg := &ssh.ClientConfig{
		User: r.User,
		HostKeyCallback: func(hostname string, remote net.Addr, key ssh.PublicKey) error {
			err := c.hosts.check(hostname, remote, key, opts.AcceptHostKey)
			checked = err == nil
			errors.As(err, &found)
			return err
		},
		Timeout: 15 * time.Second,
	}
	ctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	conn, err := (&net.Dialer{}).DialContext(ctx, "tcp", addr)
	if err != nil {
		return fmt.Errorf("connect to %s: %w", addr, err)
	}
	defer conn.Close()
	if deadline, ok := ctx.Deadline(); ok {
		_ = conn.SetDeadline(deadline)
	}
	sshConn, _, _, err := ssh.NewClientConn(conn, addr, cfg)
	if sshConn != nil {
		_ = sshConn.Close()
	}
	if found != nil {
		return found.classified()
	}
	if err == nil || checked {
		return nil // the host key passed; logging in is the real operation's business
	}
	return fmt.Errorf("SSH handshake with %s: %w", addr, err)
}

// Status is what a checkout is at, locally and against its remote.
type Status struct {
	URL           string
	Branch        string
	Commit        string
	CommitMessage string
	CommitAuthor  string
	CommitDate    time.Time
	// Updated is when dsp last cloned or updated the checkout.
	Updated time.Time
	// Ahead and Behind count commits against the remote's branch as last
	// fetched.
	Ahead, Behind int
	// Dirty lists the paths with local changes, untracked files included.
	Dirty []string
}

// IsRepo reports whether dir is the top of a git checkout.
func IsRepo(dir string) bool {
	st, err := os.Stat(filepath.Join(dir, ".git"))
	return err == nil && st.IsDir()
}

// Status describes the checkout in dir.
func (c *Client) Status(dir string) (*Status, error) {
	repo, err := open(dir)
	if err != nil {
		return nil, err
	}
	st := &Status{Updated: updatedAt(dir)}
	if rem, err := repo.Remote(remoteName); err == nil && len(rem.Config().URLs) > 0 {
		st.URL = Redact(rem.Config().URLs[0])
	}
	head, err := repo.Head()
	if err != nil {
		if errors.Is(err, plumbing.ErrReferenceNotFound) {
			if ref, err := repo.Storer.Reference(plumbing.HEAD); err == nil {
				st.Branch = ref.Target().Short()
			}
			st.Dirty, err = dirty(repo)
			return st, err
		}
		return nil, fmt.Errorf("%s: %w", dir, err)
	}
	st.Branch = head.Name().Short()
	st.Commit = head.Hash().String()
	if commit, err := repo.CommitObject(head.Hash()); err == nil {
		st.CommitMessage, _, _ = strings.Cut(strings.TrimSpace(commit.Message), "\n")
		st.CommitAuthor = commit.Author.Name
		st.CommitDate = commit.Author.When
	}
	if tracking, err := repo.Reference(plumbing.NewRemoteReferenceName(remoteName, st.Branch), true); err == nil {
		st.Ahead, st.Behind, err = aheadBehind(repo, head.Hash(), tracking.Hash())
		if err != nil {
			return nil, err
		}
	}
	st.Dirty, err = dirty(repo)
	return st, err
}

func open(dir string) (*git.Repository, error) {
	repo, err := git.PlainOpen(dir)
	if errors.Is(err, git.ErrRepositoryNotExists) {
		return nil, &NotARepoError{Dir: dir}
	}
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", dir, err)
	}
	return repo, nil
}

// dirty lists the paths of a checkout that differ from its HEAD.
func dirty(repo *git.Repository) ([]string, error) {
	w, err := repo.Worktree()
	if err != nil {
		return nil, err
	}
	status, err := w.Status()
	if err != nil {
		return nil, fmt.Errorf("status: %w", err)
	}
	out := []string{}
	for path, s := range status {
		if s.Worktree != git.Unmodified || s.Staging != git.Unmodified {
			out = append(out, path)
		}
	}
	sort.Strings(out)
	return out, nil
}

// maxWalk bounds how many commits ahead/behind counting looks at.
const maxWalk = 100000

// aheadBehind counts the commits of local that remote lacks and the
// reverse.
func aheadBehind(repo *git.Repository, local, remote plumbing.Hash) (ahead, behind int, err error) {
	if local == remote {
		return 0, 0, nil
	}
	ofLocal, err := ancestors(repo, local)
	if err != nil {
		return 0, 0, err
	}
	ofRemote, err := ancestors(repo, remote)
	if err != nil {
		return 0, 0, err
	}
	for h := range ofLocal {
		if !ofRemote[h] {
			ahead++
		}
	}
	for h := range ofRemote {
		if !ofLocal[h] {
			behind++
		}
	}
	return ahead, behind, nil
}

func ancestors(repo *git.Repository, from plumbing.Hash) (map[plumbing.Hash]bool, error) {
	commit, err := repo.CommitObject(from)
	if err != nil {
		return nil, fmt.Errorf("commit %s: %w", from, err)
	}
	seen := map[plumbing.Hash]bool{}
	iter := object.NewCommitPreorderIter(commit, nil, nil)
	defer iter.Close()
	err = iter.ForEach(func(c *object.Commit) error {
		seen[c.Hash] = true
		if len(seen) >= maxWalk {
			return storer.ErrStop
		}
		return nil
	})
	return seen, err
}

func markUpdated(dir string) error {
	stamp := time.Now().UTC().Format(time.RFC3339) + "\n"
	return os.WriteFile(filepath.Join(dir, ".git", updatedFile), []byte(stamp), 0o644)
}

func updatedAt(dir string) time.Time {
	data, err := os.ReadFile(filepath.Join(dir, ".git", updatedFile))
	if err != nil {
		return time.Time{}
	}
	t, _ := time.Parse(time.RFC3339, strings.TrimSpace(string(data)))
	return t
}

// UpdateOptions configure an update.
type UpdateOptions struct {
	Options
	// KeepLocal lets an update go ahead over files edited in the checkout:
	// each is kept beside the new one as FILE.local (FILE.local.2, …).
	KeepLocal bool
}

// UpdateResult says what an update did.
type UpdateResult struct {
	From, To string
	// Changed lists the files the update changed.
	Changed []string
	// Kept lists the local copies kept beside updated files.
	Kept []Kept
}

// Kept is a locally edited file kept beside its updated version.
type Kept struct {
	Path string `json:"path"`
	Copy string `json:"copy"`
}

// Fetch brings the remote's commits into the checkout without changing
// its files.
func (c *Client) Fetch(ctx context.Context, dir string, opts Options) error {
	repo, err := open(dir)
	if err != nil {
		return err
	}
	return c.fetch(ctx, repo, opts)
}

func (c *Client) fetch(ctx context.Context, repo *git.Repository, opts Options) error {
	rem, err := repo.Remote(remoteName)
	if err != nil {
		return fmt.Errorf("the checkout has no remote %q: %w", remoteName, err)
	}
	url := rem.Config().URLs[0]
	r, _, err := ParseURL(url)
	if err != nil {
		return err
	}
	s, err := newSession(r, opts.Auth, c.hosts, opts.AcceptHostKey)
	if err != nil {
		return err
	}
	say(opts.Progress, "fetching "+r.URL)
	err = rem.FetchContext(ctx, &git.FetchOptions{RemoteName: remoteName, Auth: s.method, Progress: newProgressWriter(opts.Progress), Tags: git.NoTags})
	if err != nil && !errors.Is(err, git.NoErrAlreadyUpToDate) {
		return fmt.Errorf("fetch %s: %w", r.URL, s.err(err, opts.Auth, r.URL))
	}
	return nil
}

// Update fetches the remote and fast-forwards the checkout to it. A file
// edited in the checkout that the update changes stops the update (a
// *LocalChangesError naming them) unless KeepLocal; edits of other files
// stay as they are.
func (c *Client) Update(ctx context.Context, dir string, opts UpdateOptions) (*UpdateResult, error) {
	repo, err := open(dir)
	if err != nil {
		return nil, err
	}
	if err := c.fetch(ctx, repo, opts.Options); err != nil {
		return nil, err
	}
	head, err := repo.Head()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", dir, err)
	}
	tracking, err := repo.Reference(plumbing.NewRemoteReferenceName(remoteName, head.Name().Short()), true)
	if err != nil {
		return nil, &NotFoundError{Remote: remoteName, What: fmt.Sprintf("no branch %q on the remote", head.Name().Short())}
	}
	res := &UpdateResult{From: head.Hash().String(), To: head.Hash().String(), Changed: []string{}}
	ahead, behind, err := aheadBehind(repo, head.Hash(), tracking.Hash())
	if err != nil {
		return nil, err
	}
	if behind == 0 {
		return res, markUpdated(dir)
	}
	if ahead > 0 {
		return nil, &DivergedError{Dir: dir, Ahead: ahead, Behind: behind}
	}
	changed, err := changedFiles(repo, head.Hash(), tracking.Hash())
	if err != nil {
		return nil, err
	}
	edited, err := dirty(repo)
	if err != nil {
		return nil, err
	}
	conflicts := intersect(changed, edited)
	if len(conflicts) > 0 && !opts.KeepLocal {
		return nil, &LocalChangesError{Dir: dir, Files: conflicts}
	}
	if res.Kept, err = keepBeside(dir, conflicts); err != nil {
		return nil, err
	}
	if err := checkout(repo, dir, tracking.Hash(), changed); err != nil {
		return nil, fmt.Errorf("update %s: %w", dir, err)
	}
	res.To, res.Changed = tracking.Hash().String(), changed
	say(opts.Progress, fmt.Sprintf("updated %s → %s (%d files)", short(res.From), short(res.To), len(changed)))
	return res, markUpdated(dir)
}

func short(hash string) string {
	if len(hash) > 10 {
		return hash[:10]
	}
	return hash
}

// checkout moves the checkout to commit: the files that changed are
// written as commit has them (every other file, edited or not, stays as it
// is), then HEAD's branch and the index are set to commit.
func checkout(repo *git.Repository, dir string, commit plumbing.Hash, changed []string) error {
	c, err := repo.CommitObject(commit)
	if err != nil {
		return err
	}
	tree, err := c.Tree()
	if err != nil {
		return err
	}
	for _, rel := range changed {
		if err := writeFile(dir, tree, rel); err != nil {
			return err
		}
	}
	w, err := repo.Worktree()
	if err != nil {
		return err
	}
	return w.Reset(&git.ResetOptions{Commit: commit, Mode: git.MixedReset})
}

// writeFile writes one path of tree into the checkout (removing it when
// the tree has none). The path's folder must be inside the checkout once
// symbolic links are resolved: a repository cannot write outside it.
func writeFile(dir string, tree *object.Tree, rel string) error {
	target := filepath.Join(dir, filepath.FromSlash(rel))
	parent := filepath.Dir(target)
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return err
	}
	if _, err := safepath.Within(dir, parent); err != nil {
		return fmt.Errorf("%s: %w", rel, err)
	}
	f, err := tree.File(rel)
	if errors.Is(err, object.ErrFileNotFound) {
		if err := os.Remove(target); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return err
		}
		removeEmptyParents(dir, parent)
		return nil
	}
	if err != nil {
		return fmt.Errorf("%s: %w", rel, err)
	}
	content, err := f.Contents()
	if err != nil {
		return fmt.Errorf("%s: %w", rel, err)
	}
	if err := os.RemoveAll(target); err != nil {
		return err
	}
	switch f.Mode {
	case filemode.Symlink:
		return os.Symlink(content, target)
	case filemode.Executable:
		return atomicfile.Write(target, []byte(content), 0o755)
	case filemode.Submodule:
		return nil
	}
	return atomicfile.Write(target, []byte(content), 0o644)
}

func removeEmptyParents(top, dir string) {
	for dir != top && strings.HasPrefix(dir, top) {
		if os.Remove(dir) != nil {
			return
		}
		dir = filepath.Dir(dir)
	}
}

// changedFiles lists the paths that differ between two commits.
func changedFiles(repo *git.Repository, from, to plumbing.Hash) ([]string, error) {
	tree := func(h plumbing.Hash) (*object.Tree, error) {
		c, err := repo.CommitObject(h)
		if err != nil {
			return nil, err
		}
		return c.Tree()
	}
	a, err := tree(from)
	if err != nil {
		return nil, err
	}
	b, err := tree(to)
	if err != nil {
		return nil, err
	}
	changes, err := object.DiffTree(a, b)
	if err != nil {
		return nil, fmt.Errorf("diff: %w", err)
	}
	set := map[string]bool{}
	for _, ch := range changes {
		for _, name := range []string{ch.From.Name, ch.To.Name} {
			if name != "" {
				set[name] = true
			}
		}
	}
	out := make([]string, 0, len(set))
	for p := range set {
		out = append(out, p)
	}
	sort.Strings(out)
	return out, nil
}

func intersect(a, b []string) []string {
	in := map[string]bool{}
	for _, s := range b {
		in[s] = true
	}
	var out []string
	for _, s := range a {
		if in[s] {
			out = append(out, s)
		}
	}
	return out
}

// keepBeside moves each edited file aside (FILE.local, FILE.local.2, …) so
// that the update writes the new version in its place.
func keepBeside(dir string, files []string) ([]Kept, error) {
	var kept []Kept
	for _, rel := range files {
		path := filepath.Join(dir, filepath.FromSlash(rel))
		if _, err := os.Lstat(path); errors.Is(err, fs.ErrNotExist) {
			continue // deleted locally: the update brings it back
		}
		copyPath := path + ".local"
		for n := 2; ; n++ {
			if _, err := os.Lstat(copyPath); errors.Is(err, fs.ErrNotExist) {
				break
			}
			copyPath = fmt.Sprintf("%s.local.%d", path, n)
		}
		if err := os.Rename(path, copyPath); err != nil {
			return kept, fmt.Errorf("keep %s: %w", rel, err)
		}
		relCopy, _ := filepath.Rel(dir, copyPath)
		kept = append(kept, Kept{Path: rel, Copy: filepath.ToSlash(relCopy)})
	}
	return kept, nil
}

// PublishOptions configure a publish.
type PublishOptions struct {
	Options
	// Remote, when set, links the checkout to it (replacing its remote).
	Remote *Remote
	// Message is the commit message ("" for dsp's default).
	Message string
	// Author signs the commit.
	Author object.Signature
}

// PublishResult says what a publish did.
type PublishResult struct {
	// Commit is the new commit ("" when there was nothing to commit).
	Commit string
	Files  []string
	Branch string
	URL    string
}

// ErrNoRemote means a checkout to publish has no remote to push to.
var ErrNoRemote = errors.New("the repository has no remote to publish to: give one")

// Publish commits every change of the folder (making it a git checkout
// first when it is not one) and pushes its branch to the remote.
func (c *Client) Publish(ctx context.Context, dir string, opts PublishOptions) (*PublishResult, error) {
	repo, err := git.PlainOpen(dir)
	if errors.Is(err, git.ErrRepositoryNotExists) {
		repo, err = git.PlainInitWithOptions(dir, &git.PlainInitOptions{InitOptions: git.InitOptions{DefaultBranch: plumbing.NewBranchReferenceName("main")}})
	}
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", dir, err)
	}
	if opts.Remote != nil {
		_ = repo.DeleteRemote(remoteName)
		if _, err := repo.CreateRemote(&config.RemoteConfig{Name: remoteName, URLs: []string{opts.Remote.URL}}); err != nil {
			return nil, fmt.Errorf("link %s to %s: %w", dir, opts.Remote.URL, err)
		}
	}
	rem, err := repo.Remote(remoteName)
	if err != nil {
		return nil, ErrNoRemote
	}
	r, _, err := ParseURL(rem.Config().URLs[0])
	if err != nil {
		return nil, err
	}
	res := &PublishResult{URL: r.URL}
	if res.Commit, res.Files, err = commitAll(repo, opts); err != nil {
		return nil, err
	}
	head, err := repo.Head()
	if err != nil {
		return nil, fmt.Errorf("%s has no commit to publish: %w", dir, err)
	}
	res.Branch = head.Name().Short()
	s, err := newSession(r, opts.Auth, c.hosts, opts.AcceptHostKey)
	if err != nil {
		return nil, err
	}
	if err := fastForward(ctx, repo, rem, s, head, opts.Auth, r.URL); err != nil {
		return nil, err
	}
	say(opts.Progress, fmt.Sprintf("pushing %s to %s", res.Branch, r.URL))
	spec := config.RefSpec(fmt.Sprintf("%s:%s", head.Name(), head.Name()))
	err = repo.PushContext(ctx, &git.PushOptions{RemoteName: remoteName, Auth: s.method, RefSpecs: []config.RefSpec{spec}, Progress: newProgressWriter(opts.Progress)})
	if err != nil && !errors.Is(err, git.NoErrAlreadyUpToDate) {
		return nil, fmt.Errorf("push to %s: %w", r.URL, s.err(err, opts.Auth, r.URL))
	}
	// The remote now has the branch: record it as fetched.
	_ = repo.Storer.SetReference(plumbing.NewHashReference(plumbing.NewRemoteReferenceName(remoteName, res.Branch), head.Hash()))
	return res, markUpdated(dir)
}

// fastForward checks that pushing head is a fast-forward of the remote's
// branch: the remote has no commit the local branch lacks.
func fastForward(ctx context.Context, repo *git.Repository, rem *git.Remote, s *session, head *plumbing.Reference, auth Auth, url string) error {
	refs, err := rem.ListContext(ctx, &git.ListOptions{Auth: s.method})
	if errors.Is(err, transport.ErrEmptyRemoteRepository) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("read %s: %w", url, s.err(err, auth, url))
	}
	for _, ref := range refs {
		if ref.Name() != head.Name() || ref.Hash() == head.Hash() {
			continue
		}
		theirs, err := repo.CommitObject(ref.Hash())
		if err != nil {
			return &RejectedError{Remote: url, Branch: head.Name().Short()} // a commit we never saw
		}
		ours, err := repo.CommitObject(head.Hash())
		if err != nil {
			return err
		}
		if ok, err := theirs.IsAncestor(ours); err != nil || !ok {
			return &RejectedError{Remote: url, Branch: head.Name().Short()}
		}
	}
	return nil
}

// commitAll stages every change and commits it; it answers "" when there
// was nothing to commit.
func commitAll(repo *git.Repository, opts PublishOptions) (string, []string, error) {
	w, err := repo.Worktree()
	if err != nil {
		return "", nil, err
	}
	if err := w.AddWithOptions(&git.AddOptions{All: true}); err != nil {
		return "", nil, fmt.Errorf("stage changes: %w", err)
	}
	files, err := dirty(repo)
	if err != nil || len(files) == 0 {
		return "", files, err
	}
	msg := opts.Message
	if msg == "" {
		msg = fmt.Sprintf("dsp: update %d files", len(files))
	}
	author := opts.Author
	if author.When.IsZero() {
		author.When = time.Now()
	}
	hash, err := w.Commit(msg, &git.CommitOptions{Author: &author})
	if err != nil {
		return "", nil, fmt.Errorf("commit: %w", err)
	}
	return hash.String(), files, nil
}

var _ io.Writer = (*progressWriter)(nil)

// TakeCredentials removes credentials written into the remote URL of a
// checkout's .git/config (as upstream DSP wrote them) and returns them, so
// that they can be kept where credentials belong. It answers a zero Auth
// when the URL holds none.
func TakeCredentials(dir string) (Auth, error) {
	repo, err := open(dir)
	if err != nil {
		return Auth{}, err
	}
	cfg, err := repo.Config()
	if err != nil {
		return Auth{}, fmt.Errorf("%s: %w", dir, err)
	}
	rem, ok := cfg.Remotes[remoteName]
	if !ok || len(rem.URLs) == 0 {
		return Auth{}, nil
	}
	_, auth, err := ParseURL(rem.URLs[0])
	if err != nil || auth.Token == "" {
		return Auth{}, nil
	}
	clean, _, _ := ParseURL(rem.URLs[0])
	rem.URLs[0] = clean.URL
	if err := repo.SetConfig(cfg); err != nil {
		return Auth{}, fmt.Errorf("%s: rewrite the remote without its credentials: %w", dir, err)
	}
	return auth, nil
}
