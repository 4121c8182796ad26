package lab

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

const nativeLabels = `{"labels":[{"name":"CTF","description":"Capture the flag","color":"#9f058e"},{"name":"Linux","color":"#0c3e57"}]}`

// nativeRepo makes a repository with a labels.json catalogue.
func nativeRepo(t *testing.T) string {
	t.Helper()
	repo := newRepo(t)
	writeTree(t, repo, map[string]string{"labels.json": nativeLabels})
	return repo
}

func TestNativeLab(t *testing.T) {
	repo := nativeRepo(t)
	dir := newLab(t, repo, "flag", map[string]string{
		"compose.yaml": `x-dsp:
  title: Hello Flag
  description: >-
    Log in over telnet
    and read the flag.
  author: dsp examples
  labels:
    - ctf
    - Linux
    - {name: Custom, color: "#123456", description: mine}
    - Unknown
  stop_timeout: 1500ms

services:
  target:
    image: busybox:1.36
    stop_grace_period: 4s
    x-dsp:
      shell: false
      actions:
        - name: adduser
          priority: 1
          args: {password: wonderland, name: alice}
        - name: setup
          command: /setup.sh
          priority: 3
          background: true
          args:
            zeta: "1"
            verbose: true
            quiet: False
            alpha: ~
            port: 8080
        - name: ctf
          priority: 2
          args: {username: alice, ctf: "FLAG{hello}"}
      files:
        - source: files/motd
          target: /etc/motd
        - source: ./files/welcome.txt
          target: /home/alice/welcome.txt
          after_actions: true
  helper:
    image: busybox:1.36
`,
		"files/motd":        "hi\n",
		"files/welcome.txt": "welcome\n",
		"goal.md":           "Read **the flag**.\n",
		"solution.md":       "Use `telnet`.\n",
		"README.md":         "# Hello\n\nA readme.\n",
	})
	l, problems := mustLoad(t, dir)
	noErrors(t, problems)
	if len(problems) != 0 {
		t.Errorf("problems: %v", problems)
	}

	t.Run("story", func(t *testing.T) {
		checkNativeStory(t, l)
	})

	t.Run("labels", func(t *testing.T) {
		want := []Label{
			{Name: "CTF", Description: "Capture the flag", Color: "#9f058e"}, // "ctf" matched case-insensitively
			{Name: "Linux", Color: "#0c3e57"},
			{Name: "Custom", Description: "mine", Color: "#123456"},
			{Name: "Unknown"},
		}
		if !slices.Equal(l.Labels, want) {
			t.Errorf("Labels = %+v, want %+v", l.Labels, want)
		}
	})

	t.Run("stop timeout", func(t *testing.T) {
		if l.StopTimeout == nil || *l.StopTimeout != 1500*time.Millisecond {
			t.Errorf("StopTimeout = %v", l.StopTimeout)
		}
		target, _ := l.Service("target")
		if target.StopTimeout == nil || *target.StopTimeout != 4*time.Second {
			t.Errorf("service StopTimeout = %v", target.StopTimeout)
		}
	})

	t.Run("shell", func(t *testing.T) {
		target, _ := l.Service("target")
		helper, _ := l.Service("helper")
		if target.Shell || !helper.Shell {
			t.Errorf("shell target %v helper %v, want false true", target.Shell, helper.Shell)
		}
	})

	t.Run("actions", func(t *testing.T) {
		checkNativeActions(t, l)
	})

	t.Run("files", func(t *testing.T) {
		want := []File{
			{Service: "target", Source: filepath.Join(dir, "files", "motd"), Target: "/etc/motd"},
			{Service: "target", Source: filepath.Join(dir, "files", "welcome.txt"), Target: "/home/alice/welcome.txt", AfterActions: true},
		}
		if !slices.Equal(l.Files, want) {
			t.Errorf("Files = %+v, want %+v", l.Files, want)
		}
	})
}

