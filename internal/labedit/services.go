package labedit

import (
	"slices"
	"sort"
	"strings"

	"go.yaml.in/yaml/v4"
)

// editServices applies the model's services onto the top-level services.
func (r *renderer) editServices(root *yaml.Node) error {
	if len(r.m.Services) == 0 && len(r.old.Services) == 0 {
		return nil
	}
	keep := map[string]bool{}
	for _, s := range r.m.Services {
		keep[s.ID] = s.ID != ""
	}
	sec := &lazySection{root: root, key: "services"}
	for _, s := range r.old.Services {
		if keep[s.ID] {
			continue
		}
		svcs, err := sec.edit()
		if err != nil {
			return err
		}
		if err := deleteKey(svcs, s.ID, "services."+s.ID); err != nil {
			return err
		}
	}
	for _, s := range r.m.Services {
		if err := r.editOneService(sec, s); err != nil {
			return err
		}
	}
	return nil
}

// editOneService adds, edits and renames one service of the model.
func (r *renderer) editOneService(sec *lazySection, s Service) error {
	w := r.wanted(s)
	field := "services." + s.ID
	old := r.oldSvc[s.ID]
	if s.ID == "" || diffService(old, w) != "" || s.ID != s.Name {
		svcs, err := sec.edit()
		if err != nil {
			return err
		}
		if s.ID == "" {
			svcs.Content = append(svcs.Content, strNode(s.Name), r.newService(w))
			return nil
		}
		if diffService(old, w) != "" {
			node, err := editableMap(svcs, s.ID, field, true)
			if err != nil {
				return err
			}
			if err := r.editService(node, old, w, field); err != nil {
				return err
			}
		}
	}
	if err := r.renameServiceRefs(sec, s.ID, field); err != nil {
		return err
	}
	if s.ID == s.Name {
		return nil
	}
	svcs, err := sec.edit()
	if err != nil {
		return err
	}
	return renameKey(svcs, s.ID, s.Name, field)
}

// lazySection is a top-level mapping (services, networks) made editable
// the first time an edit needs it, so that an untouched one stays as it is.
type lazySection struct {
	root *yaml.Node
	key  string
	node *yaml.Node
}

// edit returns the section ready to be edited, creating it when absent.
func (s *lazySection) edit() (*yaml.Node, error) {
	if s.node == nil {
		n, err := editableMap(s.root, s.key, s.key, true)
		if err != nil {
			return nil, err
		}
		s.node = n
	}
	return s.node, nil
}

// read returns the section as it stands (nil when absent).
func (s *lazySection) read() *yaml.Node {
	if s.node != nil {
		return s.node
	}
	return get(s.root, s.key)
}

// editService writes the fields of a service that changed.
func (r *renderer) editService(node *yaml.Node, old, s Service, field string) error {
	at := func(k string) string { return field + "." + k }
	if old.Image != s.Image {
		if err := setOrDelete(node, "image", s.Image, at("image")); err != nil {
			return err
		}
	}
	for _, c := range []struct {
		key       string
		old, want []string
	}{{"command", old.Command, s.Command}, {"entrypoint", old.Entrypoint, s.Entrypoint}} {
		if !sameCommand(c.old, c.want) {
			if err := setCommand(node, c.key, c.want, at(c.key)); err != nil {
				return err
			}
		}
	}
	lists := []struct {
		key       string
		old, want []string
		text      func(*yaml.Node) (string, bool)
		mk        func(string) *yaml.Node
	}{
		{"ports", old.Ports, s.Ports, portText, r.quoted},
		{"volumes", old.Volumes, s.Volumes, volumeText, strNode},
		{"cap_add", old.CapAdd, s.CapAdd, scalarText, strNode},
	}
	for _, l := range lists {
		if !sameList(l.old, l.want) {
			if err := setList(node, l.key, l.want, l.text, l.mk, at(l.key)); err != nil {
				return err
			}
		}
	}
	if !sameEnv(old.Environment, s.Environment) {
		if err := setEnvironment(node, old.Environment, s.Environment, at("environment")); err != nil {
			return err
		}
	}
	if old.Privileged != s.Privileged {
		if s.Privileged {
			setValue(node, "privileged", boolNode(true))
		} else if err := deleteKey(node, "privileged", at("privileged")); err != nil {
			return err
		}
	}
	if !sameSet(old.DependsOn, s.DependsOn) {
		if err := r.setDependsOn(node, s.DependsOn, at("depends_on")); err != nil {
			return err
		}
	}
	if !sameAttachments(old.Networks, s.Networks) {
		if err := r.setNetworks(node, old.Networks, s.Networks, at("networks")); err != nil {
			return err
		}
	}
	return setServiceExtension(node, old, s, at(extensionKey))
}

