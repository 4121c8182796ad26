package server

import (
	"net/http"
	"testing"
	"time"

	"github.com/dsp-lab/dsp/internal/app"
)

// TestLabExposure: PUT …/exposure offers a lab's published ports to the
// network from its next start on, or takes them back to 127.0.0.1 (the
// default); the details say which; bad bodies and names are refused.
func TestLabExposure(t *testing.T) {
	env := newEnv(t)
	c := env.login()
	repo := uniqueName("expose-")
	env.writeLab(repo, "open", map[string]string{
		"compose.yaml": "x-dsp:\n  title: Open\nservices:\n  a:\n    image: " + baseImage + "\n    ports: [\"23\"]\n",
	})
	env.cleanupLab(repo, "open")
	exposure := labURL(repo, "open", "exposure")
	hostIPs := func() []string {
		var out []string
		for _, p := range env.status(c, repo, "open", "").Services[0].Ports {
			out = append(out, p.HostIP)
		}
		return out
	}
	startStop := func(want ...string) {
		t.Helper()
		up := env.start(c, "POST", labURL(repo, "open", "up"), nil)
		if op := env.waitOperation(c, up.Operation, time.Minute); op.State != app.OpDone {
			t.Fatalf("up: %+v", op)
		}
		if got := hostIPs(); len(got) != len(want) || got[0] != want[0] {
			t.Errorf("published on %v, want %v", got, want)
		}
		down := env.start(c, "POST", labURL(repo, "open", "down"), nil)
		env.waitOperation(c, down.Operation, time.Minute)
	}
	exposed := func() bool {
		t.Helper()
		var d struct {
			Exposed bool `json:"exposed"`
		}
		env.do(c, "GET", labURL(repo, "open"), nil).json(t, &d)
		return d.Exposed
	}

	if exposed() {
		t.Errorf("a new lab is exposed")
	}
	startStop("127.0.0.1")
	for _, want := range []bool{true, false} {
		res := env.do(c, "PUT", exposure, map[string]bool{"exposed": want})
		expect(t, res, http.StatusOK)
		var got struct {
			Exposed bool `json:"exposed"`
		}
		res.json(t, &got)
		if got.Exposed != want || exposed() != want {
			t.Errorf("PUT exposed %v: answer %v, details %v", want, got.Exposed, exposed())
		}
		if want {
			startStop("0.0.0.0", "::")
		} else {
			startStop("127.0.0.1")
		}
	}

	for _, r := range []refusal{
		{"no exposed field", "PUT", exposure, map[string]string{}, http.StatusBadRequest, "exposed", ""},
		{"exposed not a boolean", "PUT", exposure, `{"exposed":"yes"}`, http.StatusBadRequest, "", ""},
		{"unknown field", "PUT", exposure, `{"exposed":true,"repo":true}`, http.StatusBadRequest, "", ""},
		{"no JSON body", "PUT", exposure, nil, http.StatusBadRequest, "Content-Type", ""},
		{"unknown lab", "PUT", labURL(repo, "nope", "exposure"), map[string]bool{"exposed": true}, http.StatusNotFound, "", "nope"},
		{"bad lab name", "PUT", "/api/labs/" + repo + "/%2E%2E/exposure", map[string]bool{"exposed": true}, http.StatusBadRequest, "lab", ""},
	} {
		env.expectRefusal(c, r)
	}
	if exposed() {
		t.Errorf("a refused PUT exposed the lab")
	}
}
