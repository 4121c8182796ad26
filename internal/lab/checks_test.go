package lab

import (
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"
)

// checksServices are the services of the labs of these tests; the x-dsp
// part comes first, so that its lines are those of the test's text.
const checksServices = `services:
  target:
    image: alpine
  attacker:
    image: alpine
`

// checksLab writes a native lab whose compose file is xdsp (starting with
// "x-dsp:" on line 1) followed by checksServices, plus files, and returns
// its folder and compose file.
func checksLab(t *testing.T, xdsp string, files map[string]string) (dir, compose string) {
	t.Helper()
	all := map[string]string{"compose.yaml": xdsp + checksServices}
	for k, v := range files {
		all[k] = v
	}
	dir = newLab(t, nativeRepo(t), "lab", all)
	return dir, filepath.Join(dir, "compose.yaml")
}

func TestChecksOfEveryKind(t *testing.T) {
	dir, _ := checksLab(t, `x-dsp:
  title: Checks
  checks:
    - name: alice exists
      service: target
      command: [id, alice]
      output: '\(alice\)'
    - name: shell line
      service: attacker
      command: "test -s /x && echo ok"
      exit_code: 3
      timeout: 5s
    - name: telnet answers
      service: attacker
      tcp: target:23
    - name: web
      service: attacker
      http: http://target/
      body: hello
    - name: custom web
      service: attacker
      http: https://target:8443/x?y=1
      status: 404
      timeout: 1m
    - name: target is healthy
      service: target
      healthy: true
`, nil)
	l, problems := mustLoad(t, dir)
	if len(problems) != 0 {
		t.Errorf("problems: %v", problems)
	}
	want := []Check{
		{Name: "alice exists", Service: "target", Kind: CheckCommand, Command: []string{"id", "alice"}, Match: `\(alice\)`, Timeout: 30 * time.Second},
		{Name: "shell line", Service: "attacker", Kind: CheckCommand, Command: []string{"sh", "-c", "test -s /x && echo ok"}, ExitCode: 3, Timeout: 5 * time.Second},
		{Name: "telnet answers", Service: "attacker", Kind: CheckTCP, Target: "target:23", Timeout: 30 * time.Second},
		{Name: "web", Service: "attacker", Kind: CheckHTTP, Target: "http://target/", Status: 200, Match: "hello", Timeout: 30 * time.Second},
		{Name: "custom web", Service: "attacker", Kind: CheckHTTP, Target: "https://target:8443/x?y=1", Status: 404, Timeout: time.Minute},
		{Name: "target is healthy", Service: "target", Kind: CheckHealthy, Timeout: 30 * time.Second},
	}
	if len(l.Checks) != len(want) {
		t.Fatalf("Checks = %+v, want %d checks", l.Checks, len(want))
	}
	for i := range want {
		if !reflect.DeepEqual(l.Checks[i], want[i]) {
			t.Errorf("check %d = %+v\nwant      %+v", i, l.Checks[i], want[i])
		}
	}
	if l.Solve != nil || l.Flag != nil {
		t.Errorf("Solve %+v Flag %+v, want none", l.Solve, l.Flag)
	}
	// What the progress shows for each kind.
	for i, d := range []string{"run id alice in target", `run "test -s /x && echo ok" in attacker`, "connect to target:23 from attacker", "GET http://target/ from attacker", "GET https://target:8443/x?y=1 from attacker", "target is healthy"} {
		if got := l.Checks[i].Describe(); got != d {
			t.Errorf("Describe(%s) = %q, want %q", l.Checks[i].Name, got, d)
		}
	}
}

// A lab without x-dsp.checks has an empty (not nil) list, so that its JSON
// says checks: [].
func TestNoChecks(t *testing.T) {
	dir, _ := checksLab(t, "x-dsp:\n  title: T\n", nil)
	l, _ := mustLoad(t, dir)
	if l.Checks == nil || len(l.Checks) != 0 || l.Solve != nil || l.Flag != nil {
		t.Errorf("Checks %#v Solve %+v Flag %+v", l.Checks, l.Solve, l.Flag)
	}
}

