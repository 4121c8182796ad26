package lab

import (
	"context"
	"os"
	"path/filepath"
	"testing"
)

// fuzzLab writes a lab folder with the given files and loads it: loading
// must never panic, and must end with a lab or an error.
func fuzzLab(t *testing.T, files map[string][]byte) {
	t.Helper()
	repo, err := os.MkdirTemp("", "dsp-fuzz-lab-")
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(repo)
	dir := filepath.Join(repo, "lab")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	files[MarkerFile] = nil
	for name, data := range files {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	l, _, err := Load(context.Background(), dir)
	if l == nil && err == nil {
		t.Fatal("Load returned neither a lab nor an error")
	}
}

// seeds returns the files of the corpus labs (and the examples) named
// name, as seeds.
func seeds(f *testing.F, name string) {
	f.Helper()
	for _, pattern := range []string{"../../../shared/corpus/dsp-projects/*/" + name, "../../examples/*/" + name} {
		matches, _ := filepath.Glob(pattern)
		for _, m := range matches {
			if data, err := os.ReadFile(m); err == nil {
				f.Add(data)
			}
		}
	}
}

// FuzzLoadCompose loads arbitrary compose files (native labs).
func FuzzLoadCompose(f *testing.F) {
	seeds(f, "compose.yaml")
	seeds(f, "docker-compose.yml")
	f.Add([]byte("x-dsp: {title: t}\nservices:\n  a: &a {image: x, environment: [*a, *a]}\n"))
	f.Add([]byte("a: &a [x,x,x,x]\nb: &b [*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b]\nd: [*c,*c,*c,*c]\nservices: {s: {image: x}}\n"))
	f.Fuzz(func(t *testing.T, compose []byte) {
		fuzzLab(t, map[string][]byte{"compose.yaml": compose})
	})
}

// FuzzLoadNetworkJSON loads upstream labs with arbitrary network.json
// files beside a valid compose file.
func FuzzLoadNetworkJSON(f *testing.F) {
	seeds(f, "network.json")
	f.Add([]byte(`"IMPORTED"`))
	f.Add([]byte(`{"clistToDraw":[{"name":"s","actions":[{"name":"a","args":{"k":{"val":"v"}}}]}]}`))
	compose := []byte("services:\n  s:\n    image: dsp/busybox:latest\n")
	f.Fuzz(func(t *testing.T, network []byte) {
		fuzzLab(t, map[string][]byte{"docker-compose.yml": compose, "network.json": network, "information.json": []byte(`{"description":"d"}`)})
	})
}
