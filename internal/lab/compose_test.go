package lab

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// composeLab writes an upstream lab (a .dsp marker, information.json and
// a docker-compose.yml) into a fresh repository, with extra files.
func composeLab(t *testing.T, compose string, extra map[string]string) (repo, dir string) {
	t.Helper()
	repo = newRepo(t)
	files := map[string]string{"docker-compose.yml": compose, "information.json": `{"description":"d","goal":"<p>g</p>"}`}
	for k, v := range extra {
		files[k] = v
	}
	return repo, newLab(t, repo, "lab", files)
}

func TestComposeErrors(t *testing.T) {
	tests := []struct {
		name    string
		compose string
		want    want
	}{
		{
			name: "YAML syntax error",
			compose: `services:
  web:
    image: nginx
   ports: [1
`,
			want: want{line: 4, msg: []string{"not valid YAML"}},
		},
		{
			name:    "YAML tab indentation",
			compose: "services:\n  web:\n\timage: nginx\n",
			want:    want{line: 3, msg: []string{"not valid YAML"}},
		},
		{
			name:    "not a mapping",
			compose: "- just\n- a list\n",
			want:    want{line: 1, msg: []string{"mapping with a services section"}},
		},
		{
			name: "neither image nor build",
			compose: `services:
  web:
    image: nginx
  kali:
    stdin_open: true
    tty: true
`,
			want: want{line: 4, field: "services.kali", msg: []string{`service "kali" has neither an image nor a build context`}},
		},
		{
			name: "ipv4_address outside its subnet",
			compose: `services:
  web:
    image: nginx
    networks:
      lan:
        ipv4_address: 10.0.0.5
networks:
  lan:
    ipam:
      config:
        - subnet: 192.168.1.1/24
`,
			want: want{line: 6, field: "services.web.networks.lan.ipv4_address", msg: []string{"10.0.0.5 is outside subnet 192.168.1.0/24 of network lan"}},
		},
		{
			name: "duplicate ipv4_address",
			compose: `services:
  a:
    image: alpine
    networks:
      lan:
        ipv4_address: 192.168.1.5
  b:
    image: alpine
    networks:
      lan:
        ipv4_address: 192.168.1.5
networks:
  lan:
    ipam:
      config:
        - subnet: 192.168.1.0/24
`,
			want: want{line: 11, field: "services.b.networks.lan.ipv4_address", msg: []string{"192.168.1.5 is already given to service a"}},
		},
		{
			name: "ipv4_address is the gateway",
			compose: `services:
  router:
    image: alpine
    networks:
      lan:
        ipv4_address: 192.168.1.1
networks:
  lan:
    ipam:
      config:
        - subnet: 192.168.1.1/24
`,
			want: want{line: 6, field: "services.router.networks.lan.ipv4_address", msg: []string{"192.168.1.1 is the gateway of network lan"}},
		},
		{
			name: "ipv4_address is the declared gateway",
			compose: `services:
  router:
    image: alpine
    networks:
      lan:
        ipv4_address: 192.168.1.254
networks:
  lan:
    ipam:
      config:
        - subnet: 192.168.1.0/24
          gateway: 192.168.1.254
`,
			want: want{line: 6, field: "services.router.networks.lan.ipv4_address", msg: []string{"192.168.1.254 is the gateway"}},
		},
		{
			name: "ipv4_address is the network address",
			compose: `services:
  web:
    image: alpine
    networks:
      lan:
        ipv4_address: 192.168.1.0
networks:
  lan:
    ipam:
      config:
        - subnet: 192.168.1.0/24
`,
			want: want{line: 6, field: "services.web.networks.lan.ipv4_address", msg: []string{"network address of 192.168.1.0/24"}},
		},
		{
			name: "bad subnet",
			compose: `services:
  web:
    image: nginx
    networks:
      - lan
networks:
  lan:
    ipam:
      config:
        - subnet: 300.1.1.0/24
`,
			want: want{line: 10, field: "networks.lan.ipam.config.0.subnet", msg: []string{`subnet "300.1.1.0/24" is not a CIDR`}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, dir := composeLab(t, tt.compose, nil)
			l, ps := loadInvalid(t, dir)
			if l.Format != FormatUpstream {
				t.Errorf("format = %s", l.Format)
			}
			w := tt.want
			w.sev = SeverityError
			w.file = filepath.Join(dir, "docker-compose.yml")
			expectProblem(t, ps, w)
		})
	}
}

