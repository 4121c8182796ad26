// Package report builds the documents that describe labs to people and
// scripts: the catalogue and a lab's details. The CLI's --json output and
// the web API are the same documents, built here, so they cannot disagree.
package report

import (
	"context"
	"errors"
	"time"

	"github.com/dsp-lab/dsp/internal/catalog"
	"github.com/dsp-lab/dsp/internal/engine"
	"github.com/dsp-lab/dsp/internal/lab"
	"github.com/dsp-lab/dsp/internal/labtest"
)

// Catalogue is every lab of every repository with its state.
type Catalogue struct {
	Home         string `json:"home"`
	Repositories []Repo `json:"repositories"`
}

// Repo is a repository in the catalogue.
type Repo struct {
	Name     string      `json:"name"`
	Dir      string      `json:"dir"`
	Personal bool        `json:"personal"`
	Trusted  bool        `json:"trusted"`
	Labels   []lab.Label `json:"labels"`
	Labs     []Lab       `json:"labs"`
}

// Lab is a lab in the catalogue.
type Lab struct {
	Name        string      `json:"name"`
	Title       string      `json:"title"`
	Description string      `json:"description"`
	Format      lab.Format  `json:"format"`
	Labels      []lab.Label `json:"labels"`
	State       string      `json:"state"`
	Valid       bool        `json:"valid"`
	Errors      []string    `json:"errors"`
	// LastTest sums up the lab's last test or checks report; nil when it
	// was never tested (or the caller does not read the reports).
	LastTest *TestSummary `json:"lastTest"`
}

// TestSummary is the gist of a lab's last test or checks report: enough
// for a list of labs; the lab's details have the whole report.
type TestSummary struct {
	Mode    string    `json:"mode"`   // labtest.ModeTest or labtest.ModeChecks
	Status  string    `json:"status"` // passed or failed
	Started time.Time `json:"started"`
	Failed  int       `json:"failed"` // failed steps
}

// TestSummaryOf sums up a report; nil gives nil.
func TestSummaryOf(r *labtest.Report) *TestSummary {
	if r == nil {
		return nil
	}
	return &TestSummary{Mode: r.Mode, Status: string(r.Status), Started: r.Started, Failed: len(r.Failures())}
}

// StateUnknown is the state of every lab when Docker cannot be reached.
const StateUnknown = "unknown"

// BuildCatalogue loads every lab; states maps lab instances to states (nil
// when Docker cannot be reached); tests maps REPO/LAB to the lab's last test
// report (labtest.Store.All; nil when the reports are not read).
func BuildCatalogue(ctx context.Context, c *catalog.Catalog, states map[engine.Ref]engine.State, tests map[string]*labtest.Report) (*Catalogue, error) {
	repos, entries, err := c.Labs(ctx)
	if err != nil {
		return nil, err
	}
	doc := &Catalogue{Home: c.Home, Repositories: []Repo{}}
	for _, r := range repos {
		labels := r.Labels
		if labels == nil {
			labels = []lab.Label{}
		}
		rj := Repo{Name: r.Name, Dir: r.Dir, Personal: r.Personal, Trusted: r.Trusted, Labels: labels, Labs: []Lab{}}
		for _, e := range entries {
			if e.Repo != r.Name {
				continue
			}
			lj := Lab{Name: e.Name, Title: e.Name, Labels: []lab.Label{}, Valid: e.Error == nil, Errors: ErrorLines(e.Error)}
			lj.State = StateOf(states, engine.Ref{Repo: e.Repo, Lab: e.Name, Instance: engine.DefaultInstance})
			lj.LastTest = TestSummaryOf(tests[e.Repo+"/"+e.Name])
			if e.Lab != nil {
				lj.Title, lj.Description, lj.Format = e.Lab.Title, e.Lab.Description, e.Lab.Format
				if e.Lab.Labels != nil {
					lj.Labels = e.Lab.Labels
				}
			}
			rj.Labs = append(rj.Labs, lj)
		}
		doc.Repositories = append(doc.Repositories, rj)
	}
	return doc, nil
}

// StateOf returns an instance's state from a States map.
func StateOf(states map[engine.Ref]engine.State, ref engine.Ref) string {
	if states == nil {
		return StateUnknown
	}
	if s, ok := states[ref]; ok {
		return string(s)
	}
	return string(engine.StateStopped)
}

// Details is everything about one lab: its model, what it needs, what it
// asks for, and its state.
type Details struct {
	*lab.Lab
	ID      string         `json:"id"`
	Images  []string       `json:"images"`
	Risks   []lab.Risk     `json:"risks"`
	Trusted bool           `json:"trusted"`
	State   string         `json:"state"`
	Status  *engine.Status `json:"status,omitempty"`
	Valid   bool           `json:"valid"`
	Errors  []string       `json:"errors"`
	// LastTest is the lab's last test or checks report (dsp test, or the
	// web app's Test lab and Run checks); nil when it was never tested or
	// when the caller does not read the reports.
	LastTest *labtest.Report `json:"lastTest"`
}

// BuildDetails describes a lab; status may be nil when Docker cannot be
// reached.
func BuildDetails(l *lab.Lab, loadErr error, trusted bool, status *engine.Status) *Details {
	d := &Details{Lab: l, ID: l.ID(), Images: l.Images(), Risks: l.Risks(), Trusted: trusted, State: StateUnknown, Status: status, Valid: loadErr == nil, Errors: ErrorLines(loadErr)}
	if d.Images == nil {
		d.Images = []string{}
	}
	if d.Risks == nil {
		d.Risks = []lab.Risk{}
	}
	if status != nil {
		d.State = string(status.State)
	}
	return d
}

// ErrorLines lists a lab's errors, one problem a line.
func ErrorLines(err error) []string {
	if err == nil {
		return []string{}
	}
	var invalid *lab.InvalidError
	if errors.As(err, &invalid) {
		var out []string
		for _, p := range invalid.Problems.Errors() {
			out = append(out, p.String())
		}
		return out
	}
	return []string{err.Error()}
}