func TestCheckProblems(t *testing.T) {
	tests := []struct {
		name string
		xdsp string
		want want
	}{
		{
			name: "unknown service",
			xdsp: `x-dsp:
  checks:
    - name: c
      service: nope
      tcp: target:23
`,
			want: want{sev: SeverityError, line: 3, field: "x-dsp.checks.0 (c).service", msg: []string{`service "nope" is not in the lab`, "attacker", "target"}},
		},
		{
			name: "no service",
			xdsp: `x-dsp:
  checks:
    - name: c
      tcp: target:23
`,
			want: want{sev: SeverityError, line: 3, field: "x-dsp.checks.0 (c).service", msg: []string{`service "" is not in the lab`}},
		},
		{
			name: "two kinds in one check",
			xdsp: `x-dsp:
  checks:
    - name: c
      service: target
      tcp: target:23
      http: http://target/
`,
			want: want{sev: SeverityError, line: 3, field: "x-dsp.checks.0 (c)", msg: []string{"exactly one of command, tcp, http or healthy"}},
		},
		{
			name: "no kind",
			xdsp: `x-dsp:
  checks:
    - name: c
      service: target
`,
			want: want{sev: SeverityError, line: 3, field: "x-dsp.checks.0 (c)", msg: []string{"exactly one of command, tcp, http or healthy"}},
		},
		{
			name: "healthy false is no kind",
			xdsp: `x-dsp:
  checks:
    - name: c
      service: target
      healthy: false
`,
			want: want{sev: SeverityError, line: 3, field: "x-dsp.checks.0 (c)", msg: []string{"exactly one of"}},
		},
		{
			name: "tcp without port",
			xdsp: `x-dsp:
  checks:
    - name: c
      service: target
      tcp: target
`,
			want: want{sev: SeverityError, line: 3, field: "x-dsp.checks.0 (c).tcp", msg: []string{`"target" is not HOST:PORT`}},
		},
		{
			name: "tcp port 0",
			xdsp: `x-dsp:
  checks:
    - name: c
      service: target
      tcp: target:0
`,
			want: want{sev: SeverityError, line: 3, field: "x-dsp.checks.0 (c).tcp", msg: []string{`"target:0" is not HOST:PORT`}},
		},
		{
			name: "tcp port 70000",
			xdsp: `x-dsp:
  checks:
    - name: c
      service: target
      tcp: target:70000
`,
			want: want{sev: SeverityError, line: 3, field: "x-dsp.checks.0 (c).tcp", msg: []string{`"target:70000" is not HOST:PORT`}},
		},
		{
			name: "tcp without host",
			xdsp: `x-dsp:
  checks:
    - name: c
      service: target
      tcp: ":23"
`,
			want: want{sev: SeverityError, line: 3, field: "x-dsp.checks.0 (c).tcp", msg: []string{`":23" is not HOST:PORT`}},
		},
		{
			name: "http with an ftp URL",
			xdsp: `x-dsp:
  checks:
    - name: c
      service: target
      http: ftp://target/file
`,
			want: want{sev: SeverityError, line: 3, field: "x-dsp.checks.0 (c).http", msg: []string{`"ftp://target/file" is not an http:// or https:// URL`}},
		},
		{
			name: "http without host",
			xdsp: `x-dsp:
  checks:
    - name: c
      service: target
      http: "http:///x"
`,
			want: want{sev: SeverityError, line: 3, field: "x-dsp.checks.0 (c).http", msg: []string{"is not an http:// or https:// URL"}},
		},
		{
			name: "bad output pattern",
			xdsp: `x-dsp:
  checks:
    - name: c
      service: target
      command: [id]
      output: '(alice'
`,
			want: want{sev: SeverityError, line: 3, field: "x-dsp.checks.0 (c)", msg: []string{`pattern "(alice"`, "missing closing )"}},
		},
		{
			name: "bad body pattern",
			xdsp: `x-dsp:
  checks:
    - name: c
      service: target
      http: http://target/
      body: 'a[z'
`,
			want: want{sev: SeverityError, line: 3, field: "x-dsp.checks.0 (c)", msg: []string{`pattern "a[z"`}},
		},
		{
			name: "timeout 0s",
			xdsp: `x-dsp:
  checks:
    - name: c
      service: target
      healthy: true
      timeout: 0s
`,
			want: want{sev: SeverityError, line: 3, field: "x-dsp.checks.0 (c).timeout", msg: []string{`"0s" is not a duration between 1s and 1h`}},
		},
		{
			name: "timeout 2h",
			xdsp: `x-dsp:
  checks:
    - name: c
      service: target
      healthy: true
      timeout: 2h
`,
			want: want{sev: SeverityError, line: 3, field: "x-dsp.checks.0 (c).timeout", msg: []string{`"2h" is not a duration between 1s and 1h`}},
		},
		{
			name: "timeout soon",
			xdsp: `x-dsp:
  checks:
    - name: c
      service: target
      healthy: true
      timeout: soon
`,
			want: want{sev: SeverityError, line: 3, field: "x-dsp.checks.0 (c).timeout", msg: []string{`"soon" is not a duration`}},
		},
		{
			name: "missing name",
			xdsp: `x-dsp:
  checks:
    - name: ok
      service: target
      healthy: true
    - service: target
      healthy: true
`,
			want: want{sev: SeverityError, line: 6, field: "x-dsp.checks.1.name", msg: []string{"a check needs a name"}},
		},
		{
			name: "blank name",
			xdsp: `x-dsp:
  checks:
    - name: "   "
      service: target
      healthy: true
`,
			want: want{sev: SeverityError, line: 3, field: "x-dsp.checks.0.name", msg: []string{"a check needs a name"}},
		},
		{
			name: "duplicate names",
			xdsp: `x-dsp:
  checks:
    - name: up
      service: target
      healthy: true
    - name: up
      service: attacker
      tcp: target:23
`,
			want: want{sev: SeverityError, line: 6, field: "x-dsp.checks.1.name", msg: []string{`check "up" is declared twice`}},
		},
		{
			name: "unreachable on a command check",
			xdsp: `x-dsp:
  checks:
    - name: c
      service: target
      command: [true]
      unreachable: true
`,
			want: want{sev: SeverityError, line: 3, field: "x-dsp.checks.0 (c).unreachable", msg: []string{"unreachable belongs to tcp and http checks"}},
		},
		{
			name: "unreachable http check with a body",
			xdsp: `x-dsp:
  checks:
    - name: c
      service: target
      http: http://target/
      body: x
      unreachable: true
`,
			want: want{sev: SeverityError, line: 3, field: "x-dsp.checks.0 (c).unreachable", msg: []string{"expects no status or body"}},
		},
		{
			name: "exit_code on a tcp check",
			xdsp: `x-dsp:
  checks:
    - name: c
      service: target
      tcp: target:23
      exit_code: 1
`,
			want: want{sev: SeverityError, line: 3, field: "x-dsp.checks.0 (c)", msg: []string{"exit_code and output belong to command checks"}},
		},
		{
			name: "output on an http check",
			xdsp: `x-dsp:
  checks:
    - name: c
      service: target
      http: http://target/
      output: x
`,
			want: want{sev: SeverityError, line: 3, field: "x-dsp.checks.0 (c)", msg: []string{"exit_code and output belong to command checks"}},
		},
		{
			name: "status on a command check",
			xdsp: `x-dsp:
  checks:
    - name: c
      service: target
      command: [id]
      status: 200
`,
			want: want{sev: SeverityError, line: 3, field: "x-dsp.checks.0 (c)", msg: []string{"status and body belong to http checks"}},
		},
		{
			name: "empty command",
			xdsp: `x-dsp:
  checks:
    - name: c
      service: target
      command: []
`,
			want: want{sev: SeverityError, line: 5, field: "x-dsp.checks.0 (c).command", msg: []string{"a command is a string or a non-empty list of strings"}},
		},
		{
			name: "blank command string",
			xdsp: `x-dsp:
  checks:
    - name: c
      service: target
      command: "  "
`,
			want: want{sev: SeverityError, line: 5, field: "x-dsp.checks.0 (c).command", msg: []string{"the command is empty"}},
		},
		{
			name: "checks not a list",
			xdsp: `x-dsp:
  checks:
    name: c
    service: target
    healthy: true
`,
			want: want{sev: SeverityError, line: 3, field: "x-dsp.checks", msg: []string{"checks must be a list"}},
		},
		{
			name: "unknown key in a check",
			xdsp: `x-dsp:
  checks:
    - name: c
      service: target
      command: [id]
      outptu: alice
`,
			want: want{sev: SeverityWarning, line: 6, field: "x-dsp.checks.0.outptu", msg: []string{"unknown field", "output"}},
		},
		{
			name: "unknown key in solve",
			xdsp: `x-dsp:
  solve:
    service: attacker
    script: solve.sh
    scirpt: solve.sh
`,
			want: want{sev: SeverityWarning, line: 5, field: "x-dsp.solve.scirpt", msg: []string{"unknown field", "script"}},
		},
		{
			name: "unknown key in flag",
			xdsp: `x-dsp:
  flag:
    prefx: CTF
`,
			want: want{sev: SeverityWarning, line: 3, field: "x-dsp.flag.prefx", msg: []string{"unknown field", "prefix"}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir, compose := checksLab(t, tt.xdsp, nil)
			w := tt.want
			w.file = compose
			if w.sev == SeverityError {
				l, ps := loadInvalid(t, dir)
				expectProblem(t, ps, w)
				// The broken check is left out; the others are kept.
				for _, c := range l.Checks {
					if c.Name == "c" {
						t.Errorf("the broken check was kept: %+v", c)
					}
				}
				return
			}
			_, problems := mustLoad(t, dir)
			expectProblem(t, problems, w)
		})
	}
}

