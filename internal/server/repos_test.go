package server

import (
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/dsp-lab/dsp/internal/app"
	"github.com/dsp-lab/dsp/internal/gittest"
)

const repoToken = "tok-9f8e7d6c5b4a"

// TestRepositoriesAPI: a repository is added over HTTPS with a token, in
// the background; the API shows it (never the token), starts its risky
// lab only once trusted (or without its risks), updates it, and removes it.
func TestRepositoriesAPI(t *testing.T) {
	env := newEnv(t)
	c := env.login()
	risky := "x-dsp:\n  title: Risky\nservices:\n  a:\n    image: " + baseImage + "\n    cap_add: [SYS_ADMIN]\n"
	upstream, _, url := gittest.NewHTTPRepo(t, "teacher", repoToken, map[string]string{".dsp": "", "risky/.dsp": "", "risky/compose.yaml": risky})

	// Bad requests are refused at once.
	expectError(t, env.do(c, "POST", "/api/repos", map[string]string{"url": "git://example.com/x"}), http.StatusBadRequest, "")
	expectError(t, env.do(c, "POST", "/api/repos", map[string]string{"url": url, "name": "../up"}), http.StatusBadRequest, "")

	events := env.events(c)
	add := env.start(c, "POST", "/api/repos", map[string]string{"url": url, "name": "course", "username": "teacher", "token": repoToken})
	if op := env.waitOperation(c, add.Operation, time.Minute); op.State != app.OpDone || op.Repo != "course" || op.Kind != app.OpClone {
		t.Fatalf("clone: %+v", op)
	}
	// Open pages hear of it: the clone's progress names the repository,
	// and a repos event says it changed.
	events.wait("the clone's progress", 10*time.Second, func(ev sseEvent) bool {
		return ev.Name == "progress" && ev.Data["repo"] == "course"
	})
	events.wait("a repos event", 10*time.Second, func(ev sseEvent) bool {
		return ev.Name == "repos" && ev.Data["repo"] == "course"
	})
	expectError(t, env.do(c, "POST", "/api/repos", map[string]string{"url": url, "name": "course"}), http.StatusConflict, "")

	list := env.do(c, "GET", "/api/repos", nil)
	expect(t, list, http.StatusOK)
	if strings.Contains(string(list.body), repoToken) {
		t.Fatalf("GET /api/repos shows the token: %s", list.body)
	}
	var repos []app.RepoInfo
	list.json(t, &repos)
	var course *app.RepoInfo
	for i := range repos {
		if repos[i].Name == "course" {
			course = &repos[i]
		}
	}
	if course == nil || course.Trusted || course.Git == nil || course.Git.URL != url || !course.HasCredentials || course.Labs != 1 {
		t.Fatalf("course: %+v", course)
	}
	if cfg, _ := os.ReadFile(filepath.Join(env.home, "course", ".git", "config")); strings.Contains(string(cfg), repoToken) {
		t.Fatal("the token is in .git/config")
	}

	// Untrusted: refused with the risk named; without its risks it starts.
	e := expectError(t, env.do(c, "POST", labURL("course", "risky", "up"), nil), http.StatusForbidden, "")
	if !strings.Contains(e.Error, "SYS_ADMIN") {
		t.Errorf("refusal: %s", e.Error)
	}
	env.cleanupLab("course", "risky")
	up := env.start(c, "POST", labURL("course", "risky", "up")+"?withoutRisks=true", nil)
	if op := env.waitOperation(c, up.Operation, time.Minute); op.State != app.OpDone {
		t.Fatalf("up without risks: %+v", op)
	}
	// While it runs, the repository is neither updated nor removed.
	upstream.Commit(t, map[string]string{"README.md": "news\n"})
	if e := expectError(t, env.do(c, "POST", "/api/repos/course/update", map[string]any{}), http.StatusConflict, ""); !strings.Contains(e.Error, "course/risky") {
		t.Errorf("update while running: %s", e.Error)
	}
	expectError(t, env.do(c, "DELETE", "/api/repos/course", nil), http.StatusConflict, "")
	down := env.start(c, "POST", labURL("course", "risky", "down"), nil)
	env.waitOperation(c, down.Operation, time.Minute)

	// Trusted, it starts as written.
	var info app.RepoInfo
	res := env.do(c, "PUT", "/api/repos/course/trust", map[string]bool{"trusted": true})
	expect(t, res, http.StatusOK)
	res.json(t, &info)
	if !info.Trusted {
		t.Errorf("trust: %+v", info)
	}
	up = env.start(c, "POST", labURL("course", "risky", "up"), nil)
	if op := env.waitOperation(c, up.Operation, time.Minute); op.State != app.OpDone {
		t.Fatalf("up trusted: %+v", op)
	}
	down = env.start(c, "POST", labURL("course", "risky", "down"), nil)
	env.waitOperation(c, down.Operation, time.Minute)

	updateWithCredentials(t, env, c, upstream)
	updateOverLocalEdit(t, env, c, upstream, risky)

	// The personal repository is neither removed nor anyone else's
	// published.
	expectError(t, env.do(c, "DELETE", "/api/repos/"+personalOf(t, repos), nil), http.StatusForbidden, "")
	expectError(t, env.do(c, "POST", "/api/repos/course/publish", map[string]any{}), http.StatusForbidden, "")
	expect(t, env.do(c, "DELETE", "/api/repos/course", nil), http.StatusNoContent)
	expectError(t, env.do(c, "GET", labURL("course", "risky"), nil), http.StatusNotFound, "")
}

