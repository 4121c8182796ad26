package main

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/dsp-lab/dsp/internal/dsptest"
	"github.com/dsp-lab/dsp/internal/report"
)

// dspBinary is built once by TestMain: the CLI is tested as a user runs it.
var dspBinary string

func TestMain(m *testing.M) { dsptest.Main(m, &dspBinary) }

// dsp runs the binary with --home and returns stdout, stderr and the exit code.
func dsp(t *testing.T, home string, args ...string) (string, string, int) {
	t.Helper()
	return dsptest.Run(t, dspBinary, home, args...)
}

// requireDocker skips (or fails under CI) when no engine answers.
func requireDocker(t *testing.T) {
	t.Helper()
	home := t.TempDir()
	_, stderr, _ := dsp(t, home, "lab", "list")
	if strings.Contains(stderr, "cannot reach the Docker Engine") {
		if os.Getenv("CI") == "true" {
			t.Fatalf("Docker Engine needed: %s", stderr)
		}
		t.Skipf("Docker Engine not reachable: %s", stderr)
	}
}

// copyDir copies a folder tree (the corpus is read-only).
func copyDir(t *testing.T, src, dst string) {
	t.Helper()
	err := filepath.Walk(src, func(p string, info os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		target := filepath.Join(dst, rel)
		if info.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(target, data, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
}

func corpusHome(t *testing.T) string {
	t.Helper()
	src, _ := filepath.Abs("../../../shared/corpus/dsp-projects")
	if _, err := os.Stat(src); err != nil {
		t.Skipf("upstream corpus not found: %v", err)
	}
	home := t.TempDir()
	copyDir(t, src, filepath.Join(home, "dsp-projects"))
	return home
}

func TestFirstUseCreatesPersonalRepoAndExamples(t *testing.T) {
	home := filepath.Join(t.TempDir(), "new-home")
	out, _, code := dsp(t, home, "repo", "list")
	if code != 0 {
		t.Fatalf("repo list exit %d: %s", code, out)
	}
	if !regexpLine(out, `(?m)^examples\s+2\s+yes\s`) || !regexpLine(out, `(?m)^\S+\s+0\s+personal\s`) {
		t.Errorf("repo list = %q, want examples and a personal, trusted repository", out)
	}
	for _, p := range []string{"examples/.dsp", "examples/hello-flag/compose.yaml", "examples/routed-network/compose.yaml"} {
		if _, err := os.Stat(filepath.Join(home, p)); err != nil {
			t.Errorf("first use did not create %s: %v", p, err)
		}
	}
	// DSP_HOME selects the main directory too.
	cmd := exec.Command(dspBinary, "repo", "list")
	cmd.Env = append(os.Environ(), "DSP_HOME="+home)
	envOut, err := cmd.Output()
	if err != nil || string(envOut) != out {
		t.Errorf("with DSP_HOME: %q (%v), want the same listing", envOut, err)
	}
}

func TestListShowValidateOnTheUpstreamCorpus(t *testing.T) {
	home := corpusHome(t)
	out, stderr, code := dsp(t, home, "lab", "list", "--json")
	if code != 0 {
		t.Fatalf("list exit %d: %s", code, stderr)
	}
	var list report.Catalogue
	if err := json.Unmarshal([]byte(out), &list); err != nil {
		t.Fatalf("list --json is not JSON: %v\n%s", err, out)
	}
	if len(list.Repositories) != 1 || list.Repositories[0].Name != "dsp-projects" {
		t.Fatalf("repositories = %+v, want only dsp-projects (an existing main directory is used as it is)", list.Repositories)
	}
	labs := list.Repositories[0].Labs
	if len(labs) != 33 {
		t.Errorf("listed %d labs, want 33", len(labs))
	}
	for _, l := range labs {
		if !l.Valid || len(l.Errors) != 0 {
			t.Errorf("lab %s invalid: %v", l.Name, l.Errors)
		}
		if l.State != "stopped" && l.State != "unknown" {
			t.Errorf("lab %s state %s, want stopped", l.Name, l.State)
		}
	}

	// Exact names with spaces, and a unique case-insensitive match.
	out, stderr, code = dsp(t, home, "lab", "show", "--json", "DSP-projects/bypass THE firewall")
	if code != 0 {
		t.Fatalf("show exit %d: %s", code, stderr)
	}
	var show map[string]any
	if err := json.Unmarshal([]byte(out), &show); err != nil {
		t.Fatalf("show --json: %v", err)
	}
	if show["id"] != "dsp-projects/Bypass The Firewall" || show["format"] != "upstream" {
		t.Errorf("show id/format = %v/%v", show["id"], show["format"])
	}
	if !strings.Contains(out, `"subnet": "192.168.1.0/24"`) || !strings.Contains(out, `"written": "192.168.1.1/24"`) {
		t.Errorf("show does not report the normalised subnet: %s", out)
	}
	out, _, code = dsp(t, home, "lab", "show", "dsp-projects/Bypass The Firewall")
	if code != 0 || !strings.Contains(out, "[5] router: firewall rule=\"-A FORWARD -s 192.168.2.50 -j ACCEPT\"") || strings.Contains(out, "Find the secret by using the Kali machine") == false {
		t.Errorf("show text is missing the actions or the goal:\n%s", out)
	}
	if strings.Contains(out, "<p>") {
		t.Errorf("show prints raw HTML:\n%s", out)
	}

	out, _, code = dsp(t, home, "lab", "validate", "dsp-projects/TelnetAccess")
	if code != 0 || !strings.Contains(out, "is valid") {
		t.Errorf("validate TelnetAccess: exit %d\n%s", code, out)
	}

	// A broken file: the error names file, line and field; exit status 1.
	net := filepath.Join(home, "dsp-projects", "TelnetAccess", "docker-compose.yml")
	data, _ := os.ReadFile(net)
	broken := strings.Replace(string(data), "ipv4_address: 192.168.1.3", "ipv4_address: 192.168.9.3", 1)
	if err := os.WriteFile(net, []byte(broken), 0o644); err != nil {
		t.Fatal(err)
	}
	out, _, code = dsp(t, home, "lab", "validate", "dsp-projects/TelnetAccess")
	if code != 1 || !strings.Contains(out, "docker-compose.yml:") || !strings.Contains(out, "services.TelnetServer.networks.telnet_network.ipv4_address") || !strings.Contains(out, "outside subnet 192.168.1.0/24") {
		t.Errorf("validate broken lab: exit %d\n%s", code, out)
	}

	_, stderr, code = dsp(t, home, "lab", "show", "dsp-projects/../etc")
	if code == 0 || !strings.Contains(stderr, "path separator") {
		t.Errorf("traversal: exit %d, %s", code, stderr)
	}
	_, stderr, code = dsp(t, home, "lab", "show", "dsp-projects/No Such Lab")
	if code == 0 || !strings.Contains(stderr, `no lab "No Such Lab"`) {
		t.Errorf("unknown lab: exit %d, %s", code, stderr)
	}
}

func TestUpStatusDownAcrossProcessesAndAfterAKill(t *testing.T) {
	requireDocker(t)
	home := t.TempDir()
	// A personal lab whose start is slow: killed halfway, dsp must still
	// know the lab, and clean it up.
	personal := "slowpoke"
	labDir := filepath.Join(home, personal, "Slow Start")
	if err := os.MkdirAll(labDir, 0o755); err != nil {
		t.Fatal(err)
	}
	for p, content := range map[string]string{
		filepath.Join(home, personal, ".dsp"): "",
		filepath.Join(labDir, ".dsp"):         "",
		filepath.Join(labDir, "compose.yaml"): "x-dsp: {title: Slow Start}\nservices:\n  box:\n    image: dsp/busybox:latest\n    command: [sleep, '1000']\n    x-dsp:\n      actions:\n        - {name: exec, priority: 1, args: {command: 'sleep 600'}}\n",
	} {
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	ref := personal + "/Slow Start"
	t.Cleanup(func() { dsp(t, home, "lab", "down", ref) })

	cmd := exec.Command(dspBinary, "--home", home, "lab", "up", "--plain", ref)
	var progress bytes.Buffer
	cmd.Stdout = &progress
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(time.Minute)
	for !strings.Contains(progress.String(), "box/exec: [working]") {
		if time.Now().After(deadline) {
			_ = cmd.Process.Kill() // the test fails below: the kill only cleans up
			t.Fatalf("the action never started:\n%s", progress.String())
		}
		time.Sleep(100 * time.Millisecond)
	}
	if err := cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	_ = cmd.Wait() // killed: its error is that signal, as wanted

	out, _, code := dsp(t, home, "lab", "status", "--json", ref)
	var st struct {
		State    string `json:"state"`
		Services []struct {
			Name  string `json:"name"`
			State string `json:"state"`
		} `json:"services"`
	}
	if code != 0 || json.Unmarshal([]byte(out), &st) != nil {
		t.Fatalf("status: exit %d\n%s", code, out)
	}
	if st.State != "incomplete" || len(st.Services) != 1 || st.Services[0].State != "running" {
		t.Errorf("after a kill mid-start: %+v, want incomplete with the container still there", st)
	}
	out, _, code = dsp(t, home, "lab", "down", "--plain", ref)
	if code != 0 {
		t.Fatalf("down: exit %d\n%s", code, out)
	}
	out, _, _ = dsp(t, home, "lab", "status", "--json", ref)
	if !strings.Contains(out, `"state": "stopped"`) || strings.Contains(out, `"containerId"`) {
		t.Errorf("after down: %s", out)
	}

	// A complete start seen by a fresh process.
	hello := "examples/hello-flag"
	dsp(t, home, "examples", "install")
	t.Cleanup(func() { dsp(t, home, "lab", "down", hello) })
	out, stderr, code := dsp(t, home, "lab", "up", "--plain", hello)
	if code != 0 {
		t.Fatalf("up: exit %d\n%s\n%s", code, out, stderr)
	}
	if !strings.Contains(out, "target/ctf: [done]") || !strings.Contains(out, "examples/hello-flag: running") {
		t.Errorf("up output lacks per-action progress or the final state:\n%s", out)
	}
	out, _, _ = dsp(t, home, "lab", "list")
	if !regexpLine(out, `examples/hello-flag\s+running`) {
		t.Errorf("list after up:\n%s", out)
	}
	out, _, _ = dsp(t, home, "lab", "logs", hello, "target")
	_ = out // the target prints nothing by itself; the call must succeed
	if _, stderr, code := dsp(t, home, "lab", "logs", hello, "nope"); code == 0 || !strings.Contains(stderr, `service "nope"`) {
		t.Errorf("logs of an unknown service: exit %d, %s", code, stderr)
	}
	if out, _, code := dsp(t, home, "lab", "down", hello); code != 0 {
		t.Fatalf("down: %s", out)
	}
	out, _, _ = dsp(t, home, "lab", "list", "--json")
	if strings.Contains(out, `"state": "running"`) {
		t.Errorf("a lab still runs after down:\n%s", out)
	}
}

func regexpLine(s, pattern string) bool {
	return regexp.MustCompile(pattern).MatchString(s)
}

func TestTwoInstancesSideBySide(t *testing.T) {
	requireDocker(t)
	home := t.TempDir()
	hello := "examples/hello-flag"
	dsp(t, home, "examples", "install")
	t.Cleanup(func() {
		dsp(t, home, "lab", "down", hello, "--instance", "second")
		dsp(t, home, "lab", "down", hello)
	})
	for _, args := range [][]string{{"lab", "up", "--plain", hello}, {"lab", "up", "--plain", "--instance", "second", hello}} {
		if out, stderr, code := dsp(t, home, args...); code != 0 {
			t.Fatalf("%v: exit %d\n%s\n%s", args, code, out, stderr)
		}
	}
	status := func(instance string) (string, []string) {
		t.Helper()
		out, stderr, code := dsp(t, home, "lab", "status", "--json", "--instance", instance, hello)
		var st struct {
			Instance string `json:"instance"`
			Project  string `json:"project"`
			State    string `json:"state"`
			Services []struct {
				Container string `json:"container"`
			} `json:"services"`
		}
		if code != 0 || json.Unmarshal([]byte(out), &st) != nil {
			t.Fatalf("status --instance %s: exit %d\n%s\n%s", instance, code, out, stderr)
		}
		if st.Instance != instance {
			t.Errorf("status --instance %s describes instance %q", instance, st.Instance)
		}
		var containers []string
		for _, s := range st.Services {
			containers = append(containers, s.Container)
		}
		return st.State, containers
	}
	first, firstContainers := status("default")
	second, secondContainers := status("second")
	if first != "running" || second != "running" {
		t.Fatalf("states = %s and %s, want both running", first, second)
	}
	if len(firstContainers) != 1 || len(secondContainers) != 1 || firstContainers[0] == secondContainers[0] {
		t.Errorf("the instances share containers: %v and %v", firstContainers, secondContainers)
	}
	out, _, _ := dsp(t, home, "lab", "list")
	if !regexpLine(out, `examples/hello-flag\s+running \(\+instance second\)`) {
		t.Errorf("list does not show the second instance:\n%s", out)
	}
	// Each instance has its own flag: the second one's is not the first's.
	out, _, code := dsp(t, home, "lab", "submit", "--instance", "second", hello, "FLAG{not-this-one}")
	if code != 1 || !strings.Contains(out, "wrong flag") {
		t.Errorf("a wrong flag for the second instance: exit %d, %s", code, out)
	}

	if out, stderr, code := dsp(t, home, "lab", "down", "--plain", "--instance", "second", hello); code != 0 {
		t.Fatalf("down the second instance: exit %d\n%s\n%s", code, out, stderr)
	}
	if state, _ := status("second"); state != "stopped" {
		t.Errorf("the second instance is %s after its down", state)
	}
	if state, _ := status("default"); state != "running" {
		t.Errorf("stopping the second instance left the first %s", state)
	}
}

func TestRefusals(t *testing.T) {
	home := t.TempDir()
	notALab := filepath.Join(t.TempDir(), "just-a-folder")
	if err := os.MkdirAll(notALab, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"lab", "show", notALab}, "is not a lab folder"},
		{[]string{"lab", "validate", notALab}, "is not a lab folder"},
		{[]string{"lab", "show", filepath.Join(notALab, "missing")}, "is not a lab folder"},
		{[]string{"lab", "frobnicate"}, `unknown command "frobnicate" for "dsp lab"`},
		{[]string{"repo", "frobnicate"}, `unknown command "frobnicate" for "dsp repo"`},
		{[]string{"frobnicate"}, `unknown command "frobnicate" for "dsp"`},
		{[]string{"lab", "status", "--instance", "Bad_Name", "examples/hello-flag"}, `instance "Bad_Name"`},
	} {
		out, stderr, code := dsp(t, home, tc.args...)
		if code == 0 || !strings.Contains(stderr, tc.want) {
			t.Errorf("dsp %v: exit %d, stderr %q (stdout %q), want a failure saying %q", tc.args, code, stderr, out, tc.want)
		}
	}
	// A group without a subcommand still prints its help.
	if out, _, code := dsp(t, home, "lab"); code != 0 || !strings.Contains(out, "Available Commands") {
		t.Errorf("dsp lab: exit %d\n%s", code, out)
	}
}
