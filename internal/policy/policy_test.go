package policy

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/compose-spec/compose-go/v2/loader"
	"github.com/compose-spec/compose-go/v2/types"
)

// load loads a compose file the way dsp does (resolved paths, no host
// environment) and returns its project.
func load(t *testing.T, yaml string) *types.Project {
	t.Helper()
	dir := t.TempDir()
	file := filepath.Join(dir, "compose.yaml")
	if err := os.WriteFile(file, []byte(yaml), 0o644); err != nil {
		t.Fatal(err)
	}
	p, err := loader.LoadWithContext(context.Background(), types.ConfigDetails{
		WorkingDir:  dir,
		ConfigFiles: []types.ConfigFile{{Filename: file}},
		Environment: types.Mapping{},
	}, func(o *loader.Options) { o.SetProjectName("policy-test", true); o.ResolvePaths = true })
	if err != nil {
		t.Fatalf("load: %v", err)
	}
	return p
}

// check runs the policy with every host path inside dir confined.
func check(t *testing.T, yaml string) []Finding {
	t.Helper()
	p := load(t, yaml)
	found, err := Check(p, Options{Confined: func(path string) error {
		if strings.HasPrefix(path, p.WorkingDir) {
			return nil
		}
		return errors.New("outside the lab folder")
	}})
	if err != nil {
		t.Fatal(err)
	}
	return found
}

// only returns the findings with the access.
func only(found []Finding, access Access) []Finding {
	var out []Finding
	for _, f := range found {
		if f.Access == access {
			out = append(out, f)
		}
	}
	return out
}

func TestPlainLabsAreAllowed(t *testing.T) {
	found := check(t, `
services:
  web:
    image: nginx
    hostname: web
    cap_add: [NET_ADMIN, NET_RAW]
    ports: ["8080:80"]
    environment: {A: b}
    volumes: ["./www:/var/www", "data:/data", {type: tmpfs, target: /run}]
    networks:
      lan: {ipv4_address: 10.1.0.10}
    healthcheck: {test: [CMD, 'true'], interval: 5s}
    depends_on: [db]
    stdin_open: true
    tty: true
    security_opt: [no-new-privileges:true]
    sysctls: {net.ipv4.ip_forward: 1}
    deploy: {resources: {limits: {cpus: "0.5", memory: 256m, pids: 100}}}
    x-dsp: {shell: true}
  db:
    image: mariadb
    build: {context: ., dockerfile: Dockerfile, args: {A: b}}
    networks: [lan]
networks:
  lan:
    ipam: {config: [{subnet: 10.1.0.0/24}]}
volumes:
  data: {}
x-dsp: {title: fine}
`)
	if len(found) != 0 {
		t.Errorf("a plain lab has findings: %v", found)
	}
}

func TestRisksNeedTrust(t *testing.T) {
	cases := map[string]string{
		"runs privileged":                        "    privileged: true\n",
		"adds capability SYS_ADMIN":              "    cap_add: [sys_admin]\n",
		"adds capability ALL":                    "    cap_add: [ALL]\n",
		"shares the host's network namespace":    "    network_mode: host\n",
		"shares the host's pid namespace":        "    pid: host\n",
		"shares the pid namespace of other":      "    pid: container:other\n",
		"shares the ipc namespace of other":      "    ipc: container:other\n",
		"shares the host's uts namespace":        "    uts: host\n",
		"shares the host's user namespace":       "    userns_mode: host\n",
		"uses host devices":                      "    devices: [/dev/kmsg]\n",
		"device cgroup rules":                    "    device_cgroup_rules: ['c 1:3 mr']\n",
		"mounts the volumes of other":            "    volumes_from: [container:other]\n",
		"places its containers in a cgroup":      "    cgroup_parent: /machine.slice\n",
		"OOM killer spare":                       "    oom_score_adj: -1000\n",
		"keeps the host's OOM killer away":       "    oom_kill_disable: true\n",
		"disables confinement":                   "    security_opt: [seccomp=unconfined]\n",
		"changes its containers' confinement":    "    security_opt: [apparmor=docker-default]\n",
		"sets the kernel parameter kernel.core":  "    sysctls: [kernel.core_pattern=x]\n",
		"logging driver":                         "    logging: {driver: syslog, options: {syslog-address: 'udp://1.2.3.4:514'}}\n",
		"runs a hook privileged":                 "    post_start: [{command: [id], privileged: true}]\n",
		"another container runtime":              "    runtime: nvidia\n",
		"builds its image privileged":            "    build: {context: ., privileged: true}\n",
		"builds its image on the host's network": "    build: {context: ., network: host}\n",
		"SSH agent":                              "    build: {context: ., ssh: [default]}\n",
		"links to containers outside the lab":    "    external_links: [other]\n",
		"pre_start hook runs privileged":         "    pre_start: [{image: dsp/busybox, command: [id], privileged: true}]\n",
	}
	for what, svc := range cases {
		found := check(t, "services:\n  s:\n    image: dsp/busybox\n"+svc)
		risks := only(found, Trusted)
		if len(risks) == 0 || len(only(found, Refused)) > 0 {
			t.Errorf("%s: findings %v, want a risk and no refusal", what, found)
			continue
		}
		if want := strings.Fields(what)[0]; what != "pre_start hook runs privileged" && !strings.Contains(risks[0].What, want) {
			t.Errorf("%s: risk %q does not say %q", what, risks[0].What, want)
		}
		if risks[0].Service != "s" || risks[0].Path[0] != "services" {
			t.Errorf("%s: risk %+v does not name the service and its path", what, risks[0])
		}
	}
}

