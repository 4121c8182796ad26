// Package policy is what a lab may ask of the host: one table that names
// every key of the compose specification dsp passes on to Compose, and
// says whether it is allowed, allowed only when the lab's repository is
// trusted (a risk the user is shown and must accept), or always refused.
// A key the table does not name is refused. The policy is applied to the
// project as Compose will run it: after include, extends, interpolation
// and normalisation, to every service, job and hook.
package policy

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"sort"
	"strings"

	"github.com/compose-spec/compose-go/v2/types"
)

// Access is what the policy lets a key do.
type Access string

const (
	// Allowed keys are passed on as they are (some values are checked).
	Allowed Access = "allowed"
	// Trusted keys are passed on only when the lab's repository is
	// trusted: they give the lab's containers power over the host.
	Trusted Access = "trusted"
	// Refused keys never are.
	Refused Access = "refused"
)

// Finding is a key (or a value of one) that is not simply allowed.
type Finding struct {
	// Path is where the key is in the project: services, web, cap_add.
	Path   []string
	Access Access // Trusted (a risk) or Refused
	// Service is the service (or job) the finding is about, "" for a
	// top-level network, volume, config, secret or model.
	Service string
	What    string // for people: "runs privileged (…)"
}

// Field is the dotted path of the finding.
func (f Finding) Field() string { return strings.Join(f.Path, ".") }

func (f Finding) String() string {
	if f.Service != "" {
		return fmt.Sprintf("service %s: %s", f.Service, f.What)
	}
	return f.What
}

// Options give the policy what it needs to know about the lab.
type Options struct {
	// Confined checks that a host path (a volume's bind device, a seccomp
	// profile) stays inside the lab folder; nil refuses every host path.
	Confined func(path string) error
}

// Check applies the policy to a project and returns what it finds, sorted
// by path.
func Check(p *types.Project, opts Options) ([]Finding, error) {
	doc, err := document(p)
	if err != nil {
		return nil, err
	}
	w := &walker{opts: opts, dir: p.WorkingDir}
	w.table(projectTable, doc, nil)
	sort.SliceStable(w.findings, func(i, j int) bool { return w.findings[i].Field() < w.findings[j].Field() })
	return w.findings, nil
}

// document is the project as the generic tree of its JSON form, whose keys
// are the compose specification's.
func document(p *types.Project) (map[string]any, error) {
	data, err := json.Marshal(p)
	if err != nil {
		return nil, fmt.Errorf("policy: encode the project: %w", err)
	}
	var doc map[string]any
	if err := json.Unmarshal(data, &doc); err != nil {
		return nil, fmt.Errorf("policy: decode the project: %w", err)
	}
	return doc, nil
}

// Key is one row of the policy table.
type Key struct {
	Name   string
	Access Access
	// Why says, for people, what the key gives a lab (Trusted and Refused
	// keys), or what values of an allowed key are not simply allowed.
	Why string
	// Fields are the keys of a mapping value; Each those of every element
	// of a list value or every value of a mapping of names. Nil means any
	// value is taken as it is.
	Fields Table
	Each   Table
	// Check looks at an allowed key's value; it returns findings about
	// values that are not simply allowed.
	Check func(c *site, v any)
}

// Table is a set of keys.
type Table []Key

func (t Table) find(name string) (Key, bool) {
	for _, k := range t {
		if k.Name == name {
			return k, true
		}
	}
	return Key{}, false
}

// walker walks a project's tree against the table.
type walker struct {
	opts     Options
	dir      string // the project's working directory: relative host paths start there
	findings []Finding
}

// site is where a Check looks at a value.
type site struct {
	w       *walker
	path    []string
	service string
	parent  map[string]any // the mapping that holds the key
}

// trusted records a value that needs a trusted repository.
func (c *site) trusted(format string, args ...any) {
	c.w.add(Finding{Path: c.path, Access: Trusted, Service: c.service, What: fmt.Sprintf(format, args...)})
}

// refused records a value that is never passed on.
func (c *site) refused(format string, args ...any) {
	c.w.add(Finding{Path: c.path, Access: Refused, Service: c.service, What: fmt.Sprintf(format, args...)})
}

// confined checks a host path against the lab folder; a relative path
// is taken from the project's folder (the lab loader makes such paths
// absolute before Compose sees them).
func (c *site) confined(path string) error {
	if path == "" {
		return fmt.Errorf("no host path given")
	}
	if c.w.opts.Confined == nil {
		return fmt.Errorf("host path %s is not allowed", path)
	}
	if !filepath.IsAbs(path) {
		path = filepath.Join(c.w.dir, path)
	}
	return c.w.opts.Confined(path)
}

func (w *walker) add(f Finding) {
	f.Path = append([]string(nil), f.Path...)
	w.findings = append(w.findings, f)
}

// table checks the keys of a mapping.
func (w *walker) table(t Table, m map[string]any, path []string) {
	for _, name := range sortedKeys(m) {
		v := m[name]
		p := append(append([]string(nil), path...), name)
		service := serviceOf(p)
		if strings.HasPrefix(name, "x-") {
			continue // extensions: Compose ignores them
		}
		k, ok := t.find(name)
		if !ok {
			w.add(Finding{Path: p, Access: Refused, Service: service, What: fmt.Sprintf("%s is not a key dsp passes on (it is not in dsp's policy)", strings.Join(p, "."))})
			continue
		}
		switch k.Access {
		case Refused:
			w.add(Finding{Path: p, Access: Refused, Service: service, What: fmt.Sprintf("%s is refused: %s", name, k.Why)})
			continue
		case Trusted:
			if isEmpty(v) {
				continue
			}
			w.add(Finding{Path: p, Access: Trusted, Service: service, What: fmt.Sprintf("%s (%s)", k.Why, describe(name, v))})
			continue
		}
		if k.Check != nil {
			k.Check(&site{w: w, path: p, service: service, parent: m}, v)
		}
		w.value(k, v, p)
	}
}

// value descends into an allowed key's value.
func (w *walker) value(k Key, v any, path []string) {
	switch x := v.(type) {
	case map[string]any:
		if k.Fields != nil {
			w.table(k.Fields, x, path)
		}
		if k.Each != nil {
			for _, name := range sortedKeys(x) {
				if sub, ok := x[name].(map[string]any); ok {
					w.table(k.Each, sub, append(append([]string(nil), path...), name))
				}
			}
		}
	case []any:
		if k.Each == nil {
			return
		}
		for i, e := range x {
			if sub, ok := e.(map[string]any); ok {
				w.table(k.Each, sub, append(append([]string(nil), path...), fmt.Sprint(i)))
			}
		}
	}
}

// serviceOf names the service or job a path is in.
func serviceOf(path []string) string {
	if len(path) >= 2 && (path[0] == "services" || path[0] == "jobs") {
		return path[1]
	}
	return ""
}

func isEmpty(v any) bool {
	switch x := v.(type) {
	case nil:
		return true
	case bool:
		return !x
	case string:
		return x == ""
	case float64:
		return x == 0
	case []any:
		return len(x) == 0
	case map[string]any:
		return len(x) == 0
	}
	return false
}

// describe shows a value briefly, for people.
func describe(name string, v any) string {
	switch x := v.(type) {
	case bool:
		return name + ": " + fmt.Sprint(x)
	case string, float64:
		return fmt.Sprintf("%s: %v", name, x)
	}
	data, _ := json.Marshal(v)
	s := string(data)
	if len(s) > 80 {
		s = s[:77] + "…"
	}
	return name + ": " + s
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
