package lab

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// upstreamCompose is a docker-compose.yml as DSP generates it: two services
// on one network, subnet written with host bits set.
const upstreamCompose = `version: '2'
services:
  ssh:
    image: 'dockersecplayground/alpine_ssh_password:v1.0'
    stdin_open: true
    tty: true
    networks:
      lan:
        ipv4_address: 192.168.1.5
  web:
    image: 'dockersecplayground/linode_lamp:v1.0'
    stdin_open: true
    tty: true
    networks:
      lan:
        ipv4_address: 192.168.1.3
networks:
  lan:
    ipam:
      config:
        - subnet: 192.168.1.1/24
`

const upstreamInformation = `{"description":"Log in","goal":"<p>Find the <b>flag</b></p>","solution":"<p>Use hydra</p>","author":"dsp"}`

// upstreamNetwork is a network.json written by hand (indented), so that
// lines are meaningful. Both containers have an adduser action; the image
// labels name the actions before the lab's actions do.
const upstreamNetwork = `{
  "networkList": [{"name": "lan", "subnet": "192.168.1.1", "color": "black", "listIP": []}],
  "canvasJSON": "IMPORTED",
  "clistToDraw": [
    {
      "name": "ssh",
      "selectedImage": {"name": "dockersecplayground/alpine_ssh_password:v1.0",
        "labels": {"actions": {"adduser": {"command": "/adduser.sh"}}}},
      "actions": [
        {
          "name": "adduser",
          "command": "/adduser.sh",
          "priority": 1,
          "args": {
            "name": {"val": "root", "type": "text", "rule": {"pattern": "^[a-zA-Z0-9_-]+$"}},
            "password": {"val": "toor", "type": "text", "rule": {"pattern": "^[a-zA-Z0-9_-]+$"}}
          }
        }
      ],
      "filesToCopy": [],
      "isShellEnabled": false
    },
    {
      "name": "web",
      "selectedImage": {"name": "dockersecplayground/linode_lamp:v1.0",
        "labels": {"actions": {"adduser": {"command": "/adduser.sh"}, "start_apache": {"command": "/start.sh", "backgroundMode": "true"}}}},
      "actions": [
        {
          "name": "start_apache",
          "command": "/start.sh",
          "priority": "2",
          "args": {}
        },
        {
          "name": "adduser",
          "command": "/adduser.sh ",
          "priority": 1,
          "args": {
            "password": {"val": "secret", "type": "text", "rule": {"pattern": "^[a-zA-Z0-9_-]+$"}},
            "name": {"val": "bob", "type": "text", "rule": {"pattern": "^[a-zA-Z0-9_-]+$"}}
          }
        }
      ],
      "filesToCopy": [
        {"filename": "site.tar", "containerPath": "/var/www", "afterAction": true}
      ]
    }
  ]
}
`

// newUpstreamLab writes an upstream lab; files override or add to the
// defaults above (an empty content removes the file).
func newUpstreamLab(t *testing.T, overrides map[string]string) (repo, dir string) {
	t.Helper()
	repo = newRepo(t)
	files := map[string]string{
		"docker-compose.yml": upstreamCompose,
		"information.json":   upstreamInformation,
		"network.json":       upstreamNetwork,
		"labels.json":        `{"labels":[{"name":"Login","description":"","color":"#037d6e"}]}`,
	}
	for k, v := range overrides {
		files[k] = v
	}
	dir = newLab(t, repo, "Login Lab", nil)
	for k, v := range files {
		if v == "" {
			continue
		}
		writeTree(t, dir, map[string]string{k: v})
	}
	return repo, dir
}

