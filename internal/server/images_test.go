package server

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/client"

	"github.com/dsp-lab/dsp/internal/app"
)

// TestListImages: GET /api/images lists local images with the labs that
// need them, newest first.
func TestListImages(t *testing.T) {
	for _, e := range engines() {
		t.Run(e.name, func(t *testing.T) { testListImages(t, e.open(t)) })
	}
}

func testListImages(t *testing.T, env *testEnv) {
	c := env.login()
	res := env.do(c, "GET", "/api/images", nil)
	expect(t, res, http.StatusOK)
	conforms(t, "Images", res.body)
	var out struct{ Images []app.ImageView }
	res.json(t, &out)
	byTag := map[string]app.ImageView{}
	for i, img := range out.Images {
		for _, tag := range img.Tags {
			byTag[tag] = img
		}
		if i > 0 && img.Created > out.Images[i-1].Created {
			t.Errorf("images are not newest first at %d", i)
		}
		if img.ID == "" || img.UsedBy == nil || img.NeededBy == nil {
			t.Errorf("image %+v: id, usedBy and neededBy must be set", img)
		}
	}
	if _, ok := byTag[baseImage]; !ok {
		t.Errorf("%s not listed", baseImage)
	}
	hello, ok := byTag[helloImage]
	if !ok || !contains(hello.NeededBy, "examples/hello-flag") || hello.Size <= 0 {
		t.Errorf("%s = %+v, want neededBy examples/hello-flag", helloImage, hello)
	}
	if routed, ok := byTag["dsp-examples/routed-node:1"]; ok && !contains(routed.NeededBy, "examples/routed-network") {
		t.Errorf("routed-node neededBy = %v", routed.NeededBy)
	}
}

// TestPullRefusals: bad pull requests are 400.
func TestPullRefusals(t *testing.T) {
	env := newEnv(t)
	c := env.login()
	for _, body := range []any{
		`{"image":`, `[]`, `{"image":"alpine","tag":"3"}`, strings.Repeat("x", 70<<10),
	} {
		expectError(t, env.do(c, "POST", "/api/images/pull", body), http.StatusBadRequest, "")
	}
	expectError(t, env.do(c, "POST", "/api/images/pull", nil), http.StatusBadRequest, "Content-Type")
	for _, image := range []string{"", "  ", "Not An Image!", "Upper:1", "alpine:", "../containers/x", "alpine:3.20; rm -rf /", "-alpine"} {
		e := expectError(t, env.do(c, "POST", "/api/images/pull", map[string]string{"image": image}), http.StatusBadRequest, "image")
		if !strings.Contains(e.Error, "image reference") {
			t.Errorf("pull %q: error %q", image, e.Error)
		}
	}
	if ops := env.app.Operations(); len(ops) != 0 {
		t.Errorf("refused pulls started operations: %+v", ops)
	}
}

// TestPullWithoutRegistry: a pull from a registry that cannot be reached is
// a failed operation with the engine's error, in bounded time. The registry
// is under .invalid, which never resolves, so the test pulls nothing on a
// machine that does reach registries.
func TestPullWithoutRegistry(t *testing.T) {
	t.Parallel()
	for _, e := range engines() {
		t.Run(e.name, func(t *testing.T) { testPullWithoutRegistry(t, e.open(t)) })
	}
}

func testPullWithoutRegistry(t *testing.T, env *testEnv) {
	c := env.login()
	events := env.events(c)
	image := uniqueName("registry.invalid/dsp-srvtest/none-") + ":1"
	started := time.Now()
	op := env.start(c, "POST", "/api/images/pull", map[string]string{"image": image})
	if op.Kind != "pull" || op.Image != image {
		t.Errorf("202 answer = %+v", op)
	}
	done := env.waitOperation(c, op.Operation, 90*time.Second)
	elapsed := time.Since(started)
	if elapsed > 60*time.Second {
		t.Errorf("a pull from an unreachable registry took %s to fail", elapsed)
	}
	t.Logf("the pull failed after %s: %s", elapsed.Round(time.Millisecond), done.Error)
	if done.State != app.OpFailed || done.Kind != "pull" || done.Image != image || done.Lab != "" {
		t.Fatalf("pull operation = %+v", done)
	}
	if !strings.Contains(done.Error, image) || !strings.Contains(done.Error, "registry.invalid") {
		t.Errorf("error %q does not name the image and its registry", done.Error)
	}
	res := env.do(c, "GET", "/api/operations/"+op.Operation, nil)
	conforms(t, "Operation", res.body)
	failed := events.wait("operation event (failed)", 10*time.Second, func(ev sseEvent) bool {
		return ev.Name == "operation" && ev.Data["operation"] == op.Operation && ev.Data["state"] == app.OpFailed
	})
	if failed.Data["error"] != done.Error || failed.Data["image"] != image || failed.Data["kind"] != "pull" {
		t.Errorf("failed event = %s", failed.Raw)
	}
	conforms(t, "OperationEvent", []byte(failed.Raw))
	progress := events.wait("progress event (pulling)", time.Second, func(ev sseEvent) bool {
		e, _ := ev.Data["event"].(map[string]any)
		return ev.Name == "progress" && ev.Data["operation"] == op.Operation && e["step"] == "pull"
	})
	conforms(t, "ProgressEvent", []byte(progress.Raw))
	// Nothing was pulled.
	res = env.do(c, "GET", "/api/images", nil)
	if strings.Contains(string(res.body), "registry.invalid") {
		t.Errorf("the failed pull left an image")
	}
}

