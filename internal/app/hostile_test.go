package app_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/client"

	"github.com/dsp-lab/dsp/examples"
	"github.com/dsp-lab/dsp/internal/app"
	"github.com/dsp-lab/dsp/internal/engine"
	"github.com/dsp-lab/dsp/internal/engine/local"
)

// hostileLab is a lab from a stranger that asks for power over the host.
type hostileLab struct {
	name    string
	compose string            // {markers} stands for the host folder a marker may be written to
	files   map[string]string // more files of the lab
	refused string            // what the refusal names
	// always: the policy refuses it whatever the trust. Otherwise it starts
	// once its repository is trusted, unless engineMayRefuse: this machine's
	// engine or kernel may not run it even then.
	always          bool
	engineMayRefuse bool
}

const box = "    image: dsp/busybox:latest\n    command: [sleep, '600']\n"

var hostileLabs = []hostileLab{
	{name: "provider", always: true, refused: "provider",
		compose: "services:\n  s:\n    provider: {type: bash, options: {x: y}}\n",
		files:   map[string]string{".env": "BASH_ENV={markers}/evil.sh\n"}},
	{name: "api-socket", always: true, refused: "use_api_socket", compose: "services:\n  s:\n" + box + "    use_api_socket: true\n"},
	{name: "pre-start-bind", always: true, refused: "pre_start",
		compose: "services:\n  s:\n" + box + "    pre_start:\n      - {image: dsp/busybox:latest, privileged: true, volumes: ['/:/host'], command: [touch, /host{markers}/marker]}\n"},
	{name: "volume-bind-root", always: true, refused: "host path /",
		compose: "services:\n  s:\n" + box + "    volumes: ['root:/host']\n    entrypoint: [touch, /host{markers}/marker]\nvolumes:\n  root:\n    driver_opts: {type: none, o: bind, device: /}\n"},
	{name: "bind-outside", always: true, refused: "outside", compose: "services:\n  s:\n" + box + "    volumes: ['/tmp:/host-tmp']\n"},
	{name: "seccomp-file", always: true, refused: "seccomp", compose: "services:\n  s:\n" + box + "    security_opt: [seccomp=/etc/passwd]\n"},
	{name: "models", always: true, refused: "models", compose: "services:\n  s:\n" + box + "    models: [m]\nmodels:\n  m: {model: ai/smollm2}\n"},
	{name: "develop", always: true, refused: "develop", compose: "services:\n  s:\n" + box + "    develop: {watch: [{path: ., action: sync, target: /app}]}\n"},
	{name: "include-outside", always: true, refused: "leaves", compose: "include: [../../../../../../../../etc/hostname]\nservices:\n  s:\n" + box},
	{name: "env-file-outside", always: true, refused: "outside", compose: "services:\n  s:\n" + box + "    env_file: [/etc/hostname]\n"},
	{name: "alias-bomb", always: true, refused: "alias", compose: bombCompose()},
	{name: "privileged", refused: "runs privileged", compose: "services:\n  s:\n" + box + "    privileged: true\n"},
	{name: "cap-sys-ptrace", refused: "SYS_PTRACE", compose: "services:\n  s:\n" + box + "    cap_add: [SYS_PTRACE]\n"},
	{name: "host-network", refused: "host's network namespace", compose: "services:\n  s:\n" + box + "    network_mode: host\n"},
	{name: "host-pid", refused: "host's pid namespace", compose: "services:\n  s:\n" + box + "    pid: host\n"},
	{name: "external-network-host", refused: "external network host", engineMayRefuse: true,
		compose: "services:\n  s:\n" + box + "    networks: [outside]\nnetworks:\n  outside: {name: host, external: true}\n"},
	{name: "device-cgroup-rules", refused: "device cgroup rules", compose: "services:\n  s:\n" + box + "    device_cgroup_rules: ['c 1:3 mr']\n"},
	{name: "devices", refused: "host device /dev/kmsg", compose: "services:\n  s:\n" + box + "    devices: [/dev/kmsg]\n"},
	{name: "pid-container", refused: "a container outside the lab", compose: "services:\n  s:\n" + box + "    pid: container:dsp-hostile-neighbour\n"},
	{name: "network-container", refused: "a container outside the lab", compose: "services:\n  s:\n    image: dsp/busybox:latest\n    command: [sleep, '600']\n    network_mode: container:dsp-hostile-neighbour\n"},
	{name: "volumes-from", refused: "a container outside the lab", compose: "services:\n  s:\n" + box + "    volumes_from: [container:dsp-hostile-neighbour]\n"},
	{name: "external-volume", refused: "outside the lab", compose: "services:\n  s:\n" + box + "    volumes: ['data:/data']\nvolumes:\n  data: {name: dsp-hostile-volume, external: true}\n"},
	{name: "oom-score-adj", refused: "OOM killer", engineMayRefuse: true, compose: "services:\n  s:\n" + box + "    oom_score_adj: -900\n"},
	{name: "cgroup-parent", refused: "cgroup of the host", engineMayRefuse: true, compose: "services:\n  s:\n" + box + "    cgroup_parent: dsp-hostile\n"},
	{name: "post-start-privileged", refused: "runs a hook privileged", engineMayRefuse: true, compose: "services:\n  s:\n" + box + "    post_start: [{command: [id], privileged: true}]\n"},
	{name: "syslog-driver", refused: "syslog logging driver", engineMayRefuse: true,
		compose: "services:\n  s:\n" + box + "    logging: {driver: syslog, options: {syslog-address: 'udp://127.0.0.1:1'}}\n"},
	{name: "kernel-sysctl", refused: "kernel.core_pattern", engineMayRefuse: true, compose: "services:\n  s:\n" + box + "    sysctls: [kernel.core_pattern=|/tmp/x]\n"},
	{name: "apparmor-unconfined", refused: "disables confinement", compose: "services:\n  s:\n" + box + "    security_opt: ['apparmor=unconfined']\n"},
}