// An unknown key is only a warning: the check is still read.
func TestUnknownCheckKeyKeepsTheCheck(t *testing.T) {
	dir, _ := checksLab(t, `x-dsp:
  checks:
    - name: c
      service: target
      command: [id]
      retries: 3
`, nil)
	l, problems := mustLoad(t, dir)
	noErrors(t, problems)
	if len(l.Checks) != 1 || l.Checks[0].Name != "c" {
		t.Errorf("Checks = %+v", l.Checks)
	}
}

func TestSolve(t *testing.T) {
	t.Run("script inside the lab", func(t *testing.T) {
		dir, _ := checksLab(t, `x-dsp:
  solve:
    service: attacker
    script: scripts/solve.sh
`, map[string]string{"scripts/solve.sh": "#!/bin/sh\necho FLAG{x}\n"})
		l, problems := mustLoad(t, dir)
		noErrors(t, problems)
		if l.Solve == nil {
			t.Fatal("Solve is nil")
		}
		want := Solve{Service: "attacker", Script: filepath.Join(dir, "scripts", "solve.sh"), Timeout: 2 * time.Minute}
		if !reflect.DeepEqual(*l.Solve, want) {
			t.Errorf("Solve = %+v, want %+v", *l.Solve, want)
		}
		if !filepath.IsAbs(l.Solve.Script) || !strings.HasPrefix(l.Solve.Script, dir+string(filepath.Separator)) {
			t.Errorf("Script %q is not an absolute path inside %s", l.Solve.Script, dir)
		}
	})
	t.Run("command with a timeout", func(t *testing.T) {
		dir, _ := checksLab(t, `x-dsp:
  solve:
    service: target
    command: cat /home/alice/proof.txt
    timeout: 10s
`, nil)
		l, problems := mustLoad(t, dir)
		noErrors(t, problems)
		want := Solve{Service: "target", Command: []string{"sh", "-c", "cat /home/alice/proof.txt"}, Timeout: 10 * time.Second}
		if l.Solve == nil || !reflect.DeepEqual(*l.Solve, want) {
			t.Errorf("Solve = %+v, want %+v", l.Solve, want)
		}
	})
	t.Run("command as a list", func(t *testing.T) {
		dir, _ := checksLab(t, "x-dsp:\n  solve: {service: target, command: [cat, /f]}\n", nil)
		l, _ := mustLoad(t, dir)
		if l.Solve == nil || !slices.Equal(l.Solve.Command, []string{"cat", "/f"}) || l.Solve.Script != "" {
			t.Errorf("Solve = %+v", l.Solve)
		}
	})

	problems := []struct {
		name string
		xdsp string
		want want
	}{
		{
			name: "script outside the lab",
			xdsp: `x-dsp:
  solve:
    service: attacker
    script: ../outside.sh
`,
			want: want{sev: SeverityError, line: 3, field: "x-dsp.solve.script", msg: []string{`"../outside.sh" leaves`}},
		},
		{
			name: "absolute script",
			xdsp: `x-dsp:
  solve:
    service: attacker
    script: /bin/sh
`,
			want: want{sev: SeverityError, line: 3, field: "x-dsp.solve.script", msg: []string{"absolute"}},
		},
		{
			name: "script and command",
			xdsp: `x-dsp:
  solve:
    service: attacker
    script: solve.sh
    command: [true]
`,
			want: want{sev: SeverityError, line: 3, field: "x-dsp.solve", msg: []string{"either script or command, not both"}},
		},
		{
			name: "neither script nor command",
			xdsp: `x-dsp:
  solve:
    service: attacker
`,
			want: want{sev: SeverityError, line: 3, field: "x-dsp.solve", msg: []string{"needs a script", "or a command"}},
		},
		{
			name: "unknown service",
			xdsp: `x-dsp:
  solve:
    service: kali
    script: solve.sh
`,
			want: want{sev: SeverityError, line: 3, field: "x-dsp.solve.service", msg: []string{`service "kali" is not in the lab`, "attacker", "target"}},
		},
		{
			name: "bad timeout",
			xdsp: `x-dsp:
  solve:
    service: attacker
    script: solve.sh
    timeout: 3h
`,
			want: want{sev: SeverityError, line: 3, field: "x-dsp.solve.timeout", msg: []string{`"3h" is not a duration between 1s and 1h`}},
		},
		{
			name: "empty command",
			xdsp: `x-dsp:
  solve:
    service: attacker
    command: [""]
`,
			want: want{sev: SeverityError, line: 3, field: "x-dsp.solve.command", msg: []string{"non-empty list"}},
		},
	}
	for _, tt := range problems {
		t.Run(tt.name, func(t *testing.T) {
			dir, compose := checksLab(t, tt.xdsp, map[string]string{"solve.sh": "#!/bin/sh\n"})
			w := tt.want
			w.file = compose
			l, ps := loadInvalid(t, dir)
			expectProblem(t, ps, w)
			if l.Solve != nil {
				t.Errorf("Solve = %+v, want none", l.Solve)
			}
		})
	}
}

