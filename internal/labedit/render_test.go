package labedit

import (
	"bytes"
	"errors"
	"strings"
	"testing"
)

// service returns the service named name of m.
func service(t *testing.T, m *Model, name string) *Service {
	t.Helper()
	for i := range m.Services {
		if m.Services[i].ID == name {
			return &m.Services[i]
		}
	}
	t.Fatalf("no service %s", name)
	return nil
}

// netOf returns the network named name of m.
func netOf(t *testing.T, m *Model, name string) *Network {
	t.Helper()
	for i := range m.Networks {
		if m.Networks[i].ID == name {
			return &m.Networks[i]
		}
	}
	t.Fatalf("no network %s", name)
	return nil
}

// renderEdit parses src, edits the model and renders it.
func renderEdit(t *testing.T, src string, edit func(*Model)) (string, error) {
	t.Helper()
	m, err := Parse([]byte(src))
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	edit(m)
	out, err := Render([]byte(src), m)
	return string(out), err
}

func TestRender(t *testing.T) {
	tests := []struct {
		name string
		src  string
		edit func(t *testing.T, m *Model)
		want string
	}{
		{
			name: "image keeps quotes and comment",
			src:  "services:\n  web:\n    image: 'nginx:1' # the web server\n    tty: true\n",
			edit: func(t *testing.T, m *Model) { service(t, m, "web").Image = "nginx:2" },
			want: "services:\n  web:\n    image: 'nginx:2' # the web server\n    tty: true\n",
		},
		{
			name: "a plain value that YAML would mistype is quoted",
			src:  "services:\n  web:\n    image: nginx\n",
			edit: func(t *testing.T, m *Model) { service(t, m, "web").Image = "yes" },
			want: "services:\n  web:\n    image: \"yes\"\n",
		},
		{
			name: "new image added after the last key",
			src:  "services:\n  web:\n    build: .\n    # no image yet\n  db:\n    image: postgres\n",
			edit: func(t *testing.T, m *Model) { service(t, m, "web").Image = "web:1" },
			want: "services:\n  web:\n    build: .\n    image: web:1\n    # no image yet\n  db:\n    image: postgres\n",
		},
		{
			name: "image removed",
			src:  "services:\n  web:\n    image: nginx\n    tty: true\n",
			edit: func(t *testing.T, m *Model) { service(t, m, "web").Image = "" },
			want: "services:\n  web:\n    tty: true\n",
		},
		{
			name: "ports: a new one quoted, comments and long syntax kept",
			src:  "services:\n  web:\n    ports:\n      # http\n      - \"80:80\"\n      - target: 443\n        published: 8443\n",
			edit: func(t *testing.T, m *Model) {
				s := service(t, m, "web")
				if strings.Join(s.Ports, ",") != "80:80,8443:443" {
					t.Fatalf("ports %q", s.Ports)
				}
				s.Ports = append(s.Ports, "127.0.0.1:8080:8080/udp")
			},
			want: "services:\n  web:\n    ports:\n      # http\n      - \"80:80\"\n      - target: 443\n        published: 8443\n      - \"127.0.0.1:8080:8080/udp\"\n",
		},
		{
			name: "ports: one removed with its comment",
			src:  "services:\n  web:\n    ports:\n      - '22:22'\n      # http\n      - '80:80'\n      - '443:443'\n",
			edit: func(t *testing.T, m *Model) { service(t, m, "web").Ports = []string{"22:22", "443:443"} },
			want: "services:\n  web:\n    ports:\n      - '22:22'\n      - '443:443'\n",
		},
		{
			name: "ports: all removed",
			src:  "services:\n  web:\n    ports:\n      - '22:22'\n    tty: true\n",
			edit: func(t *testing.T, m *Model) { service(t, m, "web").Ports = nil },
			want: "services:\n  web:\n    tty: true\n",
		},
		{
			name: "ports: new list in the file's quotes",
			src:  "services:\n  web:\n    image: 'x'\n",
			edit: func(t *testing.T, m *Model) { service(t, m, "web").Ports = []string{"8080:80"} },
			want: "services:\n  web:\n    image: 'x'\n    ports:\n      - '8080:80'\n",
		},
		{
			name: "environment list form",
			src:  "services:\n  web:\n    environment:\n      - A=1\n      - B=2 # bee\n      - C=3\n",
			edit: func(t *testing.T, m *Model) {
				s := service(t, m, "web")
				s.Environment = map[string]string{"A": "one", "B": "2", "D": "4"}
			},
			want: "services:\n  web:\n    environment:\n      - A=one\n      - B=2 # bee\n      - D=4\n",
		},
		{
			name: "environment map form",
			src:  "services:\n  web:\n    environment:\n      A: 1\n      B: two\n      C:\n",
			edit: func(t *testing.T, m *Model) {
				s := service(t, m, "web")
				if s.Environment["A"] != "1" || s.Environment["C"] != "" {
					t.Fatalf("environment %v", s.Environment)
				}
				s.Environment = map[string]string{"A": "1", "C": "", "D": "true", "E": "5"}
			},
			want: "services:\n  web:\n    environment:\n      A: 1\n      C:\n      D: \"true\"\n      E: \"5\"\n",
		},
		{
			name: "networks list form stays a list",
			src:  "services:\n  web:\n    networks: [front]\n  db:\n    networks:\n      - back\nnetworks:\n  front:\n  back:\n",
			edit: func(t *testing.T, m *Model) {
				service(t, m, "web").Networks = []Attachment{{Network: "front"}, {Network: "back"}}
				service(t, m, "db").Networks = []Attachment{{Network: "back"}, {Network: "front"}}
			},
			want: "services:\n  web:\n    networks: [front, back]\n  db:\n    networks:\n      - back\n      - front\nnetworks:\n  front:\n  back:\n",
		},
		{
			name: "an address on a list-form attachment makes it a mapping",
			src:  "services:\n  web:\n    networks:\n      - front\n      - back\n    tty: true\nnetworks:\n  front:\n    ipam:\n      config:\n        - subnet: 10.0.0.0/24\n  back:\n",
			edit: func(t *testing.T, m *Model) {
				service(t, m, "web").Networks[0].IPv4 = "10.0.0.5"
			},
			want: "services:\n  web:\n    networks:\n      front:\n        ipv4_address: 10.0.0.5\n      back:\n    tty: true\nnetworks:\n  front:\n    ipam:\n      config:\n        - subnet: 10.0.0.0/24\n  back:\n",
		},
		{
			name: "mapping-form attachments: address changed, removed, network dropped and added",
			src:  "services:\n  web:\n    networks:\n      a:\n        ipv4_address: 10.0.0.5\n        aliases: [www]\n      b:\n        ipv4_address: 10.0.1.5\n      c:\n",
			edit: func(t *testing.T, m *Model) {
				service(t, m, "web").Networks = []Attachment{{Network: "a", IPv4: "10.0.0.6"}, {Network: "b"}, {Network: "d", IPv4: "10.0.3.2"}}
			},
			want: "services:\n  web:\n    networks:\n      a:\n        ipv4_address: 10.0.0.6\n        aliases: [www]\n      b: {}\n      d:\n        ipv4_address: 10.0.3.2\n",
		},
		{
			name: "address added to a null attachment",
			src:  "services:\n  web:\n    networks:\n      a:\n      b: {}\n",
			edit: func(t *testing.T, m *Model) {
				service(t, m, "web").Networks = []Attachment{{Network: "a", IPv4: "10.0.0.2"}, {Network: "b", IPv4: "10.0.1.2"}}
			},
			want: "services:\n  web:\n    networks:\n      a:\n        ipv4_address: 10.0.0.2\n      b:\n        ipv4_address: 10.0.1.2\n",
		},
		{
			name: "service rename renames every reference",
			src: `services:
  db: # the database
    image: postgres
  web:
    depends_on:
      - db
    links: [db, "db:database"]
    volumes_from:
      - db:ro
      - container:other
  worker:
    depends_on:
      db:
        condition: service_healthy
    network_mode: service:db
  job:
    extends:
      service: db
    ipc: "service:db"
`,
			edit: func(t *testing.T, m *Model) { service(t, m, "db").Name = "database" },
			want: `services:
  database: # the database
    image: postgres
  web:
    depends_on:
      - database
    links: [database, "database:database"]
    volumes_from:
      - database:ro
      - container:other
  worker:
    depends_on:
      database:
        condition: service_healthy
    network_mode: service:database
  job:
    extends:
      service: database
    ipc: "service:database"
`,
		},
		{
			name: "a rename the editor already applied to depends_on",
			src:  "services:\n  db: {}\n  web:\n    depends_on: [db]\n",
			edit: func(t *testing.T, m *Model) {
				service(t, m, "db").Name = "pg"
				service(t, m, "web").DependsOn = []string{"pg"}
			},
			want: "services:\n  pg: {}\n  web:\n    depends_on: [pg]\n",
		},
		{
			name: "network rename renames the attachments",
			src:  "services:\n  a:\n    networks: [lan]\n  b:\n    networks:\n      lan:\n        ipv4_address: 10.1.0.3\nnetworks:\n  lan: # the LAN\n    ipam:\n      config:\n        - subnet: 10.1.0.0/24\n",
			edit: func(t *testing.T, m *Model) { netOf(t, m, "lan").Name = "office" },
			want: "services:\n  a:\n    networks: [office]\n  b:\n    networks:\n      office:\n        ipv4_address: 10.1.0.3\nnetworks:\n  office: # the LAN\n    ipam:\n      config:\n        - subnet: 10.1.0.0/24\n",
		},
		{
			name: "service deleted with its comment and blank line",
			src:  "services:\n  a:\n    image: a\n\n  # b is the second\n  b:\n    image: b\n    # ports:\n    #   - 80\n\n  c:\n    image: c\n",
			edit: func(t *testing.T, m *Model) { m.Services = []Service{m.Services[0], m.Services[2]} },
			want: "services:\n  a:\n    image: a\n\n  c:\n    image: c\n",
		},
		{
			name: "last service deleted",
			src:  "services:\n  a:\n    image: a\n\n  b:\n    image: b\n\nnetworks: {}\n",
			edit: func(t *testing.T, m *Model) { m.Services = m.Services[:1] },
			want: "services:\n  a:\n    image: a\n\nnetworks: {}\n",
		},
		{
			name: "first service deleted",
			src:  "services:\n  a:\n    image: a\n\n  b:\n    image: b\n",
			edit: func(t *testing.T, m *Model) { m.Services = m.Services[1:] },
			want: "services:\n  b:\n    image: b\n",
		},
		{
			name: "new service appended, blank-separated like the others",
			src:  "services:\n  a:\n    image: a\n\n  b:\n    image: b\n",
			edit: func(t *testing.T, m *Model) {
				shell := true
				m.Services = append(m.Services, Service{
					Name: "c", Image: "alpine:3", Command: []string{"sh", "-c", "sleep 1d"}, Ports: []string{"8080:80"},
					Environment: map[string]string{"B": "no", "A": "1"}, CapAdd: []string{"NET_ADMIN"}, Privileged: true,
					DependsOn: []string{"a"}, Networks: []Attachment{{Network: "lan", IPv4: "10.0.0.2"}}, Shell: &shell,
					Actions: []Action{{Name: "adduser", Priority: 1, Args: map[string]any{"name": "alice", "admin": true, "n": float64(2)}}},
					Files:   []File{{Source: "files/motd", Target: "/etc/motd", AfterActions: true}},
				})
			},
			want: "services:\n  a:\n    image: a\n\n  b:\n    image: b\n\n  c:\n    image: alpine:3\n    command: [sh, -c, sleep 1d]\n    ports:\n      - \"8080:80\"\n    environment:\n      A: \"1\"\n      B: \"no\"\n    cap_add:\n      - NET_ADMIN\n    privileged: true\n    depends_on:\n      - a\n    networks:\n      lan:\n        ipv4_address: 10.0.0.2\n    x-dsp:\n      shell: true\n      actions:\n        - name: adduser\n          priority: 1\n          args: {admin: true, \"n\": 2, name: alice}\n      files:\n        - source: files/motd\n          target: /etc/motd\n          after_actions: true\n",
		},
		{
			name: "sections created in a file without them",
			src:  "# nothing yet\nname: lab\n",
			edit: func(t *testing.T, m *Model) {
				m.Networks = append(m.Networks, Network{Name: "lan", Subnet: "fd00:1::/64", Internal: true})
				m.Services = append(m.Services, Service{Name: "a", Image: "a", Networks: []Attachment{{Network: "lan"}}})
			},
			want: "# nothing yet\nname: lab\nnetworks:\n  lan:\n    ipam:\n      config:\n        - subnet: fd00:1::/64\n    internal: true\nservices:\n  a:\n    image: a\n    networks:\n      - lan\n",
		},
		{
			name: "an empty file",
			src:  "",
			edit: func(t *testing.T, m *Model) { m.Services = append(m.Services, Service{Name: "a", Image: "a"}) },
			want: "services:\n  a:\n    image: a\n",
		},
		{
			name: "a byte order mark",
			src:  "\ufeffservices:\n  a:\n    image: a\n",
			edit: func(t *testing.T, m *Model) {
				m.Services = append(m.Services, Service{Name: "b"})
				m.Services[0].Name = "c"
			},
			want: "\ufeffservices:\n  c:\n    image: a\n  b: {}\n",
		},
		{
			name: "a last line without a line break",
			src:  "services:\n  a:\n    image: a",
			edit: func(t *testing.T, m *Model) { m.Services = append(m.Services, Service{Name: "b"}) },
			want: "services:\n  a:\n    image: a\n  b: {}\n",
		},
		{
			name: "an empty flow mapping that gets content becomes a block",
			src:  "services: {}\nnetworks: {}\n",
			edit: func(t *testing.T, m *Model) {
				m.Networks = append(m.Networks, Network{Name: "lan", Subnet: "10.0.0.0/24", Gateway: "10.0.0.254"})
			},
			want: "services: {}\nnetworks:\n  lan:\n    ipam:\n      config:\n        - subnet: 10.0.0.0/24\n          gateway: 10.0.0.254\n",
		},
		{
			name: "subnet changed in place, gateway added",
			src:  "networks:\n  lan:\n    driver: bridge\n    ipam:\n      driver: default\n      config:\n        - subnet: '192.168.1.1/24' # host bits\n          ip_range: 192.168.1.128/25\n",
			edit: func(t *testing.T, m *Model) {
				n := netOf(t, m, "lan")
				n.Subnet, n.Gateway = "192.168.1.0/24", "192.168.1.1"
			},
			want: "networks:\n  lan:\n    driver: bridge\n    ipam:\n      driver: default\n      config:\n        - subnet: '192.168.1.0/24' # host bits\n          ip_range: 192.168.1.128/25\n          gateway: 192.168.1.1\n",
		},
		{
			name: "subnet removed: empty ipam goes",
			src:  "networks:\n  lan:\n    ipam:\n      config:\n        - subnet: 10.0.0.0/24\n    internal: true\n  wan:\n",
			edit: func(t *testing.T, m *Model) {
				n := netOf(t, m, "lan")
				n.Subnet, n.Internal = "", false
				netOf(t, m, "wan").Subnet = "10.9.0.0/16"
			},
			want: "networks:\n  lan: {}\n  wan:\n    ipam:\n      config:\n        - subnet: 10.9.0.0/16\n",
		},
		{
			name: "network deleted",
			src:  "networks:\n  a:\n    internal: true\n  b:\n    internal: true\n",
			edit: func(t *testing.T, m *Model) { m.Networks = m.Networks[1:] },
			want: "networks:\n  b:\n    internal: true\n",
		},
		{
			name: "a string command shown split, written as a list when edited",
			src:  "services:\n  a:\n    command: sh -c 'echo hi'\n    entrypoint: [\"/init\"]\n",
			edit: func(t *testing.T, m *Model) {
				s := service(t, m, "a")
				if strings.Join(s.Command, "|") != "sh|-c|echo hi" {
					t.Fatalf("command %q", s.Command)
				}
				s.Command = []string{"sh", "-c", "echo bye"}
				s.Entrypoint = []string{"/init", "--verbose"}
			},
			want: "services:\n  a:\n    command: [sh, -c, echo bye]\n    entrypoint: [\"/init\", --verbose]\n",
		},
		{
			name: "block-list command edited item by item",
			src:  "services:\n  a:\n    command:\n      - sleep\n      - '10'\n",
			edit: func(t *testing.T, m *Model) { service(t, m, "a").Command = []string{"sleep", "20"} },
			want: "services:\n  a:\n    command:\n      - sleep\n      - '20'\n",
		},
		{
			name: "x-dsp: priority and an argument changed, unknown keys kept",
			src: `services:
  a:
    x-dsp:
      shell: true
      actions:
        - name: setup
          command: /setup.sh # not in the model
          priority: 1
          background: true
          args: {user: alice, admin: false}
      files:
        - source: files/a
          target: /a
          after_actions: false
`,
			edit: func(t *testing.T, m *Model) {
				s := service(t, m, "a")
				s.Actions[0].Priority = 2
				s.Actions[0].Args["user"] = "bob"
				s.Files[0].AfterActions = true
				s.Shell = nil
			},
			want: `services:
  a:
    x-dsp:
      actions:
        - name: setup
          command: /setup.sh # not in the model
          priority: 2
          background: true
          args: {user: bob, admin: false}
      files:
        - source: files/a
          target: /a
          after_actions: true
`,
		},
		{
			name: "x-dsp: an action added before, a file removed",
			src:  "services:\n  a:\n    x-dsp:\n      actions:\n        - name: second\n          priority: 2\n      files:\n        - source: a\n          target: /a\n",
			edit: func(t *testing.T, m *Model) {
				s := service(t, m, "a")
				s.Actions = append([]Action{{Name: "first", Priority: 1}}, s.Actions...)
				s.Files = nil
			},
			want: "services:\n  a:\n    x-dsp:\n      actions:\n        - name: first\n          priority: 1\n        - name: second\n          priority: 2\n",
		},
		{
			name: "x-dsp: emptied x-dsp goes",
			src:  "services:\n  a:\n    image: a\n    x-dsp:\n      shell: false\n",
			edit: func(t *testing.T, m *Model) { service(t, m, "a").Shell = nil },
			want: "services:\n  a:\n    image: a\n",
		},
		{
			name: "privileged and cap_add",
			src:  "services:\n  a:\n    privileged: true\n    cap_add: [NET_ADMIN]\n",
			edit: func(t *testing.T, m *Model) {
				s := service(t, m, "a")
				s.Privileged = false
				s.CapAdd = []string{"NET_ADMIN", "SYS_PTRACE"}
			},
			want: "services:\n  a:\n    cap_add: [NET_ADMIN, SYS_PTRACE]\n",
		},
		{
			name: "upstream DSP file",
			src:  "version: '2'\nservices:\n  ssh:\n    image: 'dockersecplayground/alpine_ssh_password:v1.0'\n    stdin_open: true\n    networks:\n      internal_network:\n        ipv4_address: 192.168.1.5\nnetworks:\n  internal_network:\n    ipam:\n      config:\n        - subnet: 192.168.1.1/24\n",
			edit: func(t *testing.T, m *Model) {
				service(t, m, "ssh").Networks[0].IPv4 = "192.168.1.6"
				service(t, m, "ssh").Name = "sshd"
			},
			want: "version: '2'\nservices:\n  sshd:\n    image: 'dockersecplayground/alpine_ssh_password:v1.0'\n    stdin_open: true\n    networks:\n      internal_network:\n        ipv4_address: 192.168.1.6\nnetworks:\n  internal_network:\n    ipam:\n      config:\n        - subnet: 192.168.1.1/24\n",
		},
		{
			name: "CRLF line breaks",
			src:  "services:\r\n  a:\r\n    image: a\r\n",
			edit: func(t *testing.T, m *Model) {
				service(t, m, "a").Image = "b"
				service(t, m, "a").CapAdd = []string{"ALL"}
			},
			want: "services:\r\n  a:\r\n    image: b\r\n    cap_add:\r\n      - ALL\r\n",
		},
		{
			name: "four-space indentation and unindented lists",
			src:  "services:\n    a:\n        ports:\n        - '80:80'\n",
			edit: func(t *testing.T, m *Model) {
				service(t, m, "a").Networks = []Attachment{{Network: "x", IPv4: "10.0.0.9"}}
				service(t, m, "a").CapAdd = []string{"ALL"}
			},
			want: "services:\n    a:\n        ports:\n        - '80:80'\n        cap_add:\n        - ALL\n        networks:\n            x:\n                ipv4_address: 10.0.0.9\n",
		},
		{
			name: "a tagged scalar",
			src:  "services:\n  a:\n    image: !!str 123\n",
			edit: func(t *testing.T, m *Model) { service(t, m, "a").Image = "456" },
			want: "services:\n  a:\n    image: \"456\"\n",
		},
		{
			name: "a multi-line plain scalar",
			src:  "services:\n  a:\n    image: some\n      long name\n    tty: true\n",
			edit: func(t *testing.T, m *Model) { service(t, m, "a").Image = "short" },
			want: "services:\n  a:\n    image: short\n    tty: true\n",
		},
		{
			name: "a service in a flow mapping",
			src:  "services: {a: {image: x, tty: true}, b: {image: y}}\n",
			edit: func(t *testing.T, m *Model) {
				service(t, m, "a").Image = "z"
				service(t, m, "b").CapAdd = []string{"ALL"}
			},
			want: "services: {a: {image: z, tty: true}, b: {image: y, cap_add: [ALL]}}\n",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := renderEdit(t, tt.src, func(m *Model) { tt.edit(t, m) })
			if err != nil {
				t.Fatalf("Render: %v", err)
			}
			if got != tt.want {
				t.Errorf("got:\n%s\nwant:\n%s", got, tt.want)
			}
		})
	}
}