// quoted is a new string in quotes, in the style of the document.
func (r *renderer) quoted(s string) *yaml.Node {
	n := quotedNode(s)
	if r.d.style.quote == '\'' {
		n.Style = yaml.SingleQuotedStyle
	}
	return n
}

// setCommand writes a command or entrypoint as a list (removed when nil).
func setCommand(node *yaml.Node, key string, cmd []string, field string) error {
	if cmd == nil {
		return deleteKey(node, key, field)
	}
	if v := get(node, key); v != nil && v.Kind == yaml.SequenceNode {
		seq, err := editableSeq(node, key, field, true)
		if err != nil {
			return err
		}
		seq.Content = reconcile(seq.Content, cmd, itemText(scalarText), strNode)
		return nil
	}
	setValue(node, key, flow(strSeq(cmd)))
	return nil
}

// itemText is the key of a sequence item for reconcile.
func itemText(text func(*yaml.Node) (string, bool)) func(*yaml.Node) string {
	return func(n *yaml.Node) string {
		s, ok := text(resolve(n))
		if !ok {
			return "\x00"
		}
		return s
	}
}

// setList writes a list of strings (removed when empty), keeping the
// items that stay.
func setList(node *yaml.Node, key string, want []string, text func(*yaml.Node) (string, bool), mk func(string) *yaml.Node, field string) error {
	if len(want) == 0 {
		return deleteKey(node, key, field)
	}
	seq, err := editableSeq(node, key, field, true)
	if err != nil {
		return err
	}
	seq.Content = reconcile(seq.Content, want, itemText(text), mk)
	return nil
}

// setEnvironment writes environment in the form the file uses (map form
// for a new one).
func setEnvironment(node *yaml.Node, old, want map[string]string, field string) error {
	if len(want) == 0 {
		return deleteKey(node, "environment", field)
	}
	if v := get(node, "environment"); v != nil && v.Kind == yaml.SequenceNode {
		seq, err := editableSeq(node, "environment", field, true)
		if err != nil {
			return err
		}
		var items []*yaml.Node
		seen := map[string]bool{}
		for _, it := range seq.Content {
			s, _ := scalarText(resolve(it))
			k, v, _ := strings.Cut(s, "=")
			w, ok := want[k]
			if !ok || seen[k] {
				continue
			}
			seen[k] = true
			if w != v {
				it = strNode(k + "=" + w)
			}
			items = append(items, it)
		}
		for _, k := range sortedKeys(want) {
			if !seen[k] {
				items = append(items, strNode(k+"="+want[k]))
			}
		}
		seq.Content = items
		return nil
	}
	env, err := editableMap(node, "environment", field, true)
	if err != nil {
		return err
	}
	for _, p := range pairs(env) {
		if _, ok := want[p.key.Value]; !ok {
			if err := deleteKey(env, p.key.Value, field+"."+p.key.Value); err != nil {
				return err
			}
		}
	}
	for _, k := range sortedKeys(want) {
		if v, ok := old[k]; !ok || v != want[k] {
			setValue(env, k, strNode(want[k]))
		}
	}
	return nil
}

// setDependsOn writes depends_on in the form the file uses, renaming
// references in place.
func (r *renderer) setDependsOn(node *yaml.Node, want []string, field string) error {
	if len(want) == 0 {
		return deleteKey(node, "depends_on", field)
	}
	if v := get(node, "depends_on"); v != nil && v.Kind == yaml.MappingNode {
		deps, err := editableMap(node, "depends_on", field, true)
		if err != nil {
			return err
		}
		have := map[string]bool{}
		for _, p := range pairs(deps) {
			name := r.fileSvc(p.key.Value)
			if !slices.Contains(want, name) {
				if err := deleteKey(deps, p.key.Value, field+"."+p.key.Value); err != nil {
					return err
				}
				continue
			}
			if err := renameKey(deps, p.key.Value, name, field+"."+p.key.Value); err != nil {
				return err
			}
			have[name] = true
		}
		for _, w := range want {
			if !have[w] {
				deps.Content = append(deps.Content, strNode(w), mapNode(strNode("condition"), strNode("service_started")))
			}
		}
		return nil
	}
	seq, err := editableSeq(node, "depends_on", field, true)
	if err != nil {
		return err
	}
	seq.Content = reconcile(seq.Content, want, func(n *yaml.Node) string { return r.fileSvc(itemText(scalarText)(n)) }, strNode)
	return nil
}

