package server

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/dsp-lab/dsp/internal/app"
	"github.com/dsp-lab/dsp/internal/labedit"
)

// TestEditorAPI: open a lab of the personal repository in the editor,
// edit it as a graph and as text, save it (and a draft), and apply an edit
// to the running lab, which recreates only the service it changed.
func TestEditorAPI(t *testing.T) {
	env := newEnv(t)
	c := env.login()
	name := uniqueName("edit-")
	var details struct {
		Repo string `json:"repo"`
		Name string `json:"name"`
	}
	res := env.do(c, "POST", "/api/labs", map[string]string{"name": name})
	expect(t, res, http.StatusCreated)
	res.json(t, &details)
	repo := details.Repo
	env.cleanupLab(repo, name)
	compose := "# mine\nx-dsp:\n  title: Mine\n  stop_timeout: 1s\nservices:\n  web:\n    image: " + baseImage + "\n    command: [sleep, '3600']\n  db:\n    image: " + baseImage + "\n    command: [sleep, '3600']\n"
	var saved app.Saved
	res = env.do(c, "PUT", labURL(repo, name, "source"), map[string]any{"compose": compose})
	expect(t, res, http.StatusOK)
	res.json(t, &saved)
	if !saved.Valid {
		t.Fatalf("save: %+v", saved)
	}

	var src app.LabSource
	srcRes := env.do(c, "GET", labURL(repo, name, "source"), nil)
	srcRes.json(t, &src)
	if !src.Editable || src.Compose != compose || src.Model == nil || len(src.Model.Services) != 2 {
		t.Fatalf("source: %+v", src)
	}
	// Graph → text.
	m := src.Model
	m.Networks = append(m.Networks, labedit.Network{Name: "lan", Subnet: "10.67.0.0/24"})
	m.Services[0].Networks = []labedit.Attachment{{Network: "lan", IPv4: "10.67.0.9"}}
	var rendered app.Parsed
	res = env.do(c, "POST", labURL(repo, name, "source", "render"), map[string]any{"compose": compose, "model": m})
	expect(t, res, http.StatusOK)
	res.json(t, &rendered)
	if !strings.Contains(rendered.Compose, "# mine") || !strings.Contains(rendered.Compose, "10.67.0.9") {
		t.Errorf("rendered: %s", rendered.Compose)
	}
	var free map[string]string
	res = env.do(c, "POST", labURL(repo, name, "source", "free-address"), map[string]any{"model": rendered.Model, "network": "lan"})
	expect(t, res, http.StatusOK)
	res.json(t, &free)
	if free["address"] == "" || free["address"] == "10.67.0.9" {
		t.Errorf("free address: %v", free)
	}
	// Text → graph, with a syntax error located.
	var parsed app.Parsed
	env.do(c, "POST", labURL(repo, name, "source", "parse"), map[string]any{"compose": "services:\n  web: [\n"}).json(t, &parsed)
	if parsed.Syntax == nil || parsed.Model != nil {
		t.Errorf("a syntax error: %+v", parsed)
	}
	// Another repository's lab is not edited.
	expectError(t, env.do(c, "PUT", labURL("examples", "hello-flag", "source"), map[string]any{"compose": compose}), http.StatusForbidden, "")

	// Apply: stopped → 409; running → the plan names db only.
	expectError(t, env.do(c, "GET", labURL(repo, name, "plan"), nil), http.StatusConflict, "")
	up := env.start(c, "POST", labURL(repo, name, "up"), nil)
	if op := env.waitOperation(c, up.Operation, time.Minute); op.State != app.OpDone {
		t.Fatalf("up: %+v", op)
	}
	edited := strings.Replace(compose, "  db:\n    image: "+baseImage+"\n    command: [sleep, '3600']", "  db:\n    image: "+baseImage+"\n    command: [sleep, '3601']", 1)
	expect(t, env.do(c, "PUT", labURL(repo, name, "source"), map[string]any{"compose": edited}), http.StatusOK)
	var plan struct {
		Recreate, Create, Remove, Unchanged []string
	}
	env.do(c, "GET", labURL(repo, name, "plan"), nil).json(t, &plan)
	if strings.Join(plan.Recreate, ",") != "db" || strings.Join(plan.Unchanged, ",") != "web" {
		t.Fatalf("plan: %+v", plan)
	}
	apply := env.start(c, "POST", labURL(repo, name, "apply"), nil)
	if op := env.waitOperation(c, apply.Operation, time.Minute); op.State != app.OpDone || op.Kind != app.OpApply {
		t.Fatalf("apply: %+v", op)
	}
	down := env.start(c, "POST", labURL(repo, name, "down"), nil)
	env.waitOperation(c, down.Operation, time.Minute)
}