func TestFlag(t *testing.T) {
	// planted writes the placeholder in the ctf action of target.
	const planted = `services:
  target:
    image: alpine
    x-dsp:
      actions:
        - name: ctf
          args: {username: alice, ctf: "${DSP_FLAG}"}
`
	load := func(t *testing.T, compose string) (*Lab, Problems) {
		t.Helper()
		return mustLoad(t, newLab(t, nativeRepo(t), "lab", map[string]string{"compose.yaml": compose}))
	}
	cases := []struct {
		name    string
		compose string
		want    *FlagSpec
	}{
		{"flag: true", "x-dsp:\n  flag: true\n" + planted, &FlagSpec{Prefix: "FLAG"}},
		{"a prefix", "x-dsp:\n  flag: {prefix: CTF}\n" + planted, &FlagSpec{Prefix: "CTF"}},
		{"an empty mapping", "x-dsp:\n  flag: {}\n" + planted, &FlagSpec{Prefix: "FLAG"}},
		{"flag: false", "x-dsp:\n  flag: false\n" + checksServices, nil},
		{"no flag and no placeholder", "x-dsp:\n  title: T\n" + checksServices, nil},
		{"placeholder in an action argument", "x-dsp:\n  title: T\n" + planted, &FlagSpec{Prefix: "FLAG"}},
		{"placeholder in an environment mapping", `x-dsp:
  title: T
services:
  web:
    image: alpine
    environment:
      SECRET: "the flag is ${DSP_FLAG}"
`, &FlagSpec{Prefix: "FLAG"}},
		{"placeholder in an environment list", `x-dsp:
  title: T
services:
  web:
    image: alpine
    environment:
      - SECRET=${DSP_FLAG}
`, &FlagSpec{Prefix: "FLAG"}},
		{"placeholder in an exec command", `x-dsp:
  title: T
services:
  web:
    image: alpine
    x-dsp:
      actions:
        - name: exec
          args: {command: 'echo "${DSP_FLAG}" > /flag'}
`, &FlagSpec{Prefix: "FLAG"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			l, problems := load(t, tc.compose)
			if len(problems) != 0 {
				t.Errorf("problems: %v", problems)
			}
			if !reflect.DeepEqual(l.Flag, tc.want) {
				t.Errorf("Flag = %+v, want %+v", l.Flag, tc.want)
			}
		})
	}

	t.Run("invalid prefix", func(t *testing.T) {
		dir := newLab(t, nativeRepo(t), "lab", map[string]string{"compose.yaml": "x-dsp:\n  flag:\n    prefix: \"bad prefix!\"\n" + planted})
		l, ps := loadInvalid(t, dir)
		expectProblem(t, ps, want{sev: SeverityError, file: filepath.Join(dir, "compose.yaml"), line: 3, field: "x-dsp.flag.prefix", msg: []string{`prefix "bad prefix!" must be 1 to 32 letters, digits, _ or -`}})
		// The lab still plants the placeholder: it gets a default flag, so
		// that the broken prefix alone is reported.
		if l.Flag != nil && l.Flag.Prefix != DefaultFlagPrefix {
			t.Errorf("Flag = %+v", l.Flag)
		}
	})
	t.Run("prefix too long", func(t *testing.T) {
		dir := newLab(t, nativeRepo(t), "lab", map[string]string{"compose.yaml": "x-dsp:\n  flag: {prefix: " + strings.Repeat("A", 33) + "}\n" + planted})
		_, ps := loadInvalid(t, dir)
		expectProblem(t, ps, want{sev: SeverityError, line: 2, field: "x-dsp.flag.prefix", msg: []string{"1 to 32"}})
	})
	t.Run("neither a boolean nor a mapping", func(t *testing.T) {
		dir := newLab(t, nativeRepo(t), "lab", map[string]string{"compose.yaml": "x-dsp:\n  flag: yes\n" + planted})
		_, ps := loadInvalid(t, dir)
		expectProblem(t, ps, want{sev: SeverityError, line: 2, field: "x-dsp.flag", msg: []string{"flag is true or {prefix: NAME}"}})
	})
	t.Run("declared but never planted", func(t *testing.T) {
		dir := newLab(t, nativeRepo(t), "lab", map[string]string{"compose.yaml": "x-dsp:\n  title: T\n  flag: {prefix: CTF}\n" + checksServices})
		l, problems := mustLoad(t, dir)
		if l.Flag == nil || l.Flag.Prefix != "CTF" {
			t.Errorf("Flag = %+v, want prefix CTF (a warning, not an error)", l.Flag)
		}
		p := expectProblem(t, problems, want{sev: SeverityWarning, file: filepath.Join(dir, "compose.yaml"), line: 3, field: "x-dsp.flag", msg: []string{"never plants it", "${DSP_FLAG}", "environment value", "action argument"}})
		if len(problems) != 1 {
			t.Errorf("problems = %v, want only %s", problems, p)
		}
	})
}

