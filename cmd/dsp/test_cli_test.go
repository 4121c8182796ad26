package main

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/dsp-lab/dsp/internal/lab"
)

// dspSlow runs dsp like dsp() but with stdin and a longer deadline: a test
// run starts, solves and removes whole labs.
func dspSlow(t *testing.T, home, stdin string, timeout time.Duration, args ...string) (string, string, int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, dspBinary, append([]string{"--home", home}, args...)...)
	cmd.Stdin = strings.NewReader(stdin)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	if ctx.Err() != nil {
		t.Fatalf("dsp %v did not finish within %s\nstdout:\n%s\nstderr:\n%s", args, timeout, out.String(), errb.String())
	}
	code := 0
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		code = exit.ExitCode()
	} else if err != nil {
		t.Fatalf("run dsp %v: %v", args, err)
	}
	return out.String(), errb.String(), code
}

// ciRepo copies the repository's examples into home/ci/examples, a lab
// repository given to dsp by path as a lab repository's CI does. The
// subnets of routed-network move from 10.231.x to 10.234.x: other test
// packages may run the installed examples at the same time, and two labs
// cannot hold the same subnet. rewrite changes more text: lab-relative
// file → old → new.
func ciRepo(t *testing.T, home string, rewrite map[string][2]string) string {
	t.Helper()
	src, err := filepath.Abs("../../examples")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(src, "hello-flag", "compose.yaml")); err != nil {
		t.Skipf("examples not found: %v", err)
	}
	repo := filepath.Join(home, "ci", "examples")
	copyDir(t, src, repo)
	edit := func(rel, old, new string) {
		t.Helper()
		p := filepath.Join(repo, filepath.FromSlash(rel))
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(data), old) {
			t.Fatalf("%s does not contain %q", rel, old)
		}
		if err := os.WriteFile(p, []byte(strings.ReplaceAll(string(data), old, new)), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	edit("routed-network/compose.yaml", `10\.231\.`, `10\.234\.`)
	edit("routed-network/compose.yaml", "10.231.", "10.234.")
	edit("mixed-vm/compose.yaml", "10.233.", "10.236.")
	edit("mixed-vm/solve.sh", "10.233.", "10.236.")
	for rel, r := range rewrite {
		edit(rel, r[0], r[1])
	}
	return repo
}

// junitReport is the part of a JUnit XML report the tests read.
type junitReport struct {
	XMLName  xml.Name `xml:"testsuites"`
	Tests    int      `xml:"tests,attr"`
	Failures int      `xml:"failures,attr"`
	Suites   []struct {
		Name     string `xml:"name,attr"`
		Tests    int    `xml:"tests,attr"`
		Failures int    `xml:"failures,attr"`
		Cases    []struct {
			Name    string `xml:"name,attr"`
			Failure *struct {
				Message string `xml:"message,attr"`
				Text    string `xml:",chardata"`
			} `xml:"failure"`
		} `xml:"testcase"`
	} `xml:"testsuite"`
}

func readJUnit(t *testing.T, file string) junitReport {
	t.Helper()
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatalf("JUnit report: %v", err)
	}
	var r junitReport
	if err := xml.Unmarshal(data, &r); err != nil {
		t.Fatalf("JUnit report is not XML: %v\n%s", err, data)
	}
	return r
}

// jsonReport is the JSON report of a test run.
type jsonReport struct {
	Summary struct {
		Labs   int `json:"labs"`
		Passed int `json:"passed"`
		Failed int `json:"failed"`
	} `json:"summary"`
	Labs []struct {
		Repo   string `json:"repo"`
		Lab    string `json:"lab"`
		Mode   string `json:"mode"`
		Status string `json:"status"`
		Steps  []struct {
			Kind   string `json:"kind"`
			Name   string `json:"name"`
			Status string `json:"status"`
			Output string `json:"output"`
		} `json:"steps"`
	} `json:"labs"`
}

func readJSONReport(t *testing.T, file string) jsonReport {
	t.Helper()
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatalf("JSON report: %v", err)
	}
	var r jsonReport
	if err := json.Unmarshal(data, &r); err != nil {
		t.Fatalf("JSON report: %v\n%s", err, data)
	}
	return r
}