// setNetworks writes a service's networks: a list stays a list unless an
// address is set, which needs the mapping form.
func (r *renderer) setNetworks(node *yaml.Node, old, want []Attachment, field string) error {
	if len(want) == 0 {
		return deleteKey(node, "networks", field)
	}
	v := get(node, "networks")
	if v != nil && v.Kind == yaml.MappingNode {
		return r.setNetworkMap(node, old, want, field)
	}
	if slices.ContainsFunc(want, func(a Attachment) bool { return a.IPv4 != "" }) {
		m := mapNode()
		for _, a := range want {
			m.Content = append(m.Content, strNode(a.Network), attachmentValue(a.IPv4))
		}
		setValue(node, "networks", m)
		return nil
	}
	seq, err := editableSeq(node, "networks", field, true)
	if err != nil {
		return err
	}
	names := make([]string, 0, len(want))
	for _, a := range want {
		names = append(names, a.Network)
	}
	seq.Content = reconcile(seq.Content, names, func(n *yaml.Node) string { return r.fileNet(itemText(scalarText)(n)) }, strNode)
	return nil
}

// setNetworkMap edits a service's networks in mapping form entry by
// entry, keeping what the model does not show (aliases, …).
func (r *renderer) setNetworkMap(node *yaml.Node, old, want []Attachment, field string) error {
	nets, err := editableMap(node, "networks", field, true)
	if err != nil {
		return err
	}
	oldIP := map[string]string{}
	for _, a := range old {
		oldIP[r.fileNet(a.Network)] = a.IPv4
	}
	wantIP := map[string]string{}
	for _, a := range want {
		wantIP[a.Network] = a.IPv4
	}
	have := map[string]bool{}
	for _, p := range pairs(nets) {
		key := p.key.Value
		name := r.fileNet(key)
		at := field + "." + key
		ip, ok := wantIP[name]
		if !ok || have[name] {
			if err := deleteKey(nets, key, at); err != nil {
				return err
			}
			continue
		}
		have[name] = true
		if ip != oldIP[name] {
			if err := setAttachmentIP(nets, key, ip, at); err != nil {
				return err
			}
		}
		if err := renameKey(nets, key, name, at); err != nil {
			return err
		}
	}
	for _, a := range want {
		if !have[a.Network] {
			have[a.Network] = true
			nets.Content = append(nets.Content, strNode(a.Network), attachmentValue(a.IPv4))
		}
	}
	return nil
}

// attachmentValue is the value of a new network entry of a service.
func attachmentValue(ip string) *yaml.Node {
	if ip == "" {
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!null"} // "lan:", as the list form says
	}
	return mapNode(strNode("ipv4_address"), strNode(ip))
}

// setAttachmentIP sets or removes ipv4_address of one network entry.
func setAttachmentIP(nets *yaml.Node, key, ip, field string) error {
	if ip == "" {
		att, err := editableMap(nets, key, field, false)
		if err != nil || att == nil {
			return err
		}
		return deleteKey(att, "ipv4_address", field+".ipv4_address")
	}
	att, err := editableMap(nets, key, field, true)
	if err != nil {
		return err
	}
	setValue(att, "ipv4_address", strNode(ip))
	return nil
}