// flagLab plants the placeholder in environment values and ctf arguments,
// beside literal flags and values without it.
const flagLab = `x-dsp:
  title: Flags
  flag: {prefix: CTF}
services:
  web:
    image: alpine
    environment:
      SECRET: "${DSP_FLAG}"
      BANNER: "flag=${DSP_FLAG};again=${DSP_FLAG}"
      PLAIN: hello
      UNSET:
    x-dsp:
      actions:
        - name: ctf
          priority: 1
          args: {username: alice, ctf: "${DSP_FLAG}"}
        - name: ctf
          priority: 2
          args: {username: bob, ctf: "FLAG{static}"}
        - name: ctf
          priority: 3
          args: {username: carol, ctf: "FLAG{static}"}
        - name: ctf
          priority: 4
          args: {username: dave, ctf: ""}
        - name: exec
          priority: 5
          args: {command: "echo ${DSP_FLAG} > /flag"}
  db:
    image: alpine
    environment:
      PASSWORD: secret
`

func TestWithFlag(t *testing.T) {
	l, problems := mustLoad(t, newLab(t, nativeRepo(t), "lab", map[string]string{"compose.yaml": flagLab}))
	if len(problems) != 0 {
		t.Errorf("problems: %v", problems)
	}
	if l.Flag == nil || l.Flag.Prefix != "CTF" {
		t.Fatalf("Flag = %+v", l.Flag)
	}
	if got, want := l.CTFFlags(), []string{"${DSP_FLAG}", "FLAG{static}"}; !slices.Equal(got, want) {
		t.Errorf("CTFFlags = %q, want %q (deduplicated, without the empty one)", got, want)
	}

	const flag = "CTF{0123456789abcdef0123456789abcdef}"
	c := l.WithFlag(flag)
	if c == l {
		t.Fatal("WithFlag returned the lab itself")
	}
	if got, want := c.CTFFlags(), []string{flag, "FLAG{static}"}; !slices.Equal(got, want) {
		t.Errorf("copy's CTFFlags = %q, want %q", got, want)
	}
	envOf := func(l *Lab, service, key string) *string {
		t.Helper()
		s, ok := l.Project.Services[service]
		if !ok {
			t.Fatalf("no service %s in the project", service)
		}
		v, ok := s.Environment[key]
		if !ok {
			t.Fatalf("service %s has no %s in its environment: %v", service, key, s.Environment)
		}
		return v
	}
	str := func(p *string) string {
		if p == nil {
			return "<nil>"
		}
		return *p
	}
	for _, tc := range []struct {
		service, key, orig, copy string
	}{
		{"web", "SECRET", "${DSP_FLAG}", flag},
		{"web", "BANNER", "flag=${DSP_FLAG};again=${DSP_FLAG}", "flag=" + flag + ";again=" + flag},
		{"web", "PLAIN", "hello", "hello"},
		{"web", "UNSET", "<nil>", "<nil>"},
		{"db", "PASSWORD", "secret", "secret"},
	} {
		if got := str(envOf(c, tc.service, tc.key)); got != tc.copy {
			t.Errorf("copy %s %s = %q, want %q", tc.service, tc.key, got, tc.copy)
		}
		if got := str(envOf(l, tc.service, tc.key)); got != tc.orig {
			t.Errorf("original %s %s = %q after WithFlag, want %q", tc.service, tc.key, got, tc.orig)
		}
	}
	argOf := func(l *Lab, i int, name string) string {
		t.Helper()
		a, ok := l.Actions[i].Arg(name)
		if !ok {
			t.Fatalf("action %d has no argument %s", i, name)
		}
		return a.Value
	}
	if got := argOf(c, 0, "ctf"); got != flag {
		t.Errorf("copy's ctf = %q", got)
	}
	if got := argOf(c, 4, "command"); got != "echo "+flag+" > /flag" {
		t.Errorf("copy's exec command = %q", got)
	}
	if got := argOf(c, 0, "username"); got != "alice" {
		t.Errorf("copy's username = %q", got)
	}
	// The original is untouched.
	if got := argOf(l, 0, "ctf"); got != FlagPlaceholder {
		t.Errorf("original ctf = %q after WithFlag", got)
	}
	if got := argOf(l, 4, "command"); got != "echo ${DSP_FLAG} > /flag" {
		t.Errorf("original exec command = %q after WithFlag", got)
	}
	// Two copies with two flags do not share anything either.
	d := l.WithFlag("CTF{other}")
	if argOf(c, 0, "ctf") != flag || str(envOf(c, "web", "SECRET")) != flag || argOf(d, 0, "ctf") != "CTF{other}" {
		t.Errorf("copies share their arguments or environment")
	}
	// The rest of the lab is the same.
	if c.Dir != l.Dir || c.Flag != l.Flag || len(c.Services()) != len(l.Services()) || len(c.Actions) != len(l.Actions) {
		t.Errorf("copy differs: %+v", c)
	}
}