// checkNativeStory checks the story of TestNativeLab's lab.
func checkNativeStory(t *testing.T, l *Lab) {
	t.Helper()
	if l.Format != FormatNative || l.TextFormat != TextMarkdown {
		t.Errorf("format %s text %s", l.Format, l.TextFormat)
	}
	if l.Title != "Hello Flag" || l.Author != "dsp examples" {
		t.Errorf("title %q author %q", l.Title, l.Author)
	}
	if l.Description != "Log in over telnet and read the flag." {
		t.Errorf("Description = %q", l.Description)
	}
	if l.Goal != "Read **the flag**.\n" || l.Solution != "Use `telnet`.\n" || l.Readme != "# Hello\n\nA readme.\n" {
		t.Errorf("goal %q solution %q readme %q", l.Goal, l.Solution, l.Readme)
	}
}

// checkNativeActions checks the actions of TestNativeLab's lab.
func checkNativeActions(t *testing.T, l *Lab) {
	t.Helper()
	if len(l.Actions) != 3 {
		t.Fatalf("actions = %+v", l.Actions)
	}
	add, setup, ctf := l.Actions[0], l.Actions[1], l.Actions[2]
	if add.Service != "target" || add.Name != "adduser" || add.Priority != 1 || add.Command != "" {
		t.Errorf("adduser = %+v", add)
	}
	// File order, not alphabetical.
	if got := argNames(add); !slices.Equal(got, []string{"password", "name"}) {
		t.Errorf("adduser args = %q", got)
	}
	if setup.Command != "/setup.sh" || setup.Priority != 3 || !setup.Background {
		t.Errorf("setup = %+v", setup)
	}
	type arg struct{ name, value, typ string }
	var got []arg
	for _, a := range setup.Args {
		got = append(got, arg{a.Name, a.Value, a.Type})
	}
	want := []arg{
		{"zeta", "1", "text"},
		{"verbose", "true", "boolean"},
		{"quiet", "false", "boolean"},
		{"alpha", "", "text"},
		{"port", "8080", "text"},
	}
	if !slices.Equal(got, want) {
		t.Errorf("setup args = %+v, want %+v", got, want)
	}
	argv, err := setup.Argv()
	if err != nil {
		t.Fatal(err)
	}
	if wantArgv := []string{"/setup.sh", "--zeta", "1", "--verbose", "--alpha", "", "--port", "8080"}; !slices.Equal(argv, wantArgv) {
		t.Errorf("argv = %q, want %q", argv, wantArgv)
	}
	if ctf.Name != "ctf" || ctf.Priority != 2 {
		t.Errorf("ctf = %+v", ctf)
	}
}

func TestNativeStopTimeoutZero(t *testing.T) {
	repo := nativeRepo(t)
	dir := newLab(t, repo, "z", map[string]string{"compose.yaml": "x-dsp:\n  stop_timeout: 0s\nservices:\n  a:\n    image: alpine\n"})
	l, _ := mustLoad(t, dir)
	if l.StopTimeout == nil {
		t.Fatal("StopTimeout is nil for 0s: an explicit zero must be kept apart from no value")
	}
	if *l.StopTimeout != 0 {
		t.Errorf("StopTimeout = %v", *l.StopTimeout)
	}

	dir = newLab(t, repo, "none", map[string]string{"compose.yaml": "x-dsp:\n  title: T\nservices:\n  a:\n    image: alpine\n"})
	if l, _ := mustLoad(t, dir); l.StopTimeout != nil {
		t.Errorf("StopTimeout = %v without stop_timeout", *l.StopTimeout)
	}
}