// A gateway address is fine when the network declares another gateway.
func TestComposeDeclaredGatewayFreesDotOne(t *testing.T) {
	_, dir := composeLab(t, `services:
  web:
    image: alpine
    networks:
      lan:
        ipv4_address: 192.168.1.1
networks:
  lan:
    ipam:
      config:
        - subnet: 192.168.1.0/24
          gateway: 192.168.1.254
`, nil)
	l, _ := mustLoad(t, dir)
	web, _ := l.Service("web")
	if len(web.Networks) != 1 || web.Networks[0] != (ServiceNetwork{Name: "lan", IP: "192.168.1.1"}) {
		t.Errorf("web networks = %+v", web.Networks)
	}
}

// The same address on two different networks is not a duplicate.
func TestComposeSameAddressOnTwoNetworks(t *testing.T) {
	_, dir := composeLab(t, `services:
  a:
    image: alpine
    networks:
      lan1:
        ipv4_address: 10.1.0.5
  b:
    image: alpine
    networks:
      lan2:
        ipv4_address: 10.1.0.5
networks:
  lan1:
    ipam:
      config:
        - subnet: 10.1.0.0/24
  lan2:
    ipam:
      config:
        - subnet: 10.1.0.0/24
`, nil)
	mustLoad(t, dir)
}

