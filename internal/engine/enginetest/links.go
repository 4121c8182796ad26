package enginetest

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/dsp-lab/dsp/internal/engine"
	"github.com/dsp-lab/dsp/internal/linkshape"
)

// testLinks: every lab interface of the running containers is listed; a
// rate limit is set on one service's interface and cleared again; a delay
// either works or fails as a missing sch_netem, leaving the link as it was.
func (s *suite) testLinks(t *testing.T) {
	e := s.engine(t)
	front, back := s.subnets.take(), s.subnets.take()
	l := s.lab(t, "contract-links", strings.NewReplacer("FRONT", front, "BACK", back).Replace(toolboxLab))
	r := ref(t, l)
	ctx := ctxFor(t, 3*time.Minute)
	if _, err := e.Links(ctx, r); !errors.As(err, new(*engine.NotRunningError)) {
		t.Errorf("links of a stopped lab: %v, want a *engine.NotRunningError", err)
	}
	up(t, e, r, l, engine.UpOptions{Trusted: true})
	links, err := e.Links(ctx, r)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, li := range links {
		got = append(got, li.Service+"/"+li.Network+"="+li.IP)
		if li.Interface == "" || li.Shape.Text != "none" {
			t.Errorf("link %+v, want an interface name and no shape", li)
		}
	}
	if want := "router/back=" + back + ".2 router/front=" + front + ".2 victim/back=" + back + ".3"; strings.Join(got, " ") != want {
		t.Errorf("links %s, want %s", got, want)
	}

	set, err := e.SetLink(ctx, r, "router", "back", linkshape.Shape{Rate: 1_000_000})
	if err != nil {
		t.Fatalf("set a rate: %v", err)
	}
	if len(set) != 1 || set[0].Network != "back" || set[0].Shape.Rate != 1_000_000 || !strings.Contains(set[0].Shape.Text, "1Mbit/s") {
		t.Errorf("set %+v, want router's back link at 1 Mbit/s", set)
	}
	all, _ := e.SetLink(ctx, r, "victim", "", linkshape.Shape{Rate: 500_000})
	if len(all) != 1 || all[0].Shape.Rate != 500_000 {
		t.Errorf("set on every network of victim: %+v", all)
	}
	if _, err := e.SetLink(ctx, r, "victim", "front", linkshape.Shape{Rate: 500_000}); !errors.As(err, new(*engine.NoNetworkError)) {
		t.Errorf("set on a network the service is not on: %v, want a *engine.NoNetworkError", err)
	}
	_, err = e.SetLink(ctx, r, "router", "back", linkshape.Shape{Rate: 1_000_000, Delay: 50 * time.Millisecond})
	var missing *linkshape.MissingKernelFeatureError
	switch {
	case errors.As(err, &missing):
		if missing.Feature != "sch_netem" {
			t.Errorf("missing feature %q", missing.Feature)
		}
		if links, _ := e.Links(ctx, r); shapeOf(links, "router", "back").Rate != 1_000_000 {
			t.Errorf("a refused delay changed the link: %+v", links)
		}
	case err != nil:
		t.Errorf("set a delay: %v", err)
	}
	if _, err := e.ClearLink(ctx, r, "router", ""); err != nil {
		t.Fatalf("clear: %v", err)
	}
	links, _ = e.Links(ctx, r)
	if sh := shapeOf(links, "router", "back"); sh.Rate != 0 || sh.Text != "none" {
		t.Errorf("after clear: %+v", sh)
	}
	if sh := shapeOf(links, "victim", "back"); sh.Rate != 500_000 {
		t.Errorf("clearing router changed victim: %+v", sh)
	}
}

func shapeOf(links []engine.LinkStatus, service, network string) engine.LinkShape {
	for _, l := range links {
		if l.Service == service && l.Network == network {
			return l.Shape
		}
	}
	return engine.LinkShape{}
}