func TestNativeStoryDefaults(t *testing.T) {
	repo := nativeRepo(t)
	t.Run("description from the README's first paragraph", func(t *testing.T) {
		dir := newLab(t, repo, "readme", map[string]string{
			"compose.yaml": "x-dsp:\n  author: me\nservices:\n  a:\n    image: alpine\n",
			"README.md":    "# Title\n\n## Sub\n\nFirst paragraph\n  spans two lines.\n\nSecond paragraph.\n",
		})
		l, _ := mustLoad(t, dir)
		if l.Description != "First paragraph spans two lines." {
			t.Errorf("Description = %q", l.Description)
		}
		if l.Title != "readme" {
			t.Errorf("Title = %q, want the folder name", l.Title)
		}
	})
	t.Run("x-dsp text wins over side files", func(t *testing.T) {
		dir := newLab(t, repo, "wins", map[string]string{
			"compose.yaml": "x-dsp:\n  description: inline\n  goal: inline goal\nservices:\n  a:\n    image: alpine\n",
			"README.md":    "readme paragraph\n",
			"goal.md":      "file goal\n",
			"Solution.MD":  "file solution\n", // found case-insensitively
		})
		l, _ := mustLoad(t, dir)
		if l.Description != "inline" || l.Goal != "inline goal" || l.Solution != "file solution\n" {
			t.Errorf("description %q goal %q solution %q", l.Description, l.Goal, l.Solution)
		}
	})
	t.Run("side files that are links are not read", func(t *testing.T) {
		dir := newLab(t, repo, "links", map[string]string{
			"compose.yaml": "x-dsp:\n  title: L\nservices:\n  a:\n    image: alpine\n",
		})
		secret := filepath.Join(filepath.Dir(repo), "secret.md")
		writeTree(t, filepath.Dir(repo), map[string]string{"secret.md": "host secret"})
		if err := os.Symlink(secret, filepath.Join(dir, "goal.md")); err != nil {
			t.Fatal(err)
		}
		l, _ := mustLoad(t, dir)
		if l.Goal != "" {
			t.Errorf("Goal = %q read through a link", l.Goal)
		}
	})
}

