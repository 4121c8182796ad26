package app

import (
	"context"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/go-git/go-git/v5/plumbing/object"

	"github.com/dsp-lab/dsp/internal/catalog"
	"github.com/dsp-lab/dsp/internal/engine"
	"github.com/dsp-lab/dsp/internal/gitrepo"
	"github.com/dsp-lab/dsp/internal/lab"
)

// RepoInfo is a repository as `dsp repo list --json` and the API show it.
type RepoInfo struct {
	Name     string      `json:"name"`
	Dir      string      `json:"dir"`
	Personal bool        `json:"personal"`
	Trusted  bool        `json:"trusted"`
	Exposed  bool        `json:"exposed"`
	Labels   []lab.Label `json:"labels"`
	Labs     int         `json:"labs"`
	// TrustDropped says what an update changed that made dsp withdraw the
	// user's trust.
	TrustDropped   []string `json:"trustDropped"`
	HasCredentials bool     `json:"hasCredentials"`
	Git            *GitInfo `json:"git"`
	// Version and Snippets are the repository's version.json and
	// snippets.json as they are (null when absent or not JSON).
	Version  json.RawMessage `json:"version"`
	Snippets json.RawMessage `json:"snippets"`
}

// GitInfo is where a repository's checkout stands.
type GitInfo struct {
	URL           string   `json:"url"`
	Branch        string   `json:"branch"`
	Commit        string   `json:"commit"`
	CommitMessage string   `json:"commitMessage"`
	CommitAuthor  string   `json:"commitAuthor"`
	CommitDate    string   `json:"commitDate"`
	Updated       string   `json:"updated"`
	Ahead         int      `json:"ahead"`
	Behind        int      `json:"behind"`
	Dirty         []string `json:"dirty"`
}

// git is the App's git client, with dsp's own known_hosts.
func (a *App) git() *gitrepo.Client {
	return gitrepo.New(a.knownHosts())
}

func (a *App) knownHosts() *gitrepo.KnownHosts {
	return gitrepo.NewKnownHosts(filepath.Join(a.catalog.StateDir(), "known_hosts"))
}

// repoAuth returns the credentials kept for a repository. A checkout made
// by upstream DSP has them in its remote URL: they are moved into dsp's
// credentials file first, and the URL is rewritten without them.
func (a *App) repoAuth(name, dir string) (gitrepo.Auth, error) {
	inURL, err := gitrepo.TakeCredentials(dir)
	if err != nil {
		return gitrepo.Auth{}, err
	}
	if !inURL.IsZero() {
		if err := a.credentials().Set(name, inURL); err != nil {
			return gitrepo.Auth{}, err
		}
	}
	return a.credentials().Get(name)
}

// credentials is dsp's one file of secrets.
func (a *App) credentials() *gitrepo.Credentials {
	return gitrepo.NewCredentials(filepath.Join(a.catalog.StateDir(), "credentials.json"))
}

// RepoInfos describes every repository, the personal one first.
func (a *App) RepoInfos() ([]RepoInfo, error) {
	repos, err := a.catalog.Repos()
	if err != nil {
		return nil, err
	}
	out := make([]RepoInfo, 0, len(repos))
	for _, r := range repos {
		info, err := a.repoInfo(r)
		if err != nil {
			return nil, err
		}
		out = append(out, info)
	}
	return out, nil
}

// RepoInfo describes one repository.
func (a *App) RepoInfo(name string) (RepoInfo, error) {
	r, err := a.catalog.Repo(name)
	if err != nil {
		return RepoInfo{}, err
	}
	return a.repoInfo(r)
}

