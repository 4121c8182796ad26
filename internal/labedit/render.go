package labedit

import (
	"bytes"
	"errors"
	"fmt"
	"regexp"

	"go.yaml.in/yaml/v4"
)

// namePattern is what compose accepts as a service or network name.
var namePattern = regexp.MustCompile(`^[a-zA-Z0-9][a-zA-Z0-9_.-]*$`)

// Render applies m onto src, the compose text m was parsed from: only what
// changed is rewritten. Services and networks removed from m are deleted,
// added ones (ID "") appended; a rename (ID != Name) renames the key in
// place and every reference to it (depends_on, a service's networks,
// network_mode/ipc/pid "service:X", links, volumes_from, extends, and the
// lab's x-dsp checks and solve). Unknown keys, comments and order survive,
// and Render(src, Parse(src)) returns src byte for byte.
//
// An edit that cannot be made without changing what YAML anchors share
// with other nodes, or that would have to remove a key a merge key (<<)
// brings in, is an error naming the key; the text is never half-edited.
func Render(src []byte, m *Model) ([]byte, error) {
	if m == nil {
		return nil, errors.New("no model to render")
	}
	d, err := parseDocument(src)
	if err != nil {
		return nil, err
	}
	old, err := d.model()
	if err != nil {
		return nil, err
	}
	r, err := newRenderer(d, old, m)
	if err != nil {
		return nil, err
	}
	if r.unchanged() {
		return bytes.Clone(src), nil
	}
	for _, s := range m.Services {
		if err := checkTwice(r.wanted(s)); err != nil {
			return nil, err
		}
	}
	root, err := r.edit()
	if err != nil {
		return nil, err
	}
	if err := checkAnchors(root); err != nil {
		return nil, err
	}
	p := newPatcher(d, r.c.origin)
	if err := p.patchRoot(root); err != nil {
		return nil, fmt.Errorf("writing the edit: %w", err)
	}
	out, err := p.apply()
	if err != nil {
		return nil, err
	}
	if err := r.verify(out, root); err != nil {
		return nil, err
	}
	return out, nil
}

// renderer applies an edited model onto a copy of the parsed tree.
type renderer struct {
	d       *document
	c       *cloner
	old     *Model
	m       *Model
	oldSvc  map[string]Service // by ID
	oldNet  map[string]Network
	svcName map[string]string // a renamed service's ID → its new name
	netName map[string]string
	svcNew  map[string]bool // service names after the edit
	netNew  map[string]bool
}

// newRenderer prepares applying m onto d, parsed as old.
func newRenderer(d *document, old, m *Model) (*renderer, error) {
	r := &renderer{
		d: d, c: &cloner{origin: map[*yaml.Node]*yaml.Node{}}, old: old, m: m,
		oldSvc: map[string]Service{}, oldNet: map[string]Network{},
		svcName: map[string]string{}, netName: map[string]string{},
		svcNew: map[string]bool{}, netNew: map[string]bool{},
	}
	for _, s := range old.Services {
		r.oldSvc[s.ID] = s
	}
	for _, n := range old.Networks {
		r.oldNet[n.ID] = n
	}
	ids := map[string]bool{}
	for _, n := range m.Networks {
		if err := checkIdentity("network", n.ID, n.Name, r.oldNet[n.ID].ID == n.ID, ids, r.netNew); err != nil {
			return nil, err
		}
		if n.ID != "" && n.ID != n.Name {
			r.netName[n.ID] = n.Name
		}
	}
	ids = map[string]bool{}
	for _, s := range m.Services {
		if err := checkIdentity("service", s.ID, s.Name, r.oldSvc[s.ID].ID == s.ID, ids, r.svcNew); err != nil {
			return nil, err
		}
		if s.ID != "" && s.ID != s.Name {
			r.svcName[s.ID] = s.Name
		}
	}
	return r, nil
}

// checkTwice refuses a network or a dependency a service names twice,
// which compose files cannot say.
func checkTwice(s Service) error {
	seen := map[string]bool{}
	for _, a := range s.Networks {
		if seen[a.Network] {
			return fmt.Errorf("service %s is attached to network %s twice", s.Name, a.Network)
		}
		seen[a.Network] = true
	}
	seen = map[string]bool{}
	for _, d := range s.DependsOn {
		if seen[d] {
			return fmt.Errorf("service %s depends on %s twice", s.Name, d)
		}
		seen[d] = true
	}
	return nil
}

// checkIdentity refuses what would make the text ambiguous: an ID the
// file does not have or used twice, a name used twice, a new name compose
// does not accept.
func checkIdentity(what, id, name string, known bool, ids, names map[string]bool) error {
	switch {
	case name == "":
		return fmt.Errorf("a %s has no name", what)
	case id != "" && !known:
		return fmt.Errorf("there is no %s %q in the file to edit", what, id)
	case id != "" && ids[id]:
		return fmt.Errorf("%s %q appears twice in the model", what, id)
	case names[name]:
		return fmt.Errorf("two %ss are named %q", what, name)
	case name != id && !namePattern.MatchString(name):
		return fmt.Errorf("%q is not a valid %s name (letters, digits, '_', '.', '-', starting with a letter or digit)", name, what)
	}
	ids[id] = id != ""
	names[name] = true
	return nil
}

