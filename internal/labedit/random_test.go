package labedit

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// trickyFiles are compose texts in the forms YAML allows and labs use.
var trickyFiles = map[string]string{
	"anchors and merges": `x-common: &common
  image: base:1
  cap_add: [NET_ADMIN]
  environment: &env
    A: 1
x-nets: &nets
  lan:
    ipv4_address: 10.0.0.5
services:
  a:
    <<: *common
    networks: *nets
  b: *common
  c:
    <<: [*common]
    environment: *env
    ports: &ports
      - "80:80"
  d:
    ports: *ports
networks:
  lan:
    ipam:
      config:
        - &pool
          subnet: 10.0.0.0/24
  wan:
    ipam:
      config: [*pool]
`,
	"flow everywhere": `services: {web: {image: "nginx", ports: ["80:80"], networks: {lan: {ipv4_address: 10.1.0.2}}, environment: [A=1]}, db: {image: pg, depends_on: [web]}}
networks: {lan: {ipam: {config: [{subnet: 10.1.0.0/24}]}}, wan: {}}
`,
	"comments everywhere": `# head
services: # the services
  # web first
  web: # web
    # image
    image: nginx # nginx
    # ports follow
    ports: # ports
      # first
      - "80:80" # http
      # last
    environment:
      # a
      A: "1" # one
    networks:
      - lan # the lan
    # end of web
  # db
  db:
    image: pg
    depends_on: # needs
      - web # web
    x-dsp:
      # actions
      actions:
        # first action
        - name: a # a
          priority: 1
          args:
            # arg
            x: 1 # one
# networks
networks:
  lan: # lan
    ipam:
      config:
        # pool
        - subnet: 10.2.0.0/24 # sub
# end
`,
	"block scalars and quoting": `services:
  web:
    image: 'quoted:1'
    command: |
      sh -c "echo hi"
    entrypoint: >-
      /bin/sh
      -c
    environment:
      LONG: |
        line one
        line two
      EMPTY: ""
      NULL:
      NUM: 0x1F
    x-dsp:
      actions:
        - name: exec
          priority: 1
          args:
            command: >
              folded
              text
      files:
        - {source: a, target: /a}
`,
	"crlf and four spaces": "version: '2'\r\nservices:\r\n    a:\r\n        image: a\r\n        networks:\r\n        - lan\r\n    b:\r\n        image: b\r\nnetworks:\r\n    lan:\r\n        ipam:\r\n            config:\r\n            -   subnet: 10.3.0.0/24\r\n",
	"nulls":                "services:\n  a:\n  b:\n    networks:\n    environment:\nnetworks:\n  lan:\n",
	"no trailing newline":  "services:\n  a:\n    image: a\nnetworks:\n  lan: {}",
}

// randomEdit makes a few random edits to m.
func randomEdit(r *rand.Rand, m *Model) string {
	var did []string
	for range 1 + r.IntN(4) {
		did = append(did, randomChange(r, m))
	}
	return strings.Join(did, "; ")
}

func pick[T any](r *rand.Rand, l []T) *T {
	if len(l) == 0 {
		return nil
	}
	return &l[r.IntN(len(l))]
}