func TestComposeHostilePaths(t *testing.T) {
	tests := []struct {
		name    string
		compose string
		extra   map[string]string
		setup   func(t *testing.T, repo, dir string)
		want    want
	}{
		{
			name: "bind mount climbing out",
			compose: `services:
  web:
    image: nginx
    volumes:
      - ../../../etc:/x
`,
			want: want{line: 5, field: "services.web.volumes.0", msg: []string{"is outside", "a lab may only use files inside its own folder"}},
		},
		{
			name: "bind mount of the host's /etc",
			compose: `services:
  web:
    image: nginx
    volumes:
      - ./data:/data
      - /etc:/host-etc
`,
			want: want{line: 6, field: "services.web.volumes.1", msg: []string{"path /etc is outside", "a lab may only use files inside its own folder"}},
		},
		{
			name: "long-syntax bind mount of /",
			compose: `services:
  web:
    image: nginx
    volumes:
      - type: bind
        source: /
        target: /host
`,
			want: want{line: 5, field: "services.web.volumes.0", msg: []string{"is outside"}},
		},
		{
			name: "bind mount of a symlink to /etc",
			compose: `services:
  web:
    image: nginx
    volumes:
      - ./config:/x
`,
			setup: func(t *testing.T, repo, dir string) {
				if err := os.Symlink("/etc", filepath.Join(dir, "config")); err != nil {
					t.Fatal(err)
				}
			},
			want: want{line: 5, field: "services.web.volumes.0", msg: []string{"config is outside"}},
		},
		{
			name: "bind mount of a dangling symlink leading out",
			compose: `services:
  web:
    image: nginx
    volumes:
      - ./later:/x
`,
			setup: func(t *testing.T, repo, dir string) {
				if err := os.Symlink(filepath.Join(filepath.Dir(repo), "not-yet"), filepath.Join(dir, "later")); err != nil {
					t.Fatal(err)
				}
			},
			want: want{line: 5, field: "services.web.volumes.0", msg: []string{"later is outside"}},
		},
		{
			name: "env_file outside, absolute",
			compose: `services:
  web:
    image: nginx
    env_file: /etc/passwd
`,
			want: want{line: 4, field: "services.web.env_file.0", msg: []string{"path /etc/passwd is outside"}},
		},
		{
			name: "env_file outside, relative",
			compose: `services:
  web:
    image: nginx
    env_file:
      - lab.env
      - ../../host.env
`,
			extra: map[string]string{"lab.env": "A=1\n"},
			setup: func(t *testing.T, repo, dir string) {
				writeTree(t, filepath.Dir(repo), map[string]string{"host.env": "SECRET=1\n"})
			},
			want: want{line: 6, field: "services.web.env_file.1", msg: []string{"host.env is outside"}},
		},
		{
			name: "include outside",
			compose: `include:
  - ../other.yml
services:
  web:
    image: nginx
`,
			setup: func(t *testing.T, repo, dir string) {
				writeTree(t, repo, map[string]string{"other.yml": "services:\n  spy:\n    image: alpine\n"})
			},
			want: want{line: 2, field: "include.0", msg: []string{`"../other.yml" leaves`}},
		},
		{
			name: "include outside, long syntax",
			compose: `include:
  - path: ./ok.yml
  - path:
      - ./ok.yml
      - /etc/compose.yml
services:
  web:
    image: nginx
`,
			extra: map[string]string{"ok.yml": "services:\n  db:\n    image: alpine\n"},
			want:  want{line: 5, field: "include.1.path.1", msg: []string{`"/etc/compose.yml" is absolute`}},
		},
		{
			name: "include with a variable",
			compose: `include:
  - ${HOME}/x.yml
services:
  web:
    image: nginx
`,
			want: want{line: 2, field: "include.0", msg: []string{"plain relative path inside the lab folder"}},
		},
		{
			name: "include by URL",
			compose: `include:
  - path: https://example.com/x.yml
services:
  web:
    image: nginx
`,
			want: want{line: 2, field: "include.0.path", msg: []string{"plain relative path"}},
		},
		{
			name: "extends a file outside",
			compose: `services:
  web:
    extends:
      file: ../base.yml
      service: base
`,
			setup: func(t *testing.T, repo, dir string) {
				writeTree(t, repo, map[string]string{"base.yml": "services:\n  base:\n    image: alpine\n    privileged: true\n"})
			},
			want: want{line: 4, field: "services.web.extends.file", msg: []string{`"../base.yml" leaves`}},
		},
		{
			name: "build context outside the repository",
			compose: `services:
  web:
    build: ../../elsewhere
`,
			want: want{line: 3, field: "services.web.build", msg: []string{"elsewhere is outside", "a lab may only use files inside its own folder"}},
		},
		{
			name: "build context at /",
			compose: `services:
  web:
    build:
      context: /
`,
			want: want{line: 3, field: "services.web.build", msg: []string{"is outside"}},
		},
		{
			name: "build additional context at /",
			compose: `services:
  web:
    build:
      context: .
      additional_contexts:
        base: docker-image://alpine:3
        host: /
`,
			extra: map[string]string{"Dockerfile": "FROM alpine\nCOPY --from=host /etc/shadow /x\n"},
			want:  want{line: 7, field: "services.web.build.additional_contexts.host", msg: []string{"path / is outside"}},
		},
		{
			name: "build additional context climbing out",
			compose: `services:
  web:
    build:
      context: .
      additional_contexts:
        up: ../../..
`,
			extra: map[string]string{"Dockerfile": "FROM alpine\n"},
			want:  want{line: 6, field: "services.web.build.additional_contexts.up", msg: []string{"is outside"}},
		},
		{
			name: "build ssh key outside",
			compose: `services:
  web:
    build:
      context: .
      ssh:
        - default=/root/.ssh/id_rsa
`,
			extra: map[string]string{"Dockerfile": "FROM alpine\n"},
			want:  want{line: 6, field: "services.web.build.ssh.0", msg: []string{"id_rsa is outside"}},
		},
		{
			name: "Dockerfile outside the repository",
			compose: `services:
  web:
    build:
      context: .
      dockerfile: ../../../Dockerfile.evil
`,
			want: want{line: 5, field: "services.web.build.dockerfile", msg: []string{"Dockerfile.evil is outside"}},
		},
		{
			name: "config file outside",
			compose: `services:
  web:
    image: nginx
    configs: [site]
configs:
  site:
    file: /etc/hostname
`,
			want: want{line: 7, field: "configs.site.file", msg: []string{"/etc/hostname is outside"}},
		},
		{
			name: "secret file outside",
			compose: `services:
  web:
    image: nginx
    secrets: [key]
secrets:
  key:
    file: ../../id_rsa
`,
			want: want{line: 7, field: "secrets.key.file", msg: []string{"id_rsa is outside"}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			repo, dir := composeLab(t, tt.compose, tt.extra)
			if tt.setup != nil {
				tt.setup(t, repo, dir)
			}
			_, ps := loadInvalid(t, dir)
			w := tt.want
			w.sev = SeverityError
			w.file = filepath.Join(dir, "docker-compose.yml")
			expectProblem(t, ps, w)
		})
	}
}