// newService is the value of a service the editor added.
func (r *renderer) newService(s Service) *yaml.Node {
	v := mapNode()
	add := func(k string, n *yaml.Node) { v.Content = append(v.Content, strNode(k), n) }
	if s.Image != "" {
		add("image", strNode(s.Image))
	}
	if s.Command != nil {
		add("command", flow(strSeq(s.Command)))
	}
	if s.Entrypoint != nil {
		add("entrypoint", flow(strSeq(s.Entrypoint)))
	}
	if len(s.Ports) > 0 {
		ports := seqNode()
		for _, p := range s.Ports {
			ports.Content = append(ports.Content, r.quoted(p))
		}
		add("ports", ports)
	}
	if len(s.Environment) > 0 {
		env := mapNode()
		for _, k := range sortedKeys(s.Environment) {
			env.Content = append(env.Content, strNode(k), strNode(s.Environment[k]))
		}
		add("environment", env)
	}
	if len(s.Volumes) > 0 {
		add("volumes", strSeq(s.Volumes))
	}
	if len(s.CapAdd) > 0 {
		add("cap_add", strSeq(s.CapAdd))
	}
	if s.Privileged {
		add("privileged", boolNode(true))
	}
	if len(s.DependsOn) > 0 {
		add("depends_on", strSeq(s.DependsOn))
	}
	if len(s.Networks) > 0 {
		if slices.ContainsFunc(s.Networks, func(a Attachment) bool { return a.IPv4 != "" }) {
			nets := mapNode()
			for _, a := range s.Networks {
				nets.Content = append(nets.Content, strNode(a.Network), attachmentValue(a.IPv4))
			}
			add("networks", nets)
		} else {
			names := seqNode()
			for _, a := range s.Networks {
				names.Content = append(names.Content, strNode(a.Network))
			}
			add("networks", names)
		}
	}
	if x := newServiceExtension(s); len(x.Content) > 0 {
		add(extensionKey, x)
	}
	return v
}

// renameServiceRefs renames the references to renamed services that the
// model does not show: network_mode, ipc and pid "service:X", links,
// volumes_from and extends.
func (r *renderer) renameServiceRefs(sec *lazySection, id, field string) error {
	if len(r.svcName) == 0 {
		return nil
	}
	v := get(sec.read(), id)
	if v == nil || v.Kind != yaml.MappingNode {
		return nil
	}
	var node *yaml.Node
	local := func() (*yaml.Node, error) {
		if node != nil {
			return node, nil
		}
		svcs, err := sec.edit()
		if err != nil {
			return nil, err
		}
		node, err = editableMap(svcs, id, field, false)
		return node, err
	}
	for _, key := range []string{"network_mode", "ipc", "pid"} {
		s := scalar(v, key)
		name, ok := strings.CutPrefix(s, "service:")
		if !ok || r.fileSvc(name) == name {
			continue
		}
		n, err := local()
		if err != nil {
			return err
		}
		setValue(n, key, strNode("service:"+r.fileSvc(name)))
	}
	for _, key := range []string{"links", "volumes_from"} {
		if err := r.renameRefList(v, key, local, field+"."+key); err != nil {
			return err
		}
	}
	if ext := get(v, "extends"); ext != nil && ext.Kind == yaml.MappingNode && get(ext, "file") == nil {
		if name := scalar(ext, "service"); r.fileSvc(name) != name {
			n, err := local()
			if err != nil {
				return err
			}
			e, err := editableMap(n, "extends", field+".extends", false)
			if err != nil || e == nil {
				return err
			}
			setValue(e, "service", strNode(r.fileSvc(name)))
		}
	}
	return nil
}

// renameRefList renames the service at the head of each item of links
// ("X" or "X:alias") or volumes_from ("X", "X:ro"; not "container:X").
func (r *renderer) renameRefList(v *yaml.Node, key string, local func() (*yaml.Node, error), field string) error {
	list := get(v, key)
	if list == nil || list.Kind != yaml.SequenceNode {
		return nil
	}
	renamed := func(s string) string {
		name, rest, _ := strings.Cut(s, ":")
		if name == "container" || r.fileSvc(name) == name {
			return s
		}
		if rest != "" {
			return r.fileSvc(name) + ":" + rest
		}
		return r.fileSvc(name)
	}
	need := slices.ContainsFunc(list.Content, func(it *yaml.Node) bool {
		s, _ := scalarText(resolve(it))
		return renamed(s) != s
	})
	if !need {
		return nil
	}
	n, err := local()
	if err != nil {
		return err
	}
	seq, err := editableSeq(n, key, field, false)
	if err != nil || seq == nil {
		return err
	}
	for i, it := range seq.Content {
		s, _ := scalarText(resolve(it))
		if to := renamed(s); to != s {
			if it.Kind == yaml.ScalarNode {
				setScalarNode(it, strNode(to))
			} else {
				seq.Content[i] = strNode(to)
			}
		}
	}
	return nil
}

