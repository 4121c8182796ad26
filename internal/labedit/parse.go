package labedit

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/compose-spec/compose-go/v2/types"
	"go.yaml.in/yaml/v4"
)

// extensionKey holds what compose cannot say, at the top level and in each service.
const extensionKey = "x-dsp"

// Parse reads the networks and services of a compose file. Bad YAML, a top
// level that is not a mapping and sections of the wrong shape are a
// *SyntaxError; a file without services or networks gives an empty model.
func Parse(src []byte) (*Model, error) {
	d, err := parseDocument(src)
	if err != nil {
		return nil, err
	}
	return d.model()
}

// model reads the document's model.
func (d *document) model() (*Model, error) {
	m := &Model{Networks: []Network{}, Services: []Service{}}
	if d.root == nil {
		return m, nil
	}
	nets, err := section(d.root, "networks")
	if err != nil {
		return nil, err
	}
	for _, p := range nets {
		n, err := readNetwork(p)
		if err != nil {
			return nil, err
		}
		m.Networks = append(m.Networks, n)
	}
	svcs, err := section(d.root, "services")
	if err != nil {
		return nil, err
	}
	for _, p := range svcs {
		s, err := readService(p)
		if err != nil {
			return nil, err
		}
		m.Services = append(m.Services, s)
	}
	return m, nil
}

// section returns the entries of a top-level mapping such as services.
func section(root *yaml.Node, key string) ([]pair, error) {
	v := get(root, key)
	if isNull(v) {
		return nil, nil
	}
	if v.Kind != yaml.MappingNode {
		return nil, shapeError(v, key, "a mapping")
	}
	seen := map[string]bool{}
	for i := 0; i+1 < len(v.Content); i += 2 {
		k := v.Content[i]
		if isMergeKey(k) {
			continue
		}
		if k.Kind != yaml.ScalarNode || k.Value == "" {
			return nil, &SyntaxError{Line: k.Line, Column: k.Column, Msg: fmt.Sprintf("the names in %s must be non-empty strings", key)}
		}
		if seen[k.Value] {
			return nil, &SyntaxError{Line: k.Line, Column: k.Column, Msg: fmt.Sprintf("%s.%s is defined twice", key, k.Value)}
		}
		seen[k.Value] = true
	}
	ps := pairs(v)
	for _, p := range ps {
		if k := p.key; k.Kind != yaml.ScalarNode || k.Value == "" {
			return nil, &SyntaxError{Line: k.Line, Column: k.Column, Msg: fmt.Sprintf("the names in %s must be non-empty strings", key)}
		}
	}
	return ps, nil
}

// shapeError says that the node of field is not what it must be.
func shapeError(n *yaml.Node, field, want string) error {
	return &SyntaxError{Line: n.Line, Column: n.Column, Msg: fmt.Sprintf("%s must be %s", field, want)}
}

// entryMap returns the mapping value of an entry (nil for null), or an error.
func entryMap(p pair, field string) (*yaml.Node, error) {
	v := resolve(p.value)
	if isNull(v) {
		return nil, nil
	}
	if v.Kind != yaml.MappingNode {
		return nil, shapeError(v, field, "a mapping")
	}
	return v, nil
}

// readNetwork reads one top-level network.
func readNetwork(p pair) (Network, error) {
	name := p.key.Value
	n := Network{ID: name, Name: name}
	v, err := entryMap(p, "networks."+name)
	if err != nil || v == nil {
		return n, err
	}
	if pool := firstPool(v); pool != nil {
		n.Subnet = scalar(pool, "subnet")
		n.Gateway = scalar(pool, "gateway")
	}
	n.Internal = truthy(get(v, "internal"))
	return n, nil
}

// firstPool returns ipam.config[0] of a network, or nil.
func firstPool(net *yaml.Node) *yaml.Node {
	cfg := get(get(net, "ipam"), "config")
	if cfg == nil || cfg.Kind != yaml.SequenceNode || len(cfg.Content) == 0 {
		return nil
	}
	if pool := resolve(cfg.Content[0]); pool.Kind == yaml.MappingNode {
		return pool
	}
	return nil
}

// truthy reports whether a scalar says true.
func truthy(n *yaml.Node) bool {
	if n == nil || n.Kind != yaml.ScalarNode {
		return false
	}
	b, err := strconv.ParseBool(n.Value)
	return err == nil && b
}