func (a *App) repoInfo(r catalog.Repo) (RepoInfo, error) {
	info := RepoInfo{Name: r.Name, Dir: r.Dir, Personal: r.Personal, Trusted: r.Trusted, Exposed: a.catalog.IsRepoExposed(r.Name), Labels: r.Labels, TrustDropped: a.catalog.TrustDropped(r.Name)}
	if info.Labels == nil {
		info.Labels = []lab.Label{}
	}
	if info.TrustDropped == nil {
		info.TrustDropped = []string{}
	}
	if names, err := a.catalog.LabNames(r.Name); err == nil {
		info.Labs = len(names)
	}
	if auth, err := a.credentials().Get(r.Name); err != nil {
		return info, err
	} else {
		info.HasCredentials = !auth.IsZero()
	}
	info.Version = rawJSON(filepath.Join(r.Dir, "version.json"))
	info.Snippets = rawJSON(filepath.Join(r.Dir, "snippets.json"))
	if gitrepo.IsRepo(r.Dir) {
		st, err := a.git().Status(r.Dir)
		if err != nil {
			return info, fmt.Errorf("repository %s: %w", r.Name, err)
		}
		info.Git = &GitInfo{URL: st.URL, Branch: st.Branch, Commit: st.Commit, CommitMessage: st.CommitMessage, CommitAuthor: st.CommitAuthor,
			CommitDate: timeString(st.CommitDate), Updated: timeString(st.Updated), Ahead: st.Ahead, Behind: st.Behind, Dirty: st.Dirty}
	}
	return info, nil
}

