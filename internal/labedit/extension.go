package labedit

import (
	"fmt"
	"math"
	"reflect"

	"go.yaml.in/yaml/v4"
)

// setServiceExtension writes the parts of a service's x-dsp that changed:
// shell, actions, files. Other x-dsp keys, and the keys of actions the
// model does not show (command, background), stay.
func setServiceExtension(node *yaml.Node, old, s Service, field string) error {
	if sameShell(old.Shell, s.Shell) && sameActions(old.Actions, s.Actions) && sameFiles(old.Files, s.Files) {
		return nil
	}
	x, err := editableMap(node, extensionKey, field, true)
	if err != nil {
		return err
	}
	if !sameShell(old.Shell, s.Shell) {
		if s.Shell == nil {
			if err := deleteKey(x, "shell", field+".shell"); err != nil {
				return err
			}
		} else {
			setValue(x, "shell", boolNode(*s.Shell))
		}
	}
	if !sameActions(old.Actions, s.Actions) {
		if err := setActions(x, old.Actions, s.Actions, field+".actions"); err != nil {
			return err
		}
	}
	if !sameFiles(old.Files, s.Files) {
		if err := setFiles(x, old.Files, s.Files, field+".files"); err != nil {
			return err
		}
	}
	if len(pairs(x)) == 0 {
		return deleteKey(node, extensionKey, field)
	}
	return nil
}

// newServiceExtension is the x-dsp of a new service (empty when it has none).
func newServiceExtension(s Service) *yaml.Node {
	x := mapNode()
	if s.Shell != nil {
		x.Content = append(x.Content, strNode("shell"), boolNode(*s.Shell))
	}
	if len(s.Actions) > 0 {
		acts := seqNode()
		for _, a := range s.Actions {
			acts.Content = append(acts.Content, newAction(a))
		}
		x.Content = append(x.Content, strNode("actions"), acts)
	}
	if len(s.Files) > 0 {
		files := seqNode()
		for _, f := range s.Files {
			files.Content = append(files.Content, newFile(f))
		}
		x.Content = append(x.Content, strNode("files"), files)
	}
	return x
}

// newAction is the YAML of an action the editor added.
func newAction(a Action) *yaml.Node {
	n := mapNode(strNode("name"), strNode(a.Name), strNode("priority"), intNode(a.Priority))
	if len(a.Args) > 0 {
		args := flow(mapNode())
		for _, k := range sortedKeys(a.Args) {
			args.Content = append(args.Content, strNode(k), valueNode(a.Args[k]))
		}
		n.Content = append(n.Content, strNode("args"), args)
	}
	return n
}

// newFile is the YAML of a file to copy the editor added.
func newFile(f File) *yaml.Node {
	n := mapNode(strNode("source"), strNode(f.Source), strNode("target"), strNode(f.Target))
	if f.AfterActions {
		n.Content = append(n.Content, strNode("after_actions"), boolNode(true))
	}
	return n
}

// setActions edits x-dsp.actions: with as many actions as before, each
// item is edited in place; otherwise items are matched by name.
func setActions(x *yaml.Node, old, want []Action, field string) error {
	if len(want) == 0 {
		return deleteKey(x, "actions", field)
	}
	seq, err := editableSeq(x, "actions", field, true)
	if err != nil {
		return err
	}
	match := matchItems(len(seq.Content) == len(old), len(old), len(want), func(i, j int) bool { return old[i].Name == want[j].Name })
	out := make([]*yaml.Node, 0, len(want))
	for j, a := range want {
		i, ok := match[j]
		if !ok {
			out = append(out, newAction(a))
			continue
		}
		item, err := editAction(seq.Content[i], old[i], a, fmt.Sprintf("%s.%d", field, i))
		if err != nil {
			return err
		}
		out = append(out, item)
	}
	seq.Content = out
	return nil
}

// matchItems pairs old items with wanted ones: by position when the
// counts agree (and the file's items are the model's), else a longest
// common subsequence of equal ones. It returns wanted index → old index.
func matchItems(sameItems bool, nOld, nWant int, equal func(i, j int) bool) map[int]int {
	match := map[int]int{}
	if !sameItems {
		return match
	}
	if nOld == nWant {
		for j := range nWant {
			match[j] = j
		}
		return match
	}
	a := make([]string, nOld)
	b := make([]string, nWant)
	for i := range a {
		a[i] = fmt.Sprint("a", i)
	}
	for j := range b {
		b[j] = fmt.Sprint("b", j)
		for i := range a {
			if equal(i, j) {
				b[j] = a[i] // first equal old item stands for it
				break
			}
		}
	}
	return lcs(a, b)
}