func TestUpstreamValidLab(t *testing.T) {
	repo, dir := newUpstreamLab(t, nil)
	writeTree(t, repo, map[string]string{".data/site.tar": "tar"})
	l, problems := mustLoad(t, dir)
	noErrors(t, problems)

	if l.Format != FormatUpstream || l.TextFormat != TextHTML {
		t.Errorf("format %s text %s", l.Format, l.TextFormat)
	}
	if l.Title != "Login Lab" || l.Description != "Log in" || l.Goal != "<p>Find the <b>flag</b></p>" || l.Solution != "<p>Use hydra</p>" || l.Author != "dsp" {
		t.Errorf("story = %q %q %q %q %q", l.Title, l.Description, l.Goal, l.Solution, l.Author)
	}
	if len(l.Labels) != 1 || l.Labels[0] != (Label{Name: "Login", Color: "#037d6e"}) {
		t.Errorf("Labels = %+v", l.Labels)
	}
	if n, _ := networkNamed(l, "lan"); n.Subnet != "192.168.1.0/24" || n.Written != "192.168.1.1/24" {
		t.Errorf("lan = %+v", n)
	}
	ssh, _ := l.Service("ssh")
	web, _ := l.Service("web")
	if ssh.Shell || !web.Shell {
		t.Errorf("shell: ssh %v web %v, want false true", ssh.Shell, web.Shell)
	}
	if len(l.Actions) != 3 {
		t.Fatalf("actions = %+v", l.Actions)
	}
	start := l.Actions[1]
	if start.Service != "web" || start.Name != "start_apache" || start.Priority != 2 || !start.Background {
		t.Errorf("start_apache = %+v (priority \"2\" is a number, backgroundMode from the image labels)", start)
	}
	bob := l.Actions[2]
	if bob.Command != "/adduser.sh" || !slices.Equal(argNames(bob), []string{"password", "name"}) {
		t.Errorf("web adduser = %q %q", bob.Command, argNames(bob))
	}
	want := []File{{Service: "web", Source: filepath.Join(repo, ".data", "site.tar"), Target: "/var/www", AfterActions: true}}
	if !slices.Equal(l.Files, want) {
		t.Errorf("Files = %+v, want %+v", l.Files, want)
	}
	if len(Problems(problems).Warnings()) != 1 || problems[0].Field != "version" {
		t.Errorf("problems = %v, want only the version warning", problems)
	}
}

func TestUpstreamReadmeOverridesInformation(t *testing.T) {
	_, dir := newUpstreamLab(t, map[string]string{
		"information.json": `{"description":"d","readme":"from json"}`,
		"README.md":        "# Read me\n\nfrom the file\n",
	})
	l, _ := mustLoad(t, dir)
	if l.Readme != "# Read me\n\nfrom the file\n" {
		t.Errorf("Readme = %q", l.Readme)
	}
	// Upstream descriptions are not taken from the README.
	if l.Description != "d" {
		t.Errorf("Description = %q", l.Description)
	}
}

func TestUpstreamMissingInformationIsAWarning(t *testing.T) {
	_, dir := newUpstreamLab(t, nil)
	if err := os.Remove(filepath.Join(dir, "information.json")); err != nil {
		t.Fatal(err)
	}
	l, problems := mustLoad(t, dir)
	expectProblem(t, problems, want{sev: SeverityWarning, file: filepath.Join(dir, "information.json"), msg: []string{"missing"}})
	if l.Format != FormatUpstream {
		t.Errorf("format = %s: network.json alone makes an upstream lab", l.Format)
	}
}

