package server

import (
	"net/http"
	"path/filepath"
	"testing"
)

// TestSettings: GET /api/settings names the main directory, the
// repositories (personal first, trust) and the engine's version.
func TestSettings(t *testing.T) {
	for _, e := range engines() {
		t.Run(e.name, func(t *testing.T) { testSettings(t, e.open(t)) })
	}
}

func testSettings(t *testing.T, env *testEnv) {
	c := env.login()
	res := env.do(c, "GET", "/api/settings", nil)
	expect(t, res, http.StatusOK)
	conforms(t, "Settings", res.body)
	var s struct {
		Home         string `json:"home"`
		PersonalRepo string `json:"personalRepo"`
		Repositories []struct {
			Name, Dir         string
			Personal, Trusted bool
		} `json:"repositories"`
		Docker map[string]string `json:"docker"`
	}
	res.json(t, &s)
	if s.Home != env.home {
		t.Errorf("home = %q, want %q", s.Home, env.home)
	}
	if len(s.Repositories) != 2 || !s.Repositories[0].Personal || s.Repositories[0].Name != s.PersonalRepo || s.PersonalRepo == "" {
		t.Fatalf("repositories = %+v, personal %q; want the personal repository first, then examples", s.Repositories, s.PersonalRepo)
	}
	ex := s.Repositories[1]
	if ex.Name != "examples" || ex.Personal || !ex.Trusted || ex.Dir != filepath.Join(env.home, "examples") {
		t.Errorf("examples = %+v", ex)
	}
	if !s.Repositories[0].Trusted {
		t.Errorf("the personal repository is not trusted")
	}
	if s.Docker["version"] == "" || s.Docker["apiVersion"] == "" {
		t.Errorf("docker = %v, want version and apiVersion", s.Docker)
	}
	// A new repository shows, untrusted.
	env.writeLab("zz more", "lab", map[string]string{})
	res = env.do(c, "GET", "/api/settings", nil)
	res.json(t, &s)
	if len(s.Repositories) != 3 || s.Repositories[2].Name != "zz more" || s.Repositories[2].Trusted {
		t.Errorf("after adding a repository: %+v", s.Repositories)
	}
}
