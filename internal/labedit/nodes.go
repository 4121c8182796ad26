package labedit

import (
	"fmt"
	"strconv"

	"go.yaml.in/yaml/v4"
)

// resolve follows aliases to the node they name.
func resolve(n *yaml.Node) *yaml.Node {
	for i := 0; n != nil && n.Kind == yaml.AliasNode && i < 100; i++ {
		n = n.Alias
	}
	return n
}

// isMergeKey reports whether a mapping key is the merge key <<.
func isMergeKey(k *yaml.Node) bool {
	return k.Kind == yaml.ScalarNode && k.Value == "<<" && (k.Tag == "!!merge" || k.Style == 0)
}

// isNull reports whether n is a null scalar (or absent).
func isNull(n *yaml.Node) bool {
	n = resolve(n)
	return n == nil || n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null"
}

// pair is one key and value of a mapping as YAML means it.
type pair struct {
	key, value *yaml.Node // value as written (possibly an alias)
	merged     bool       // it comes from a merge key (<<), not from the mapping itself
}

// pairs returns the effective pairs of a mapping: its own in order, then
// those its merge keys bring that it does not override.
func pairs(m *yaml.Node) []pair {
	return mergedPairs(m, 0)
}

// mergedPairs is pairs, with the depth of merges bounded.
func mergedPairs(m *yaml.Node, depth int) []pair {
	m = resolve(m)
	if m == nil || m.Kind != yaml.MappingNode || depth > 20 {
		return nil
	}
	var own []pair
	var merged []pair
	seen := map[string]bool{}
	for i := 0; i+1 < len(m.Content); i += 2 {
		k, v := m.Content[i], m.Content[i+1]
		if isMergeKey(k) {
			for _, src := range mergeSources(v) {
				for _, p := range mergedPairs(src, depth+1) {
					merged = append(merged, pair{key: p.key, value: p.value, merged: true})
				}
			}
			continue
		}
		own = append(own, pair{key: k, value: v})
		seen[k.Value] = true
	}
	out := own
	for _, p := range merged {
		if !seen[p.key.Value] {
			seen[p.key.Value] = true
			out = append(out, p)
		}
	}
	return out
}

// mergeSources returns the mappings a merge key's value names.
func mergeSources(v *yaml.Node) []*yaml.Node {
	v = resolve(v)
	if v == nil {
		return nil
	}
	if v.Kind == yaml.SequenceNode {
		out := make([]*yaml.Node, 0, len(v.Content))
		for _, c := range v.Content {
			out = append(out, resolve(c))
		}
		return out
	}
	return []*yaml.Node{v}
}

// lookup returns the effective pair of key in mapping m.
func lookup(m *yaml.Node, key string) (pair, bool) {
	for _, p := range pairs(m) {
		if p.key.Value == key {
			return p, true
		}
	}
	return pair{}, false
}

// get returns the effective value of key in m, aliases followed (nil when absent).
func get(m *yaml.Node, key string) *yaml.Node {
	p, ok := lookup(m, key)
	if !ok {
		return nil
	}
	return resolve(p.value)
}

// scalar returns the text of the scalar value of key in m ("" when absent or null).
func scalar(m *yaml.Node, key string) string {
	v := get(m, key)
	if v == nil || v.Kind != yaml.ScalarNode || isNull(v) {
		return ""
	}
	return v.Value
}

// localIndex returns the index in m.Content of the key node of key, or -1.
func localIndex(m *yaml.Node, key string) int {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if !isMergeKey(m.Content[i]) && m.Content[i].Value == key {
			return i
		}
	}
	return -1
}

// cloner copies the parsed tree for editing and remembers where each copy
// came from, so the edited tree can be compared with the text.
type cloner struct {
	origin map[*yaml.Node]*yaml.Node
}

// clone deep-copies n; aliases keep pointing at the original anchored node.
func (c *cloner) clone(n *yaml.Node) *yaml.Node {
	if n == nil {
		return nil
	}
	cp := *n
	cp.Content = nil
	for _, ch := range n.Content {
		cp.Content = append(cp.Content, c.clone(ch))
	}
	c.origin[&cp] = n
	return &cp
}

// freshCopy deep-copies n (an alias is followed) as new nodes with no
// anchors, to be written where an alias or a merge stood.
func freshCopy(n *yaml.Node) *yaml.Node {
	n = resolve(n)
	if n == nil {
		return nil
	}
	return copyTree(n)
}

// copyTree deep-copies n without anchors, comments or positions.
func copyTree(n *yaml.Node) *yaml.Node {
	cp := &yaml.Node{Kind: n.Kind, Style: n.Style, Tag: n.Tag, Value: n.Value, Alias: n.Alias}
	for _, ch := range n.Content {
		cp.Content = append(cp.Content, copyTree(ch))
	}
	return cp
}

// Constructors of new nodes.

// strNode is a new string scalar.
func strNode(s string) *yaml.Node {
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: s}
}

// quotedNode is a string written in quotes (ports, which YAML 1.1 reads as numbers).
func quotedNode(s string) *yaml.Node {
	n := strNode(s)
	n.Style = yaml.DoubleQuotedStyle
	return n
}

// boolNode is a new boolean scalar.
func boolNode(b bool) *yaml.Node {
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!bool", Value: strconv.FormatBool(b)}
}

// intNode is a new integer scalar.
func intNode(i int) *yaml.Node {
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!int", Value: strconv.Itoa(i)}
}

// nullNode is a new null scalar.
func nullNode() *yaml.Node {
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!null", Value: "null"}
}

// mapNode is a new block mapping of the pairs kv.
func mapNode(kv ...*yaml.Node) *yaml.Node {
	return &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map", Content: kv}
}

// seqNode is a new block sequence.
func seqNode(items ...*yaml.Node) *yaml.Node {
	return &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq", Content: items}
}

// strSeq is a new block sequence of strings.
func strSeq(items []string) *yaml.Node {
	s := seqNode()
	for _, it := range items {
		s.Content = append(s.Content, strNode(it))
	}
	return s
}

// flow marks a new collection to be written in flow style ([a, b], {k: v}).
func flow(n *yaml.Node) *yaml.Node {
	n.Style |= yaml.FlowStyle
	return n
}

// checkAnchors checks that every alias of the edited tree still follows
// its anchor: an edit must not remove or replace a node whose anchor other
// nodes use.
func checkAnchors(root *yaml.Node) error {
	defined := map[string]bool{}
	var walk func(n *yaml.Node, path string) error
	walk = func(n *yaml.Node, path string) error {
		if n.Kind == yaml.AliasNode {
			if !defined[n.Value] {
				return fmt.Errorf("cannot make this edit in the graph editor: it removes the YAML anchor &%s that %s uses; edit the text", n.Value, path)
			}
			return nil
		}
		if n.Anchor != "" {
			defined[n.Anchor] = true
		}
		for i, c := range n.Content {
			p := path
			switch {
			case n.Kind == yaml.MappingNode && i%2 == 1:
				p = join(path, n.Content[i-1].Value)
			case n.Kind == yaml.SequenceNode:
				p = join(path, strconv.Itoa(i))
			}
			if err := walk(c, p); err != nil {
				return err
			}
		}
		return nil
	}
	return walk(root, "")
}

// join appends key to a dotted field path.
func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}
