// Package report builds the documents that describe labs to people and
// scripts: the catalogue and a lab's details. The CLI's --json output and
// the web API are the same documents, built here, so they cannot disagree.
package report

import (
	"errors"
	"sort"
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
	// Instances are the lab's instances that are not stopped.
	Instances []InstanceSummary `json:"instances"`
	// LastTest sums up the lab's last test or checks report; nil when it
	// was never tested (or the caller does not read the reports).
	LastTest *TestSummary `json:"lastTest"`
}

// InstanceSummary is one instance of a lab and its state.
type InstanceSummary struct {
	Instance string `json:"instance"`
	State    string `json:"state"`
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

// BuildCatalogue describes every lab of every repository: repos and
// entries as the catalogue listed them; instances as the engine has them
// (nil when it cannot be reached: every state is unknown); tests maps
// REPO/LAB to the lab's last test report (nil when not read).
func BuildCatalogue(home string, repos []catalog.Repo, entries []catalog.Entry, instances []engine.Instance, tests map[string]*labtest.Report) *Catalogue {
	doc := &Catalogue{Home: home, Repositories: []Repo{}}
	for _, r := range repos {
		labels := r.Labels
		if labels == nil {
			labels = []lab.Label{}
		}
		rj := Repo{Name: r.Name, Dir: r.Dir, Personal: r.Personal, Trusted: r.Trusted, Labels: labels, Labs: []Lab{}}
		for _, e := range entries {
			if e.Repo == r.Name {
				rj.Labs = append(rj.Labs, catalogueLab(e, instances, tests))
			}
		}
		doc.Repositories = append(doc.Repositories, rj)
	}
	return doc
}

func catalogueLab(e catalog.Entry, instances []engine.Instance, tests map[string]*labtest.Report) Lab {
	lj := Lab{Name: e.Name, Title: e.Name, Labels: []lab.Label{}, Valid: e.Error == nil, Errors: ErrorLines(e.Error)}
	lj.State = StateOf(instances, e.Repo, e.Name, engine.DefaultInstance)
	lj.Instances = InstancesOf(instances, e.Repo, e.Name)
	lj.LastTest = TestSummaryOf(tests[e.Repo+"/"+e.Name])
	if e.Lab != nil {
		lj.Title, lj.Description, lj.Format = e.Lab.Title, e.Lab.Description, e.Lab.Format
		if e.Lab.Labels != nil {
			lj.Labels = e.Lab.Labels
		}
	}
	return lj
}

// StateOf returns the state of an instance of the lab REPO/LAB from the
// engine's list; StateUnknown when the list is nil (the engine cannot be
// reached).
func StateOf(instances []engine.Instance, repo, name, instance string) string {
	if instances == nil {
		return StateUnknown
	}
	for _, in := range instances {
		if in.Ref.Repo == repo && in.Ref.Lab == name && in.Ref.Instance == instance && in.Ref.Owner == "" {
			return string(in.State)
		}
	}
	return string(engine.StateStopped)
}

// InstancesOf lists the instances of the lab REPO/LAB that are not
// stopped, sorted by name.
func InstancesOf(instances []engine.Instance, repo, name string) []InstanceSummary {
	out := []InstanceSummary{}
	for _, in := range instances {
		if in.Ref.Repo == repo && in.Ref.Lab == name && in.Ref.Owner == "" && in.State != engine.StateStopped {
			out = append(out, InstanceSummary{Instance: in.Ref.Instance, State: string(in.State)})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Instance < out[j].Instance })
	return out
}

// Details is everything about one lab: its model, what it needs, what it
// asks for, and the state of one of its instances.
type Details struct {
	*lab.Lab
	ID       string        `json:"id"`
	Services []lab.Service `json:"services"`
	Networks []lab.Network `json:"networks"`
	// Problems are the problems found while loading (errors and warnings).
	Problems lab.Problems `json:"problems,omitempty"`
	Images   []string     `json:"images"`
	Risks    []lab.Risk   `json:"risks"`
	Trusted  bool         `json:"trusted"`
	// Exposed says the lab's published ports are offered to the network;
	// otherwise they bind 127.0.0.1.
	Exposed bool `json:"exposed"`
	// RepoExposed says the lab is exposed because its whole repository is.
	RepoExposed bool `json:"repoExposed"`
	// Editable says the lab is in the personal repository: the user may
	// edit, rename and delete it.
	Editable bool `json:"editable"`
	// AppliedLimits bound each container that sets none of its own (a
	// pids limit always applies).
	AppliedLimits engine.Limits `json:"appliedLimits"`
	// Instance is the instance State and Status describe.
	Instance string         `json:"instance"`
	State    string         `json:"state"`
	Status   *engine.Status `json:"status,omitempty"`
	// Instances are the lab's instances that are not stopped.
	Instances []InstanceSummary `json:"instances"`
	Valid     bool              `json:"valid"`
	Errors    []string          `json:"errors"`
	// LastTest is the lab's last test or checks report (dsp test, or the
	// web app's Test lab and Run checks); nil when it was never tested or
	// when the caller does not read the reports.
	LastTest *labtest.Report `json:"lastTest"`
}

// DetailsInput is what a lab's details are made of.
type DetailsInput struct {
	Lab         *lab.Lab
	Problems    lab.Problems
	LoadErr     error
	Trusted     bool
	Exposed     bool
	RepoExposed bool
	Editable    bool
	Limits      engine.Limits
	Instance    string
	// Status is the instance's status; nil when the engine cannot be
	// reached (the state is then unknown).
	Status *engine.Status
	// Instances are the engine's instances (nil when it cannot be reached).
	Instances []engine.Instance
	LastTest  *labtest.Report
}

// BuildDetails describes a lab.
func BuildDetails(in DetailsInput) *Details {
	l := in.Lab
	d := &Details{
		Lab: l, ID: l.ID(), Services: l.Services(), Networks: l.Networks(), Problems: in.Problems,
		Images: l.Images(), Risks: l.Risks(), Trusted: in.Trusted, Exposed: in.Exposed, RepoExposed: in.RepoExposed, Editable: in.Editable, AppliedLimits: in.Limits,
		Instance: in.Instance, State: StateUnknown, Status: in.Status,
		Instances: InstancesOf(in.Instances, l.Repo, l.Name),
		Valid:     in.LoadErr == nil, Errors: ErrorLines(in.LoadErr), LastTest: in.LastTest,
	}
	if d.Images == nil {
		d.Images = []string{}
	}
	if d.AppliedLimits.Pids == 0 {
		d.AppliedLimits.Pids = engine.DefaultPidsLimit
	}
	if d.Risks == nil {
		d.Risks = []lab.Risk{}
	}
	if in.Status != nil {
		d.State = string(in.Status.State)
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