// editAction edits one action item in place.
func editAction(item *yaml.Node, old, a Action, field string) (*yaml.Node, error) {
	if sameAction(old, a) {
		return item, nil
	}
	if item.Kind == yaml.AliasNode {
		item = freshCopy(item)
	}
	if item.Kind != yaml.MappingNode {
		return newAction(a), nil
	}
	if old.Name != a.Name {
		if err := setOrDelete(item, "name", a.Name, field+".name"); err != nil {
			return nil, err
		}
	}
	if old.Priority != a.Priority {
		setValue(item, "priority", intNode(a.Priority))
	}
	if !sameArgs(old.Args, a.Args) {
		if err := setArgs(item, old.Args, a.Args, field+".args"); err != nil {
			return nil, err
		}
	}
	return item, nil
}

// setArgs edits the arguments of an action key by key.
func setArgs(item *yaml.Node, old, want map[string]any, field string) error {
	if len(want) == 0 {
		return deleteKey(item, "args", field)
	}
	created := get(item, "args") == nil
	args, err := editableMap(item, "args", field, true)
	if err != nil {
		return err
	}
	if created {
		flow(args)
	}
	for _, p := range pairs(args) {
		if _, ok := want[p.key.Value]; !ok {
			if err := deleteKey(args, p.key.Value, field+"."+p.key.Value); err != nil {
				return err
			}
		}
	}
	for _, k := range sortedKeys(want) {
		if v, ok := old[k]; !ok || !sameValue(v, want[k]) {
			setValue(args, k, valueNode(want[k]))
		}
	}
	return nil
}

// setFiles edits x-dsp.files like setActions, matching by source and target.
func setFiles(x *yaml.Node, old, want []File, field string) error {
	if len(want) == 0 {
		return deleteKey(x, "files", field)
	}
	seq, err := editableSeq(x, "files", field, true)
	if err != nil {
		return err
	}
	match := matchItems(len(seq.Content) == len(old), len(old), len(want), func(i, j int) bool {
		return old[i].Source == want[j].Source && old[i].Target == want[j].Target
	})
	out := make([]*yaml.Node, 0, len(want))
	for j, f := range want {
		i, ok := match[j]
		if !ok {
			out = append(out, newFile(f))
			continue
		}
		item := seq.Content[i]
		if old[i] != f {
			if item.Kind == yaml.AliasNode {
				item = freshCopy(item)
			}
			if item.Kind != yaml.MappingNode {
				item = newFile(f)
			} else if err := editFile(item, old[i], f, fmt.Sprintf("%s.%d", field, i)); err != nil {
				return err
			}
		}
		out = append(out, item)
	}
	seq.Content = out
	return nil
}

// editFile edits one item of x-dsp.files in place.
func editFile(item *yaml.Node, old, f File, field string) error {
	if old.Source != f.Source {
		if err := setOrDelete(item, "source", f.Source, field+".source"); err != nil {
			return err
		}
	}
	if old.Target != f.Target {
		if err := setOrDelete(item, "target", f.Target, field+".target"); err != nil {
			return err
		}
	}
	if old.AfterActions != f.AfterActions {
		setValue(item, "after_actions", boolNode(f.AfterActions))
	}
	return nil
}

// valueNode is the YAML of an argument value as the editor sends it
// (JSON numbers are float64).
func valueNode(v any) *yaml.Node {
	switch x := normalise(v).(type) {
	case nil:
		return nullNode()
	case string:
		return strNode(x)
	case bool:
		return boolNode(x)
	case float64:
		if x == math.Trunc(x) && math.Abs(x) < 1e15 {
			return intNode(int(x))
		}
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!float", Value: fmt.Sprint(x)}
	}
	var n yaml.Node
	if err := n.Encode(v); err != nil {
		return strNode(fmt.Sprint(v))
	}
	clearStyle(&n)
	return &n
}

// clearStyle makes encoded values block style, like the rest of new text.
func clearStyle(n *yaml.Node) {
	n.Style &^= yaml.FlowStyle
	for _, c := range n.Content {
		clearStyle(c)
	}
}

// normalise turns numbers into float64 (as JSON decodes them), maps and
// lists into map[string]any and []any, so values compare alike.
func normalise(v any) any {
	switch x := v.(type) {
	case int:
		return float64(x)
	case int64:
		return float64(x)
	case uint64:
		return float64(x)
	case float32:
		return float64(x)
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = normalise(e)
		}
		return out
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = normalise(e)
		}
		return out
	}
	return v
}

// sameValue compares argument values as the editor and the file give them.
func sameValue(a, b any) bool {
	return reflect.DeepEqual(normalise(a), normalise(b))
}

// sameArgs compares the arguments of two actions.
func sameArgs(a, b map[string]any) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		w, ok := b[k]
		if !ok || !sameValue(v, w) {
			return false
		}
	}
	return true
}

// sameAction compares two actions.
func sameAction(a, b Action) bool {
	return a.Name == b.Name && a.Priority == b.Priority && sameArgs(a.Args, b.Args)
}

// sameActions compares two lists of actions in order.
func sameActions(a, b []Action) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if !sameAction(a[i], b[i]) {
			return false
		}
	}
	return true
}

// sameFiles compares two lists of files in order.
func sameFiles(a, b []File) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
