package lab

import (
	"maps"
	"slices"
	"testing"

	"github.com/compose-spec/compose-go/v2/types"
)

const viewLab = `x-dsp:
  title: View
services:
  web:
    image: nginx:1
    networks:
      lan: {ipv4_address: 10.1.0.5}
  db:
    image: postgres:16
    networks: [lan]
    x-dsp:
      shell: false
networks:
  lan:
    ipam:
      config:
        - subnet: 10.1.0.9/24
  wan:
    ipam:
      config:
        - subnet: 10.2.0.0/24
`

// copyWithProject returns a copy of l whose project (and its services and
// networks maps) can be changed without touching l.
func copyWithProject(l *Lab) *Lab {
	c := *l
	p := *l.Project
	p.Services = maps.Clone(l.Project.Services)
	p.Networks = maps.Clone(l.Project.Networks)
	c.Project = &p
	return &c
}

// The services and networks a person sees are derived from the compose
// project at each call: a change to the project shows at once, and what
// compose cannot say (shell, the subnet as written) stays with the lab.
func TestServicesDerivedFromProject(t *testing.T) {
	l, problems := mustLoad(t, newLab(t, nativeRepo(t), "lab", map[string]string{"compose.yaml": viewLab}))
	noErrors(t, problems)
	before := l.Services()
	if got := l.ServiceNames(); !slices.Equal(got, []string{"db", "web"}) {
		t.Fatalf("ServiceNames = %q", got)
	}

	c := copyWithProject(l)
	web := c.Project.Services["web"]
	web.Image = "nginx:2"
	web.Networks = maps.Clone(web.Networks)
	web.Networks["wan"] = &types.ServiceNetworkConfig{Ipv4Address: "10.2.0.7"}
	c.Project.Services["web"] = web
	cache := types.ServiceConfig{Name: "cache"}
	cache.Image = "redis:7"
	c.Project.Services["cache"] = cache

	got, ok := c.Service("web")
	if !ok {
		t.Fatal("Service(web) not found in the copy")
	}
	if got.Image != "nginx:2" {
		t.Errorf("copy's web image = %q, want the project's nginx:2", got.Image)
	}
	wantNets := []ServiceNetwork{{Name: "lan", IP: "10.1.0.5"}, {Name: "wan", IP: "10.2.0.7"}}
	if !slices.Equal(got.Networks, wantNets) {
		t.Errorf("copy's web networks = %+v, want %+v", got.Networks, wantNets)
	}
	if names := c.ServiceNames(); !slices.Equal(names, []string{"cache", "db", "web"}) {
		t.Errorf("copy's ServiceNames = %q", names)
	}
	services := c.Services()
	if len(services) != 3 || services[0].Name != "cache" || services[2].Image != "nginx:2" {
		t.Errorf("copy's Services = %+v", services)
	}
	if imgs := c.Images(); !slices.Equal(imgs, []string{"redis:7", "postgres:16", "nginx:2"}) {
		t.Errorf("copy's Images = %q", imgs)
	}
	// The shell setting is the lab's, not the project's: it follows the
	// service name.
	if db, _ := c.Service("db"); db.Shell {
		t.Error("db allows a shell in the copy, want x-dsp.shell: false kept")
	}
	if cache, _ := c.Service("cache"); !cache.Shell {
		t.Error("a service the lab says nothing about allows no shell")
	}

	// The original lab still shows its own project.
	if after := l.Services(); !slices.EqualFunc(before, after, sameService) {
		t.Errorf("original services changed:\n%+v\nwant\n%+v", after, before)
	}
	if w, _ := l.Service("web"); w.Image != "nginx:1" || len(w.Networks) != 1 {
		t.Errorf("original web = %+v", w)
	}
}

func TestNetworksDerivedFromProject(t *testing.T) {
	l, _ := mustLoad(t, newLab(t, nativeRepo(t), "lab", map[string]string{"compose.yaml": viewLab}))
	// wan is attached to no service, so loading drops it.
	want := []Network{{Name: "lan", Subnet: "10.1.0.0/24", Written: "10.1.0.9/24"}}
	if got := l.Networks(); !slices.Equal(got, want) {
		t.Fatalf("Networks = %+v, want %+v", got, want)
	}

	c := copyWithProject(l)
	c.Project.Networks["dmz"] = types.NetworkConfig{Name: "dmz", External: true}
	want = []Network{{Name: "dmz", External: true}, {Name: "lan", Subnet: "10.1.0.0/24", Written: "10.1.0.9/24"}}
	if got := c.Networks(); !slices.Equal(got, want) {
		t.Errorf("copy's Networks = %+v, want %+v", got, want)
	}
	if got := l.Networks(); len(got) != 1 {
		t.Errorf("original Networks = %+v", got)
	}
}