func TestWithFlagWithoutProject(t *testing.T) {
	l := &Lab{Name: "bare"}
	c := l.WithFlag("FLAG{x}")
	if c == nil || c.Project != nil || len(c.Actions) != 0 || len(c.CTFFlags()) != 0 {
		t.Errorf("WithFlag on a lab without a project = %+v", c)
	}
}

// A teacher may add checks to an upstream lab: a top-level x-dsp in its
// docker-compose.yml.
func TestUpstreamLabWithChecks(t *testing.T) {
	compose := upstreamCompose + `x-dsp:
  checks:
    - name: ssh listens
      service: web
      tcp: 192.168.1.5:22
    - name: site is up
      service: ssh
      http: http://192.168.1.3/
  solve:
    service: web
    script: solve.sh
  flag: true
`
	repo, dir := newUpstreamLab(t, map[string]string{"docker-compose.yml": compose, "solve.sh": "#!/bin/sh\n"})
	writeTree(t, repo, map[string]string{".data/site.tar": "tar"})
	l, problems := mustLoad(t, dir)
	noErrors(t, problems)
	if l.Format != FormatUpstream {
		t.Fatalf("Format = %s", l.Format)
	}
	wantChecks := []Check{
		{Name: "ssh listens", Service: "web", Kind: CheckTCP, Target: "192.168.1.5:22", Timeout: DefaultCheckTimeout},
		{Name: "site is up", Service: "ssh", Kind: CheckHTTP, Target: "http://192.168.1.3/", Status: 200, Timeout: DefaultCheckTimeout},
	}
	if !reflect.DeepEqual(l.Checks, wantChecks) {
		t.Errorf("Checks = %+v, want %+v", l.Checks, wantChecks)
	}
	if l.Solve == nil || l.Solve.Script != filepath.Join(dir, "solve.sh") || l.Solve.Service != "web" {
		t.Errorf("Solve = %+v", l.Solve)
	}
	if l.Flag == nil || l.Flag.Prefix != DefaultFlagPrefix {
		t.Errorf("Flag = %+v", l.Flag)
	}
	// The flag is never planted (upstream labs have literal ctf values):
	// a warning naming the upstream compose file.
	expectProblem(t, problems, want{sev: SeverityWarning, file: filepath.Join(dir, "docker-compose.yml"), field: "x-dsp.flag", msg: []string{"never plants it"}})
	// x-dsp.checks is not reported as an unknown x-dsp field.
	for _, p := range problems {
		if strings.Contains(p.Field, "checks") || strings.Contains(p.Field, "solve") {
			t.Errorf("unexpected problem: %s", p)
		}
	}

	// Errors in them are reported with the upstream file and line.
	broken := upstreamCompose + "x-dsp:\n  checks:\n    - {name: bad, service: nope, healthy: true}\n"
	_, dir = newUpstreamLab(t, map[string]string{"docker-compose.yml": broken})
	_, ps := loadInvalid(t, dir)
	line := strings.Count(upstreamCompose, "\n") + 3
	expectProblem(t, ps, want{sev: SeverityError, file: filepath.Join(dir, "docker-compose.yml"), line: line, field: "x-dsp.checks.0 (bad).service", msg: []string{`service "nope"`, "ssh, web"}})
}