func TestLabSubmitAndCheck(t *testing.T) {
	requireDocker(t)
	home := t.TempDir()
	if out, stderr, code := dsp(t, home, "examples", "install"); code != 0 {
		t.Fatalf("examples install: exit %d\n%s%s", code, out, stderr)
	}
	const ref = "examples/hello-flag"
	l, _, err := lab.Load(context.Background(), filepath.Join(home, "examples", "hello-flag"))
	if err != nil {
		t.Fatal(err)
	}
	if len(l.Checks) == 0 {
		t.Fatal("hello-flag declares no checks")
	}

	// Stopped: no flag to compare with.
	out, stderr, code := dsp(t, home, "lab", "submit", ref, "FLAG{wrong}")
	if code != 1 || !strings.Contains(stderr, "is not running") || strings.Contains(out, "correct") {
		t.Errorf("submit to a stopped lab: exit %d\nstdout %q\nstderr %q", code, out, stderr)
	}
	out, stderr, code = dsp(t, home, "lab", "check", "--plain", ref)
	if code != 1 || !strings.Contains(out, "start it first") {
		t.Errorf("check on a stopped lab: exit %d\nstdout %q\nstderr %q", code, out, stderr)
	}

	t.Cleanup(func() { dsp(t, home, "lab", "down", ref) })
	if out, stderr, code := dsp(t, home, "lab", "up", "--plain", ref); code != 0 {
		t.Fatalf("up: exit %d\n%s\n%s", code, out, stderr)
	}

	out, stderr, code = dsp(t, home, "lab", "submit", ref, "FLAG{wrong}")
	if code != 1 || !strings.Contains(out, "wrong flag") || strings.Contains(out, "correct") {
		t.Errorf("wrong flag: exit %d\nstdout %q\nstderr %q", code, out, stderr)
	}
	out, stderr, code = dsp(t, home, "lab", "submit", ref, "")
	if code != 1 || strings.Contains(out, "correct") {
		t.Errorf("empty flag: exit %d\nstdout %q\nstderr %q", code, out, stderr)
	}

	proof, stderr, code := dsp(t, home, "shell", ref, "target", "--", "cat", "/home/alice/proof.txt")
	flag := strings.TrimSpace(proof)
	if code != 0 || !regexp.MustCompile(`^FLAG\{[0-9a-f]{32}\}$`).MatchString(flag) {
		t.Fatalf("read the flag: exit %d, %q, %s", code, proof, stderr)
	}
	out, stderr, code = dsp(t, home, "lab", "submit", ref, flag)
	if code != 0 || !strings.Contains(out, "correct") || !strings.Contains(out, ref) {
		t.Errorf("right flag: exit %d\nstdout %q\nstderr %q", code, out, stderr)
	}
	// As read from the file, with its newline, and from standard input.
	out, stderr, code = dspIn(t, home, proof, "lab", "submit", ref, "-")
	if code != 0 || !strings.Contains(out, "correct") {
		t.Errorf("right flag on stdin: exit %d\nstdout %q\nstderr %q", code, out, stderr)
	}
	out, stderr, code = dspIn(t, home, "FLAG{0123}\n", "lab", "submit", ref, "-")
	if code != 1 || !strings.Contains(out, "wrong flag") {
		t.Errorf("wrong flag on stdin: exit %d\nstdout %q\nstderr %q", code, out, stderr)
	}
	// The flag of the running instance is not the one in the lab's files.
	if strings.Contains(flag, lab.FlagPlaceholder) {
		t.Errorf("the placeholder was planted as it is: %q", flag)
	}

	out, stderr, code = dsp(t, home, "lab", "check", "--plain", ref)
	if code != 0 {
		t.Errorf("check: exit %d\n%s\n%s", code, out, stderr)
	}
	for _, c := range l.Checks {
		if !strings.Contains(out, fmt.Sprintf("✓ check %q", c.Name)) {
			t.Errorf("check output lacks ✓ for %q:\n%s", c.Name, out)
		}
	}
	if strings.Contains(out, "✗") || !strings.Contains(out, "PASSED "+ref) {
		t.Errorf("check output:\n%s", out)
	}

	if out, stderr, code := dsp(t, home, "lab", "down", ref); code != 0 {
		t.Fatalf("down: exit %d\n%s\n%s", code, out, stderr)
	}
	// The flag dies with the instance.
	out, stderr, code = dsp(t, home, "lab", "submit", ref, flag)
	if code != 1 || !strings.Contains(stderr, "is not running") {
		t.Errorf("submit after down: exit %d\nstdout %q\nstderr %q", code, out, stderr)
	}
}