// fileSvc is what a service name written in the file is called after the edit.
func (r *renderer) fileSvc(name string) string {
	if n, ok := r.svcName[name]; ok {
		return n
	}
	return name
}

// modelSvc is what a service name in the model means after the edit: a
// name the edited model has, else the new name of a renamed service.
func (r *renderer) modelSvc(name string) string {
	if r.svcNew[name] {
		return name
	}
	return r.fileSvc(name)
}

// fileNet is what a network name written in the file is called after the edit.
func (r *renderer) fileNet(name string) string {
	if n, ok := r.netName[name]; ok {
		return n
	}
	return name
}

// modelNet is what a network name in the model means after the edit.
func (r *renderer) modelNet(name string) string {
	if r.netNew[name] {
		return name
	}
	return r.fileNet(name)
}

// wanted returns a service of the model as the file must say it after
// the edit: references resolved to the new names.
func (r *renderer) wanted(s Service) Service {
	w := s
	w.DependsOn = nil
	for _, dep := range s.DependsOn {
		w.DependsOn = append(w.DependsOn, r.modelSvc(dep))
	}
	w.Networks = nil
	for _, a := range s.Networks {
		w.Networks = append(w.Networks, Attachment{Network: r.modelNet(a.Network), IPv4: a.IPv4})
	}
	return w
}

// unchanged reports whether m says what the file says.
func (r *renderer) unchanged() bool {
	if len(r.svcName) > 0 || len(r.netName) > 0 || len(r.m.Services) != len(r.old.Services) || len(r.m.Networks) != len(r.old.Networks) {
		return false
	}
	for _, n := range r.m.Networks {
		if n.ID == "" || diffNetwork(r.oldNet[n.ID], n) != "" {
			return false
		}
	}
	for _, s := range r.m.Services {
		if s.ID == "" || diffService(r.oldSvc[s.ID], r.wanted(s)) != "" {
			return false
		}
	}
	return true
}

// edit returns the edited copy of the tree.
func (r *renderer) edit() (*yaml.Node, error) {
	root := mapNode()
	if r.d.root != nil {
		root = r.c.clone(r.d.root)
	}
	if err := r.editNetworks(root); err != nil {
		return nil, err
	}
	if err := r.editServices(root); err != nil {
		return nil, err
	}
	if err := r.renameLabRefs(root); err != nil {
		return nil, err
	}
	return root, nil
}

// verify checks the patched text: it must parse to exactly the edited
// tree, and to the edited model.
func (r *renderer) verify(out []byte, want *yaml.Node) error {
	d, err := parseDocument(out)
	if err != nil {
		return fmt.Errorf("internal error: the edited text does not parse: %w", err)
	}
	if d.root == nil || !sameTree(d.root, want) {
		return errors.New("internal error: the edited text does not say what was meant")
	}
	got, err := d.model()
	if err != nil {
		return fmt.Errorf("internal error: the edited text does not parse: %w", err)
	}
	if f := r.modelMismatch(got); f != "" {
		return fmt.Errorf("cannot make this edit in the graph editor: %s would not read as edited (YAML anchors or merge keys share it with other keys); edit the text", f)
	}
	return nil
}

// modelMismatch returns the first field where got differs from the edited model.
func (r *renderer) modelMismatch(got *Model) string {
	if len(got.Networks) != len(r.m.Networks) {
		return "networks"
	}
	if len(got.Services) != len(r.m.Services) {
		return "services"
	}
	nets := map[string]Network{}
	for _, n := range got.Networks {
		nets[n.Name] = n
	}
	for _, n := range r.m.Networks {
		g, ok := nets[n.Name]
		if !ok {
			return "networks." + n.Name
		}
		if f := diffNetwork(g, n); f != "" {
			return "networks." + n.Name + "." + f
		}
	}
	svcs := map[string]Service{}
	for _, s := range got.Services {
		svcs[s.Name] = s
	}
	for _, s := range r.m.Services {
		g, ok := svcs[s.Name]
		if !ok {
			return "services." + s.Name
		}
		if f := diffService(g, r.wanted(s)); f != "" {
			return "services." + s.Name + "." + f
		}
	}
	return ""
}

// sameTree reports whether two trees say the same: kinds, scalar values
// and their types, aliases by name; not styles, comments or anchors.
func sameTree(a, b *yaml.Node) bool {
	if a.Kind != b.Kind || len(a.Content) != len(b.Content) {
		return false
	}
	switch a.Kind {
	case yaml.ScalarNode:
		return a.Value == b.Value && a.ShortTag() == b.ShortTag() ||
			a.ShortTag() == "!!null" && b.ShortTag() == "!!null"
	case yaml.AliasNode:
		return a.Value == b.Value
	}
	for i := range a.Content {
		if !sameTree(a.Content[i], b.Content[i]) {
			return false
		}
	}
	return true
}

