package app_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	cerrdefs "github.com/containerd/errdefs"
	git "github.com/go-git/go-git/v5"

	"github.com/dsp-lab/dsp/internal/app"
	"github.com/dsp-lab/dsp/internal/engine"
	"github.com/dsp-lab/dsp/internal/gitrepo"
	"github.com/dsp-lab/dsp/internal/gittest"
)

const (
	gitUser  = "teacher"
	gitToken = "s3cret-t0ken-1234567890"
)

// A course repository as its author publishes it: two labs, one of which
// asks for a capability that needs trust.
func courseFiles() map[string]string {
	return map[string]string{
		".dsp":                    "",
		"version.json":            `{"version":"2.1"}`,
		"labels.json":             `{"labels":[{"name":"Sniffing","color":"#0c3e57"}]}`,
		"sniff/.dsp":              "",
		"sniff/compose.yaml":      "x-dsp:\n  title: Sniff\nservices:\n  box:\n    image: dsp/busybox:latest\n    command: [sleep, '3600']\n",
		"router/.dsp":             "",
		"router/compose.yaml":     "x-dsp:\n  title: Router\nservices:\n  r:\n    image: dsp/busybox:latest\n    cap_add: [SYS_ADMIN]\n",
		"router/files/README.txt": "the router lab\n",
	}
}

// addCourse adds the course repository over HTTP with the token and
// returns what dsp says about it.
func addCourse(t *testing.T, a *app.App) (*gittest.Repo, *gittest.HTTPServer, app.RepoInfo) {
	t.Helper()
	repo, srv, url := gittest.NewHTTPRepo(t, gitUser, gitToken, courseFiles())
	var log []engine.Event
	info, err := a.AddRepo(context.Background(), app.AddRepoRequest{URL: url, Name: "course", Auth: gitrepo.Auth{Username: gitUser, Token: gitToken}}, func(ev engine.Event) { log = append(log, ev) })
	if err != nil {
		t.Fatalf("add: %v", err)
	}
	if len(log) == 0 || log[len(log)-1].Step != engine.StepDone {
		t.Errorf("the clone showed no progress ending in done: %+v", log)
	}
	for _, ev := range log {
		if strings.Contains(ev.Message, gitToken) {
			t.Errorf("progress shows the token: %q", ev.Message)
		}
	}
	return repo, srv, info
}

func TestAddRepoOverHTTPWithToken(t *testing.T) {
	a, _, home := newApp(t)
	_, srv, info := addCourse(t, a)

	if info.Trusted || info.Labs != 2 || info.Git == nil || info.Git.Branch != gittest.Branch || info.Git.Behind != 0 || len(info.Git.Dirty) != 0 {
		t.Fatalf("the new repository: %+v (git %+v), want 2 labs, untrusted, on main, clean", info, info.Git)
	}
	if string(info.Version) != `{"version":"2.1"}` || !info.HasCredentials {
		t.Errorf("version %s, credentials %v", info.Version, info.HasCredentials)
	}
	if info.Git.Updated == "" || info.Git.CommitMessage == "" {
		t.Errorf("no update time or commit message: %+v", info.Git)
	}
	// The token is in dsp's credentials file (0600) and nowhere else.
	creds := filepath.Join(home, ".dsp.d", "credentials.json")
	st, err := os.Stat(creds)
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("credentials file: %v, mode %v", err, st.Mode())
	}
	assertTokenOnlyIn(t, home, creds)
	for _, req := range srv.Requests() {
		if strings.Contains(req, gitToken) {
			t.Errorf("the token went into a request line: %s", req)
		}
	}
	// Its labs are in the catalogue.
	if _, err := a.Lab(context.Background(), "course/router"); err != nil {
		t.Errorf("course/router: %v", err)
	}
}

