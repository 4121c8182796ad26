package wrapper

import (
	"fmt"
	"maps"
	"slices"
	"strings"
)

// Image label keys of the convention. Action labels start with
// actionsPrefix: actions.<action>.<field> or actions.<action>.args.<arg>.<field>.
const (
	LabelType       = "type"
	LabelPorts      = "ports"
	LabelCapsAdd    = "caps_add"
	LabelPrivileged = "privileged"
	actionsPrefix   = "actions."
)

// Image types upstream knows; other values are kept as they are.
const (
	ImageServer     = "server"
	ImageEntryPoint = "entry_point"
	ImageHost       = "host"
	ImageRouter     = "router"
)

// ImageInfo is what an image declares through wrapper labels.
type ImageInfo struct {
	Type       string            `json:"type,omitempty"`       // label "type": server, entry_point, host, router, or anything else as-is
	Ports      []string          `json:"ports,omitempty"`      // label "ports": comma list
	CapsAdd    []string          `json:"capsAdd,omitempty"`    // label "caps_add": comma list
	Privileged bool              `json:"privileged,omitempty"` // label "privileged" present, whatever its value
	Actions    map[string]Action `json:"actions,omitempty"`    // from the actions.* labels, by action name
}

// Action returns the action the image declares under name. Built-in actions
// are only returned if the image declares them itself.
func (info ImageInfo) Action(name string) (Action, bool) {
	a, ok := info.Actions[name]
	return a, ok
}

// ParseLabels reads the wrapper labels of an image. Labels unrelated to the
// convention, and unknown fields under actions.<a>, are ignored. A malformed
// action label (an empty path segment, or a key too short for its kind such
// as "actions.x" or "actions.x.args.k") is an error naming the key.
//
// An action without a command label is kept with an empty Command;
// Action.Validate and Action.Argv report it. Rules are not validated here.
// The arguments of each action are sorted by name, since labels have no
// order.
func ParseLabels(labels map[string]string) (ImageInfo, error) {
	info := ImageInfo{
		Type:    labels[LabelType],
		Ports:   splitList(labels[LabelPorts]),
		CapsAdd: splitList(labels[LabelCapsAdd]),
	}
	_, info.Privileged = labels[LabelPrivileged]

	// Collect per action; args are kept in a map until the end so that the
	// several labels of one argument land in the same Arg.
	actions := map[string]*Action{}
	args := map[string]map[string]*Arg{}
	for _, key := range slices.Sorted(maps.Keys(labels)) {
		if !strings.HasPrefix(key, actionsPrefix) {
			continue
		}
		lbl, err := parseActionKey(key)
		if err != nil {
			return ImageInfo{}, err
		}
		if lbl.field == "" {
			continue // unknown field: ignored
		}
		a := actions[lbl.action]
		if a == nil {
			a = &Action{Name: lbl.action}
			actions[lbl.action] = a
			args[lbl.action] = map[string]*Arg{}
		}
		value := labels[key]
		if lbl.arg == "" {
			setActionField(a, lbl.field, value)
			continue
		}
		arg := args[lbl.action][lbl.arg]
		if arg == nil {
			arg = &Arg{Name: lbl.arg}
			args[lbl.action][lbl.arg] = arg
		}
		setArgField(arg, lbl.field, value)
	}

	if len(actions) > 0 {
		info.Actions = make(map[string]Action, len(actions))
	}
	for name, a := range actions {
		for _, argName := range slices.Sorted(maps.Keys(args[name])) {
			a.Args = append(a.Args, *args[name][argName])
		}
		info.Actions[name] = *a
	}
	return info, nil
}

// actionLabel is a parsed actions.* label key. field is one of "command",
// "description", "backgroundMode" (arg empty) or "val", "type",
// "rule.pattern", "rule.name" (arg set); it is empty for an unknown field.
type actionLabel struct {
	action string
	arg    string
	field  string
}

// parseActionKey parses a key starting with actionsPrefix.
func parseActionKey(key string) (actionLabel, error) {
	segs := strings.Split(key, ".")
	for _, s := range segs {
		if s == "" {
			return actionLabel{}, fmt.Errorf("label %q: empty path segment", key)
		}
	}
	if len(segs) < 3 {
		return actionLabel{}, fmt.Errorf("label %q: want actions.<action>.<field>", key)
	}
	lbl := actionLabel{action: segs[1]}
	rest := segs[2:]
	if rest[0] != "args" {
		if len(rest) == 1 && isActionField(rest[0]) {
			lbl.field = rest[0]
		}
		return lbl, nil
	}
	// actions.<a>.args.<k>.<field...>
	if len(rest) < 3 {
		return actionLabel{}, fmt.Errorf("label %q: want actions.<action>.args.<arg>.<field>", key)
	}
	lbl.arg = rest[1]
	field := strings.Join(rest[2:], ".")
	if field == "rule" {
		return actionLabel{}, fmt.Errorf("label %q: want rule.pattern or rule.name", key)
	}
	if isArgField(field) {
		lbl.field = field
	}
	return lbl, nil
}

// isActionField reports whether field is a known per-action label field.
func isActionField(field string) bool {
	switch field {
	case "command", "description", "backgroundMode":
		return true
	}
	return false
}

// isArgField reports whether field is a known per-argument label field.
func isArgField(field string) bool {
	switch field {
	case "val", "type", "rule.pattern", "rule.name":
		return true
	}
	return false
}

// setActionField stores a per-action label value.
func setActionField(a *Action, field, value string) {
	switch field {
	case "command":
		a.Command = value
	case "description":
		a.Description = value
	case "backgroundMode":
		a.Background = truthy(value)
	}
}

// setArgField stores a per-argument label value. Values are kept verbatim,
// spaces included, except the type and the rule name, which are trimmed.
func setArgField(arg *Arg, field, value string) {
	switch field {
	case "val":
		arg.Value = value
	case "type":
		arg.Type = strings.TrimSpace(value)
	case "rule.pattern":
		arg.Rule.Pattern = value
	case "rule.name":
		arg.Rule.Name = strings.TrimSpace(value)
	}
}

// truthy reports whether a label value means yes: "true", "1" or "yes",
// case-insensitively.
func truthy(value string) bool {
	switch strings.ToLower(strings.TrimSpace(value)) {
	case "true", "1", "yes":
		return true
	}
	return false
}

// splitList splits a comma list, trimming items and dropping empty ones.
func splitList(s string) []string {
	var out []string
	for _, item := range strings.Split(s, ",") {
		if item = strings.TrimSpace(item); item != "" {
			out = append(out, item)
		}
	}
	return out
}