// bombCompose is a compose file whose aliases expand to 9^9 nodes.
func bombCompose() string {
	var b strings.Builder
	b.WriteString("x-a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n")
	prev := "a"
	for _, name := range []string{"b", "c", "d", "e", "f", "g", "h", "i"} {
		b.WriteString("x-" + name + ": &" + name + " [" + strings.TrimSuffix(strings.Repeat("*"+prev+",", 9), ",") + "]\n")
		prev = name
	}
	return b.String() + "services:\n  s:\n" + box + "    labels: {bomb: *i}\n"
}

// dockerFor connects to the local Docker Engine, or skips (fails under
// CI=true) without one.
func dockerFor(t *testing.T) (*local.Engine, client.APIClient) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	home := t.TempDir()
	eng, err := local.New(ctx, filepath.Join(home, "locks"), local.WithNamespace(home))
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("Docker Engine needed: %v", err)
		}
		t.Skipf("Docker Engine not reachable: %v", err)
	}
	docker, err := client.New(client.FromEnv)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { docker.Close() })
	return eng, docker
}

// TestHostileLabs starts labs that ask for power over the host from an
// untrusted repository: each is refused before anything is created, names
// what it refused, and leaves nothing on the host. Trusted, the ones the
// policy allows at all start.
func TestHostileLabs(t *testing.T) {
	eng, docker := dockerFor(t)
	ctx := context.Background()
	home := t.TempDir()
	a, err := app.Open(ctx, app.Options{Home: home, Seed: examples.FS(), Engine: eng})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	markers := t.TempDir() // the host folder the labs try to write to
	if err := os.WriteFile(filepath.Join(markers, "evil.sh"), []byte("touch "+markers+"/marker\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	neighbour(t, docker)
	for _, h := range hostileLabs {
		files := map[string]string{"compose.yaml": "x-dsp: {title: " + h.name + "}\n" + strings.ReplaceAll(h.compose, "{markers}", markers)}
		for name, content := range h.files {
			files[name] = strings.ReplaceAll(content, "{markers}", markers)
		}
		writeLab(t, filepath.Join(home, "strangers"), h.name, files)
	}

	t.Run("untrusted", func(t *testing.T) {
		for _, h := range hostileLabs {
			checkUntrusted(ctx, t, a, h)
			assertNothingOnHost(t, eng, docker, h.name, markers)
		}
	})
	// A lab that publishes a port on every address of the host runs
	// untrusted (it asks for nothing), with the port on loopback.
	writeLab(t, filepath.Join(home, "strangers"), "open-port", map[string]string{"compose.yaml": "services:\n  s:\n" + box + "    ports: ['0.0.0.0::80', '::81']\n"})
	t.Run("ports", func(t *testing.T) { checkLoopbackPorts(ctx, t, a, "open-port") })
	if err := a.SetTrusted("strangers", true); err != nil {
		t.Fatal(err)
	}
	t.Run("trusted", func(t *testing.T) {
		for _, h := range hostileLabs {
			checkTrusted(ctx, t, a, h)
			down(ctx, t, a, h.name)
			assertNothingOnHost(t, eng, docker, h.name, markers)
		}
	})
}

// checkUntrusted starts a hostile lab of an untrusted repository: it must
// be refused, naming what it asks for.
func checkUntrusted(ctx context.Context, t *testing.T, a *app.App, h hostileLab) {
	t.Helper()
	err := up(ctx, a, h.name)
	if err == nil {
		t.Errorf("%s: an untrusted lab started", h.name)
		down(ctx, t, a, h.name)
		return
	}
	if !strings.Contains(err.Error(), h.refused) {
		t.Errorf("%s: the refusal does not name %q: %v", h.name, h.refused, err)
	}
}

// checkTrusted starts a hostile lab once its repository is trusted: it
// starts, unless the policy refuses it always (or this machine cannot run
// it).
func checkTrusted(ctx context.Context, t *testing.T, a *app.App, h hostileLab) {
	t.Helper()
	err := up(ctx, a, h.name)
	switch {
	case h.always && err == nil:
		t.Errorf("%s: started once trusted, but the policy refuses it always", h.name)
	case h.always && !strings.Contains(err.Error(), h.refused):
		t.Errorf("%s: the refusal does not name %q: %v", h.name, h.refused, err)
	case !h.always && err != nil && !h.engineMayRefuse:
		t.Errorf("%s: does not start once trusted: %v", h.name, err)
	}
}

// checkLoopbackPorts starts a lab that publishes ports on every address:
// unexposed, they bind loopback.
func checkLoopbackPorts(ctx context.Context, t *testing.T, a *app.App, name string) {
	t.Helper()
	if err := up(ctx, a, name); err != nil {
		t.Fatal(err)
	}
	defer down(ctx, t, a, name)
	lt, _ := a.Lab(ctx, "strangers/"+name)
	ref, _ := lt.Ref("")
	st, err := a.Status(ctx, lt, ref)
	if err != nil {
		t.Fatal(err)
	}
	for _, svc := range st.Services {
		if len(svc.Ports) == 0 {
			t.Errorf("service %s publishes nothing", svc.Name)
		}
		for _, p := range svc.Ports {
			if p.HostIP != "127.0.0.1" {
				t.Errorf("port %d of an unexposed lab is published on %q", p.Container, p.HostIP)
			}
		}
	}
}

func up(ctx context.Context, a *app.App, name string) error {
	lt, err := a.Lab(ctx, "strangers/"+name)
	if err != nil {
		return err
	}
	ref, err := lt.Ref("")
	if err != nil {
		return err
	}
	_, err = a.Up(ctx, lt, ref, app.UpOptions{})
	return err
}

func down(ctx context.Context, t *testing.T, a *app.App, name string) {
	t.Helper()
	lt, err := a.Lab(ctx, "strangers/"+name)
	if err != nil {
		return
	}
	ref, _ := lt.Ref("")
	if err := a.Down(ctx, lt, ref, nil); err != nil {
		t.Errorf("%s: down: %v", name, err)
	}
}

// neighbour runs a container outside every lab, and an external volume,
// for the labs that reach for them.
func neighbour(t *testing.T, docker client.APIClient) {
	t.Helper()
	ctx := context.Background()
	_, _ = docker.ContainerRemove(ctx, "dsp-hostile-neighbour", client.ContainerRemoveOptions{Force: true})
	created, err := docker.ContainerCreate(ctx, client.ContainerCreateOptions{Name: "dsp-hostile-neighbour", Config: &container.Config{Image: "dsp/busybox:latest", Cmd: []string{"sleep", "600"}}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := docker.ContainerStart(ctx, created.ID, client.ContainerStartOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := docker.VolumeCreate(ctx, client.VolumeCreateOptions{Name: "dsp-hostile-volume"}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_, _ = docker.ContainerRemove(ctx, created.ID, client.ContainerRemoveOptions{Force: true})
		_, _ = docker.VolumeRemove(ctx, "dsp-hostile-volume", client.VolumeRemoveOptions{Force: true})
	})
}

// assertNothingOnHost checks that Docker holds no container, network or
// volume of the lab's instance, and that no marker was written on the host.
func assertNothingOnHost(t *testing.T, eng *local.Engine, docker client.APIClient, name, markers string) {
	t.Helper()
	ctx := context.Background()
	ref, err := engine.NewRef("strangers", name, "")
	if err != nil {
		t.Fatal(err)
	}
	f := client.Filters{}.Add("label", local.LabelProject+"="+eng.Project(ref))
	cs, err := docker.ContainerList(ctx, client.ContainerListOptions{All: true, Filters: f})
	if err != nil {
		t.Fatal(err)
	}
	ns, err := docker.NetworkList(ctx, client.NetworkListOptions{Filters: f})
	if err != nil {
		t.Fatal(err)
	}
	vs, err := docker.VolumeList(ctx, client.VolumeListOptions{Filters: f})
	if err != nil {
		t.Fatal(err)
	}
	if n := len(cs.Items) + len(ns.Items) + len(vs.Items); n > 0 {
		t.Errorf("%s: left %d container(s), %d network(s), %d volume(s) on the host", name, len(cs.Items), len(ns.Items), len(vs.Items))
	}
	if _, err := os.Stat(filepath.Join(markers, "marker")); err == nil {
		t.Errorf("%s: a marker was written on the host", name)
	}
}