// A lab without a project (its compose file could not be read) has empty,
// non-nil views.
func TestViewsWithoutProject(t *testing.T) {
	l := &Lab{Name: "bare"}
	if s := l.Services(); s == nil || len(s) != 0 {
		t.Errorf("Services = %#v, want an empty slice", s)
	}
	if n := l.Networks(); n == nil || len(n) != 0 {
		t.Errorf("Networks = %#v, want an empty slice", n)
	}
	if n := l.ServiceNames(); n == nil || len(n) != 0 {
		t.Errorf("ServiceNames = %#v, want an empty slice", n)
	}
	if _, ok := l.Service("web"); ok {
		t.Error("Service(web) found a service in a lab without a project")
	}
	if imgs := l.Images(); len(imgs) != 0 {
		t.Errorf("Images = %q", imgs)
	}
}

// Changing a returned Service does not change the lab.
func TestServiceViewIsACopy(t *testing.T) {
	l, _ := mustLoad(t, newLab(t, nativeRepo(t), "lab", map[string]string{"compose.yaml": `services:
  web:
    image: alpine
    cap_add: [NET_ADMIN]
`}))
	web, _ := l.Service("web")
	web.CapAdd[0] = "SYS_ADMIN"
	if got := l.Project.Services["web"].CapAdd; !slices.Equal(got, []string{"NET_ADMIN"}) {
		t.Errorf("project cap_add = %q after changing the view", got)
	}
}

// WithFlag plants the flag in the copy's project only; the original's
// project, and the services view of both, are left as they were.
func TestWithFlagLeavesOriginalProject(t *testing.T) {
	l, _ := mustLoad(t, newLab(t, nativeRepo(t), "lab", map[string]string{"compose.yaml": flagLab}))
	before := l.Services()
	const flag = "CTF{00112233445566778899aabbccddeeff}"
	c := l.WithFlag(flag)
	if c.Project == l.Project {
		t.Fatal("the copy shares the original's project")
	}
	secret := func(l *Lab) string {
		t.Helper()
		v := l.Project.Services["web"].Environment["SECRET"]
		if v == nil {
			t.Fatal("web has no SECRET")
		}
		return *v
	}
	if got := secret(c); got != flag {
		t.Errorf("copy's SECRET = %q, want %q", got, flag)
	}
	if got := secret(l); got != FlagPlaceholder {
		t.Errorf("original's SECRET = %q after WithFlag, want %q", got, FlagPlaceholder)
	}
	if !slices.EqualFunc(c.Services(), before, sameService) || !slices.EqualFunc(l.Services(), before, sameService) {
		t.Errorf("services view changed: copy %+v, original %+v, want %+v", c.Services(), l.Services(), before)
	}
	// The copy's view derives from the copy's project.
	web := c.Project.Services["web"]
	web.Image = "alpine:edge"
	c.Project.Services["web"] = web
	if s, _ := c.Service("web"); s.Image != "alpine:edge" {
		t.Errorf("copy's web image = %q, want alpine:edge", s.Image)
	}
	if s, _ := l.Service("web"); s.Image != "alpine" {
		t.Errorf("original's web image = %q after changing the copy", s.Image)
	}
}

// sameService compares two service views field by field.
func sameService(a, b Service) bool {
	return a.Name == b.Name && a.Image == b.Image && a.Build == b.Build &&
		slices.Equal(a.Networks, b.Networks) && slices.Equal(a.Ports, b.Ports) &&
		slices.Equal(a.CapAdd, b.CapAdd) && a.Privileged == b.Privileged && a.Shell == b.Shell &&
		sameDuration(a.StopTimeout, b.StopTimeout)
}

func sameDuration[T comparable](a, b *T) bool {
	if a == nil || b == nil {
		return a == b
	}
	return *a == *b
}