func TestTopLevelRisks(t *testing.T) {
	for what, doc := range map[string]string{
		"puts its services in the host's network namespace (external network host)": "networks:\n  default:\n    name: host\n    external: true\n",
		"joins the network bridge":                          "networks:\n  default:\n    name: bridge\n    external: true\n",
		"attaches its services to a host network interface": "networks:\n  default:\n    driver: macvlan\n    driver_opts: {parent: eth0}\n",
		"uses the volume secrets, outside the lab":          "volumes:\n  v:\n    name: secrets\n    external: true\n",
		"mounts the network file system":                    "volumes:\n  v:\n    driver_opts: {type: nfs, o: 'addr=10.0.0.1', device: ':/export'}\n",
		"uses the volume plugin":                            "volumes:\n  v:\n    driver: rexray\n",
	} {
		found := check(t, "services:\n  s:\n    image: dsp/busybox\n    volumes: ['v:/v']\n"+doc)
		if risks := only(found, Trusted); len(risks) == 0 || !strings.Contains(risks[0].What, what) {
			t.Errorf("%s: findings %v", what, found)
		}
	}
}

func TestRefusedWhateverTheTrust(t *testing.T) {
	cases := map[string]string{
		"services.s.provider":       "    provider: {type: model, options: {model: x}}\n",
		"services.s.use_api_socket": "    use_api_socket: true\n",
		"services.s.develop":        "    develop: {watch: [{path: ., action: sync, target: /app}]}\n",
		"services.s.security_opt":   "    security_opt: [seccomp=/etc/shadow]\n",
	}
	for field, svc := range cases {
		found := check(t, "services:\n  s:\n    image: dsp/busybox\n"+svc)
		refused := only(found, Refused)
		if len(refused) == 0 || refused[0].Field() != field {
			t.Errorf("%s: findings %v, want it refused", field, found)
		}
	}
	// A local volume that binds the host's root, past the bind mount check.
	found := check(t, "services:\n  s:\n    image: dsp/busybox\n    volumes: ['root:/host']\nvolumes:\n  root:\n    driver_opts: {type: none, o: bind, device: /}\n")
	if refused := only(found, Refused); len(refused) != 1 || refused[0].Field() != "volumes.root.driver_opts" || !strings.Contains(refused[0].What, "host path /") {
		t.Errorf("a volume binding / = %v, want refused naming the path", found)
	}
	// The same inside the lab folder is fine.
	p := load(t, "services:\n  s:\n    image: dsp/busybox\n    volumes: ['data:/data']\nvolumes:\n  data:\n    driver_opts: {type: none, o: bind, device: ./data}\n")
	inside, _ := Check(p, Options{Confined: func(string) error { return nil }})
	if len(inside) != 0 {
		t.Errorf("a volume binding a folder of the lab = %v", inside)
	}
	// A seccomp profile inside the lab is a risk, not a refusal.
	found = check(t, "services:\n  s:\n    image: dsp/busybox\n    security_opt: [seccomp=./profile.json]\n")
	if len(only(found, Refused)) != 0 || len(only(found, Trusted)) != 1 {
		t.Errorf("a seccomp profile of the lab = %v", found)
	}
}

