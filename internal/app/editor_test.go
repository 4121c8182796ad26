package app_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	cerrdefs "github.com/containerd/errdefs"

	"github.com/dsp-lab/dsp/internal/app"
	"github.com/dsp-lab/dsp/internal/labedit"
)

const editedLab = `# a lab to edit; this comment stays
x-dsp:
  title: Edit me
services:
  web:
    image: dsp/busybox:latest
    command: [sleep, "3600"]
    x-unknown: kept   # so does this
  db:
    image: dsp/busybox:latest
    command: [sleep, "3600"]
`

// TestEditorRoundTrip: the editor opens a lab's text and model; a graph
// edit rewrites only what changed; a broken text is marked at its line;
// a save writes the lab, a draft is saved but says why it cannot start;
// labs of other repositories are read-only.
func TestEditorRoundTrip(t *testing.T) {
	a, _, _ := newApp(t)
	ctx := context.Background()
	tgt, err := a.NewLab(ctx, "edit-me", "")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.SaveSource(ctx, tgt, app.SaveRequest{Compose: editedLab}); err != nil {
		t.Fatal(err)
	}
	tgt, _ = a.Lab(ctx, tgt.ID())
	ref, _ := tgt.Ref("")
	src, err := a.Source(ctx, tgt, ref)
	if err != nil {
		t.Fatal(err)
	}
	if !src.Editable || src.Compose != editedLab || src.Model == nil || len(src.Model.Services) != 2 || src.Story.Title != "Edit me" {
		t.Fatalf("source: editable %v, model %+v, story %+v", src.Editable, src.Model, src.Story)
	}

	// Graph → text: a network with a subnet, web attached with a static IP.
	m := src.Model
	m.Networks = append(m.Networks, labedit.Network{Name: "lan", Subnet: "10.66.0.0/28"})
	for i := range m.Services {
		if m.Services[i].Name == "web" {
			m.Services[i].Networks = append(m.Services[i].Networks, labedit.Attachment{Network: "lan", IPv4: "10.66.0.5"})
		}
	}
	out, err := a.RenderSource(ctx, tgt, src.Compose, m)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"# a lab to edit; this comment stays", "x-unknown: kept", "# so does this", "10.66.0.0/28", "10.66.0.5"} {
		if !strings.Contains(out.Compose, want) {
			t.Errorf("rendered text lacks %q:\n%s", want, out.Compose)
		}
	}
	if len(out.Problems.Errors()) != 0 || len(out.ModelProblems) != 0 {
		t.Errorf("problems of a valid edit: %v %v", out.Problems, out.ModelProblems)
	}
	// An IP outside the subnet is an editor problem naming the field.
	m.Services[0].Networks = []labedit.Attachment{{Network: "lan", IPv4: "10.99.0.5"}}
	if out, err := a.RenderSource(ctx, tgt, src.Compose, m); err != nil || len(out.ModelProblems) == 0 {
		t.Errorf("an address outside the subnet: %+v, %v", out, err)
	}

	// Text → graph: a syntax error is located; a refused key is the
	// loader's problem at its line.
	bad, err := a.ParseSource(ctx, tgt, "services:\n  web:\n    image: [unclosed\n")
	if err != nil || bad.Syntax == nil || bad.Syntax.Line == 0 || bad.Model != nil {
		t.Fatalf("a syntax error: %+v, %v", bad, err)
	}
	refused, err := a.ParseSource(ctx, tgt, "services:\n  web:\n    image: dsp/busybox:latest\n    volumes: [\"/etc:/host\"]\n")
	if err != nil || len(refused.Problems.Errors()) == 0 || refused.Problems.Errors()[0].Line != 4 || refused.Model == nil {
		t.Fatalf("a refused key: %+v, %v", refused, err)
	}

	// A draft is saved and says why it cannot start; the lab keeps it.
	saved, err := a.SaveSource(ctx, tgt, app.SaveRequest{Compose: refused.Compose, Layout: &app.Layout{Nodes: map[string]app.Position{"service:web": {X: 10, Y: 20}}}})
	if err != nil || saved.Valid || len(saved.Problems.Errors()) == 0 {
		t.Fatalf("a draft: %+v, %v", saved, err)
	}
	draft, _ := a.Lab(ctx, tgt.ID())
	if draft.Runnable() == nil {
		t.Error("a draft can start")
	}
	if data, _ := os.ReadFile(filepath.Join(draft.Dir, ".dsp-layout.json")); !strings.Contains(string(data), "service:web") {
		t.Errorf("layout not saved: %s", data)
	}
	if src, _ := a.Source(ctx, draft, ref); src.Layout.Nodes["service:web"].Y != 20 {
		t.Errorf("layout not read back: %+v", src.Layout)
	}

	// Another repository's lab is read-only.
	hello, _ := a.Lab(ctx, "examples/hello-flag")
	if _, err := a.SaveSource(ctx, hello, app.SaveRequest{Compose: editedLab}); !cerrdefs.IsPermissionDenied(err) {
		t.Errorf("saving an example: %v", err)
	}
	if src, err := a.Source(ctx, hello, ref); err != nil || src.Editable {
		t.Errorf("an example opens editable: %v", err)
	}
}

// TestApplyPlan: a saved edit applied to a running instance recreates only
// the service it changed.
func TestApplyPlan(t *testing.T) {
	a, _, _ := newApp(t)
	ctx := context.Background()
	tgt, err := a.NewLab(ctx, "apply-me", "")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.SaveSource(ctx, tgt, app.SaveRequest{Compose: editedLab}); err != nil {
		t.Fatal(err)
	}
	tgt, _ = a.Lab(ctx, tgt.ID())
	ref, _ := tgt.Ref("")
	if _, err := a.Plan(ctx, tgt, ref); !cerrdefs.IsFailedPrecondition(err) && !cerrdefs.IsConflict(err) {
		t.Errorf("plan of a stopped lab: %v", err)
	}
	if _, err := a.Up(ctx, tgt, ref, app.UpOptions{}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = a.Down(context.Background(), tgt, ref, nil) })
	edited := strings.Replace(editedLab, "  db:\n    image: dsp/busybox:latest\n    command: [sleep, \"3600\"]", "  db:\n    image: dsp/busybox:latest\n    command: [sleep, \"3601\"]", 1)
	if _, err := a.SaveSource(ctx, tgt, app.SaveRequest{Compose: edited}); err != nil {
		t.Fatal(err)
	}
	tgt, _ = a.Lab(ctx, tgt.ID())
	plan, err := a.Plan(ctx, tgt, ref)
	if err != nil || strings.Join(plan.Recreate, ",") != "db" || strings.Join(plan.Unchanged, ",") != "web" {
		t.Fatalf("plan: %+v, %v", plan, err)
	}
	op, err := a.StartApply(ctx, tgt, ref)
	if err != nil {
		t.Fatal(err)
	}
	if v := op.Wait(ctx); v.State != app.OpDone || v.Kind != app.OpApply {
		t.Fatalf("apply: %+v", v)
	}
	if plan, _ := a.Plan(ctx, tgt, ref); len(plan.Recreate) != 0 {
		t.Errorf("after apply the plan still recreates %v", plan.Recreate)
	}
}