func TestNativeProblems(t *testing.T) {
	tests := []struct {
		name    string
		compose string
		files   map[string]string
		want    want
	}{
		{
			name: "source leaves the lab",
			compose: `x-dsp:
  title: T
services:
  a:
    image: alpine
    x-dsp:
      files:
        - source: files/ok
          target: /ok
        - source: ../secret
          target: /secret
`,
			want: want{sev: SeverityError, line: 10, field: "services.a.x-dsp.files.1.source", msg: []string{`"../secret" leaves`}},
		},
		{
			name: "source absolute",
			compose: `x-dsp: {}
services:
  a:
    image: alpine
    x-dsp:
      files:
        - {source: /etc/shadow, target: /x}
`,
			want: want{sev: SeverityError, line: 7, field: "services.a.x-dsp.files.0.source", msg: []string{"absolute"}},
		},
		{
			name: "source through a link out of the lab",
			compose: `x-dsp: {}
services:
  a:
    image: alpine
    x-dsp:
      files:
        - {source: etc/passwd, target: /x}
`,
			files: map[string]string{"@link etc": "/etc"},
			want:  want{sev: SeverityError, line: 7, field: "services.a.x-dsp.files.0.source", msg: []string{"is outside"}},
		},
		{
			name: "source empty",
			compose: `x-dsp: {}
services:
  a:
    image: alpine
    x-dsp:
      files:
        - target: /x
`,
			want: want{sev: SeverityError, line: 7, field: "services.a.x-dsp.files.0.source", msg: []string{"empty"}},
		},
		{
			name: "target relative",
			compose: `x-dsp: {}
services:
  a:
    image: alpine
    x-dsp:
      files:
        - {source: f, target: etc/motd}
`,
			files: map[string]string{"f": "x"},
			want:  want{sev: SeverityError, line: 7, field: "services.a.x-dsp.files.0.target", msg: []string{`container path "etc/motd" must be absolute`}},
		},
		{
			name: "missing file is a warning",
			compose: `x-dsp: {}
services:
  a:
    image: alpine
    x-dsp:
      files:
        - {source: files/later.txt, target: /x}
`,
			want: want{sev: SeverityWarning, file: "files/later.txt", msg: []string{"missing", "service a", "/x"}},
		},
		{
			name: "unknown top-level x-dsp key",
			compose: `x-dsp:
  title: T
  titel: typo
services:
  a:
    image: alpine
`,
			want: want{sev: SeverityWarning, line: 3, field: "x-dsp.titel", msg: []string{"unknown field", "title"}},
		},
		{
			name: "unknown service x-dsp key",
			compose: `x-dsp: {}
services:
  a:
    image: alpine
    x-dsp:
      shell: true
      terminal: false
`,
			want: want{sev: SeverityWarning, line: 7, field: "services.a.x-dsp.terminal", msg: []string{"unknown field", "shell, actions, files"}},
		},
		{
			name: "unknown action key",
			compose: `x-dsp: {}
services:
  a:
    image: alpine
    x-dsp:
      actions:
        - name: exec
          args: {command: "true"}
          priorty: 2
`,
			want: want{sev: SeverityWarning, line: 9, field: "services.a.x-dsp.actions.0.priorty", msg: []string{"unknown field"}},
		},
		{
			name: "unknown file key",
			compose: `x-dsp: {}
services:
  a:
    image: alpine
    x-dsp:
      files:
        - source: f
          target: /f
          mode: 0600
`,
			files: map[string]string{"f": "x"},
			want:  want{sev: SeverityWarning, line: 9, field: "services.a.x-dsp.files.0.mode", msg: []string{"unknown field", "after_actions"}},
		},
		{
			name: "bad stop_timeout",
			compose: `x-dsp:
  title: T
  stop_timeout: soon
services:
  a:
    image: alpine
`,
			want: want{sev: SeverityError, line: 3, field: "x-dsp.stop_timeout", msg: []string{`"soon" is not a duration`}},
		},
		{
			name: "negative stop_timeout",
			compose: `x-dsp:
  stop_timeout: -1s
services:
  a:
    image: alpine
`,
			want: want{sev: SeverityError, line: 2, field: "x-dsp.stop_timeout", msg: []string{`"-1s" is not a duration`}},
		},
		{
			name: "bad label",
			compose: `x-dsp:
  labels:
    - CTF
    - [nested]
services:
  a:
    image: alpine
`,
			want: want{sev: SeverityError, line: 4, field: "x-dsp.labels.1", msg: []string{"a label is a name or {name, color, description}"}},
		},
		{
			name: "label mapping without name",
			compose: `x-dsp:
  labels:
    - {color: "#fff"}
services:
  a:
    image: alpine
`,
			want: want{sev: SeverityError, line: 3, field: "x-dsp.labels.0"},
		},
		{
			name: "action without name",
			compose: `x-dsp: {}
services:
  a:
    image: alpine
    x-dsp:
      actions:
        - priority: 1
          args: {x: y}
`,
			want: want{sev: SeverityError, line: 7, field: "services.a.x-dsp.actions.0.name", msg: []string{"needs a name"}},
		},
		{
			name: "args not a mapping",
			compose: `x-dsp: {}
services:
  a:
    image: alpine
    x-dsp:
      actions:
        - name: adduser
          args: [alice, secret]
`,
			want: want{sev: SeverityError, line: 7, field: "services.a.x-dsp.actions.0.args", msg: []string{"args must be a mapping"}},
		},
		{
			name: "arg value not a scalar",
			compose: `x-dsp: {}
services:
  a:
    image: alpine
    x-dsp:
      actions:
        - name: adduser
          args: {name: [a, b]}
`,
			want: want{sev: SeverityError, line: 7, field: "services.a.x-dsp.actions.0.args", msg: []string{`argument "name" must be a single value`}},
		},
		{
			name: "exec without command",
			compose: `x-dsp: {}
services:
  a:
    image: alpine
    x-dsp:
      actions:
        - name: exec
          priority: 1
`,
			want: want{sev: SeverityError, line: 7, field: "services.a.x-dsp.actions.0", msg: []string{"service a", "action exec", "command"}},
		},
		{
			name: "ctf with a bad username",
			compose: `x-dsp: {}
services:
  a:
    image: alpine
    x-dsp:
      actions:
        - name: exec
          args: {command: "true"}
        - name: ctf
          args: {ctf: "FLAG{x}", username: "../root"}
`,
			want: want{sev: SeverityError, line: 9, field: "services.a.x-dsp.actions.1", msg: []string{"service a", "action ctf", "../root"}},
		},
		{
			name: "negative priority",
			compose: `x-dsp: {}
services:
  a:
    image: alpine
    x-dsp:
      actions:
        - name: tool
          command: /tool.sh
          priority: -1
`,
			want: want{sev: SeverityError, line: 7, field: "services.a.x-dsp.actions.0.priority", msg: []string{"priority -1 is negative"}},
		},
		{
			name: "shell not a boolean",
			compose: `x-dsp: {}
services:
  a:
    image: alpine
    x-dsp:
      shell: sometimes
`,
			want: want{sev: SeverityError, line: 6, field: "services.a.x-dsp", msg: []string{"sometimes"}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			repo := nativeRepo(t)
			files := map[string]string{"compose.yaml": tt.compose}
			var links [][2]string
			for k, v := range tt.files {
				if name, ok := strings.CutPrefix(k, "@link "); ok {
					links = append(links, [2]string{name, v})
					continue
				}
				files[k] = v
			}
			dir := newLab(t, repo, "lab", files)
			for _, l := range links {
				if err := os.Symlink(l[1], filepath.Join(dir, l[0])); err != nil {
					t.Fatal(err)
				}
			}
			w := tt.want
			if w.file == "" {
				w.file = filepath.Join(dir, "compose.yaml")
			} else {
				w.file = filepath.Join(dir, w.file)
			}
			var ps Problems
			if w.sev == SeverityError {
				_, ps = loadInvalid(t, dir)
			} else {
				_, ps = mustLoad(t, dir)
			}
			expectProblem(t, ps, w)
		})
	}
}