// assertTokenOnlyIn walks the main directory: the token is in no file but
// the credentials file.
func assertTokenOnlyIn(t *testing.T, home, creds string) {
	t.Helper()
	found := false
	err := filepath.WalkDir(home, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		if strings.Contains(string(data), gitToken) {
			if p != creds {
				t.Errorf("the token is written in %s", p)
			}
			found = true
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if !found {
		t.Error("the token is kept nowhere")
	}
}

func TestAddRepoRefusals(t *testing.T) {
	a, _, _ := newApp(t)
	ctx := context.Background()
	_, _, url := gittest.NewHTTPRepo(t, gitUser, gitToken, courseFiles())

	// Without credentials the server refuses, and nothing is left behind.
	_, err := a.AddRepo(ctx, app.AddRepoRequest{URL: url, Name: "course"}, nil)
	var authErr *gitrepo.AuthError
	if !errors.As(err, &authErr) || !cerrdefs.IsPermissionDenied(err) {
		t.Fatalf("no credentials: %v (%T), want an AuthError", err, err)
	}
	// A wrong token is refused without being shown.
	_, err = a.AddRepo(ctx, app.AddRepoRequest{URL: url, Name: "course", Auth: gitrepo.Auth{Username: gitUser, Token: "wrong-token-xyz"}}, nil)
	if err == nil || strings.Contains(err.Error(), "wrong-token-xyz") {
		t.Fatalf("wrong token: %v", err)
	}
	if _, err := a.RepoInfo("course"); !cerrdefs.IsNotFound(err) {
		t.Errorf("a failed clone left a repository: %v", err)
	}
	// A token written into the URL is taken out of it.
	userURL := strings.Replace(url, "http://", "http://"+gitUser+":"+gitToken+"@", 1)
	info, err := a.AddRepo(ctx, app.AddRepoRequest{URL: userURL, Name: "course"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(info.Git.URL, gitToken) || info.Git.URL != url {
		t.Errorf("URL shown %q, want %q", info.Git.URL, url)
	}
	// Names: taken, or not a folder name.
	for _, name := range []string{"course", "../escape", "a/b", ".dsp.d"} {
		_, err := a.AddRepo(ctx, app.AddRepoRequest{URL: url, Name: name, Auth: gitrepo.Auth{Username: gitUser, Token: gitToken}}, nil)
		if err == nil {
			t.Errorf("name %q accepted", name)
		}
	}
	// URLs dsp refuses.
	for _, u := range []string{"", "git://example.com/x.git", "ftp://example.com/x", "ssh://u:pw@example.com/x"} {
		_, err := a.AddRepo(ctx, app.AddRepoRequest{URL: u}, nil)
		if !cerrdefs.IsInvalidArgument(err) {
			t.Errorf("URL %q: %v, want invalid", u, err)
		}
	}
}

func TestUpdateRepo(t *testing.T) {
	a, eng, home := newApp(t)
	ctx := context.Background()
	upstream, _, _ := addCourse(t, a)
	dir := filepath.Join(home, "course")

	// Nothing new.
	res, err := a.UpdateRepo(ctx, "course", app.UpdateRepoOptions{})
	if err != nil || res.From != res.To {
		t.Fatalf("update with nothing new: %+v, %v", res, err)
	}
	// The author changes a lab: the update brings it, and a local edit of
	// another file stays.
	upstream.Commit(t, map[string]string{"sniff/compose.yaml": "x-dsp:\n  title: Sniff v2\nservices:\n  box:\n    image: dsp/busybox:latest\n"})
	mustWrite(t, filepath.Join(dir, "router", "files", "README.txt"), "my notes\n")
	res, err = a.UpdateRepo(ctx, "course", app.UpdateRepoOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if res.From == res.To || !slices.Equal(res.Changed, []string{"sniff/compose.yaml"}) {
		t.Errorf("update: %+v", res)
	}
	if got := readFile(t, filepath.Join(dir, "sniff", "compose.yaml")); !strings.Contains(got, "Sniff v2") {
		t.Errorf("the update did not arrive: %s", got)
	}
	if got := readFile(t, filepath.Join(dir, "router", "files", "README.txt")); got != "my notes\n" {
		t.Errorf("a local edit was lost: %q", got)
	}
	info, _ := a.RepoInfo("course")
	if info.Git.Behind != 0 || !slices.Contains(info.Git.Dirty, "router/files/README.txt") {
		t.Errorf("after the update: %+v", info.Git)
	}

	// The author changes the file edited here: refused, naming it, and
	// nothing changes.
	upstream.Commit(t, map[string]string{"router/files/README.txt": "the router lab, v2\n"})
	_, err = a.UpdateRepo(ctx, "course", app.UpdateRepoOptions{})
	var local *gitrepo.LocalChangesError
	if !errors.As(err, &local) || !slices.Equal(local.Files, []string{"router/files/README.txt"}) || !cerrdefs.IsConflict(err) {
		t.Fatalf("conflicting update: %v", err)
	}
	if got := readFile(t, filepath.Join(dir, "router", "files", "README.txt")); got != "my notes\n" {
		t.Errorf("a refused update changed the edited file: %q", got)
	}
	// Keeping the local copy beside the new one.
	res, err = a.UpdateRepo(ctx, "course", app.UpdateRepoOptions{KeepLocal: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Kept) != 1 || res.Kept[0].Copy != "router/files/README.txt.local" {
		t.Fatalf("kept: %+v", res.Kept)
	}
	if readFile(t, filepath.Join(dir, "router", "files", "README.txt")) != "the router lab, v2\n" || readFile(t, filepath.Join(dir, "router", "files", "README.txt.local")) != "my notes\n" {
		t.Error("the new file and the kept copy are not both there")
	}

	// Refused while a lab of the repository runs, naming it.
	router, err := a.Lab(ctx, "course/router")
	if err != nil {
		t.Fatal(err)
	}
	ref, _ := router.Ref("")
	if _, err := a.Up(ctx, router, ref, app.UpOptions{TrustOnce: true}); err != nil {
		t.Fatal(err)
	}
	upstream.Commit(t, map[string]string{"README.md": "news\n"})
	_, err = a.UpdateRepo(ctx, "course", app.UpdateRepoOptions{})
	var running *app.RunningLabError
	if !errors.As(err, &running) || !strings.Contains(err.Error(), "course/router") {
		t.Fatalf("update while a lab runs: %v", err)
	}
	if err := a.RemoveRepo(ctx, "course"); !errors.As(err, &running) {
		t.Fatalf("remove while a lab runs: %v", err)
	}
	if err := a.Down(ctx, router, ref, nil); err != nil {
		t.Fatal(err)
	}
	_ = eng
	if _, err := a.UpdateRepo(ctx, "course", app.UpdateRepoOptions{}); err != nil {
		t.Fatalf("update once the lab stopped: %v", err)
	}
}

func TestTrustAndUpdates(t *testing.T) {
	a, _, _ := newApp(t)
	ctx := context.Background()
	upstream, _, _ := addCourse(t, a)

	// Untrusted: the risky lab is refused, the other starts.
	router, _ := a.Lab(ctx, "course/router")
	ref, _ := router.Ref("")
	_, err := a.StartUp(ctx, router, ref)
	var untrusted *engine.UntrustedError
	if !errors.As(err, &untrusted) || !cerrdefs.IsPermissionDenied(err) {
		t.Fatalf("untrusted risky lab: %v", err)
	}
	// Started without its risks, it runs without the capability.
	stripped, err := router.WithoutRisks()
	if err != nil {
		t.Fatal(err)
	}
	if len(stripped.Risks()) != 0 || len(stripped.Project.Services["r"].CapAdd) != 0 || len(router.Project.Services["r"].CapAdd) != 1 {
		t.Fatalf("without risks: %v (the original keeps %v)", stripped.Project.Services["r"].CapAdd, router.Project.Services["r"].CapAdd)
	}
	op, err := a.StartUp(ctx, stripped, ref)
	if err != nil {
		t.Fatal(err)
	}
	if v := op.Wait(ctx); v.State != app.OpDone {
		t.Fatalf("start without risks: %+v", v)
	}
	if err := a.Down(ctx, router, ref, nil); err != nil {
		t.Fatal(err)
	}

	// Trusted, it starts; an update that adds a risk withdraws the trust
	// and says what changed.
	if err := a.SetTrusted("course", true); err != nil {
		t.Fatal(err)
	}
	upstream.Commit(t, map[string]string{"sniff/compose.yaml": "x-dsp:\n  title: Sniff\nservices:\n  box:\n    image: dsp/busybox:latest\n    privileged: true\n"})
	res, err := a.UpdateRepo(ctx, "course", app.UpdateRepoOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.TrustDropped) != 1 || !strings.Contains(res.TrustDropped[0], "sniff: service box: runs privileged") {
		t.Fatalf("trust dropped for: %q", res.TrustDropped)
	}
	info, _ := a.RepoInfo("course")
	if info.Trusted || !slices.Equal(info.TrustDropped, res.TrustDropped) {
		t.Errorf("after the update: trusted %v, dropped %q", info.Trusted, info.TrustDropped)
	}
	// Trusting again clears the note; an update that adds no risk keeps
	// the trust.
	if err := a.SetTrusted("course", true); err != nil {
		t.Fatal(err)
	}
	upstream.Commit(t, map[string]string{"README.md": "news\n"})
	if res, err := a.UpdateRepo(ctx, "course", app.UpdateRepoOptions{}); err != nil || len(res.TrustDropped) != 0 {
		t.Fatalf("a harmless update: %+v, %v", res, err)
	}
	if info, _ := a.RepoInfo("course"); !info.Trusted || len(info.TrustDropped) != 0 {
		t.Errorf("a harmless update changed the trust: %+v", info)
	}
}

func TestRemoveRepo(t *testing.T) {
	a, _, home := newApp(t)
	ctx := context.Background()
	addCourse(t, a)
	if err := a.SetTrusted("course", true); err != nil {
		t.Fatal(err)
	}
	if err := a.RemoveRepo(ctx, "course"); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(home, "course")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the folder is still there: %v", err)
	}
	data, _ := os.ReadFile(filepath.Join(home, ".dsp.d", "credentials.json"))
	if strings.Contains(string(data), gitToken) {
		t.Error("the credentials outlive the repository")
	}
	// Added again, it starts untrusted.
	addCourse(t, a)
	if info, _ := a.RepoInfo("course"); info.Trusted {
		t.Error("a repository added again inherited the old trust")
	}
	personal := ""
	infos, _ := a.RepoInfos()
	for _, r := range infos {
		if r.Personal {
			personal = r.Name
		}
	}
	if err := a.RemoveRepo(ctx, personal); !cerrdefs.IsPermissionDenied(err) {
		t.Errorf("removing the personal repository: %v", err)
	}
}

func TestPublishPersonalRepo(t *testing.T) {
	a, _, home := newApp(t)
	ctx := context.Background()
	remote, srv, url := gittest.NewHTTPRepo(t, gitUser, gitToken, map[string]string{"README.md": "mine\n"})
	_ = srv
	personal := personalRepo(t, a)
	writeLab(t, filepath.Join(home, personal), "my-lab", map[string]string{"compose.yaml": "x-dsp:\n  title: Mine\nservices:\n  box:\n    image: dsp/busybox:latest\n"})

	// A remote that already has history of its own: the push is refused
	// as not a fast-forward, and nothing is lost locally.
	_, err := a.Publish(ctx, app.PublishRequest{Remote: url, Auth: gitrepo.Auth{Username: gitUser, Token: gitToken}, Message: "my labs"}, nil)
	var rejected *gitrepo.RejectedError
	if !errors.As(err, &rejected) || !cerrdefs.IsConflict(err) {
		t.Fatalf("a push over someone else's history: %v", err)
	}
	if _, err := os.Stat(filepath.Join(home, personal, "my-lab", "compose.yaml")); err != nil {
		t.Fatal(err)
	}

	// An empty remote takes it.
	pushed := gittest.NewEmptyRepo(t, filepath.Join(filepath.Dir(remote.Dir()), "mine.git"))
	emptyURL := srv.URL(pushed.Dir())
	res, err := a.Publish(ctx, app.PublishRequest{Remote: emptyURL, Auth: gitrepo.Auth{Username: gitUser, Token: gitToken}, Message: "my labs"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got, ok := pushed.File(t, "my-lab/compose.yaml"); !ok || !strings.Contains(got, "Mine") {
		t.Fatalf("the push did not arrive: %q %v", got, ok)
	}
	// The refused attempt committed locally; this one pushed that commit.
	if log := pushed.Log(t); log[0] != "my labs" || res.Branch != "main" {
		t.Errorf("remote log %q, result %+v", log, res)
	}
	info, _ := a.RepoInfo(personal)
	if info.Git == nil || info.Git.Ahead != 0 || len(info.Git.Dirty) != 0 || info.Git.URL != emptyURL {
		t.Errorf("after publishing: %+v", info.Git)
	}
	// An edit is committed and pushed with the credentials kept.
	mustWrite(t, filepath.Join(home, personal, "my-lab", "README.md"), "notes\n")
	res, err = a.Publish(ctx, app.PublishRequest{Message: "notes"}, nil)
	if err != nil || res.Commit == "" || !slices.Equal(res.Files, []string{"my-lab/README.md"}) {
		t.Fatalf("publish an edit: %+v, %v", res, err)
	}
	if got, ok := pushed.File(t, "my-lab/README.md"); !ok || got != "notes\n" {
		t.Errorf("the edit did not arrive: %q", got)
	}
	// Published again with nothing new: no commit, no error.
	if res, err := a.Publish(ctx, app.PublishRequest{}, nil); err != nil || res.Commit != "" {
		t.Errorf("publish with nothing new: %+v, %v", res, err)
	}
	assertTokenOnlyIn(t, home, filepath.Join(home, ".dsp.d", "credentials.json"))
	// Only the personal repository is published.
	if _, err := a.Publish(ctx, app.PublishRequest{Repo: "examples"}, nil); !cerrdefs.IsPermissionDenied(err) {
		t.Errorf("publishing examples: %v", err)
	}
}

func TestSuggestions(t *testing.T) {
	a, _, home := newApp(t)
	list, err := a.Suggestions()
	if err != nil || len(list) < 3 {
		t.Fatalf("built-in suggestions: %v, %v", list, err)
	}
	for _, s := range list {
		if _, _, err := gitrepo.ParseURL(s.URL); err != nil || s.Name == "" || s.Description == "" {
			t.Errorf("suggestion %+v: %v", s, err)
		}
	}
	_, _, url := gittest.NewHTTPRepo(t, "", "", courseFiles())
	mustWrite(t, filepath.Join(home, ".dsp.d", "suggestions.json"), `[{"name":"course","url":"`+url+`","description":"my course"}]`)
	list, err = a.Suggestions()
	if err != nil || len(list) != 1 || list[0].Added {
		t.Fatalf("own suggestions: %+v, %v", list, err)
	}
	if _, err := a.AddRepo(context.Background(), app.AddRepoRequest{URL: list[0].URL + "/"}, nil); err != nil {
		t.Fatal(err)
	}
	if list, _ = a.Suggestions(); !list[0].Added {
		t.Errorf("an added suggestion is not marked: %+v", list)
	}
}

func personalRepo(t *testing.T, a *app.App) string {
	t.Helper()
	infos, err := a.RepoInfos()
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range infos {
		if r.Personal {
			return r.Name
		}
	}
	t.Fatal("no personal repository")
	return ""
}

func mustWrite(t *testing.T, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

// A checkout upstream DSP made keeps its token in the remote URL: the
// first update moves it into dsp's credentials file.
func TestUpstreamCheckoutCredentialsMoved(t *testing.T) {
	a, _, home := newApp(t)
	upstream, _, url := gittest.NewHTTPRepo(t, gitUser, gitToken, courseFiles())
	_ = upstream
	withToken := strings.Replace(url, "http://", "http://"+gitUser+":"+gitToken+"@", 1)
	dir := filepath.Join(home, "course")
	if _, err := git.PlainClone(dir, false, &git.CloneOptions{URL: withToken}); err != nil {
		t.Fatal(err)
	}
	if cfg := readFile(t, filepath.Join(dir, ".git", "config")); !strings.Contains(cfg, gitToken) {
		t.Fatal("the upstream-made checkout has no token in its URL")
	}
	if info, _ := a.RepoInfo("course"); strings.Contains(info.Git.URL, gitToken) {
		t.Errorf("the list shows the token: %s", info.Git.URL)
	}
	upstream.Commit(t, map[string]string{"README.md": "news\n"})
	if _, err := a.UpdateRepo(context.Background(), "course", app.UpdateRepoOptions{}); err != nil {
		t.Fatal(err)
	}
	assertTokenOnlyIn(t, home, filepath.Join(home, ".dsp.d", "credentials.json"))
	if info, _ := a.RepoInfo("course"); !info.HasCredentials || info.Git.URL != url {
		t.Errorf("after the update: %+v", info.Git)
	}
}