// TestRemoveImageRefusals: DELETE /api/images needs ?ref= naming an image
// that exists.
func TestRemoveImageRefusals(t *testing.T) {
	env := newEnv(t)
	c := env.login()
	expectError(t, env.do(c, "DELETE", "/api/images", nil), http.StatusBadRequest, "ref")
	expectError(t, env.do(c, "DELETE", "/api/images?ref=", nil), http.StatusBadRequest, "ref")
	expectError(t, env.do(c, "DELETE", "/api/images?other="+url.QueryEscape(helloImage), nil), http.StatusBadRequest, "ref")
	for _, ref := range []string{uniqueName("dsp-srvtest/never-") + ":0", "sha256:" + strings.Repeat("0", 64), strings.Repeat("f", 12)} {
		e := expectError(t, env.do(c, "DELETE", "/api/images?ref="+url.QueryEscape(ref), nil), http.StatusNotFound, "ref")
		if !strings.Contains(e.Error, ref) {
			t.Errorf("404 error %q does not name %s", e.Error, ref)
		}
	}
}

// newContainer creates (does not start) a container that is not a lab's,
// removed at the end of the test.
func (env *testEnv) newContainer(image string) string {
	env.t.Helper()
	ctx := context.Background()
	res, err := env.docker.ContainerCreate(ctx, client.ContainerCreateOptions{
		Config: &container.Config{Image: image, Cmd: []string{"true"}, Labels: map[string]string{"dsp-srvtest": "1"}},
	})
	if err != nil {
		env.t.Fatal(err)
	}
	env.t.Cleanup(func() {
		_, _ = env.docker.ContainerRemove(context.Background(), res.ID, client.ContainerRemoveOptions{Force: true})
	})
	return res.ID
}

// TestRemoveImageRemovesOnlyImages: ?ref= names an image. A value that is a
// path in Docker's API ("../containers/ID") must be refused (400 or 404),
// never reach another endpoint: the Docker client joins the value into
// the request path with path.Join, so /images/../containers/ID becomes
// /containers/ID, and DELETE removes the container.
func TestRemoveImageRemovesOnlyImages(t *testing.T) {
	env := newDockerEnv(t)
	c := env.login()
	id := env.newContainer(baseImage)
	for _, ref := range []string{"../containers/" + id, "x/../../containers/" + id, "..%2Fcontainers%2F" + id} {
		res := env.do(c, "DELETE", "/api/images?ref="+url.QueryEscape(ref), nil)
		if res.StatusCode != http.StatusBadRequest && res.StatusCode != http.StatusNotFound {
			t.Errorf("DELETE /api/images?ref=%s: %d %s; want 400 or 404", ref, res.StatusCode, res.body)
		} else {
			expectError(t, res, res.StatusCode, "ref")
		}
		if _, err := env.docker.ContainerInspect(context.Background(), id, client.ContainerInspectOptions{}); err != nil {
			t.Fatalf("DELETE /api/images?ref=%s removed container %s, which is not an image and not dsp's: %v", ref, id[:12], err)
		}
	}
	// Listing a lab's images must not reach containers either.
	if _, err := env.docker.ImageInspect(context.Background(), baseImage); err != nil {
		t.Fatalf("base image gone: %v", err)
	}
}

// TestRemoveImageInUseOutsideLabs: an image that a container outside dsp's
// labs uses cannot be removed either; Docker says so with a conflict, which
// is a 409 like a lab's, not an internal error.
func TestRemoveImageInUseOutsideLabs(t *testing.T) {
	env := newDockerEnv(t)
	c := env.login()
	ctx := context.Background()
	// An image of this test only: a commit of a fresh container.
	src := env.newContainer(baseImage)
	image := uniqueName("dsp-srvtest/commit-") + ":1"
	if _, err := env.docker.ContainerCommit(ctx, src, client.ContainerCommitOptions{Reference: image}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_, _ = env.docker.ImageRemove(context.Background(), image, client.ImageRemoveOptions{Force: true})
	})
	env.newContainer(image)
	res := env.do(c, "DELETE", "/api/images?ref="+url.QueryEscape(image), nil)
	expectError(t, res, http.StatusConflict, "ref")
	if _, err := env.docker.ImageInspect(ctx, image); err != nil {
		t.Errorf("image removed while a container uses it: %v", err)
	}
}