// The bundled examples declare checks, a solution and a flag.
func TestExampleLabsChecks(t *testing.T) {
	examples, err := filepath.Abs("../../examples")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(examples); err != nil {
		t.Skip("examples not found")
	}
	for _, tc := range []struct {
		name       string
		checks     int
		service    string
		timeout    time.Duration
		checkKinds []CheckKind
	}{
		{"hello-flag", 4, "target", 30 * time.Second, []CheckKind{CheckCommand, CheckCommand, CheckTCP, CheckHTTP}},
		{"routed-network", 4, "attacker", time.Minute, []CheckKind{CheckCommand, CheckCommand, CheckTCP, CheckHTTP}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := filepath.Join(examples, tc.name)
			l, problems := mustLoad(t, dir)
			if len(problems) != 0 {
				t.Errorf("problems: %v", problems)
			}
			checkExampleChecks(t, l, tc.checks, tc.checkKinds)
			if l.Solve == nil {
				t.Fatal("no solution")
			}
			if l.Solve.Service != tc.service || l.Solve.Timeout != tc.timeout || l.Solve.Script != filepath.Join(dir, "solve.sh") {
				t.Errorf("Solve = %+v", l.Solve)
			}
			st, err := os.Stat(l.Solve.Script)
			if err != nil || !st.Mode().IsRegular() {
				t.Errorf("solution script: %v", err)
			}
			if l.Flag == nil || l.Flag.Prefix != "FLAG" {
				t.Errorf("Flag = %+v", l.Flag)
			}
			if !plantsFlag(l) {
				t.Error("the example does not plant its flag")
			}
		})
	}
}

