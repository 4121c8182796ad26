package lab

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v4"
)

// yamlDoc is a parsed YAML file kept as nodes, so that problems can point at
// the line of a field.
type yamlDoc struct {
	root *yaml.Node // the top-level mapping, nil for an empty file
}

func parseYAMLDoc(data []byte) (*yamlDoc, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, err
	}
	d := &yamlDoc{}
	if doc.Kind == yaml.DocumentNode && len(doc.Content) > 0 {
		d.root = doc.Content[0]
	}
	return d, nil
}

// maxYAMLNodes bounds the nodes a YAML file may stand for with its
// aliases followed: a few hundred bytes of nested aliases (a "billion
// laughs") would make the compose loader build gigabytes.
const maxYAMLNodes = 100_000

// ExpansionError refuses a YAML file whose aliases expand too far.
type ExpansionError struct{ Nodes int }

func (e *ExpansionError) Error() string {
	return fmt.Sprintf("its aliases expand to more than %d YAML nodes: refused (a YAML alias bomb?)", e.Nodes)
}

// InvalidParameter classifies the error (errdefs).
func (e *ExpansionError) InvalidParameter() {}

// bounded reports an *ExpansionError when the document, its aliases
// followed, has more than maxYAMLNodes nodes. It counts each node once
// and each alias as the size of what it stands for, so it never expands
// anything itself.
func (d *yamlDoc) bounded() error {
	if d == nil || d.root == nil {
		return nil
	}
	sizes := map[*yaml.Node]int{}
	var size func(n *yaml.Node, depth int) int
	size = func(n *yaml.Node, depth int) int {
		if n == nil {
			return 0
		}
		if s, ok := sizes[n]; ok {
			return s
		}
		if depth > 1000 {
			return maxYAMLNodes + 1 // nesting (or an alias cycle) this deep is no lab
		}
		sizes[n] = maxYAMLNodes + 1 // a cycle counts as too large
		total := 1
		if n.Kind == yaml.AliasNode {
			total = size(n.Alias, depth+1)
		}
		for _, c := range n.Content {
			if total > maxYAMLNodes {
				break
			}
			total += size(c, depth+1)
		}
		sizes[n] = total
		return total
	}
	if n := size(d.root, 0); n > maxYAMLNodes {
		return &ExpansionError{Nodes: maxYAMLNodes}
	}
	return nil
}

// node returns the node at the dotted path, or nil.
func (d *yamlDoc) node(path ...string) *yaml.Node {
	if d == nil {
		return nil
	}
	n := d.root
	for _, key := range path {
		n = child(n, key)
		if n == nil {
			return nil
		}
	}
	return n
}

// line returns the line of the deepest node on the path that exists.
func (d *yamlDoc) line(path ...string) int {
	if d == nil || d.root == nil {
		return 0
	}
	n := d.root
	line := n.Line
	for _, key := range path {
		var keyLine int
		n, keyLine = childWithKeyLine(n, key)
		if n == nil {
			return line
		}
		line = keyLine
		if line == 0 {
			line = n.Line
		}
	}
	return line
}

func child(n *yaml.Node, key string) *yaml.Node {
	c, _ := childWithKeyLine(n, key)
	return c
}

func childWithKeyLine(n *yaml.Node, key string) (*yaml.Node, int) {
	if n == nil {
		return nil, 0
	}
	if n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	switch n.Kind {
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			if n.Content[i].Value == key {
				return n.Content[i+1], n.Content[i].Line
			}
		}
	case yaml.SequenceNode:
		i, err := strconv.Atoi(key)
		if err == nil && i >= 0 && i < len(n.Content) {
			return n.Content[i], n.Content[i].Line
		}
	}
	return nil, 0
}

// mapKeys returns the keys of a mapping node in file order.
func mapKeys(n *yaml.Node) []string {
	if n == nil || n.Kind != yaml.MappingNode {
		return nil
	}
	var keys []string
	for i := 0; i+1 < len(n.Content); i += 2 {
		keys = append(keys, n.Content[i].Value)
	}
	return keys
}

var (
	yamlLineRe   = regexp.MustCompile(`line (\d+)`)
	fieldPathRe  = regexp.MustCompile(`\b((?:services|networks|volumes|configs|secrets|include|x-dsp)(?:\.[^\s:,]+)*)`)
	serviceMsgRe = regexp.MustCompile(`\bservice "([^"]+)"`)
)

// lineOfError finds a line number in a YAML parser message.
func lineOfError(msg string) int {
	if m := yamlLineRe.FindStringSubmatch(msg); m != nil {
		n, _ := strconv.Atoi(m[1])
		return n
	}
	return 0
}

// lineOfYAMLError returns the line a YAML parser error points at: the
// parser's own mark when it has one (go-yaml v4 writes "at L4.C4" in its
// messages, not "line 4").
func lineOfYAMLError(err error) int {
	var le *yaml.LoadError
	if errors.As(err, &le) && le.Mark.Line > 0 {
		return le.Mark.Line
	}
	return lineOfError(err.Error())
}

// fieldOfError finds a dotted compose path (services.web.ports) in a
// compose-go message, else the service it names (service "web").
func fieldOfError(msg string) string {
	if m := fieldPathRe.FindStringSubmatch(msg); m != nil {
		return strings.TrimSuffix(m[1], ".")
	}
	if m := serviceMsgRe.FindStringSubmatch(msg); m != nil {
		return "services." + m[1]
	}
	return ""
}
