package labtest

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/compose-spec/compose-go/v2/types"

	"github.com/dsp-lab/dsp/internal/lab"
)

// labWith is a lab whose compose project has networks with the given
// subnets and one service publishing the given host ports.
func labWith(name string, subnets []string, hostPorts ...string) *lab.Lab {
	p := &types.Project{Name: "dsp-lab", Services: types.Services{}, Networks: types.Networks{}}
	svc := types.ServiceConfig{Name: "s"}
	svc.Image = "img"
	svc.Networks = map[string]*types.ServiceNetworkConfig{}
	for i, s := range subnets {
		net := fmt.Sprintf("n%d", i)
		p.Networks[net] = types.NetworkConfig{Name: net, Ipam: types.IPAMConfig{Config: []*types.IPAMPool{{Subnet: s}}}}
		svc.Networks[net] = nil
	}
	for _, port := range hostPorts {
		svc.Ports = append(svc.Ports, types.ServicePortConfig{Target: 80, Published: port, Protocol: "tcp"})
	}
	p.Services["s"] = svc
	return &lab.Lab{Repo: "r", Name: name, Project: p}
}

func TestSchedulerKeepsClashingLabsApart(t *testing.T) {
	targets := []Target{
		{Lab: labWith("a", []string{"10.1.0.0/24"})},
		{Lab: labWith("b", []string{"10.1.0.0/16"})}, // overlaps a
		{Lab: labWith("c", []string{"10.2.0.0/24"})},
		{Lab: labWith("d", nil, "8080")},
		{Lab: labWith("e", nil, "8080")}, // same host port as d
		{Lab: labWith("f", nil, "0")},    // an ephemeral port clashes with nothing
	}
	s := newScheduler(targets)
	var got []string
	for range 4 {
		i, ok := s.next()
		if !ok {
			t.Fatal("scheduler ran out early")
		}
		got = append(got, targets[i].Lab.Name)
	}
	if strings.Join(got, "") != "acdf" {
		t.Fatalf("first labs handed out = %v, want a c d f (b waits for a, e for d)", got)
	}
	next := make(chan string)
	go func() {
		i, _ := s.next()
		next <- targets[i].Lab.Name
	}()
	select {
	case name := <-next:
		t.Fatalf("%s ran while the lab it clashes with was running", name)
	case <-time.After(100 * time.Millisecond):
	}
	s.done(0) // a ends: b may run
	if name := <-next; name != "b" {
		t.Errorf("after a ended, %s ran; want b", name)
	}
	s.done(3) // d ends: e may run
	if i, ok := s.next(); !ok || targets[i].Lab.Name != "e" {
		t.Errorf("after d ended, got %v %v; want e", i, ok)
	}
	if _, ok := s.next(); ok {
		t.Error("a lab was handed out twice")
	}
}

func sampleReports() []*Report {
	started := time.Date(2026, 11, 30, 8, 0, 0, 0, time.UTC)
	return []*Report{
		{Repo: "r", Lab: "good", Mode: ModeTest, Status: Passed, Started: started, Duration: 1500, Steps: []Step{
			{Kind: StepValidate, Name: StepValidate, Status: Passed},
			{Kind: StepCheck, Name: "web <answers> & more", Status: Passed, Duration: 20, Message: "200 OK"},
		}},
		{Repo: "r", Lab: "bad", Mode: ModeTest, Status: Failed, Started: started, Duration: 2500, Steps: []Step{
			{Kind: StepCheck, Name: "ssh", Status: Failed, Message: "connection refused", Output: "line1\nline2 <tag>"},
			{Kind: StepSolve, Name: StepSolve, Status: Skipped, Message: "a step before failed"},
			{Kind: StepDown, Name: StepDown, Status: Passed},
		}},
	}
}

func TestJUnitCountsAndEscapes(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteJUnit(&buf, sampleReports()); err != nil {
		t.Fatal(err)
	}
	var full struct {
		Tests    int    `xml:"tests,attr"`
		Failures int    `xml:"failures,attr"`
		Skipped  int    `xml:"skipped,attr"`
		Time     string `xml:"time,attr"`
		Suites   []struct {
			Name  string `xml:"name,attr"`
			Tests int    `xml:"tests,attr"`
			Cases []struct {
				Name    string `xml:"name,attr"`
				Failure *struct {
					Message string `xml:"message,attr"`
					Text    string `xml:",chardata"`
				} `xml:"failure"`
			} `xml:"testcase"`
		} `xml:"testsuite"`
	}
	if err := xml.Unmarshal(buf.Bytes(), &full); err != nil {
		t.Fatalf("parse: %v\n%s", err, buf.String())
	}
	if full.Tests != 5 || full.Failures != 1 || full.Skipped != 1 || full.Time != "4.000" || len(full.Suites) != 2 {
		t.Errorf("totals = %+v", full)
	}
	if c := full.Suites[0].Cases[1]; c.Name != "check: web <answers> & more" {
		t.Errorf("case name = %q", c.Name)
	}
	if f := full.Suites[1].Cases[0].Failure; f == nil || f.Message != "connection refused" || f.Text != "line1\nline2 <tag>" {
		t.Errorf("failure = %+v", f)
	}
}