func TestUpstreamBrokenFiles(t *testing.T) {
	tests := []struct {
		name  string
		files map[string]string
		// file is relative to the lab folder, "@repo/..." to the repository.
		want want
	}{
		{
			name: "network.json syntax error",
			files: map[string]string{"network.json": `{
  "clistToDraw": [
    {
      "name": "ssh"
      "actions": []
    }
  ]
}
`},
			want: want{sev: SeverityError, file: "network.json", line: 5, msg: []string{"not valid", "invalid character"}},
		},
		{
			name: "network.json truncated",
			files: map[string]string{"network.json": `{
  "clistToDraw": [
    {"name": "ssh",
`},
			want: want{sev: SeverityError, file: "network.json", msg: []string{"not valid", "unexpected end"}},
		},
		{
			name: "network.json wrong type",
			files: map[string]string{"network.json": `{
  "clistToDraw": {"name": "ssh"}
}`},
			want: want{sev: SeverityError, file: "network.json", line: 2, msg: []string{"not valid", "cannot unmarshal"}},
		},
		{
			name: "information.json is HTML",
			files: map[string]string{"information.json": `<html>
<p>goal</p>
</html>`},
			want: want{sev: SeverityError, file: "information.json", line: 1, msg: []string{"not valid", "invalid character '<'"}},
		},
		{
			name: "information.json syntax error on line 3",
			files: map[string]string{"information.json": `{
  "description": "d",
  "goal": <p>goal</p>,
  "author": "me"
}`},
			want: want{sev: SeverityError, file: "information.json", line: 3, msg: []string{"not valid"}},
		},
		{
			name:  "labels.json not JSON",
			files: map[string]string{"labels.json": "\n\nlabels: [x]\n"},
			want:  want{sev: SeverityError, file: "labels.json", line: 3, field: "labels", msg: []string{"not valid"}},
		},
		{
			name: "arg value fails its rule",
			files: map[string]string{"network.json": strings.Replace(upstreamNetwork,
				`"name": {"val": "bob"`, `"name": {"val": "bob; rm -rf /"`, 1)},
			// The second container's adduser, not the first one's.
			want: want{sev: SeverityError, file: "network.json", line: 35, field: "clistToDraw[1].actions[1]",
				msg: []string{"service web", "action adduser", `argument "name"`, `value "bob; rm -rf /"`, "does not match pattern ^[a-zA-Z0-9_-]+$"}},
		},
		{
			name: "arg rule does not compile",
			files: map[string]string{"network.json": strings.Replace(upstreamNetwork,
				`"password": {"val": "toor", "type": "text", "rule": {"pattern": "^[a-zA-Z0-9_-]+$"}}`,
				`"password": {"val": "toor", "type": "text", "rule": {"pattern": "^[a-z(+$"}}`, 1)},
			want: want{sev: SeverityError, file: "network.json", line: 11, field: "clistToDraw[0].actions[0]",
				msg: []string{"service ssh", "action adduser", `argument "password"`, "does not compile"}},
		},
		{
			name: "arg of an unknown type",
			files: map[string]string{"network.json": strings.Replace(upstreamNetwork,
				`"name": {"val": "root", "type": "text"`, `"name": {"val": "root", "type": "number"`, 1)},
			want: want{sev: SeverityError, file: "network.json", field: "clistToDraw[0].actions[0]",
				msg: []string{"service ssh", `unknown type "number"`}},
		},
		{
			name: "action without command",
			files: map[string]string{"network.json": strings.Replace(upstreamNetwork,
				"\"command\": \"/start.sh\",\n", "\"command\": \"  \",\n", 1)},
			want: want{sev: SeverityError, file: "network.json", field: "clistToDraw[1].actions[0]",
				msg: []string{"service web", "action start_apache", "no command"}},
		},
		{
			name: "negative priority",
			files: map[string]string{"network.json": strings.Replace(upstreamNetwork,
				`"priority": "2"`, `"priority": -2`, 1)},
			want: want{sev: SeverityError, file: "network.json", field: "clistToDraw[1].actions[0].priority",
				msg: []string{"priority -2 is negative"}},
		},
		{
			name: "priority not a number",
			files: map[string]string{"network.json": strings.Replace(upstreamNetwork,
				`"priority": "2"`, `"priority": "high"`, 1)},
			want: want{sev: SeverityError, file: "network.json", msg: []string{"not valid", "expected a number"}},
		},
		{
			name: "action for a container not in docker-compose.yml",
			files: map[string]string{"network.json": strings.Replace(upstreamNetwork,
				`"name": "web",`, `"name": "kali",`, 1)},
			want: want{sev: SeverityError, file: "network.json", line: 24, field: "clistToDraw[1].name",
				msg: []string{`container "kali"`, "not a service of docker-compose.yml"}},
		},
		{
			name: "filesToCopy leaves .data",
			files: map[string]string{"network.json": strings.Replace(upstreamNetwork,
				`"filename": "site.tar"`, `"filename": "../../etc/passwd"`, 1)},
			want: want{sev: SeverityError, file: "network.json", line: 45, field: "clistToDraw[1].filesToCopy[0].filename",
				msg: []string{`"../../etc/passwd"`, "leaves", ".data"}},
		},
		{
			name: "filesToCopy absolute filename",
			files: map[string]string{"network.json": strings.Replace(upstreamNetwork,
				`"filename": "site.tar"`, `"filename": "/etc/shadow"`, 1)},
			want: want{sev: SeverityError, file: "network.json", line: 45, field: "clistToDraw[1].filesToCopy[0].filename",
				msg: []string{`"/etc/shadow"`, "absolute"}},
		},
		{
			name: "filesToCopy relative containerPath",
			files: map[string]string{"network.json": strings.Replace(upstreamNetwork,
				`"containerPath": "/var/www"`, `"containerPath": "var/www"`, 1)},
			want: want{sev: SeverityError, file: "network.json", line: 45, field: "clistToDraw[1].filesToCopy[0].containerPath",
				msg: []string{`container path "var/www" must be absolute`}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, dir := newUpstreamLab(t, tt.files)
			l, ps := loadInvalid(t, dir)
			w := tt.want
			w.file = filepath.Join(dir, w.file)
			expectProblem(t, ps, w)
			if l.Name != "Login Lab" || l.Format != FormatUpstream {
				t.Errorf("the invalid lab is returned as far as read: %q %s", l.Name, l.Format)
			}
		})
	}
}

