package local

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/moby/moby/client"
	"github.com/sirupsen/logrus"

	"github.com/dsp-lab/dsp/internal/archive"
	"github.com/dsp-lab/dsp/internal/engine"
	"github.com/dsp-lab/dsp/internal/lab"
)

func TestMain(m *testing.M) {
	// compose-go and Compose log warnings through logrus; keep test output
	// to what the tests say.
	logrus.SetOutput(io.Discard)
	os.Exit(m.Run())
}

// baseImage is built by scripts/build-images.sh (CI runs it first).
const baseImage = "dsp/busybox:latest"

// newTestEngine connects to the local Docker Engine. Under CI=true a missing
// engine fails the test; elsewhere it skips with what to install.
func newTestEngine(t *testing.T) *Engine {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	e, err := New(ctx, t.TempDir())
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("Docker Engine needed: %v", err)
		}
		t.Skipf("Docker Engine not reachable (install docker.io and start dockerd, or run scripts/setup.sh): %v", err)
	}
	t.Cleanup(func() { e.Close() })
	if _, err := e.docker.ImageInspect(ctx, baseImage); err != nil {
		t.Fatalf("image %s is missing: run scripts/build-images.sh first (%v)", baseImage, err)
	}
	return e
}

// uniqueName returns a name no other test run uses.
func uniqueName(prefix string) string {
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	return prefix + "-" + hex.EncodeToString(b)
}

// writeLab writes a lab folder with a .dsp marker and the given files
// (path -> content) inside repoDir, and returns the folder.
func writeLab(t *testing.T, repoDir, name string, files map[string]string) string {
	t.Helper()
	dir := filepath.Join(repoDir, name)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(repoDir, lab.MarkerFile), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, lab.MarkerFile), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	for p, content := range files {
		full := filepath.Join(dir, p)
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func loadLab(t *testing.T, dir string) *lab.Lab {
	t.Helper()
	l, _, err := lab.Load(context.Background(), dir)
	if err != nil {
		t.Fatalf("load %s: %v", dir, err)
	}
	return l
}

// refOfLab names an instance of l ("" for the default one).
func refOfLab(t *testing.T, l *lab.Lab, instance string) engine.Ref {
	t.Helper()
	ref, err := engine.NewRef(l.Repo, l.Name, instance)
	if err != nil {
		t.Fatal(err)
	}
	return ref
}

// cleanupLab makes sure a test never leaves a lab behind.
func cleanupLab(t *testing.T, e *Engine, l *lab.Lab, instance string) {
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		_ = e.Down(ctx, refOfLab(t, l, instance), l, engine.DownOptions{})
	})
}

// assertNothingLeft checks that no container, network or volume carries the
// instance's labels.
func assertNothingLeft(t *testing.T, e *Engine, ref engine.Ref) {
	t.Helper()
	ctx := context.Background()
	f := projectFilter(e.Project(ref))
	cs, err := e.docker.ContainerList(ctx, client.ContainerListOptions{All: true, Filters: f})
	if err != nil {
		t.Fatal(err)
	}
	ns, err := e.docker.NetworkList(ctx, client.NetworkListOptions{Filters: f})
	if err != nil {
		t.Fatal(err)
	}
	vs, err := e.docker.VolumeList(ctx, client.VolumeListOptions{Filters: f})
	if err != nil {
		t.Fatal(err)
	}
	if len(cs.Items)+len(ns.Items)+len(vs.Items) > 0 {
		t.Errorf("lab %s left %d container(s), %d network(s), %d volume(s)", ref, len(cs.Items), len(ns.Items), len(vs.Items))
	}
}

// run executes argv in a service's container and returns its output.
func run(t *testing.T, e *Engine, ref engine.Ref, service string, argv ...string) (int, string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	containers, err := e.serviceContainers(ctx, e.Project(ref))
	if err != nil {
		t.Fatal(err)
	}
	id := containers[service]
	if id == "" {
		t.Fatalf("service %s has no container", service)
	}
	code, out, err := e.exec(ctx, id, argv, false, func(string) {})
	if err != nil {
		t.Fatalf("exec %v in %s: %v", argv, service, err)
	}
	return code, out
}

// buildStandin builds the stand-in wrapper image under the given tags.
func buildStandin(t *testing.T, e *Engine, tags ...string) {
	t.Helper()
	var ctxTar bytes.Buffer
	if err := archive.TarPath(&ctxTar, "testdata/standin", "."); err != nil {
		t.Fatal(err)
	}
	res, err := e.docker.ImageBuild(context.Background(), &ctxTar, client.ImageBuildOptions{Tags: tags, Remove: true})
	if err != nil {
		t.Fatalf("build stand-in image: %v", err)
	}
	defer res.Body.Close()
	out, _ := io.ReadAll(res.Body)
	if strings.Contains(string(out), `"error"`) {
		t.Fatalf("build stand-in image: %s", out)
	}
}