func TestRenderAnchors(t *testing.T) {
	const base = "x-base: &base\n  image: base:1\n  tty: true\nservices:\n"
	tests := []struct {
		name    string
		src     string
		edit    func(t *testing.T, m *Model)
		want    string
		wantErr string
	}{
		{
			name: "an aliased service becomes a local copy",
			src:  base + "  a: *base\n  b: *base\n",
			edit: func(t *testing.T, m *Model) { service(t, m, "a").Image = "a:1" },
			want: base + "  a:\n    image: a:1\n    tty: true\n  b: *base\n",
		},
		{
			name: "a merged key is overridden locally",
			src:  base + "  a:\n    <<: *base\n    stdin_open: true\n",
			edit: func(t *testing.T, m *Model) {
				s := service(t, m, "a")
				if s.Image != "base:1" {
					t.Fatalf("image %q", s.Image)
				}
				s.Image = "a:1"
			},
			want: base + "  a:\n    <<: *base\n    stdin_open: true\n    image: a:1\n",
		},
		{
			name:    "a merged key cannot be removed",
			src:     base + "  a:\n    <<: *base\n",
			edit:    func(t *testing.T, m *Model) { service(t, m, "a").Image = "" },
			wantErr: "services.a.image comes from a YAML merge key",
		},
		{
			name: "an aliased list is replaced by a local one",
			src:  "x-ports: &ports\n  - '80:80'\nservices:\n  a:\n    ports: *ports\n  b:\n    ports: *ports\n",
			edit: func(t *testing.T, m *Model) { service(t, m, "a").Ports = []string{"80:80", "443:443"} },
			want: "x-ports: &ports\n  - '80:80'\nservices:\n  a:\n    ports:\n      - '80:80'\n      - '443:443'\n  b:\n    ports: *ports\n",
		},
		{
			name:    "an anchored value others use cannot change",
			src:     "services:\n  a:\n    environment: &env\n      A: 1\n  b:\n    environment: *env\n",
			edit:    func(t *testing.T, m *Model) { service(t, m, "a").Environment["A"] = "2" },
			wantErr: "services.b.environment would not read as edited",
		},
		{
			name: "an anchored value nobody else uses can change",
			src:  "services:\n  a:\n    image: &img a:1\n",
			edit: func(t *testing.T, m *Model) { service(t, m, "a").Image = "a:2" },
			want: "services:\n  a:\n    image: &img a:2\n",
		},
		{
			name: "an aliased services section stays as it is when only networks change",
			src:  "x-svcs: &svcs\n  a:\n    image: a\nservices: *svcs\nnetworks:\n  lan:\n",
			edit: func(t *testing.T, m *Model) { netOf(t, m, "lan").Subnet = "10.0.0.0/24" },
			want: "x-svcs: &svcs\n  a:\n    image: a\nservices: *svcs\nnetworks:\n  lan:\n    ipam:\n      config:\n        - subnet: 10.0.0.0/24\n",
		},
		{
			name:    "deleting a service whose anchor another uses",
			src:     "services:\n  a: &a\n    image: a\n  b: *a\n",
			edit:    func(t *testing.T, m *Model) { m.Services = m.Services[1:] },
			wantErr: "removes the YAML anchor &a that services.b uses",
		},
		{
			name:    "appending after a block scalar that ends the file without a line break",
			src:     "services:\n  a:\n    command: |\n      run",
			edit:    func(t *testing.T, m *Model) { m.Services = append(m.Services, Service{Name: "b"}) },
			wantErr: "without a line break",
		},
		{
			name: "renaming a service that other services alias",
			src:  "services:\n  a: &a\n    image: a\n  b: *a\n",
			edit: func(t *testing.T, m *Model) { service(t, m, "a").Name = "c" },
			want: "services:\n  c: &a\n    image: a\n  b: *a\n",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := renderEdit(t, tt.src, func(m *Model) { tt.edit(t, m) })
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error %v, want one saying %q; text:\n%s", err, tt.wantErr, got)
				}
				return
			}
			if err != nil {
				t.Fatalf("Render: %v", err)
			}
			if got != tt.want {
				t.Errorf("got:\n%s\nwant:\n%s", got, tt.want)
			}
		})
	}
}