func TestUnknownKeysAreRefused(t *testing.T) {
	p := load(t, "services:\n  s:\n    image: dsp/busybox\n")
	doc, err := document(p)
	if err != nil {
		t.Fatal(err)
	}
	doc["services"].(map[string]any)["s"].(map[string]any)["new_key_of_2030"] = true
	doc["frobnicate"] = map[string]any{"a": 1}
	w := &walker{}
	w.table(projectTable, doc, nil)
	var fields []string
	for _, f := range w.findings {
		if f.Access == Refused && strings.Contains(f.What, "not in dsp's policy") {
			fields = append(fields, f.Field())
		}
	}
	if !slices.Equal(fields, []string{"frobnicate", "services.s.new_key_of_2030"}) {
		t.Errorf("refused unknown keys = %v", fields)
	}
}

// TestEveryComposeKeyIsInTheTable walks compose-go's types: each key the
// loader can produce must be in the table, so that a new key in a newer
// compose-go is classified (until then, it is refused).
func TestEveryComposeKeyIsInTheTable(t *testing.T) {
	for _, tc := range []struct {
		name  string
		typ   reflect.Type
		table Table
	}{
		{"project", reflect.TypeFor[types.Project](), projectTable},
		{"service", reflect.TypeFor[types.ServiceConfig](), serviceTable},
		{"job", reflect.TypeFor[types.JobConfig](), jobTable},
		{"pre_start hook", reflect.TypeFor[types.PreStartHook](), join(containerTable, allow("per_replica"))},
		{"post_start hook", reflect.TypeFor[types.ServiceHook](), hookTable},
		{"network", reflect.TypeFor[types.NetworkConfig](), networkTable},
		{"volume", reflect.TypeFor[types.VolumeConfig](), volumeTable},
		{"config", reflect.TypeFor[types.ConfigObjConfig](), fileObjectTable},
		{"service volume", reflect.TypeFor[types.ServiceVolumeConfig](), mustFind(t, containerTable, "volumes").Each},
		{"service network", reflect.TypeFor[types.ServiceNetworkConfig](), mustFind(t, containerTable, "networks").Each},
		{"build", reflect.TypeFor[types.BuildConfig](), mustFind(t, workloadTable, "build").Fields},
		{"deploy", reflect.TypeFor[types.DeployConfig](), mustFind(t, serviceTable, "deploy").Fields},
		{"port", reflect.TypeFor[types.ServicePortConfig](), mustFind(t, workloadTable, "ports").Each},
	} {
		for _, key := range jsonKeys(tc.typ) {
			if _, ok := tc.table.find(key); !ok {
				t.Errorf("%s key %q is not in the policy table", tc.name, key)
			}
		}
	}
}

func mustFind(t *testing.T, table Table, name string) Key {
	t.Helper()
	k, ok := table.find(name)
	if !ok {
		t.Fatalf("no key %s", name)
	}
	return k
}

// jsonKeys lists the JSON names of a struct's fields, embedded structs
// included.
func jsonKeys(typ reflect.Type) []string {
	var out []string
	for f := range typ.Fields() {
		if f.Anonymous && f.Type.Kind() == reflect.Struct {
			out = append(out, jsonKeys(f.Type)...)
			continue
		}
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name != "" && name != "-" {
			out = append(out, name)
		}
	}
	return out
}

func TestMarkdownTable(t *testing.T) {
	md := Markdown()
	for _, want := range []string{"| `services.*.privileged` | trusted only |", "| `services.*.provider` | refused |", "`services.*.image`, ", "| `volumes.*.driver_opts` | allowed |", "| `networks.*.external` | trusted only |"} {
		if !strings.Contains(md, want) {
			t.Errorf("the policy table lacks the row %q", want)
		}
	}
	for _, doc := range []string{"../../SECURITY.md", "../../README.md"} {
		data, err := os.ReadFile(doc)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(data), md) {
			t.Errorf("%s does not hold the policy table as the code has it: paste the output of `dsp policy` into it", doc)
		}
	}
}