// readService reads one service.
func readService(p pair) (Service, error) {
	name := p.key.Value
	s := Service{ID: name, Name: name}
	v, err := entryMap(p, "services."+name)
	if err != nil || v == nil {
		return s, err
	}
	field := func(k string) string { return "services." + name + "." + k }
	s.Image = scalar(v, "image")
	if s.Command, err = readCommand(get(v, "command"), field("command")); err != nil {
		return s, err
	}
	if s.Entrypoint, err = readCommand(get(v, "entrypoint"), field("entrypoint")); err != nil {
		return s, err
	}
	if s.Ports, err = readList(get(v, "ports"), field("ports"), portText); err != nil {
		return s, err
	}
	if s.Environment, err = readEnvironment(get(v, "environment"), field("environment")); err != nil {
		return s, err
	}
	if s.Volumes, err = readList(get(v, "volumes"), field("volumes"), volumeText); err != nil {
		return s, err
	}
	if s.CapAdd, err = readList(get(v, "cap_add"), field("cap_add"), scalarText); err != nil {
		return s, err
	}
	s.Privileged = truthy(get(v, "privileged"))
	if s.DependsOn, err = readKeysOrList(get(v, "depends_on"), field("depends_on")); err != nil {
		return s, err
	}
	if s.Networks, err = readAttachments(get(v, "networks"), field("networks")); err != nil {
		return s, err
	}
	if err := readServiceExtension(&s, get(v, extensionKey), field(extensionKey)); err != nil {
		return s, err
	}
	return s, nil
}

// readCommand reads a command or entrypoint: a list, or a string split
// the way compose splits it.
func readCommand(n *yaml.Node, field string) ([]string, error) {
	if isNull(n) {
		return nil, nil
	}
	if n.Kind == yaml.ScalarNode {
		var cmd types.ShellCommand
		if err := cmd.DecodeMapstructure(n.Value); err != nil {
			return nil, &SyntaxError{Line: n.Line, Column: n.Column, Msg: fmt.Sprintf("%s: %v", field, err)}
		}
		return append([]string{}, cmd...), nil
	}
	return readList(n, field, scalarText)
}

// readList reads a sequence, each item through text.
func readList(n *yaml.Node, field string, text func(*yaml.Node) (string, bool)) ([]string, error) {
	if isNull(n) {
		return nil, nil
	}
	if n.Kind != yaml.SequenceNode {
		return nil, shapeError(n, field, "a list")
	}
	out := make([]string, 0, len(n.Content))
	for i, it := range n.Content {
		s, ok := text(resolve(it))
		if !ok {
			return nil, shapeError(resolve(it), fmt.Sprintf("%s.%d", field, i), "a string")
		}
		out = append(out, s)
	}
	return out, nil
}

// scalarText is the text of a scalar item.
func scalarText(n *yaml.Node) (string, bool) {
	if n.Kind != yaml.ScalarNode {
		return "", false
	}
	if isNull(n) {
		return "", true
	}
	return n.Value, true
}

// portText renders a port in short syntax, [host_ip:][published:]target[/protocol].
func portText(n *yaml.Node) (string, bool) {
	if n.Kind != yaml.MappingNode {
		return scalarText(n)
	}
	s := scalar(n, "target")
	if pub := scalar(n, "published"); pub != "" {
		s = pub + ":" + s
		if ip := scalar(n, "host_ip"); ip != "" {
			s = ip + ":" + s
		}
	} else if ip := scalar(n, "host_ip"); ip != "" {
		s = ip + "::" + s
	}
	if proto := scalar(n, "protocol"); proto != "" && proto != "tcp" {
		s += "/" + proto
	}
	return s, true
}

// volumeText renders a volume in short syntax, [source:]target[:ro].
func volumeText(n *yaml.Node) (string, bool) {
	if n.Kind != yaml.MappingNode {
		return scalarText(n)
	}
	s := scalar(n, "target")
	if src := scalar(n, "source"); src != "" {
		s = src + ":" + s
	}
	if truthy(get(n, "read_only")) {
		s += ":ro"
	}
	return s, true
}