// A container in network.json without actions or files that compose does
// not know is only a warning (upstream leaves such leftovers behind).
func TestUpstreamLeftoverContainerIsAWarning(t *testing.T) {
	network := `{
  "clistToDraw": [
    {"name": "ssh", "actions": []},
    {"name": "old_kali", "actions": [], "filesToCopy": []}
  ]
}`
	_, dir := newUpstreamLab(t, map[string]string{"network.json": network})
	_, problems := mustLoad(t, dir)
	expectProblem(t, problems, want{sev: SeverityWarning, file: filepath.Join(dir, "network.json"), line: 4,
		field: "clistToDraw[1].name", msg: []string{`"old_kali"`, "ignored"}})
}

// Values that upstream files write with the wrong JSON type still load.
func TestUpstreamFlexibleJSONTypes(t *testing.T) {
	network := `{
  "clistToDraw": [
    {"name": "ssh", "isShellEnabled": "false", "actions": [
      {"name": "adduser", "command": "/adduser.sh", "priority": "1.0", "args": {
        "name": {"val": 42, "type": "text"},
        "verbose": {"val": true, "type": "boolean"},
        "password": {"val": null}
      }}
    ]},
    {"name": "web", "isShellEnabled": 0, "filesToCopy": [{"filename": "x", "containerPath": "/x", "afterAction": "true"}]}
  ]
}`
	_, dir := newUpstreamLab(t, map[string]string{"network.json": network, "information.json": `{"description": 12, "author": null}`})
	l, _ := mustLoad(t, dir)
	if l.Description != "12" || l.Author != "" {
		t.Errorf("description %q author %q", l.Description, l.Author)
	}
	ssh, _ := l.Service("ssh")
	web, _ := l.Service("web")
	if ssh.Shell || web.Shell {
		t.Errorf("shell ssh %v web %v, want both false", ssh.Shell, web.Shell)
	}
	a := l.Actions[0]
	if a.Priority != 1 {
		t.Errorf("priority = %d", a.Priority)
	}
	gotArgs := []string{}
	for _, arg := range a.Args {
		gotArgs = append(gotArgs, arg.Name+"="+arg.Value+":"+arg.Type)
	}
	if want := []string{"name=42:text", "verbose=true:boolean", "password=:"}; !slices.Equal(gotArgs, want) {
		t.Errorf("args = %q, want %q", gotArgs, want)
	}
	if len(l.Files) != 1 || !l.Files[0].AfterActions {
		t.Errorf("files = %+v", l.Files)
	}
}

func TestUpstreamEmptyAndImportedNetworkFiles(t *testing.T) {
	for name, content := range map[string]string{
		"empty object": `{}`,
		"blank file":   "  \n",
		"no clist":     `{"networkList": [], "canvasJSON": "IMPORTED"}`,
	} {
		t.Run(name, func(t *testing.T) {
			_, dir := newUpstreamLab(t, map[string]string{"network.json": content})
			l, _ := mustLoad(t, dir)
			if len(l.Actions) != 0 || len(l.Files) != 0 {
				t.Errorf("actions %v files %v", l.Actions, l.Files)
			}
			for _, s := range l.Services() {
				if !s.Shell {
					t.Errorf("service %s: shell off without isShellEnabled", s.Name)
				}
			}
		})
	}
}