// YAML 1.2 booleans are true/false only: "yes" stays text.
func TestNativeYesIsText(t *testing.T) {
	repo := nativeRepo(t)
	dir := newLab(t, repo, "yes", map[string]string{"compose.yaml": `x-dsp: {}
services:
  a:
    image: alpine
    x-dsp:
      actions:
        - name: tool
          command: /tool.sh
          args: {flag: yes, on: TRUE}
`})
	l, _ := mustLoad(t, dir)
	args := l.Actions[0].Args
	if args[0].Type != "text" || args[0].Value != "yes" {
		t.Errorf("yes = %+v", args[0])
	}
	if args[1].Type != "boolean" || args[1].Value != "true" {
		t.Errorf("TRUE = %+v, want boolean true", args[1])
	}
}

// A service built without image: gets a stable name from repository, lab
// and service; with image: the name is kept.
func TestNativeBuiltImageNames(t *testing.T) {
	repo := nativeRepo(t)
	compose := `x-dsp: {}
services:
  Web_Server:
    build: ./web
  tagged:
    build: ./web
    image: me/tagged:2
`
	dir := newLab(t, repo, "My Lab 2.0", map[string]string{"compose.yaml": compose, "web/Dockerfile": "FROM alpine\n"})
	l, _ := mustLoad(t, dir)
	web, _ := l.Service("Web_Server")
	tagged, _ := l.Service("tagged")
	if web.Image != "dsp-repo-my-lab-2-0-web-server:latest" {
		t.Errorf("built image = %q", web.Image)
	}
	if web.Build != filepath.Join(dir, "web") {
		t.Errorf("build context = %q", web.Build)
	}
	if tagged.Image != "me/tagged:2" {
		t.Errorf("tagged image = %q", tagged.Image)
	}
	// Loading again gives the same name.
	if again, _ := mustLoadLab(t, dir).Service("Web_Server"); again.Image != web.Image {
		t.Errorf("image name changed: %q then %q", web.Image, again.Image)
	}
}