// readEnvironment reads environment in map form (KEY: value) or list form (- KEY=value).
func readEnvironment(n *yaml.Node, field string) (map[string]string, error) {
	if isNull(n) {
		return nil, nil
	}
	env := map[string]string{}
	switch n.Kind {
	case yaml.MappingNode:
		for _, p := range pairs(n) {
			v, ok := scalarText(resolve(p.value))
			if !ok {
				return nil, shapeError(resolve(p.value), field+"."+p.key.Value, "a string")
			}
			env[p.key.Value] = v
		}
	case yaml.SequenceNode:
		for i, it := range n.Content {
			s, ok := scalarText(resolve(it))
			if !ok {
				return nil, shapeError(resolve(it), fmt.Sprintf("%s.%d", field, i), "a string")
			}
			k, v, _ := strings.Cut(s, "=")
			env[k] = v
		}
	default:
		return nil, shapeError(n, field, "a mapping or a list")
	}
	return env, nil
}

// readKeysOrList reads depends_on: a list of names, or a mapping by name.
func readKeysOrList(n *yaml.Node, field string) ([]string, error) {
	if n != nil && n.Kind == yaml.MappingNode {
		out := []string{}
		for _, p := range pairs(n) {
			out = append(out, p.key.Value)
		}
		return out, nil
	}
	return readList(n, field, scalarText)
}

// readAttachments reads a service's networks, list or mapping form.
func readAttachments(n *yaml.Node, field string) ([]Attachment, error) {
	if n == nil || n.Kind != yaml.MappingNode {
		names, err := readList(n, field, scalarText)
		if err != nil || names == nil {
			return nil, err
		}
		out := make([]Attachment, 0, len(names))
		for _, name := range names {
			out = append(out, Attachment{Network: name})
		}
		return out, nil
	}
	out := []Attachment{}
	for _, p := range pairs(n) {
		a := Attachment{Network: p.key.Value}
		v, err := entryMap(p, field+"."+p.key.Value)
		if err != nil {
			return nil, err
		}
		if v != nil {
			a.IPv4 = scalar(v, "ipv4_address")
		}
		out = append(out, a)
	}
	return out, nil
}

// readServiceExtension reads a service's x-dsp: shell, actions, files.
func readServiceExtension(s *Service, x *yaml.Node, field string) error {
	if isNull(x) {
		return nil
	}
	if x.Kind != yaml.MappingNode {
		return shapeError(x, field, "a mapping")
	}
	if sh := get(x, "shell"); !isNull(sh) {
		b := truthy(sh)
		s.Shell = &b
	}
	if acts := get(x, "actions"); !isNull(acts) {
		if acts.Kind != yaml.SequenceNode {
			return shapeError(acts, field+".actions", "a list")
		}
		for i, it := range acts.Content {
			a, err := readAction(resolve(it), fmt.Sprintf("%s.actions.%d", field, i))
			if err != nil {
				return err
			}
			s.Actions = append(s.Actions, a)
		}
	}
	if files := get(x, "files"); !isNull(files) {
		if files.Kind != yaml.SequenceNode {
			return shapeError(files, field+".files", "a list")
		}
		for i, it := range files.Content {
			it = resolve(it)
			if it.Kind != yaml.MappingNode {
				return shapeError(it, fmt.Sprintf("%s.files.%d", field, i), "a mapping")
			}
			s.Files = append(s.Files, File{Source: scalar(it, "source"), Target: scalar(it, "target"), AfterActions: truthy(get(it, "after_actions"))})
		}
	}
	return nil
}

// readAction reads one item of x-dsp.actions.
func readAction(n *yaml.Node, field string) (Action, error) {
	if n.Kind != yaml.MappingNode {
		return Action{}, shapeError(n, field, "a mapping")
	}
	a := Action{Name: scalar(n, "name")}
	if pr := get(n, "priority"); !isNull(pr) {
		p, err := strconv.Atoi(pr.Value)
		if err != nil {
			return Action{}, shapeError(pr, field+".priority", "an integer")
		}
		a.Priority = p
	}
	if args := get(n, "args"); !isNull(args) {
		if args.Kind != yaml.MappingNode {
			return Action{}, shapeError(args, field+".args", "a mapping")
		}
		a.Args = map[string]any{}
		for _, p := range pairs(args) {
			var v any
			if err := resolve(p.value).Decode(&v); err != nil {
				return Action{}, &SyntaxError{Line: p.value.Line, Column: p.value.Column, Msg: fmt.Sprintf("%s.args.%s: %v", field, p.key.Value, err)}
			}
			a.Args[p.key.Value] = v
		}
	}
	return a, nil
}
