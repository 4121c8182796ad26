package labedit

import (
	"fmt"

	"go.yaml.in/yaml/v4"
)

// Editing helpers for the copy of the tree. They never change a node that
// an alias or a merge key (<<) brings in: where the value to edit is one,
// they put a local copy in its place and edit that.

// editable returns the value of key in mapping m, of kind (a mapping or a
// sequence), ready to be edited in place: m's own value, or a local copy
// where the value is an alias or comes from a merge; a null or absent
// value becomes a new empty collection when create, else nil.
func editable(m *yaml.Node, key string, kind yaml.Kind, field string, create bool) (*yaml.Node, error) {
	fresh := func() *yaml.Node {
		if kind == yaml.MappingNode {
			return mapNode()
		}
		return seqNode()
	}
	if i := localIndex(m, key); i >= 0 {
		v := m.Content[i+1]
		switch r := resolve(v); {
		case v.Kind == kind:
			return v, nil
		case r != nil && r.Kind == kind:
			cp := freshCopy(v)
			m.Content[i+1] = cp
			return cp, nil
		case isNull(v):
			if !create {
				return nil, nil
			}
			cp := fresh()
			m.Content[i+1] = cp
			return cp, nil
		default:
			return nil, shapeError(r, field, "a "+kindName(kind))
		}
	}
	if p, ok := lookup(m, key); ok && !isNull(p.value) {
		r := resolve(p.value)
		if r.Kind != kind {
			return nil, shapeError(r, field, "a "+kindName(kind))
		}
		cp := freshCopy(r)
		m.Content = append(m.Content, strNode(key), cp)
		return cp, nil
	}
	if !create {
		return nil, nil
	}
	cp := fresh()
	m.Content = append(m.Content, strNode(key), cp)
	return cp, nil
}

// editableMap is editable for a mapping value.
func editableMap(m *yaml.Node, key, field string, create bool) (*yaml.Node, error) {
	return editable(m, key, yaml.MappingNode, field, create)
}

// editableSeq is editable for a sequence value.
func editableSeq(m *yaml.Node, key, field string, create bool) (*yaml.Node, error) {
	return editable(m, key, yaml.SequenceNode, field, create)
}

// kindName names a collection kind for messages.
func kindName(k yaml.Kind) string {
	if k == yaml.MappingNode {
		return "mapping"
	}
	return "list"
}

// setValue makes v the value of key in m. A scalar m already has is
// changed in place (keeping its quotes where the new value is a string);
// anything else is replaced, or the entry appended.
func setValue(m *yaml.Node, key string, v *yaml.Node) {
	i := localIndex(m, key)
	if i < 0 {
		m.Content = append(m.Content, strNode(key), v)
		return
	}
	old := m.Content[i+1]
	if old.Kind != yaml.ScalarNode || v.Kind != yaml.ScalarNode {
		m.Content[i+1] = v
		return
	}
	if old.Value == v.Value && old.ShortTag() == v.ShortTag() {
		return
	}
	setScalarNode(old, v)
}

// setScalarNode gives scalar old the value of v, keeping old's quoting
// style for strings unless v asks for one.
func setScalarNode(old, v *yaml.Node) {
	old.Value, old.Tag = v.Value, v.Tag
	switch {
	case v.Style != 0:
		old.Style = v.Style
	case v.ShortTag() != "!!str":
		old.Style = 0
	default:
		old.Style &^= yaml.TaggedStyle
	}
}

// deleteKey removes key from m. A key that a merge key (<<) brings in
// cannot be removed locally: that is an error naming field.
func deleteKey(m *yaml.Node, key, field string) error {
	if p, ok := lookup(m, key); ok && p.merged {
		return fmt.Errorf("%s comes from a YAML merge key (<<) and cannot be removed in the graph editor; edit the text", field)
	}
	if i := localIndex(m, key); i >= 0 {
		m.Content = append(m.Content[:i:i], m.Content[i+2:]...)
	}
	if _, ok := lookup(m, key); ok {
		return fmt.Errorf("%s comes from a YAML merge key (<<) and cannot be removed in the graph editor; edit the text", field)
	}
	return nil
}

// setOrDelete sets key to the string s, or removes it when s is "".
func setOrDelete(m *yaml.Node, key, s, field string) error {
	if s == "" {
		return deleteKey(m, key, field)
	}
	setValue(m, key, strNode(s))
	return nil
}

// reconcile returns the items of a sequence for the wanted values: items
// whose value (through key) is still wanted stay, in place, with their
// comments and form; the others go; new values are made with mk. A kept
// scalar item whose text differs from the wanted value (a renamed
// reference) gets the new text.
func reconcile(items []*yaml.Node, want []string, key func(*yaml.Node) string, mk func(string) *yaml.Node) []*yaml.Node {
	have := make([]string, len(items))
	for i, it := range items {
		have[i] = key(it)
	}
	match := lcs(have, want)
	out := make([]*yaml.Node, 0, len(want))
	for j, w := range want {
		i, ok := match[j]
		if !ok {
			out = append(out, mk(w))
			continue
		}
		it := items[i]
		if it.Kind == yaml.AliasNode && key(it) != w {
			it = mk(w)
		} else if it.Kind == yaml.ScalarNode && it.Value != w {
			setScalarNode(it, strNode(w))
		}
		out = append(out, it)
	}
	return out
}

// lcs matches a longest common subsequence of a and b: index in b → index in a.
func lcs(a, b []string) map[int]int {
	n, m := len(a), len(b)
	t := make([][]int, n+1)
	for i := range t {
		t[i] = make([]int, m+1)
	}
	for i := n - 1; i >= 0; i-- {
		for j := m - 1; j >= 0; j-- {
			if a[i] == b[j] {
				t[i][j] = t[i+1][j+1] + 1
			} else {
				t[i][j] = max(t[i+1][j], t[i][j+1])
			}
		}
	}
	out := map[int]int{}
	for i, j := 0, 0; i < n && j < m; {
		switch {
		case a[i] == b[j]:
			out[j] = i
			i++
			j++
		case t[i+1][j] >= t[i][j+1]:
			i++
		default:
			j++
		}
	}
	return out
}