// randomChange makes one random change to m and says which.
func randomChange(r *rand.Rand, m *Model) string {
	s, n := pick(r, m.Services), pick(r, m.Networks)
	word := fmt.Sprintf("v%d", r.IntN(100))
	switch k := r.IntN(20); {
	case s == nil || k == 0:
		m.Services = append(m.Services, Service{Name: "new" + word, Image: word, Ports: []string{"8080:80"}})
		return "add service"
	case n == nil || k == 1:
		m.Networks = append(m.Networks, Network{Name: "net" + word, Subnet: fmt.Sprintf("10.%d.0.0/16", 100+r.IntN(100)), Internal: r.IntN(2) == 0})
		return "add network"
	case k == 2:
		s.Image = []string{"", word, "yes", "8080:80"}[r.IntN(4)]
		return "image"
	case k == 3:
		s.Command = [][]string{nil, {}, {"sh", "-c", word}}[r.IntN(3)]
		return "command"
	case k == 4:
		s.Ports = append(s.Ports[:r.IntN(len(s.Ports)+1)], "127.0.0.1:"+word[1:]+":80")
		return "ports"
	case k == 5:
		if s.Environment == nil {
			s.Environment = map[string]string{}
		}
		s.Environment[strings.ToUpper(word)] = word
		for _, key := range sortedKeys(s.Environment) {
			if r.IntN(3) == 0 {
				delete(s.Environment, key)
			}
		}
		return "environment"
	case k == 6:
		s.CapAdd = append(s.CapAdd, "SYS_"+word)
		s.Privileged = !s.Privileged
		return "cap_add, privileged"
	case k == 7:
		s.DependsOn = nil
		if o := pick(r, m.Services); o.Name != s.Name {
			s.DependsOn = []string{o.Name}
		}
		return "depends_on"
	case k == 8:
		s.Networks = append(s.Networks, Attachment{Network: n.Name})
		return "attach"
	case k == 9 && len(s.Networks) > 0:
		a := pick(r, s.Networks)
		a.IPv4 = []string{"", fmt.Sprintf("10.9.%d.%d", r.IntN(250), 2+r.IntN(250))}[r.IntN(2)]
		return "address"
	case k == 10:
		s.Networks = nil
		return "detach all"
	case k == 11:
		b := r.IntN(2) == 0
		s.Shell = []*bool{nil, &b}[r.IntN(2)]
		return "shell"
	case k == 12:
		if a := pick(r, s.Actions); a != nil && r.IntN(2) == 0 {
			a.Priority++
			if a.Args == nil {
				a.Args = map[string]any{}
			}
			a.Args["k"+word] = float64(r.IntN(9))
		} else {
			s.Actions = append(s.Actions, Action{Name: word, Priority: 1, Args: map[string]any{"x": word}})
		}
		return "actions"
	case k == 13:
		s.Files = append(s.Files, File{Source: word, Target: "/" + word})
		return "files"
	case k == 14:
		s.Name = s.Name + "_" + word
		return "rename service"
	case k == 15:
		n.Name = n.Name + "_" + word
		return "rename network"
	case k == 16:
		i := r.IntN(len(m.Services))
		m.Services = append(m.Services[:i], m.Services[i+1:]...)
		return "delete service"
	case k == 17:
		i := r.IntN(len(m.Networks))
		m.Networks = append(m.Networks[:i], m.Networks[i+1:]...)
		return "delete network"
	case k == 18:
		n.Subnet = []string{"", "10.77.0.0/24", "fd00:77::/64"}[r.IntN(3)]
		n.Gateway = ""
		if n.Subnet != "" && r.IntN(2) == 0 {
			n.Gateway = strings.Replace(n.Subnet, "0/24", "254", 1)
		}
		return "subnet"
	default:
		n.Internal = !n.Internal
		s.Volumes = append(s.Volumes, "./"+word+":/"+word)
		return "internal, volumes"
	}
}

// TestRandomEdits makes random edits to the corpus and to tricky texts: a
// Render either succeeds with a text that reads as the edited model (Render
// checks that itself) and round-trips, or refuses without an internal error.
func TestRandomEdits(t *testing.T) {
	sources := map[string][]byte{}
	for name, src := range trickyFiles {
		sources[name] = []byte(src)
	}
	for _, f := range corpusFiles(t) {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		sources[filepath.Base(filepath.Dir(f))] = src
	}
	refused, done := 0, 0
	for name, src := range sources {
		if _, err := Parse(src); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		for i := range 60 {
			r := rand.New(rand.NewPCG(uint64(i), uint64(len(name))))
			m, _ := Parse(src)
			what := randomEdit(r, m)
			out, err := Render(src, m)
			if err != nil {
				if strings.Contains(err.Error(), "internal error") {
					t.Errorf("%s, seed %d (%s): %v", name, i, what, err)
				}
				if os.Getenv("LABEDIT_REFUSALS") != "" {
					t.Logf("%s, seed %d (%s): %v", name, i, what, err)
				}
				refused++
				continue
			}
			done++
			again, err := Parse(out)
			if err != nil {
				t.Fatalf("%s, seed %d (%s): the result does not parse: %v", name, i, what, err)
			}
			if same, err := Render(out, again); err != nil || string(same) != string(out) {
				t.Errorf("%s, seed %d (%s): the result does not round-trip (%v)", name, i, what, err)
			}
		}
	}
	t.Logf("%d random edits rendered, %d refused", done, refused)
}