// env_file: /etc/passwd is refused before it is read: the host's accounts
// never become the service's environment.
func TestComposeEnvFileRefusedBeforeReading(t *testing.T) {
	repo, dir := composeLab(t, `services:
  web:
    image: nginx
    env_file: ../../host.env
`, nil)
	host := filepath.Join(filepath.Dir(repo), "host.env")
	writeTree(t, filepath.Dir(repo), map[string]string{"host.env": "SECRET=hunter2\n"})
	// Unreadable: reading it would fail with "permission denied" (as root,
	// the content check below still holds).
	if err := os.Chmod(host, 0o000); err != nil {
		t.Fatal(err)
	}
	l, ps := loadInvalid(t, dir)
	for _, p := range ps {
		if strings.Contains(p.Message, "permission denied") || strings.Contains(p.Message, "hunter2") {
			t.Errorf("the file was read: %s", p)
		}
	}
	if l.Project != nil {
		for _, s := range l.Project.Services {
			if v, ok := s.Environment["SECRET"]; ok {
				t.Errorf("SECRET reached the project: %v", v)
			}
		}
	}
	expectProblem(t, ps, want{sev: SeverityError, field: "services.web.env_file.0", msg: []string{"is outside"}})
}

// Only the lab's own .env is used for interpolation, never the process
// environment; a .env that is a link out of the lab folder is refused.
func TestComposeInterpolation(t *testing.T) {
	compose := `services:
  web:
    image: nginx
    environment:
      FROM_DOTENV: ${LAB_VALUE:-unset}
      FROM_HOST: ${DSP_TEST_HOST_SECRET:-unset}
`
	t.Setenv("DSP_TEST_HOST_SECRET", "leaked")
	t.Run("lab .env is used", func(t *testing.T) {
		_, dir := composeLab(t, compose, map[string]string{".env": "LAB_VALUE=42\n"})
		l, _ := mustLoad(t, dir)
		env := l.Project.Services["web"].Environment
		if v := env["FROM_DOTENV"]; v == nil || *v != "42" {
			t.Errorf("FROM_DOTENV = %v, want 42", deref(v))
		}
		if v := env["FROM_HOST"]; v == nil || *v != "unset" {
			t.Errorf("FROM_HOST = %v: the host environment leaked into the lab", deref(v))
		}
	})
	t.Run(".env linked out of the lab", func(t *testing.T) {
		repo, dir := composeLab(t, compose, nil)
		writeTree(t, filepath.Dir(repo), map[string]string{"host-secrets": "LAB_VALUE=hunter2\n"})
		if err := os.Symlink(filepath.Join(filepath.Dir(repo), "host-secrets"), filepath.Join(dir, ".env")); err != nil {
			t.Fatal(err)
		}
		l, _, err := Load(t.Context(), dir)
		if err == nil {
			env := l.Project.Services["web"].Environment
			t.Fatalf("a .env linked out of the lab was read: FROM_DOTENV = %v", deref(env["FROM_DOTENV"]))
		}
		if !strings.Contains(err.Error(), ".env") || !strings.Contains(err.Error(), "outside") {
			t.Errorf("error = %v, want it to name .env and say outside", err)
		}
	})
}