// editNetworks applies the model's networks onto the top-level networks.
func (r *renderer) editNetworks(root *yaml.Node) error {
	if len(r.m.Networks) == 0 && len(r.old.Networks) == 0 {
		return nil
	}
	keep := map[string]bool{}
	for _, n := range r.m.Networks {
		keep[n.ID] = n.ID != ""
	}
	sec := &lazySection{root: root, key: "networks"}
	for _, n := range r.old.Networks {
		if keep[n.ID] {
			continue
		}
		nets, err := sec.edit()
		if err != nil {
			return err
		}
		if err := deleteKey(nets, n.ID, "networks."+n.ID); err != nil {
			return err
		}
	}
	for _, n := range r.m.Networks {
		if n.ID != "" && n.ID == n.Name && diffNetwork(r.oldNet[n.ID], n) == "" {
			continue
		}
		nets, err := sec.edit()
		if err != nil {
			return err
		}
		if n.ID == "" {
			nets.Content = append(nets.Content, strNode(n.Name), newNetwork(n))
			continue
		}
		if err := r.editNetwork(nets, r.oldNet[n.ID], n); err != nil {
			return err
		}
	}
	return nil
}

// editNetwork edits one network, then renames its key.
func (r *renderer) editNetwork(nets *yaml.Node, old, n Network) error {
	field := "networks." + old.ID
	if diffNetwork(old, n) != "" {
		node, err := editableMap(nets, old.ID, field, true)
		if err != nil {
			return err
		}
		if old.Subnet != n.Subnet || old.Gateway != n.Gateway {
			if err := setPool(node, n.Subnet, n.Gateway, field); err != nil {
				return err
			}
		}
		if old.Internal != n.Internal {
			if n.Internal {
				setValue(node, "internal", boolNode(true))
			} else if err := deleteKey(node, "internal", field+".internal"); err != nil {
				return err
			}
		}
	}
	return renameKey(nets, old.ID, n.Name, field)
}

// renameKey renames the key id of mapping m.
func renameKey(m *yaml.Node, id, name, field string) error {
	if id == name {
		return nil
	}
	i := localIndex(m, id)
	if i < 0 {
		if _, err := editableMap(m, id, field, false); err != nil {
			return err
		}
		if i = localIndex(m, id); i < 0 {
			return fmt.Errorf("%s comes from a YAML merge key (<<) and cannot be renamed in the graph editor; edit the text", field)
		}
	}
	setScalarNode(m.Content[i], strNode(name))
	if _, ok := lookup(m, id); ok {
		return fmt.Errorf("%s comes from a YAML merge key (<<) and cannot be renamed in the graph editor; edit the text", field)
	}
	return nil
}

// setPool writes subnet and gateway into ipam.config[0], creating what is
// missing and removing what becomes empty.
func setPool(net *yaml.Node, subnet, gateway, field string) error {
	create := subnet != "" || gateway != ""
	ipam, err := editableMap(net, "ipam", field+".ipam", create)
	if err != nil || ipam == nil {
		return err
	}
	cfg, err := editableSeq(ipam, "config", field+".ipam.config", create)
	if err != nil || cfg == nil {
		return err
	}
	if len(cfg.Content) == 0 {
		if !create {
			return nil
		}
		cfg.Content = append(cfg.Content, mapNode())
	}
	pool := cfg.Content[0]
	switch r := resolve(pool); {
	case isNull(r):
		pool = mapNode()
	case pool.Kind == yaml.AliasNode && r.Kind == yaml.MappingNode:
		pool = freshCopy(pool)
	case r.Kind != yaml.MappingNode:
		return shapeError(r, field+".ipam.config.0", "a mapping")
	}
	cfg.Content[0] = pool
	if err := setOrDelete(pool, "subnet", subnet, field+".ipam.config.0.subnet"); err != nil {
		return err
	}
	if err := setOrDelete(pool, "gateway", gateway, field+".ipam.config.0.gateway"); err != nil {
		return err
	}
	if len(pool.Content) == 0 {
		cfg.Content = cfg.Content[1:]
	}
	if len(cfg.Content) == 0 {
		if err := deleteKey(ipam, "config", field+".ipam.config"); err != nil {
			return err
		}
	}
	if len(ipam.Content) == 0 {
		return deleteKey(net, "ipam", field+".ipam")
	}
	return nil
}

// newNetwork is the value of a network the editor added.
func newNetwork(n Network) *yaml.Node {
	v := mapNode()
	if n.Subnet != "" || n.Gateway != "" {
		pool := mapNode()
		if n.Subnet != "" {
			pool.Content = append(pool.Content, strNode("subnet"), strNode(n.Subnet))
		}
		if n.Gateway != "" {
			pool.Content = append(pool.Content, strNode("gateway"), strNode(n.Gateway))
		}
		v.Content = append(v.Content, strNode("ipam"), mapNode(strNode("config"), seqNode(pool)))
	}
	if n.Internal {
		v.Content = append(v.Content, strNode("internal"), boolNode(true))
	}
	return v
}