func TestLoadRepoLabels(t *testing.T) {
	labels, err := LoadRepoLabels(corpusDir(t))
	if err != nil {
		t.Fatal(err)
	}
	if len(labels) == 0 || labels[0] != (Label{Name: "WebHacking", Color: "#0a5b23"}) {
		t.Errorf("labels = %+v", labels)
	}
	var blackhat Label
	for _, lb := range labels {
		if lb.Name == "Blackhat" {
			blackhat = lb
		}
	}
	if blackhat.Description != "Labs presented at BlackHat!" {
		t.Errorf("Blackhat label = %+v", blackhat)
	}

	repo := t.TempDir()
	if labels, err := LoadRepoLabels(repo); err != nil || labels != nil {
		t.Errorf("missing labels.json: %v %v, want no labels and no error", labels, err)
	}
	writeTree(t, repo, map[string]string{"labels.json": `{"labels":[{"name":"  "},{"name":"A","color":"#fff"}]}`})
	if labels, err := LoadRepoLabels(repo); err != nil || len(labels) != 1 || labels[0].Name != "A" {
		t.Errorf("blank names are skipped: %+v %v", labels, err)
	}
	writeTree(t, repo, map[string]string{"labels.json": "{\n\"labels\": [\n}"})
	_, err = LoadRepoLabels(repo)
	if err == nil || !strings.Contains(err.Error(), "labels.json:3") {
		t.Errorf("broken labels.json: %v, want an error at labels.json:3", err)
	}
}

func TestJSONLines(t *testing.T) {
	data := []byte("{\r\n  \"a\": [\r\n    {\"name\": \"x\"},\r\n\r\n    {\r\n      \"name\": \"y\", \"args\": {\"k\": 1}\r\n    }\r\n  ],\r\n  \"b\": \"a\\\"b\"\r\n}")
	li := jsonLines(data)
	for path, want := range map[string]int{
		"a":              2,
		"a[0]":           3,
		"a[0].name":      3,
		"a[1]":           5,
		"a[1].name":      6,
		"a[1].args.k":    6,
		"b":              9,
		"a[2]":           0,
		"a[1].args.none": 0,
	} {
		if got := li.of(path); got != want {
			t.Errorf("line of %s = %d, want %d", path, got, want)
		}
	}
	if got := li.of("missing", "a[1]"); got != 5 {
		t.Errorf("fallback = %d", got)
	}
	// A broken document keeps the lines read before the error.
	li = jsonLines([]byte("{\n\"a\": 1,\n\"b\": [\n oops\n]}"))
	if li.of("a") != 2 || li.of("b") != 3 {
		t.Errorf("partial index = %v", li)
	}
}

// Imported labs may carry network.json or information.json that are not
// objects at all: they load, with a warning naming the file.
func TestUpstreamStubFilesAreWarnings(t *testing.T) {
	for _, stub := range []string{`"IMPORTED"`, `[]`, `null`} {
		repo := t.TempDir()
		dir := filepath.Join(repo, "stub")
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		for name, content := range map[string]string{
			".dsp":               "",
			"docker-compose.yml": "services:\n  a:\n    image: busybox\n",
			"network.json":       stub,
			"information.json":   stub,
		} {
			if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		_, problems, err := Load(context.Background(), dir)
		if err != nil {
			t.Fatalf("stub %s: load: %v", stub, err)
		}
		var warned []string
		for _, p := range problems {
			if p.Severity == SeverityWarning && (filepath.Base(p.File) == "network.json" || filepath.Base(p.File) == "information.json") {
				warned = append(warned, filepath.Base(p.File))
			}
		}
		if len(warned) != 2 {
			t.Errorf("stub %s: warnings for %v, want network.json and information.json", stub, warned)
		}
	}
}