func deref(p *string) string {
	if p == nil {
		return "<nil>"
	}
	return *p
}

// Paths that stay inside are fine: bind mounts of lab folders, a symlink
// inside the lab, a build context in the repository's .dockerfiles.
func TestComposeInsidePathsAccepted(t *testing.T) {
	repo, dir := composeLab(t, `services:
  web:
    image: nginx
    env_file: web.env
    volumes:
      - ./website:/var/www/html
      - ./linked:/linked:ro
      - ./not-created-yet:/data
      - named:/var/lib/data
  tool:
    build: ../.dockerfiles/tool
  tool2:
    build:
      context: .
      dockerfile: ../.dockerfiles/tool/Dockerfile
      additional_contexts:
        shared: ../.dockerfiles
        base: docker-image://alpine:3
        other: service:tool
volumes:
  named: {}
`, map[string]string{"web.env": "A=1\n", "website/index.php": "<?php"})
	writeTree(t, repo, map[string]string{".dockerfiles/tool/Dockerfile": "FROM alpine\n"})
	if err := os.Symlink("website", filepath.Join(dir, "linked")); err != nil {
		t.Fatal(err)
	}
	l, _ := mustLoad(t, dir)
	tool, _ := l.Service("tool")
	if tool.Build != filepath.Join(repo, ".dockerfiles", "tool") {
		t.Errorf("tool build = %q", tool.Build)
	}
	// A built service without image: gets a stable name from repo, lab and
	// service, so every instance of the lab shares one image.
	if tool.Image != "dsp-repo-lab-tool:latest" || l.Project.Services["tool"].Image != tool.Image {
		t.Errorf("tool image = %q (project %q)", tool.Image, l.Project.Services["tool"].Image)
	}
	if v := l.Project.Services["web"].Environment["A"]; v == nil || *v != "1" {
		t.Errorf("env_file inside the lab not read: %v", v)
	}
	if want := []string{"dsp-repo-lab-tool:latest", "dsp-repo-lab-tool2:latest", "nginx"}; !slices.Equal(l.Images(), want) {
		t.Errorf("Images = %q, want %q", l.Images(), want)
	}
}

func TestComposeFileNames(t *testing.T) {
	for _, name := range []string{"compose.yaml", "compose.yml", "docker-compose.yml", "docker-compose.yaml"} {
		t.Run(name, func(t *testing.T) {
			repo := newRepo(t)
			dir := newLab(t, repo, "lab", map[string]string{name: "services:\n  web:\n    image: nginx\n"})
			l, _ := mustLoad(t, dir)
			if l.ComposeFile != filepath.Join(dir, name) {
				t.Errorf("ComposeFile = %s", l.ComposeFile)
			}
		})
	}
	t.Run("compose.yaml wins", func(t *testing.T) {
		repo := newRepo(t)
		dir := newLab(t, repo, "lab", map[string]string{
			"compose.yaml":       "services:\n  new:\n    image: nginx\n",
			"docker-compose.yml": "services:\n  old:\n    image: nginx\n",
		})
		l, _ := mustLoad(t, dir)
		if _, ok := l.Service("new"); !ok || len(l.Services()) != 1 {
			t.Errorf("services = %+v, want only compose.yaml's", l.Services())
		}
	})
	t.Run("missing", func(t *testing.T) {
		repo := newRepo(t)
		dir := newLab(t, repo, "empty", map[string]string{"README.md": "hi"})
		_, ps := loadInvalid(t, dir)
		expectProblem(t, ps, want{sev: SeverityError, file: filepath.Join(dir, "docker-compose.yml"), msg: []string{"missing", "compose.yaml", "docker-compose.yml"}})
	})
	t.Run("not a folder", func(t *testing.T) {
		repo := newRepo(t)
		writeTree(t, repo, map[string]string{"file": "x"})
		if l, ps, err := Load(t.Context(), filepath.Join(repo, "file")); err == nil || !strings.Contains(err.Error(), "not a folder") || l != nil || ps != nil {
			t.Errorf("lab = %v, problems = %v, err = %v", l, ps, err)
		}
		if _, _, err := Load(t.Context(), filepath.Join(repo, "nope")); err == nil {
			t.Error("a missing folder loaded")
		}
	})
}