func TestJSONReportAndStore(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteJSON(&buf, sampleReports()); err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Summary Summary   `json:"summary"`
		Labs    []*Report `json:"labs"`
	}
	if err := json.Unmarshal(buf.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	if doc.Summary != (Summary{Labs: 2, Passed: 1, Failed: 1}) || len(doc.Labs) != 2 || doc.Labs[1].Steps[0].Output != "line1\nline2 <tag>" {
		t.Errorf("JSON report = %+v", doc)
	}
	if !strings.Contains(buf.String(), `"durationMs": 1500`) {
		t.Errorf("durations are not in milliseconds:\n%s", buf.String())
	}

	store := Store{Dir: t.TempDir()}
	if r, err := store.Last("r", "good"); r != nil || err != nil {
		t.Fatalf("never tested: %v, %v", r, err)
	}
	for _, r := range sampleReports() {
		if err := store.Save(r); err != nil {
			t.Fatal(err)
		}
	}
	// Names that slug alike stay apart.
	other := &Report{Repo: "r", Lab: "Good", Status: Failed}
	if err := store.Save(other); err != nil {
		t.Fatal(err)
	}
	got, err := store.Last("r", "good")
	if err != nil || got == nil || got.Status != Passed || len(got.Steps) != 2 {
		t.Errorf("last of r/good = %+v, %v", got, err)
	}
	if got, _ := store.Last("r", "Good"); got == nil || got.Status != Failed {
		t.Errorf("last of r/Good = %+v", got)
	}
}

func TestInterruptedSuiteStartsNothingMore(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	targets := []Target{{Lab: labWith("a", nil)}, {Lab: labWith("b", nil)}}
	started := 0
	reports := RunSuite(ctx, nil, targets, SuiteOptions{Parallel: 1, Started: func(string) { started++ }})
	if started != 0 {
		t.Errorf("%d labs started after the interruption", started)
	}
	for i, r := range reports {
		if r == nil || r.Status != Failed || len(r.Steps) != 1 || r.Steps[0].Message != "cancelled" {
			t.Errorf("report %d = %+v, want one cancelled step", i, r)
		}
	}
	if sum := Summarize(reports); sum.Failed != 2 {
		t.Errorf("summary = %+v", sum)
	}
}

// TestStoreAll: every lab's last report in one read of the folder, keyed
// by REPO/LAB; a missing folder is no reports, and files that are not
// reports (corrupt, temporary, misplaced, folders) are skipped.
func TestStoreAll(t *testing.T) {
	store := Store{Dir: filepath.Join(t.TempDir(), "tests")}
	all, err := store.All()
	if err != nil || all == nil || len(all) != 0 {
		t.Fatalf("missing folder: %v, %v; want an empty map", all, err)
	}
	for _, r := range sampleReports() {
		if err := store.Save(r); err != nil {
			t.Fatal(err)
		}
	}
	if err := store.Save(&Report{Repo: "other repo", Lab: "Good", Mode: ModeChecks, Status: Failed}); err != nil {
		t.Fatal(err)
	}
	good, err := os.ReadFile(store.file("r", "good"))
	if err != nil {
		t.Fatal(err)
	}
	for name, data := range map[string]string{
		"corrupt.json":   "{not json",
		"empty.json":     "",
		"no-lab.json":    `{"repo": "r", "status": "passed"}`,
		"misplaced.json": string(good), // not where Last looks for r/good
		".report-123456": string(good),
		"notes.txt":      "hello",
	} {
		if err := os.WriteFile(filepath.Join(store.Dir, name), []byte(data), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Mkdir(filepath.Join(store.Dir, "folder.json"), 0o700); err != nil {
		t.Fatal(err)
	}

	all, err = store.All()
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != 3 {
		t.Errorf("All = %d reports, want 3: %v", len(all), all)
	}
	if r := all["r/good"]; r == nil || r.Status != Passed || r.Mode != ModeTest || len(r.Steps) != 2 {
		t.Errorf("r/good = %+v", r)
	}
	if r := all["r/bad"]; r == nil || r.Status != Failed || len(r.Failures()) != 1 {
		t.Errorf("r/bad = %+v", r)
	}
	if r := all["other repo/Good"]; r == nil || r.Mode != ModeChecks || r.Status != Failed {
		t.Errorf("other repo/Good = %+v", r)
	}
	// All agrees with Last.
	for id, r := range all {
		last, err := store.Last(r.Repo, r.Lab)
		if err != nil || last == nil || last.ID() != id || last.Status != r.Status {
			t.Errorf("Last(%s) = %+v, %v; All has %+v", id, last, err, r)
		}
	}
}