func TestRenderRefuses(t *testing.T) {
	const src = "services:\n  a:\n    image: a\n  b:\n    image: b\nnetworks:\n  lan:\n"
	tests := []struct {
		name string
		edit func(m *Model)
		want string
	}{
		{"unknown ID", func(m *Model) { m.Services[0].ID = "zzz" }, `no service "zzz"`},
		{"same name twice", func(m *Model) { m.Services[1].Name = "a" }, `two services are named "a"`},
		{"ID twice", func(m *Model) { m.Services[1].ID = "a" }, `service "a" appears twice`},
		{"no name", func(m *Model) { m.Services = append(m.Services, Service{}) }, "has no name"},
		{"invalid name", func(m *Model) { m.Networks[0].Name = "a/b" }, `"a/b" is not a valid network name`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, err := renderEdit(t, src, tt.edit)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error %v, want %q; text:\n%s", err, tt.want, out)
			}
		})
	}
	if _, err := Render([]byte(src), nil); err == nil {
		t.Error("Render with no model succeeded")
	}
}

func TestParse(t *testing.T) {
	m, err := Parse([]byte("# only a comment\n"))
	if err != nil || m.Services == nil || m.Networks == nil || len(m.Services)+len(m.Networks) != 0 {
		t.Fatalf("empty file: %+v, %v", m, err)
	}
	for _, tt := range []struct {
		src        string
		line, col  int
		msgContain string
	}{
		{"services:\n  a: [\n", 3, 1, "not valid YAML"},
		{"- a\n- b\n", 1, 1, "must be a mapping"},
		{"services: [a]\n", 1, 11, "services must be a mapping"},
		{"services:\n  a:\n    ports: 80\n", 3, 12, "services.a.ports must be a list"},
		{"services:\n  a: {}\n  a: {}\n", 3, 3, "services.a is defined twice"},
		{"services:\n  {a: 1}: {}\n", 2, 3, "must be non-empty strings"},
		{"a: 1\rb: 2\n", 1, 5, "carriage return"},
		{"a: \xff\n", 0, 0, "UTF-8"},
		{"{a: 1}\nb: 2\n", 2, 1, "unexpected text after the top-level mapping"},
		{"a: &x\n  b: *x\n", 2, 6, "refers to a node that contains it"},
		{"services:\n  a:\n    command: \"sh -c 'unterminated\"\n", 3, 14, "services.a.command"},
	} {
		_, err := Parse([]byte(tt.src))
		var se *SyntaxError
		if !errors.As(err, &se) {
			t.Errorf("%q: error %v, want a *SyntaxError", tt.src, err)
			continue
		}
		if se.Line != tt.line || se.Column != tt.col || !strings.Contains(se.Msg, tt.msgContain) {
			t.Errorf("%q: %+v, want line %d column %d saying %q", tt.src, se, tt.line, tt.col, tt.msgContain)
		}
	}

	m, err = Parse([]byte(`services:
  web:
    image: nginx
    command: ["nginx", "-g", "daemon off;"]
    ports: ["80:80", {target: 53, published: "5353", protocol: udp, host_ip: 127.0.0.1}]
    environment: [A=1, B]
    volumes: [./a:/a, {type: bind, source: ./b, target: /b, read_only: true}, /anon]
    depends_on: {db: {condition: service_started}}
    networks:
      lan:
        ipv4_address: 10.0.0.2
      wan:
    x-dsp:
      shell: false
      actions: [{name: a, priority: 3, args: {n: 1, b: true, s: x}}]
      files: [{source: s, target: /t, after_actions: true}]
  db:
networks:
  lan:
    ipam: {config: [{subnet: 10.0.0.0/24, gateway: 10.0.0.254}]}
    internal: true
  wan:
`))
	if err != nil {
		t.Fatal(err)
	}
	web := service(t, m, "web")
	got := strings.Join([]string{
		strings.Join(web.Command, "|"), strings.Join(web.Ports, "|"), web.Environment["A"] + web.Environment["B"],
		strings.Join(web.Volumes, "|"), strings.Join(web.DependsOn, "|"),
	}, " ")
	if want := "nginx|-g|daemon off; 80:80|127.0.0.1:5353:53/udp 1 ./a:/a|./b:/b:ro|/anon db"; got != want {
		t.Errorf("got %q\nwant %q", got, want)
	}
	if len(web.Networks) != 2 || web.Networks[0] != (Attachment{"lan", "10.0.0.2"}) || web.Networks[1] != (Attachment{"wan", ""}) {
		t.Errorf("networks %+v", web.Networks)
	}
	if web.Shell == nil || *web.Shell || len(web.Actions) != 1 || web.Actions[0].Priority != 3 || web.Actions[0].Args["b"] != true || len(web.Files) != 1 || !web.Files[0].AfterActions {
		t.Errorf("x-dsp %+v %+v %+v", web.Shell, web.Actions, web.Files)
	}
	if lan := netOf(t, m, "lan"); *lan != (Network{ID: "lan", Name: "lan", Subnet: "10.0.0.0/24", Gateway: "10.0.0.254", Internal: true}) {
		t.Errorf("lan %+v", lan)
	}
	if out, err := Render([]byte("a: b\n"), m); err == nil || bytes.Contains(out, []byte("web")) {
		t.Errorf("a model rendered onto another file: %v", err)
	}
}