// TestRepositoryHostKeyAPI: an SSH URL whose host key dsp does not know is
// answered with the key's fingerprint for the user to accept; accepted, the
// clone goes ahead; a changed key is refused.
func TestRepositoryHostKeyAPI(t *testing.T) {
	env := newEnv(t)
	c := env.login()
	keyPath, pub := gittest.ClientKey(t)
	sshd := gittest.NewSSHServer(t, pub)
	upstream := gittest.NewRepo(t, map[string]string{".dsp": "", "lab/.dsp": "", "lab/compose.yaml": "x-dsp:\n  title: L\nservices:\n  a:\n    image: " + baseImage + "\n"})
	body := map[string]string{"url": sshd.URL(upstream.Dir()), "name": "ssh-course", "sshKey": keyPath}

	e := expectError(t, env.do(c, "POST", "/api/repos", body), http.StatusConflict, "")
	if e.HostKey == nil || e.HostKey.Fingerprint != sshd.Fingerprint() || e.HostKey.Changed {
		t.Fatalf("unknown host key: %+v", e)
	}
	body["acceptHostKey"] = e.HostKey.Fingerprint
	add := env.start(c, "POST", "/api/repos", body)
	if op := env.waitOperation(c, add.Operation, time.Minute); op.State != app.OpDone {
		t.Fatalf("clone with the accepted key: %+v", op)
	}
	sshd.ChangeHostKey(t)
	body["name"] = "ssh-course-2"
	body["acceptHostKey"] = sshd.Fingerprint()
	e = expectError(t, env.do(c, "POST", "/api/repos", body), http.StatusForbidden, "")
	if e.HostKey == nil || !e.HostKey.Changed {
		t.Fatalf("changed host key: %+v", e)
	}
}

func personalOf(t *testing.T, repos []app.RepoInfo) string {
	t.Helper()
	for _, r := range repos {
		if r.Personal {
			return r.Name
		}
	}
	t.Fatal("no personal repository")
	return ""
}

// updateWithCredentials updates the course, then forgets and replaces its
// token: the update between is refused by the server, and says so; no
// progress ever shows the token.
func updateWithCredentials(t *testing.T, env *testEnv, c *http.Client, upstream *gittest.Repo) {
	t.Helper()
	// Update, then forget the token: the next update is refused by the
	// server, and says so.
	update := env.start(c, "POST", "/api/repos/course/update", map[string]any{})
	if op := env.waitOperation(c, update.Operation, time.Minute); op.State != app.OpDone || op.Kind != app.OpUpdate {
		t.Fatalf("update: %+v", op)
	}
	expect(t, env.do(c, "DELETE", "/api/repos/course/credentials", nil), http.StatusNoContent)
	upstream.Commit(t, map[string]string{"README.md": "more news\n"})
	update = env.start(c, "POST", "/api/repos/course/update", map[string]any{})
	if op := env.waitOperation(c, update.Operation, time.Minute); op.State != app.OpFailed || !strings.Contains(op.Error, "refused access") {
		t.Fatalf("update without credentials: %+v", op)
	}
	expect(t, env.do(c, "PUT", "/api/repos/course/credentials", map[string]string{"username": "teacher", "token": repoToken}), http.StatusNoContent)
	update = env.start(c, "POST", "/api/repos/course/update", map[string]any{})
	if op := env.waitOperation(c, update.Operation, time.Minute); op.State != app.OpDone {
		t.Fatalf("update with the new token: %+v", op)
	}
	for _, op := range env.app.Operations() {
		for _, ev := range op.Events {
			if strings.Contains(ev.Message, repoToken) {
				t.Errorf("operation %s shows the token: %s", op.ID, ev.Message)
			}
		}
	}

}

// updateOverLocalEdit: a local edit in the update's way is named by the
// failed update, and the retry keeps it beside the new file.
func updateOverLocalEdit(t *testing.T, env *testEnv, c *http.Client, upstream *gittest.Repo, risky string) {
	t.Helper()
	// A local edit in the update's way: the failed update names it, and
	// the retry keeps it beside the new file.
	if err := os.WriteFile(filepath.Join(env.home, "course", "risky", "compose.yaml"), []byte(risky+"# my notes\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	upstream.Commit(t, map[string]string{"risky/compose.yaml": risky + "# the author's notes\n"})
	update := env.start(c, "POST", "/api/repos/course/update", map[string]any{})
	if op := env.waitOperation(c, update.Operation, time.Minute); op.State != app.OpFailed || len(op.LocalChanges) != 1 || op.LocalChanges[0] != "risky/compose.yaml" {
		t.Fatalf("update over a local edit: %+v", op)
	}
	update = env.start(c, "POST", "/api/repos/course/update", map[string]any{"keepLocal": true})
	if op := env.waitOperation(c, update.Operation, time.Minute); op.State != app.OpDone {
		t.Fatalf("update keeping the local edit: %+v", op)
	}
	if kept, err := os.ReadFile(filepath.Join(env.home, "course", "risky", "compose.yaml.local")); err != nil || !strings.Contains(string(kept), "my notes") {
		t.Errorf("the local edit was not kept: %q %v", kept, err)
	}

}
