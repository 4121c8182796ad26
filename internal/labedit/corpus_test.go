package labedit

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/compose-spec/compose-go/v2/loader"
	"github.com/compose-spec/compose-go/v2/types"
	"go.yaml.in/yaml/v4"
)

// upstreamCorpus holds the public DSP_Projects labs (read only).
const upstreamCorpus = "/work/shared/corpus/dsp-projects"

// corpusFiles returns the upstream compose files and the examples' ones.
func corpusFiles(t *testing.T) []string {
	t.Helper()
	if _, err := os.Stat(upstreamCorpus); err != nil {
		t.Skipf("upstream corpus not available: %v", err)
	}
	upstream, err := filepath.Glob(filepath.Join(upstreamCorpus, "*", "docker-compose.yml"))
	if err != nil {
		t.Fatal(err)
	}
	examples, err := filepath.Glob(filepath.Join("..", "..", "examples", "*", "compose.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	local, err := filepath.Glob(filepath.Join("testdata", "*.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if len(upstream) < 30 || len(examples) < 2 || len(local) == 0 {
		t.Fatalf("found %d upstream, %d example and %d testdata compose files", len(upstream), len(examples), len(local))
	}
	return slices.Concat(upstream, examples, local)
}

func TestCorpusRoundTrip(t *testing.T) {
	files := corpusFiles(t)
	identical := 0
	for _, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		m, err := Parse(src)
		if err != nil {
			t.Errorf("%s: Parse: %v", f, err)
			continue
		}
		out, err := Render(src, m)
		if err != nil {
			t.Errorf("%s: Render: %v", f, err)
			continue
		}
		if !bytes.Equal(out, src) {
			t.Errorf("%s: Render(src, Parse(src)) differs from src", f)
			continue
		}
		// The web editor sends the model back as JSON.
		data, err := json.Marshal(m)
		if err != nil {
			t.Fatal(err)
		}
		var back Model
		if err := json.Unmarshal(data, &back); err != nil {
			t.Fatal(err)
		}
		if out, err := Render(src, &back); err != nil || !bytes.Equal(out, src) {
			t.Errorf("%s: the model through JSON does not render src unchanged (%v)", f, err)
			continue
		}
		identical++
	}
	t.Logf("%d of %d compose files round-tripped byte for byte", identical, len(files))
}

// corpusEdit is the edit made to each corpus file.
type corpusEdit struct {
	first     string // the service whose image changes and that joins the new network
	image     string
	network   string
	subnet    string
	ip        string
	renamed   string // the service renamed (one others depend on, when there is one)
	newName   string
	implicitD bool // first had no networks (the implicit default one)
}

const editSubnet = "10.250.0.0/24"

// editModel makes the corpus edit on m.
func editModel(t *testing.T, m *Model) corpusEdit {
	t.Helper()
	e := corpusEdit{first: m.Services[0].ID, image: "labedit/edited:1", network: "labedit_net", subnet: editSubnet}
	m.Services[0].Image = e.image
	m.Networks = append(m.Networks, Network{Name: e.network, Subnet: e.subnet})
	ip, err := FreeAddress(m, e.network)
	if err != nil {
		t.Fatal(err)
	}
	e.ip = ip
	e.implicitD = len(m.Services[0].Networks) == 0
	m.Services[0].Networks = append(m.Services[0].Networks, Attachment{Network: e.network, IPv4: ip})
	e.renamed = m.Services[len(m.Services)-1].ID
	for _, s := range m.Services {
		if len(s.DependsOn) > 0 {
			e.renamed = s.DependsOn[0]
		}
	}
	e.newName = e.renamed + "_renamed"
	for i := range m.Services {
		if m.Services[i].ID == e.renamed {
			m.Services[i].Name = e.newName
		}
	}
	if probs := Check(m); hasProblem(probs, editSubnet) {
		t.Fatalf("the edit's subnet overlaps: %v", probs)
	}
	return e
}

func hasProblem(probs []Problem, text string) bool {
	return slices.ContainsFunc(probs, func(p Problem) bool { return strings.Contains(p.Message, text) })
}

func TestCorpusEdit(t *testing.T) {
	edited := 0
	for _, f := range corpusFiles(t) {
		t.Run(filepath.Base(filepath.Dir(f)), func(t *testing.T) {
			src, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			m, err := Parse(src)
			if err != nil {
				t.Fatal(err)
			}
			e := editModel(t, m)
			out, err := Render(src, m)
			if err != nil {
				t.Fatalf("Render: %v", err)
			}
			before := loadProject(t, f, src)
			after := loadProject(t, f, out)
			want := expectEdit(t, before, e)
			compareProjects(t, want, after, src, out)
			checkCommentsKept(t, src, out)
			checkKeysKept(t, src, out, e)
			again, err := Parse(out)
			if err != nil {
				t.Fatal(err)
			}
			if same, err := Render(out, again); err != nil || !bytes.Equal(same, out) {
				t.Errorf("the edited text does not round-trip: %v", err)
			}
			edited++
		})
	}
	t.Logf("%d compose files edited and checked with compose-go", edited)
}

// loadProject loads a compose text with compose-go, as dsp does (no host
// environment, the flag placeholder set).
func loadProject(t *testing.T, file string, data []byte) *types.Project {
	t.Helper()
	p, err := loader.LoadWithContext(context.Background(), types.ConfigDetails{
		WorkingDir:  filepath.Dir(file),
		ConfigFiles: []types.ConfigFile{{Filename: file, Content: data}},
		Environment: types.Mapping{"DSP_FLAG": "FLAG{placeholder}"},
	}, func(o *loader.Options) {
		o.SetProjectName("labedit", true)
		o.SkipResolveEnvironment = true
		o.SkipResolveLabels = true
	})
	if err != nil {
		t.Fatalf("compose-go cannot load:\n%s\n%v", data, err)
	}
	return p
}

// expectEdit applies the corpus edit to the project loaded from the original.
func expectEdit(t *testing.T, p *types.Project, e corpusEdit) *types.Project {
	t.Helper()
	svc := p.Services[e.first]
	svc.Image = e.image
	nets := map[string]*types.ServiceNetworkConfig{}
	if !e.implicitD {
		maps.Copy(nets, svc.Networks)
	}
	nets[e.network] = &types.ServiceNetworkConfig{Ipv4Address: e.ip}
	svc.Networks = nets
	p.Services[e.first] = svc
	p.Networks[e.network] = types.NetworkConfig{Name: "labedit_" + e.network, Ipam: types.IPAMConfig{Config: []*types.IPAMPool{{Subnet: e.subnet}}}}
	if e.implicitD {
		used := false
		for name, s := range p.Services {
			used = used || name != e.first && hasKey(s.Networks, "default")
		}
		if !used {
			delete(p.Networks, "default")
		}
	}

	renamed := p.Services[e.renamed]
	delete(p.Services, e.renamed)
	renamed.Name = e.newName
	p.Services[e.newName] = renamed
	for name, s := range p.Services {
		if dep, ok := s.DependsOn[e.renamed]; ok {
			delete(s.DependsOn, e.renamed)
			s.DependsOn[e.newName] = dep
		}
		for i, l := range s.Links {
			if head, rest, _ := strings.Cut(l, ":"); head == e.renamed {
				s.Links[i] = strings.TrimSuffix(e.newName+":"+rest, ":")
			}
		}
		for i, v := range s.VolumesFrom {
			if head, rest, _ := strings.Cut(v, ":"); head == e.renamed {
				s.VolumesFrom[i] = strings.TrimSuffix(e.newName+":"+rest, ":")
			}
		}
		if s.NetworkMode == "service:"+e.renamed {
			s.NetworkMode = "service:" + e.newName
		}
		p.Services[name] = s
	}
	renameInExtension(p.Extensions[extensionKey], e.renamed, e.newName)
	return p
}

func hasKey[V any](m map[string]V, k string) bool {
	_, ok := m[k]
	return ok
}

// renameInExtension renames "service: old" values in the lab's x-dsp
// (checks[].service, solve.service).
func renameInExtension(x any, old, name string) {
	m, ok := x.(map[string]any)
	if !ok {
		return
	}
	if checks, ok := m["checks"].([]any); ok {
		for _, c := range checks {
			if cm, ok := c.(map[string]any); ok && cm["service"] == old {
				cm["service"] = name
			}
		}
	}
	if solve, ok := m["solve"].(map[string]any); ok && solve["service"] == old {
		solve["service"] = name
	}
}

// compareProjects compares what runs: services, networks, volumes and
// the extensions.
func compareProjects(t *testing.T, want, got *types.Project, src, out []byte) {
	t.Helper()
	check := func(what string, a, b any) {
		if !reflect.DeepEqual(a, b) {
			t.Errorf("%s differ:\n%s\n--- source:\n%s\n--- edited:\n%s", what, jsonDiff(a, b), src, out)
		}
	}
	check("services", want.Services, got.Services)
	check("networks", want.Networks, got.Networks)
	check("volumes", want.Volumes, got.Volumes)
	check("extensions", want.Extensions, got.Extensions)
}

// jsonDiff shows the lines that differ between the JSON of a and b.
func jsonDiff(a, b any) string {
	ja, _ := json.MarshalIndent(a, "", "  ")
	jb, _ := json.MarshalIndent(b, "", "  ")
	la, lb := strings.Split(string(ja), "\n"), strings.Split(string(jb), "\n")
	var d strings.Builder
	for i := 0; i < max(len(la), len(lb)); i++ {
		var x, y string
		if i < len(la) {
			x = la[i]
		}
		if i < len(lb) {
			y = lb[i]
		}
		if x != y {
			fmt.Fprintf(&d, "line %d:\n  want %s\n  got  %s\n", i+1, x, y)
			if d.Len() > 2000 {
				break
			}
		}
	}
	return d.String()
}

// comments returns every comment of a YAML text.
func comments(t *testing.T, src []byte) []string {
	t.Helper()
	var n yaml.Node
	if err := yaml.Unmarshal(src, &n); err != nil {
		t.Fatal(err)
	}
	var out []string
	var walk func(*yaml.Node)
	walk = func(n *yaml.Node) {
		for _, c := range []string{n.HeadComment, n.LineComment, n.FootComment} {
			for _, line := range strings.Split(c, "\n") {
				if line = strings.TrimSpace(line); line != "" {
					out = append(out, line)
				}
			}
		}
		for _, c := range n.Content {
			walk(c)
		}
	}
	walk(&n)
	slices.Sort(out)
	return out
}

func checkCommentsKept(t *testing.T, src, out []byte) {
	t.Helper()
	before, after := comments(t, src), comments(t, out)
	for _, c := range before {
		i := slices.Index(after, c)
		if i < 0 {
			t.Errorf("comment %q lost", c)
			continue
		}
		after = slices.Delete(after, i, i+1)
	}
}

// keyPaths returns the path of every mapping key, in document order.
func keyPaths(t *testing.T, src []byte) []string {
	t.Helper()
	var n yaml.Node
	if err := yaml.Unmarshal(src, &n); err != nil {
		t.Fatal(err)
	}
	var out []string
	var walk func(n *yaml.Node, path string)
	walk = func(n *yaml.Node, path string) {
		switch n.Kind {
		case yaml.DocumentNode:
			for _, c := range n.Content {
				walk(c, path)
			}
		case yaml.MappingNode:
			for i := 0; i+1 < len(n.Content); i += 2 {
				p := path + "." + n.Content[i].Value
				out = append(out, p)
				walk(n.Content[i+1], p)
			}
		case yaml.SequenceNode:
			for i, c := range n.Content {
				walk(c, fmt.Sprintf("%s.%d", path, i))
			}
		}
	}
	walk(&n, "")
	return out
}

// checkKeysKept checks that every key of the source is still there, in the
// same order (the renamed service under its new name, also as a key of
// depends_on; the edited service's networks may change form).
func checkKeysKept(t *testing.T, src, out []byte, e corpusEdit) {
	t.Helper()
	after := keyPaths(t, out)
	j := 0
	for _, p := range keyPaths(t, src) {
		if strings.HasPrefix(p, ".services."+e.first+".networks.") {
			continue
		}
		if rest, ok := strings.CutPrefix(p, ".services."+e.renamed); ok && (rest == "" || rest[0] == '.') {
			p = ".services." + e.newName + rest
		}
		if head, rest, ok := strings.Cut(p, ".depends_on."+e.renamed); ok && (rest == "" || rest[0] == '.') {
			p = head + ".depends_on." + e.newName + rest
		}
		for j < len(after) && after[j] != p {
			j++
		}
		if j == len(after) {
			t.Errorf("key %s lost or out of order", p)
			return
		}
		j++
	}
}