func TestRisks(t *testing.T) {
	tests := []struct {
		name    string
		service string // YAML lines under the service, indented by 4
		want    []string
	}{
		{"privileged", "privileged: true", []string{"runs privileged"}},
		{"cap_add ALL", "cap_add: [ALL]", []string{"adds capability ALL"}},
		{"cap_add SYS_ADMIN", "cap_add: [SYS_ADMIN]", []string{"adds capability SYS_ADMIN"}},
		{"cap_add CAP_sys_admin", "cap_add: [CAP_sys_admin]", []string{"adds capability SYS_ADMIN"}},
		{"cap_add NET_ADMIN alone", "cap_add: [NET_ADMIN, NET_RAW]", nil},
		{"network_mode host", "network_mode: host", []string{"host's network namespace (network_mode: host)"}},
		{"pid host", "pid: host", []string{"host's pid namespace (pid: host)"}},
		{"ipc host", "ipc: host", []string{"(ipc: host)"}},
		{"devices", "devices: [\"/dev/kmsg:/dev/kmsg\"]", []string{"uses host device /dev/kmsg"}},
		{"seccomp unconfined", "security_opt: [\"seccomp:unconfined\"]", []string{"disables confinement (security_opt seccomp:unconfined)"}},
		{"apparmor unconfined", "security_opt: [\"apparmor=unconfined\"]", []string{"disables confinement"}},
		{"nothing", "stdin_open: true", nil},
		{"several", "privileged: true\n    cap_add: [NET_ADMIN, SYS_MODULE]\n    pid: host", []string{"runs privileged", "adds capability SYS_MODULE", "(pid: host)"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, dir := composeLab(t, "services:\n  box:\n    image: alpine\n    "+tt.service+"\n", nil)
			l, _ := mustLoad(t, dir)
			risks := l.Risks()
			var got []string
			for _, r := range risks {
				if r.Service != "box" {
					t.Errorf("risk for service %q", r.Service)
				}
				if !strings.HasPrefix(r.String(), "service box: ") {
					t.Errorf("String() = %q", r.String())
				}
				got = append(got, r.What)
			}
			if len(got) != len(tt.want) {
				t.Fatalf("Risks = %q, want %d matching %q", got, len(tt.want), tt.want)
			}
			for _, w := range tt.want {
				if !slices.ContainsFunc(got, func(g string) bool { return strings.Contains(g, w) }) {
					t.Errorf("Risks = %q, want one containing %q", got, w)
				}
			}
		})
	}
	t.Run("no project", func(t *testing.T) {
		if r := (&Lab{}).Risks(); r != nil {
			t.Errorf("Risks of an unloaded lab = %v", r)
		}
	})
}

// Unused networks are dropped (overlapping unused subnets do not stop a
// lab); used ones with their normalised subnets are kept.
func TestComposeUnusedNetworksDropped(t *testing.T) {
	_, dir := composeLab(t, `services:
  web:
    image: nginx
    networks: [used]
networks:
  used:
    ipam:
      config:
        - subnet: 10.9.0.7/16
  spare1:
    ipam:
      config:
        - subnet: 10.9.0.1/16
  spare2:
    ipam:
      config:
        - subnet: 10.9.0.1/16
`, nil)
	l, _ := mustLoad(t, dir)
	if len(l.Networks()) != 1 || l.Networks()[0] != (Network{Name: "used", Subnet: "10.9.0.0/16", Written: "10.9.0.7/16"}) {
		t.Errorf("Networks = %+v", l.Networks())
	}
	if len(l.Project.Networks) != 1 {
		t.Errorf("project networks = %v", l.Project.Networks)
	}
}

