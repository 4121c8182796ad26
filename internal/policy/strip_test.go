package policy_test

import (
	"context"
	"testing"

	"github.com/compose-spec/compose-go/v2/loader"
	"github.com/compose-spec/compose-go/v2/types"

	"github.com/dsp-lab/dsp/internal/policy"
)

func load(t *testing.T, yaml string) *types.Project {
	t.Helper()
	p, err := loader.LoadWithContext(context.Background(), types.ConfigDetails{
		WorkingDir:  t.TempDir(),
		ConfigFiles: []types.ConfigFile{{Filename: "compose.yaml", Content: []byte(yaml)}},
		Environment: types.Mapping{},
	}, func(o *loader.Options) { o.SetProjectName("strip", true) })
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// Strip leaves out exactly what needs trust, from a copy.
func TestStrip(t *testing.T) {
	p := load(t, `
services:
  a:
    image: busybox
    privileged: true
    cap_add: [SYS_ADMIN]
    network_mode: host
    pid: host
    environment: {KEEP: "1"}
    ports: ["8080:80"]
  b:
    image: busybox
    devices: ["/dev/kvm:/dev/kvm"]
    build:
      context: .
      privileged: true
`)
	found, err := policy.Check(p, policy.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(found) == 0 {
		t.Fatal("no findings")
	}
	out, err := policy.Strip(p, found)
	if err != nil {
		t.Fatal(err)
	}
	left, err := policy.Check(out, policy.Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range left {
		if f.Access == policy.Trusted {
			t.Errorf("left after Strip: %s", f)
		}
	}
	a := out.Services["a"]
	if a.Privileged || len(a.CapAdd) != 0 || a.NetworkMode != "" || a.Pid != "" {
		t.Errorf("service a keeps risks: %+v", a)
	}
	if a.Environment["KEEP"] == nil || len(a.Ports) != 1 || out.Services["b"].Build == nil {
		t.Errorf("Strip took more than the risks: %+v", a)
	}
	if !p.Services["a"].Privileged || len(p.Services["b"].Devices) != 1 {
		t.Error("Strip changed the project it was given")
	}
}