// checkExampleChecks checks the checks of an example lab: count of them,
// of the kinds given in order, with distinct names, each in a service of
// the lab.
func checkExampleChecks(t *testing.T, l *Lab, count int, kinds []CheckKind) {
	t.Helper()
	var got []CheckKind
	names := map[string]bool{}
	for _, c := range l.Checks {
		got = append(got, c.Kind)
		names[c.Name] = true
		if _, ok := l.Service(c.Service); !ok {
			t.Errorf("check %q runs in unknown service %q", c.Name, c.Service)
		}
	}
	if len(l.Checks) != count || !slices.Equal(got, kinds) || len(names) != len(l.Checks) {
		t.Errorf("checks = %+v", l.Checks)
	}
}

func TestUnreachableChecks(t *testing.T) {
	dir, _ := checksLab(t, `x-dsp:
  checks:
    - name: no telnet from outside
      service: attacker
      tcp: target:23
      unreachable: true
    - name: no web from outside
      service: attacker
      http: https://target/
      unreachable: true
`, nil)
	l, _ := mustLoad(t, dir)
	if len(l.Checks) != 2 {
		t.Fatalf("checks = %+v", l.Checks)
	}
	tcp, web := l.Checks[0], l.Checks[1]
	if !tcp.Unreachable || tcp.Kind != CheckTCP || tcp.Describe() != "target:23 is unreachable from attacker" {
		t.Errorf("tcp check = %+v (%s)", tcp, tcp.Describe())
	}
	if !web.Unreachable || web.Kind != CheckHTTP || web.Status != 0 || web.Describe() != "https://target/ is unreachable from attacker" {
		t.Errorf("http check = %+v (%s)", web, web.Describe())
	}
}