func TestComposeServicesView(t *testing.T) {
	_, dir := composeLab(t, `services:
  web:
    image: nginx:1.25
    stop_grace_period: 3s
    privileged: false
    cap_add: [NET_ADMIN]
    ports:
      - "8080:80"
      - "127.0.0.1:2222:22/tcp"
      - "53/udp"
    networks:
      front:
      back:
        ipv4_address: 172.30.0.10
networks:
  front: {}
  back:
    ipam:
      config:
        - subnet: 172.30.0.0/24
`, nil)
	l, _ := mustLoad(t, dir)
	web, ok := l.Service("web")
	if !ok {
		t.Fatal("no web")
	}
	if web.Image != "nginx:1.25" || !web.Shell || web.Privileged || !slices.Equal(web.CapAdd, []string{"NET_ADMIN"}) {
		t.Errorf("web = %+v", web)
	}
	if web.StopTimeout == nil || web.StopTimeout.String() != "3s" {
		t.Errorf("StopTimeout = %v", web.StopTimeout)
	}
	wantPorts := []Port{
		{Container: 80, Host: "8080", Protocol: "tcp"},
		{Container: 22, Host: "2222", HostIP: "127.0.0.1", Protocol: "tcp"},
		{Container: 53, Protocol: "udp"},
	}
	if !slices.Equal(web.Ports, wantPorts) {
		t.Errorf("ports = %+v, want %+v", web.Ports, wantPorts)
	}
	wantNets := []ServiceNetwork{{Name: "back", IP: "172.30.0.10"}, {Name: "front"}}
	if !slices.Equal(web.Networks, wantNets) {
		t.Errorf("networks = %+v, want %+v", web.Networks, wantNets)
	}
	if _, ok := l.Service("nope"); ok {
		t.Error("Service(nope) found something")
	}
}

// A network with an IPv4 and an IPv6 pool: the IPv4 address is checked
// against the IPv4 pool only.
func TestComposeDualStackNetwork(t *testing.T) {
	_, dir := composeLab(t, `services:
  web:
    image: nginx
    networks:
      lan:
        ipv4_address: 10.20.0.5
        ipv6_address: fd00:20::5
networks:
  lan:
    enable_ipv6: true
    ipam:
      config:
        - subnet: 10.20.0.0/24
        - subnet: fd00:20::/64
`, nil)
	l, _ := mustLoad(t, dir)
	if n, _ := networkNamed(l, "lan"); n.Subnet != "10.20.0.0/24" {
		t.Errorf("lan = %+v", n)
	}
}

// With two IPv4 pools, an address in the second pool is inside the network.
func TestComposeTwoIPv4Pools(t *testing.T) {
	_, dir := composeLab(t, `services:
  web:
    image: nginx
    networks:
      lan:
        ipv4_address: 10.21.1.5
networks:
  lan:
    ipam:
      config:
        - subnet: 10.21.0.0/24
        - subnet: 10.21.1.0/24
`, nil)
	mustLoad(t, dir)

	_, dir = composeLab(t, `services:
  web:
    image: nginx
    networks:
      lan:
        ipv4_address: 10.21.9.5
networks:
  lan:
    ipam:
      config:
        - subnet: 10.21.0.0/24
        - subnet: 10.21.1.0/24
`, nil)
	_, ps := loadInvalid(t, dir)
	expectProblem(t, ps, want{sev: SeverityError, line: 6, field: "services.web.networks.lan.ipv4_address", msg: []string{"10.21.9.5 is outside", "10.21.0.0/24", "10.21.1.0/24"}})
	if n := len(ps.Errors()); n != 1 {
		t.Errorf("%d errors, want one for the address: %v", n, ps)
	}
}