func timeString(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

// maxRepoFile bounds the repository files shown as they are.
const maxRepoFile = 1 << 20

// rawJSON reads a small JSON file as it is (nil when absent, too large or
// not JSON).
func rawJSON(path string) json.RawMessage {
	st, err := os.Stat(path)
	if err != nil || st.Size() > maxRepoFile {
		return nil
	}
	data, err := os.ReadFile(path)
	if err != nil || !json.Valid(data) {
		return nil
	}
	return json.RawMessage(data)
}

// AddRepoRequest is what a user gives to add a repository.
type AddRepoRequest struct {
	URL    string
	Name   string // "" for the URL's last element
	Branch string // "" for the remote's default
	Auth   gitrepo.Auth
	// AcceptHostKey is the fingerprint of an SSH host key the user
	// accepted.
	AcceptHostKey string
}

// addition is a checked AddRepoRequest.
type addition struct {
	remote gitrepo.Remote
	name   string
	req    AddRepoRequest
}

// checkAdd checks what can be checked before cloning: the URL, the name,
// and an SSH server's host key (an unknown key is a *gitrepo.HostKeyError
// for the user to accept).
func (a *App) checkAdd(ctx context.Context, req AddRepoRequest) (*addition, error) {
	remote, inURL, err := gitrepo.ParseURL(req.URL)
	if err != nil {
		return nil, err
	}
	if req.Auth.Username == "" {
		req.Auth.Username = inURL.Username
	}
	if req.Auth.Token == "" {
		req.Auth.Token = inURL.Token
	}
	if req.Auth.SSHKey != "" {
		if req.Auth.SSHKey, err = filepath.Abs(req.Auth.SSHKey); err != nil {
			return nil, err
		}
	}
	name := req.Name
	if name == "" {
		name = gitrepo.DefaultName(remote)
	}
	if err := a.catalog.FreeRepoName(name); err != nil {
		return nil, err
	}
	if err := a.git().ProbeHostKey(ctx, remote, gitrepo.Options{Auth: req.Auth, AcceptHostKey: req.AcceptHostKey}); err != nil {
		return nil, err
	}
	return &addition{remote: remote, name: name, req: req}, nil
}

// AddRepo clones a repository into the main directory (untrusted) and
// keeps its credentials, if any, in dsp's credentials file.
func (a *App) AddRepo(ctx context.Context, req AddRepoRequest, progress engine.Progress) (RepoInfo, error) {
	add, err := a.checkAdd(ctx, req)
	if err != nil {
		return RepoInfo{}, err
	}
	return a.add(ctx, add, progress)
}

// StartAddRepo clones a repository in the background; what can be refused
// at once (a bad URL, a taken name, an unknown host key) is.
func (a *App) StartAddRepo(ctx context.Context, req AddRepoRequest) (*Operation, error) {
	add, err := a.checkAdd(ctx, req)
	if err != nil {
		return nil, err
	}
	return a.ops.startRepo(OpClone, add.name, func(ctx context.Context, progress engine.Progress) error {
		_, err := a.add(ctx, add, progress)
		return err
	})
}

func (a *App) add(ctx context.Context, add *addition, progress engine.Progress) (RepoInfo, error) {
	tmp, err := a.catalog.TempDir("clone-")
	if err != nil {
		return RepoInfo{}, err
	}
	defer os.RemoveAll(tmp)
	dir := filepath.Join(tmp, add.name)
	opts := gitrepo.Options{Auth: add.req.Auth, AcceptHostKey: add.req.AcceptHostKey, Progress: gitProgress(progress, add.name)}
	if err := a.git().Clone(ctx, add.remote, dir, add.req.Branch, opts); err != nil {
		return RepoInfo{}, fmt.Errorf("add repository %s: %w", add.name, err)
	}
	excludeMarker(dir)
	if err := a.catalog.AddRepo(add.name, dir); err != nil {
		return RepoInfo{}, err
	}
	if err := a.credentials().Set(add.name, add.req.Auth); err != nil {
		return RepoInfo{}, err
	}
	info, err := a.RepoInfo(add.name)
	if err != nil {
		return RepoInfo{}, err
	}
	progress.Emit(engine.StepDone, add.name, engine.StatusDone, fmt.Sprintf("added repository %s with %d labs; it is not trusted yet", add.name, info.Labs))
	a.events.publish(EventRepos, RepoEvent{Repo: add.name})
	return info, nil
}

// excludeMarker keeps the .dsp marker dsp may add to a clone out of git's
// view, so that the checkout does not look edited.
func excludeMarker(dir string) {
	path := filepath.Join(dir, ".git", "info", "exclude")
	data, _ := os.ReadFile(path)
	if slices.Contains(strings.Split(string(data), "\n"), "/"+lab.MarkerFile) {
		return
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return
	}
	if len(data) > 0 && !strings.HasSuffix(string(data), "\n") {
		data = append(data, '\n')
	}
	_ = os.WriteFile(path, append(data, []byte("/"+lab.MarkerFile+"\n")...), 0o644)
}

// gitProgress turns git's progress lines into progress events.
func gitProgress(progress engine.Progress, repo string) func(gitrepo.Progress) {
	if progress == nil {
		return nil
	}
	return func(p gitrepo.Progress) {
		ev := engine.Event{Time: time.Now(), Step: engine.StepGit, Target: repo, Status: engine.StatusWorking, Message: p.Line}
		if p.Percent >= 0 {
			ev.Percent = p.Percent
		}
		progress(ev)
	}
}

// RunningLabError refuses to change a repository while one of its labs
// runs.
type RunningLabError struct {
	Repo string
	Labs []string // REPO/LAB#instance
	What string   // "updated", "removed"
}

func (e *RunningLabError) Error() string {
	return fmt.Sprintf("repository %s cannot be %s while its labs run: stop %s first", e.Repo, e.What, strings.Join(e.Labs, ", "))
}

// Conflict classifies the error (errdefs).
func (e *RunningLabError) Conflict() {}

// checkIdle refuses when a lab of the repository has an instance or an
// operation. An engine that cannot be reached runs nothing of ours.
func (a *App) checkIdle(ctx context.Context, repo, what string) error {
	busy, err := a.inUse(ctx, repo, "")
	if err != nil {
		return err
	}
	if len(busy) > 0 {
		return &RunningLabError{Repo: repo, Labs: busy, What: what}
	}
	return nil
}

// repoFree refuses to start a lab of a repository that is being updated
// or removed.
func (a *App) repoFree(t *Target) error {
	if !a.inHome(t.Dir) {
		return nil
	}
	if op := a.ops.runningOnRepo(t.Repo); op != nil {
		return &BusyError{Running: op.View()}
	}
	return nil
}

// UpdateRepoOptions tune an update.
type UpdateRepoOptions struct {
	// KeepLocal updates over locally edited files, keeping each beside
	// its new version.
	KeepLocal     bool
	AcceptHostKey string
	Progress      engine.Progress
}

// RepoUpdate says what an update did.
type RepoUpdate struct {
	Repo    string         `json:"repo"`
	From    string         `json:"from"`
	To      string         `json:"to"`
	Changed []string       `json:"changed"`
	Kept    []gitrepo.Kept `json:"kept"`
	// TrustDropped lists what the update changed in what the labs ask
	// for, when the repository was trusted (trust is then withdrawn).
	TrustDropped []string `json:"trustDropped"`
	// NewRisks lists what the labs ask for now that they did not before,
	// trusted or not.
	NewRisks []string `json:"newRisks"`
}

// UpdateRepo fast-forwards a repository to its remote. It is refused while
// one of its labs runs. When the repository was trusted and its labs now
// ask for something they did not, the trust is withdrawn and the answer
// says why.
func (a *App) UpdateRepo(ctx context.Context, name string, opts UpdateRepoOptions) (*RepoUpdate, error) {
	dir, err := a.checkUpdate(ctx, name)
	if err != nil {
		return nil, err
	}
	return a.update(ctx, name, dir, opts)
}

// StartUpdateRepo updates a repository in the background.
func (a *App) StartUpdateRepo(ctx context.Context, name string, opts UpdateRepoOptions) (*Operation, error) {
	dir, err := a.checkUpdate(ctx, name)
	if err != nil {
		return nil, err
	}
	return a.ops.startRepo(OpUpdate, name, func(ctx context.Context, progress engine.Progress) error {
		opts.Progress = progress
		_, err := a.update(ctx, name, dir, opts)
		return err
	})
}

func (a *App) checkUpdate(ctx context.Context, name string) (string, error) {
	dir, err := a.catalog.RepoDir(name)
	if err != nil {
		return "", err
	}
	if !gitrepo.IsRepo(dir) {
		return "", &gitrepo.NotARepoError{Dir: dir}
	}
	return dir, a.checkIdle(ctx, name, "updated")
}

func (a *App) update(ctx context.Context, name, dir string, opts UpdateRepoOptions) (*RepoUpdate, error) {
	// Checked again: a lab may have started since the operation was asked
	// for.
	if err := a.checkIdle(ctx, name, "updated"); err != nil {
		return nil, err
	}
	auth, err := a.repoAuth(name, dir)
	if err != nil {
		return nil, err
	}
	before := a.repoRisks(ctx, name)
	res, err := a.git().Update(ctx, dir, gitrepo.UpdateOptions{Options: gitrepo.Options{Auth: auth, AcceptHostKey: opts.AcceptHostKey, Progress: gitProgress(opts.Progress, name)}, KeepLocal: opts.KeepLocal})
	if err != nil {
		return nil, fmt.Errorf("update repository %s: %w", name, err)
	}
	out := &RepoUpdate{Repo: name, From: res.From, To: res.To, Changed: res.Changed, Kept: res.Kept, TrustDropped: []string{}, NewRisks: []string{}}
	if out.Kept == nil {
		out.Kept = []gitrepo.Kept{}
	}
	for _, k := range res.Kept {
		opts.Progress.Emit(engine.StepGit, k.Path, engine.StatusWarning, "your edited copy is kept as "+k.Copy)
	}
	out.NewRisks = newRisks(before, a.repoRisks(ctx, name))
	if len(out.NewRisks) > 0 && a.catalog.IsTrusted(name) && !a.catalog.IsPersonal(name) {
		if err := a.catalog.DropTrust(name, out.NewRisks); err != nil {
			return nil, err
		}
		out.TrustDropped = out.NewRisks
		for _, r := range out.NewRisks {
			opts.Progress.Emit(engine.StepCheck, name, engine.StatusWarning, "trust withdrawn: "+r)
		}
	}
	msg := fmt.Sprintf("repository %s is up to date", name)
	if out.From != out.To {
		msg = fmt.Sprintf("updated repository %s: %d files changed", name, len(out.Changed))
	}
	opts.Progress.Emit(engine.StepDone, name, engine.StatusDone, msg)
	a.events.publish(EventRepos, RepoEvent{Repo: name})
	return out, nil
}

// repoRisks lists, per lab, what the labs of a repository ask for that
// needs trust ("LAB: service web: runs privileged…").
func (a *App) repoRisks(ctx context.Context, repo string) map[string]bool {
	out := map[string]bool{}
	names, err := a.catalog.LabNames(repo)
	if err != nil {
		return out
	}
	for _, n := range names {
		dir, err := a.catalog.Resolve(repo + "/" + n)
		if err != nil {
			continue
		}
		l, _, _ := a.catalog.LoadDir(ctx, dir)
		if l == nil {
			continue
		}
		for _, r := range l.Risks() {
			out[n+": "+r.String()] = true
		}
	}
	return out
}

func newRisks(before, after map[string]bool) []string {
	out := []string{}
	for r := range after {
		if !before[r] {
			out = append(out, r)
		}
	}
	sort.Strings(out)
	return out
}

// RemoveRepo deletes a repository, its credentials and what dsp recorded
// about it. It is refused while one of its labs runs, and for the
// personal repository.
func (a *App) RemoveRepo(ctx context.Context, name string) error {
	if _, err := a.catalog.RepoDir(name); err != nil {
		return err
	}
	if a.catalog.IsPersonal(name) {
		return &catalog.PersonalError{Name: name, What: "removed"}
	}
	if op := a.ops.runningOnRepo(name); op != nil {
		return &BusyError{Running: op.View()}
	}
	if err := a.checkIdle(ctx, name, "removed"); err != nil {
		return err
	}
	if err := a.catalog.RemoveRepo(name); err != nil {
		return err
	}
	if err := a.credentials().Set(name, gitrepo.Auth{}); err != nil {
		return err
	}
	a.events.publish(EventRepos, RepoEvent{Repo: name})
	return nil
}

// SetRepoCredentials replaces the credentials dsp keeps for a repository
// (a zero Auth forgets them).
func (a *App) SetRepoCredentials(name string, auth gitrepo.Auth) error {
	if _, err := a.catalog.RepoDir(name); err != nil {
		return err
	}
	if auth.SSHKey != "" {
		abs, err := filepath.Abs(auth.SSHKey)
		if err != nil {
			return err
		}
		auth.SSHKey = abs
	}
	return a.credentials().Set(name, auth)
}

// PublishRequest is what a user gives to publish the personal repository.
type PublishRequest struct {
	// Repo names the repository to publish: only the personal one is
	// ("" names it too).
	Repo string
	// Remote, when set, links the repository to this URL first.
	Remote        string
	Message       string
	Auth          gitrepo.Auth // replaces the kept credentials when set
	AcceptHostKey string
}

// PublishResult says what a publish did.
type PublishResult struct {
	Repo   string   `json:"repo"`
	Commit string   `json:"commit"`
	Files  []string `json:"files"`
	Branch string   `json:"branch"`
	URL    string   `json:"url"`
}

// publishing is a checked PublishRequest.
type publishing struct {
	name, dir string
	remote    *gitrepo.Remote
	auth      gitrepo.Auth
	req       PublishRequest
}

func (a *App) checkPublish(ctx context.Context, req PublishRequest) (*publishing, error) {
	repos, err := a.catalog.Repos()
	if err != nil {
		return nil, err
	}
	p := &publishing{req: req}
	for _, r := range repos {
		if r.Personal {
			p.name, p.dir = r.Name, r.Dir
		}
	}
	if p.name == "" {
		return nil, errors.New("there is no personal repository to publish")
	}
	if req.Repo != "" && req.Repo != p.name {
		if _, err := a.catalog.RepoDir(req.Repo); err != nil {
			return nil, err
		}
		return nil, &NotPersonalError{Repo: req.Repo, Personal: p.name}
	}
	if p.auth, err = a.credentials().Get(p.name); err != nil {
		return nil, err
	}
	if req.Remote != "" {
		remote, inURL, err := gitrepo.ParseURL(req.Remote)
		if err != nil {
			return nil, err
		}
		p.remote = &remote
		if !inURL.IsZero() {
			p.auth = inURL
		}
	}
	if !req.Auth.IsZero() {
		p.auth = req.Auth
	}
	if p.remote != nil {
		if err := a.git().ProbeHostKey(ctx, *p.remote, gitrepo.Options{Auth: p.auth, AcceptHostKey: req.AcceptHostKey}); err != nil {
			return nil, err
		}
	} else if !gitrepo.IsRepo(p.dir) {
		return nil, fmt.Errorf("%w (dsp repo publish --remote URL)", gitrepo.ErrNoRemote)
	}
	return p, nil
}

// Publish commits every change of the personal repository and pushes it.
func (a *App) Publish(ctx context.Context, req PublishRequest, progress engine.Progress) (*PublishResult, error) {
	p, err := a.checkPublish(ctx, req)
	if err != nil {
		return nil, err
	}
	return a.publish(ctx, p, progress)
}

// StartPublish publishes the personal repository in the background.
func (a *App) StartPublish(ctx context.Context, req PublishRequest) (*Operation, error) {
	p, err := a.checkPublish(ctx, req)
	if err != nil {
		return nil, err
	}
	return a.ops.startRepo(OpPublish, p.name, func(ctx context.Context, progress engine.Progress) error {
		_, err := a.publish(ctx, p, progress)
		return err
	})
}

func (a *App) publish(ctx context.Context, p *publishing, progress engine.Progress) (*PublishResult, error) {
	opts := gitrepo.PublishOptions{
		Options: gitrepo.Options{Auth: p.auth, AcceptHostKey: p.req.AcceptHostKey, Progress: gitProgress(progress, p.name)},
		Remote:  p.remote, Message: p.req.Message,
		Author: object.Signature{Name: p.name, Email: p.name + "@dsp.invalid"},
	}
	res, err := a.git().Publish(ctx, p.dir, opts)
	if err != nil {
		return nil, fmt.Errorf("publish %s: %w", p.name, err)
	}
	excludeMarker(p.dir)
	// What worked is kept: the credentials that pushed.
	if err := a.credentials().Set(p.name, p.auth); err != nil {
		return nil, err
	}
	out := &PublishResult{Repo: p.name, Commit: res.Commit, Files: res.Files, Branch: res.Branch, URL: res.URL}
	if out.Files == nil {
		out.Files = []string{}
	}
	msg := fmt.Sprintf("pushed %s to %s (nothing new to commit)", res.Branch, res.URL)
	if res.Commit != "" {
		msg = fmt.Sprintf("committed %d files and pushed %s to %s", len(res.Files), res.Branch, res.URL)
	}
	progress.Emit(engine.StepDone, p.name, engine.StatusDone, msg)
	a.events.publish(EventRepos, RepoEvent{Repo: p.name})
	return out, nil
}

// Suggestion is a known public lab repository a user may add in one click.
type Suggestion struct {
	Name        string `json:"name"`
	URL         string `json:"url"`
	Description string `json:"description"`
	// Added says a repository with this URL is in the main directory.
	Added bool `json:"added"`
}

//go:embed suggestions.json
var builtinSuggestions []byte

// Suggestions lists the known public lab repositories: the main
// directory's .dsp.d/suggestions.json when there is one (a teacher's list
// of course repositories), else dsp's own list.
func (a *App) Suggestions() ([]Suggestion, error) {
	data := builtinSuggestions
	path := filepath.Join(a.catalog.StateDir(), "suggestions.json")
	if own, err := os.ReadFile(path); err == nil {
		data = own
	} else if !errors.Is(err, fs.ErrNotExist) {
		return nil, err
	}
	var list []Suggestion
	if err := json.Unmarshal(data, &list); err != nil {
		return nil, fmt.Errorf("suggestions %s: %w", path, err)
	}
	infos, err := a.RepoInfos()
	if err != nil {
		return nil, err
	}
	for i := range list {
		for _, r := range infos {
			if r.Git != nil && sameURL(r.Git.URL, list[i].URL) {
				list[i].Added = true
			}
		}
	}
	return list, nil
}

// sameURL compares repository URLs the way people write them (with or
// without .git or a final slash).
func sameURL(a, b string) bool {
	norm := func(s string) string {
		s = strings.TrimSuffix(strings.TrimRight(s, "/"), ".git")
		return strings.ToLower(s)
	}
	return norm(a) == norm(b)
}

// NotPersonalError refuses to publish a repository other than the
// personal one: the others are the remotes' authors' to change.
type NotPersonalError struct{ Repo, Personal string }

func (e *NotPersonalError) Error() string {
	return fmt.Sprintf("only your personal repository (%s) is published; %s is a copy of its remote", e.Personal, e.Repo)
}

// Forbidden classifies the error (errdefs).
func (e *NotPersonalError) Forbidden() {}