func TestSlug(t *testing.T) {
	for in, want := range map[string]string{
		"Bypass The Firewall":                  "bypass-the-firewall",
		"Solr 3.5.0 - Arbitrary Data Deletion": "solr-3-5-0-arbitrary-data-deletion",
		"dsp-projects":                         "dsp-projects",
		"__x__":                                "x",
		"!!!":                                  "x",
		"":                                     "x",
		"Ünïcode":                              "n-code",
	} {
		if got := Slug(in); got != want {
			t.Errorf("Slug(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestIsLabDir(t *testing.T) {
	base := t.TempDir()
	cases := map[string]struct {
		files map[string]string
		want  bool
	}{
		"only compose.yaml with x-dsp":      {map[string]string{"compose.yaml": "x-dsp:\n  title: T\nservices:\n  a:\n    image: alpine\n"}, true},
		"docker-compose.yml with x-dsp":     {map[string]string{"docker-compose.yml": "services:\n  a:\n    image: alpine\nx-dsp: {}\n"}, true},
		".dsp marker":                       {map[string]string{".dsp": ""}, true},
		".dsp with undefined":               {map[string]string{".dsp": "undefined"}, true},
		"compose without x-dsp":             {map[string]string{"compose.yaml": "services:\n  a:\n    image: alpine\n"}, false},
		"x-dsp only inside a service":       {map[string]string{"compose.yaml": "services:\n  a:\n    image: alpine\n    x-dsp:\n      shell: false\n"}, false},
		"x-dsp in a comment":                {map[string]string{"compose.yaml": "# x-dsp: maybe\nservices: {}\n"}, false},
		"empty folder":                      {map[string]string{}, false},
		"README only":                       {map[string]string{"README.md": "x-dsp:\n"}, false},
		".dsp is a folder":                  {map[string]string{".dsp/x": ""}, false},
		"compose.yaml is a folder, no .dsp": {map[string]string{"compose.yaml/x": "x-dsp:\n"}, false},
	}
	for name, tc := range cases {
		dir := filepath.Join(base, Slug(name))
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		writeTree(t, dir, tc.files)
		if got := IsLabDir(dir); got != tc.want {
			t.Errorf("%s: IsLabDir = %v, want %v", name, got, tc.want)
		}
	}
	if IsLabDir(filepath.Join(base, "missing")) {
		t.Error("IsLabDir(missing) = true")
	}
}

// The bundled examples are valid native labs.
func TestExampleLabs(t *testing.T) {
	examples, err := filepath.Abs("../../examples")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(examples); err != nil {
		t.Skip("examples not found")
	}
	t.Run("hello-flag", func(t *testing.T) {
		checkExampleHelloFlag(t, filepath.Join(examples, "hello-flag"))
	})
	t.Run("routed-network", func(t *testing.T) {
		l, problems := mustLoad(t, filepath.Join(examples, "routed-network"))
		if len(problems) != 0 {
			t.Errorf("problems: %v", problems)
		}
		victim, _ := l.Service("victim")
		router, _ := l.Service("router")
		if victim.Shell || !router.Shell {
			t.Errorf("shell victim %v router %v", victim.Shell, router.Shell)
		}
		if len(l.Networks()) != 2 {
			t.Errorf("networks = %+v", l.Networks())
		}
		if want := []string{"dsp-examples/routed-node:1"}; !slices.Equal(l.Images(), want) {
			t.Errorf("Images = %q, want one shared image", l.Images())
		}
	})
}

// checkExampleHelloFlag checks the example lab hello-flag, in dir.
func checkExampleHelloFlag(t *testing.T, dir string) {
	t.Helper()
	l, problems := mustLoad(t, dir)
	if len(problems) != 0 {
		t.Errorf("problems: %v", problems)
	}
	if l.Format != FormatNative || l.Title != "Hello Flag" || l.Repo != "examples" {
		t.Errorf("%s %q %q", l.Format, l.Title, l.Repo)
	}
	if l.StopTimeout == nil || *l.StopTimeout != time.Second {
		t.Errorf("StopTimeout = %v", l.StopTimeout)
	}
	var names []string
	for _, lb := range l.Labels {
		if lb.Color == "" {
			t.Errorf("label %s has no colour from labels.json", lb.Name)
		}
		names = append(names, lb.Name)
	}
	if !slices.Equal(names, []string{"CTF", "Linux", "Login"}) {
		t.Errorf("labels = %q", names)
	}
	if len(l.Actions) != 3 || len(l.Files) != 2 || !l.Files[1].AfterActions {
		t.Errorf("actions %d files %+v", len(l.Actions), l.Files)
	}
	if l.Goal == "" || l.Solution == "" || l.Readme == "" {
		t.Error("side files not read")
	}
	if len(l.Risks()) != 0 {
		t.Errorf("Risks = %v (NET_ADMIN only)", l.Risks())
	}
}

func TestProblemAndInvalidErrorText(t *testing.T) {
	p := Problem{Severity: SeverityError, File: "/r/lab/docker-compose.yml", Line: 6, Field: "services.web.networks.lan.ipv4_address", Message: "address 10.0.0.5 is outside subnet"}
	if got, want := p.String(), "/r/lab/docker-compose.yml:6: error: services.web.networks.lan.ipv4_address: address 10.0.0.5 is outside subnet"; got != want {
		t.Errorf("String = %q, want %q", got, want)
	}
	p = Problem{Severity: SeverityWarning, File: "/r/.data/x", Message: "missing"}
	if got, want := p.String(), "/r/.data/x: warning: missing"; got != want {
		t.Errorf("String = %q, want %q", got, want)
	}
	e := &InvalidError{Dir: "/r/My Lab", Problems: Problems{
		{Severity: SeverityError, File: "f", Line: 1, Message: "one"},
		{Severity: SeverityWarning, File: "f", Message: "not listed"},
		{Severity: SeverityError, File: "g", Message: "two"},
	}}
	if got, want := e.Error(), "lab My Lab is invalid (2 errors)\n  f:1: error: one\n  g: error: two"; got != want {
		t.Errorf("Error = %q, want %q", got, want)
	}
	e.Problems = e.Problems[:2]
	if got := e.Error(); !strings.HasPrefix(got, "lab My Lab is invalid (1 error)\n") {
		t.Errorf("Error = %q", got)
	}
}

// YAML anchors are the idiomatic way to share values in compose files;
// x-dsp parts may use them too.
func TestNativeAnchors(t *testing.T) {
	repo := nativeRepo(t)
	dir := newLab(t, repo, "anchors", map[string]string{"compose.yaml": `x-user: &user {name: alice, password: wonderland}
x-files: &motd
  source: motd
  target: /etc/motd
x-dsp:
  title: Anchors
services:
  a:
    image: alpine
    x-dsp: &dsp
      actions:
        - name: adduser
          command: /adduser.sh
          args: *user
      files:
        - *motd
  b:
    image: alpine
    x-dsp: *dsp
`, "motd": "hi\n"})
	l, _ := mustLoad(t, dir)
	if len(l.Actions) != 2 {
		t.Fatalf("actions = %+v", l.Actions)
	}
	for _, a := range l.Actions {
		if got := argNames(a); !slices.Equal(got, []string{"name", "password"}) || a.Args[0].Value != "alice" {
			t.Errorf("service %s adduser args = %+v", a.Service, a.Args)
		}
	}
	if len(l.Files) != 2 || l.Files[1].Service != "b" || l.Files[1].Source != filepath.Join(dir, "motd") {
		t.Errorf("files = %+v", l.Files)
	}
}