// renameLabRefs renames renamed services in the lab's x-dsp: checks[].service
// and solve.service.
func (r *renderer) renameLabRefs(root *yaml.Node) error {
	x := get(root, extensionKey)
	if len(r.svcName) == 0 || x == nil || x.Kind != yaml.MappingNode {
		return nil
	}
	if err := r.renameCheckRefs(root, x); err != nil {
		return err
	}
	solve := get(x, "solve")
	if solve == nil || solve.Kind != yaml.MappingNode || !r.refRenamed(solve) {
		return nil
	}
	lx, err := editableMap(root, extensionKey, extensionKey, false)
	if err != nil {
		return err
	}
	s, err := editableMap(lx, "solve", extensionKey+".solve", false)
	if err != nil {
		return err
	}
	r.renameRef(s)
	return nil
}

// renameCheckRefs renames the services the lab's checks run in.
func (r *renderer) renameCheckRefs(root, x *yaml.Node) error {
	checks := get(x, "checks")
	if checks == nil || checks.Kind != yaml.SequenceNode || !slices.ContainsFunc(checks.Content, func(c *yaml.Node) bool { return r.refRenamed(resolve(c)) }) {
		return nil
	}
	lx, err := editableMap(root, extensionKey, extensionKey, false)
	if err != nil {
		return err
	}
	seq, err := editableSeq(lx, "checks", extensionKey+".checks", false)
	if err != nil {
		return err
	}
	for i, c := range seq.Content {
		if c.Kind == yaml.AliasNode && r.refRenamed(resolve(c)) {
			c = freshCopy(c)
			seq.Content[i] = c
		}
		r.renameRef(c)
	}
	return nil
}

// refRenamed reports whether mapping m's "service" names a renamed service.
func (r *renderer) refRenamed(m *yaml.Node) bool {
	if m == nil || m.Kind != yaml.MappingNode {
		return false
	}
	name := scalar(m, "service")
	return r.fileSvc(name) != name
}

// renameRef renames the service that mapping m's "service" names.
func (r *renderer) renameRef(m *yaml.Node) {
	if r.refRenamed(m) {
		setValue(m, "service", strNode(r.fileSvc(scalar(m, "service"))))
	}
}

// diffService returns the first field where two services differ ("" when
// they do not; IDs and names are not compared).
func diffService(a, b Service) string {
	switch {
	case a.Image != b.Image:
		return "image"
	case !sameCommand(a.Command, b.Command):
		return "command"
	case !sameCommand(a.Entrypoint, b.Entrypoint):
		return "entrypoint"
	case !sameList(a.Ports, b.Ports):
		return "ports"
	case !sameEnv(a.Environment, b.Environment):
		return "environment"
	case !sameList(a.Volumes, b.Volumes):
		return "volumes"
	case !sameList(a.CapAdd, b.CapAdd):
		return "capAdd"
	case a.Privileged != b.Privileged:
		return "privileged"
	case !sameSet(a.DependsOn, b.DependsOn):
		return "dependsOn"
	case !sameAttachments(a.Networks, b.Networks):
		return "networks"
	case !sameShell(a.Shell, b.Shell):
		return "shell"
	case !sameActions(a.Actions, b.Actions):
		return "actions"
	case !sameFiles(a.Files, b.Files):
		return "files"
	}
	return ""
}

// diffNetwork returns the first field where two networks differ.
func diffNetwork(a, b Network) string {
	switch {
	case a.Subnet != b.Subnet:
		return "subnet"
	case a.Gateway != b.Gateway:
		return "gateway"
	case a.Internal != b.Internal:
		return "internal"
	}
	return ""
}

// sameCommand compares commands: nil (absent) differs from empty.
func sameCommand(a, b []string) bool {
	return (a == nil) == (b == nil) && slices.Equal(a, b)
}

// sameList compares lists; nil and empty are the same.
func sameList(a, b []string) bool {
	return slices.Equal(a, b)
}

// sameSet compares lists regardless of order.
func sameSet(a, b []string) bool {
	a, b = slices.Clone(a), slices.Clone(b)
	sort.Strings(a)
	sort.Strings(b)
	return slices.Equal(a, b)
}

// sameEnv compares environments; nil and empty are the same.
func sameEnv(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			return false
		}
	}
	return true
}

// sameAttachments compares networks regardless of order.
func sameAttachments(a, b []Attachment) bool {
	key := func(l []Attachment) []string {
		out := make([]string, 0, len(l))
		for _, x := range l {
			out = append(out, x.Network+"\x00"+x.IPv4)
		}
		return out
	}
	return sameSet(key(a), key(b))
}

// sameShell compares shell permissions (nil: absent).
func sameShell(a, b *bool) bool {
	return (a == nil) == (b == nil) && (a == nil || *a == *b)
}

// sortedKeys returns the keys of m in order.
func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