// `dsp test PATH` on a copy of the examples, as a lab repository's CI runs
// it: both labs pass and the reports agree.
func TestDspTestExamples(t *testing.T) {
	requireDocker(t)
	home := t.TempDir()
	repo := ciRepo(t, home, nil)
	dir := t.TempDir()
	junit, jsonFile := filepath.Join(dir, "report.xml"), filepath.Join(dir, "report.json")
	out, stderr, code := dspSlow(t, home, "", 8*time.Minute, "test", repo, "--junit", junit, "--json", jsonFile)
	if code != 0 {
		t.Fatalf("dsp test: exit %d\nstdout:\n%s\nstderr:\n%s", code, out, stderr)
	}
	labs := exampleLabs(t, repo)
	want := []string{fmt.Sprintf("%d lab(s): %d passed, 0 failed", len(labs), len(labs))}
	for name := range labs {
		want = append(want, "PASS examples/"+name)
	}
	for _, want := range want {
		if !strings.Contains(out, want) {
			t.Errorf("stdout lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "FAIL") {
		t.Errorf("stdout:\n%s", out)
	}

	steps := checkExamplesJSON(t, readJSONReport(t, jsonFile), labs)
	checkExamplesJUnit(t, readJUnit(t, junit), steps, len(labs))

	// Nothing is left running.
	out, _, _ = dsp(t, home, "lab", "list", "--json")
	if strings.Contains(out, `"state": "running"`) {
		t.Errorf("a lab still runs after dsp test:\n%s", out)
	}
}

// exampleLabs loads the labs of the examples repository, by name.
func exampleLabs(t *testing.T, repo string) map[string]*lab.Lab {
	t.Helper()
	entries, err := os.ReadDir(repo)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]*lab.Lab{}
	for _, e := range entries {
		if _, err := os.Stat(filepath.Join(repo, e.Name(), lab.MarkerFile)); err != nil {
			continue
		}
		l, _, err := lab.Load(context.Background(), filepath.Join(repo, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		out[e.Name()] = l
	}
	return out
}

// checkExamplesJSON checks the JSON report of TestDspTestExamples: every
// lab passed all its steps, one per check, a flag step where it plants a
// flag. It returns the number of steps.
func checkExamplesJSON(t *testing.T, rep jsonReport, labs map[string]*lab.Lab) int {
	t.Helper()
	n := len(labs)
	if rep.Summary.Labs != n || rep.Summary.Passed != n || rep.Summary.Failed != 0 || len(rep.Labs) != n {
		t.Errorf("JSON summary = %+v with %d labs, want %d", rep.Summary, len(rep.Labs), n)
	}
	steps := 0
	for _, l := range rep.Labs {
		steps += len(l.Steps)
		if l.Repo != "examples" || l.Status != "passed" || l.Mode != "test" {
			t.Errorf("lab %s/%s: %s %s", l.Repo, l.Lab, l.Mode, l.Status)
		}
		kinds := map[string]int{}
		for _, s := range l.Steps {
			kinds[s.Kind]++
			if s.Status != "passed" {
				t.Errorf("%s: step %s %s", l.Lab, s.Name, s.Status)
			}
		}
		def := labs[l.Lab]
		if def == nil {
			t.Errorf("report of an unknown lab %s", l.Lab)
			continue
		}
		flags := 0
		if def.Flag != nil {
			flags = 1
		}
		for k, want := range map[string]int{"validate": 1, "up": 1, "healthy": 1, "solve": 1, "flag": flags, "down": 1, "check": len(def.Checks)} {
			if kinds[k] != want {
				t.Errorf("%s: %d %s steps, want %d", l.Lab, kinds[k], k, want)
			}
		}
	}
	return steps
}

// checkExamplesJUnit checks the JUnit report of TestDspTestExamples: one
// suite per lab, one test per step of the JSON report, no failure.
func checkExamplesJUnit(t *testing.T, ju junitReport, steps, labs int) {
	t.Helper()
	if len(ju.Suites) != labs || ju.Failures != 0 || ju.Tests != steps || steps == 0 {
		t.Errorf("JUnit: %d suites, %d tests, %d failures; want %d, %d, 0", len(ju.Suites), ju.Tests, ju.Failures, labs, steps)
	}
	names := map[string]bool{}
	for _, s := range ju.Suites {
		names[s.Name] = true
		if s.Failures != 0 || s.Tests != len(s.Cases) {
			t.Errorf("suite %s: %d tests, %d cases, %d failures", s.Name, s.Tests, len(s.Cases), s.Failures)
		}
	}
	if !names["examples/hello-flag"] || !names["examples/routed-network"] {
		t.Errorf("JUnit suites = %v", names)
	}
}

// A lab whose solution no longer works fails at the solve step, with the
// script's own explanation.
func TestLabTestFailingSolve(t *testing.T) {
	requireDocker(t)
	home := t.TempDir()
	repo := ciRepo(t, home, map[string][2]string{
		"hello-flag/compose.yaml": {"password: wonderland", "password: Str0ng-and-unguessable"},
	})
	junit := filepath.Join(t.TempDir(), "report.xml")
	labDir := filepath.Join(repo, "hello-flag")
	out, stderr, code := dspSlow(t, home, "", 5*time.Minute, "lab", "test", "--plain", labDir, "--junit", junit)
	if code != 1 {
		t.Fatalf("lab test: exit %d, want 1\nstdout:\n%s\nstderr:\n%s", code, out, stderr)
	}
	for _, want := range []string{"FAILED examples/hello-flag", "✗ solve: the solution exited with code 1", "│ no flag: the telnet login as alice failed", "- flag:", "✓ down"} {
		if !strings.Contains(out, want) {
			t.Errorf("stdout lacks %q:\n%s", want, out)
		}
	}
	// The checks still pass: only the solution is broken.
	if n := strings.Count(out, "✗"); n != 1 {
		t.Errorf("%d failed steps, want only solve:\n%s", n, out)
	}

	ju := readJUnit(t, junit)
	if len(ju.Suites) != 1 || ju.Failures != 1 || ju.Suites[0].Failures != 1 {
		t.Fatalf("JUnit: %+v", ju)
	}
	var failed []string
	for _, c := range ju.Suites[0].Cases {
		if c.Failure != nil {
			failed = append(failed, c.Name)
			if !strings.Contains(c.Failure.Text, "no flag: the telnet login as alice failed") {
				t.Errorf("failure text of %s = %q", c.Name, c.Failure.Text)
			}
		}
	}
	if len(failed) != 1 || failed[0] != "solve" {
		t.Errorf("failed test cases = %q, want [solve]", failed)
	}
}

func TestDspTestWithoutLabsOrChecks(t *testing.T) {
	home := t.TempDir()

	// A folder that holds no lab.
	empty := filepath.Join(t.TempDir(), "nothing")
	if err := os.MkdirAll(filepath.Join(empty, "docs"), 0o755); err != nil {
		t.Fatal(err)
	}
	out, stderr, code := dsp(t, home, "test", empty)
	if code != 1 || !strings.Contains(stderr, empty+" holds no lab") {
		t.Errorf("dsp test on a folder without labs: exit %d\nstdout %q\nstderr %q", code, out, stderr)
	}
	// A missing folder.
	_, stderr, code = dsp(t, home, "test", filepath.Join(empty, "missing"))
	if code != 1 || !strings.Contains(stderr, "missing") {
		t.Errorf("dsp test on a missing folder: exit %d, %q", code, stderr)
	}
	// An unknown repository name.
	_, stderr, code = dsp(t, home, "test", "no-such-repo")
	if code != 1 || !strings.Contains(stderr, `repository "no-such-repo"`) {
		t.Errorf("dsp test on an unknown repository: exit %d, %q", code, stderr)
	}

	// A repository with labs, none with checks: nothing runs, and the
	// message says how to test them anyway. The reports are still written.
	repo := filepath.Join(t.TempDir(), "plain")
	for p, content := range map[string]string{
		".dsp":           "",
		"a/.dsp":         "",
		"a/compose.yaml": "x-dsp: {title: A}\nservices:\n  box:\n    image: dsp/busybox:latest\n    command: [sleep, infinity]\n",
		"b/compose.yaml": "x-dsp:\n  title: B\n  flag: true\nservices:\n  box:\n    image: dsp/busybox:latest\n    command: [sleep, infinity]\n",
	} {
		p = filepath.Join(repo, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	dir := t.TempDir()
	junit, jsonFile := filepath.Join(dir, "r.xml"), filepath.Join(dir, "r.json")
	out, stderr, code = dsp(t, home, "test", repo, "--junit", junit, "--json", jsonFile)
	if code != 0 || !strings.Contains(out, "no lab declares checks") || !strings.Contains(out, "--all") {
		t.Errorf("dsp test on labs without checks: exit %d\nstdout %q\nstderr %q", code, out, stderr)
	}
	if strings.Contains(out, "testing ") {
		t.Errorf("labs without checks were tested:\n%s", out)
	}
	if ju := readJUnit(t, junit); len(ju.Suites) != 0 || ju.Tests != 0 {
		t.Errorf("JUnit of an empty run: %+v", ju)
	}
	if rep := readJSONReport(t, jsonFile); rep.Summary.Labs != 0 || len(rep.Labs) != 0 {
		t.Errorf("JSON of an empty run: %+v", rep)
	}

	// With --all the same repository's two labs are tested (validate, up,
	// healthy, down): the labs were found, they only lacked checks.
	requireDocker(t)
	out, stderr, code = dspSlow(t, home, "", 4*time.Minute, "test", "--all", repo, "--json", jsonFile)
	if code != 0 || !strings.Contains(out, "PASS plain/a") || !strings.Contains(out, "PASS plain/b") || !strings.Contains(out, "2 lab(s): 2 passed, 0 failed") {
		t.Errorf("dsp test --all: exit %d\nstdout:\n%s\nstderr:\n%s", code, out, stderr)
	}
	rep := readJSONReport(t, jsonFile)
	for _, l := range rep.Labs {
		var kinds []string
		for _, s := range l.Steps {
			kinds = append(kinds, s.Kind)
		}
		if got := strings.Join(kinds, " "); got != "validate up healthy down" {
			t.Errorf("%s/%s steps = %s, want validate up healthy down", l.Repo, l.Lab, got)
		}
	}
}
