package wrapper

import (
	"fmt"
	"regexp"
	"strings"
)

// Argument types.
const (
	TypeText    = "text"    // the value follows its flag: --name value
	TypeBoolean = "boolean" // true gives a bare --name flag, false gives nothing
)

// argNameRE is the shape of an argument name; the name becomes a flag, so it
// must not start with a dash or contain spaces or shell metacharacters.
var argNameRE = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_.-]*$`)

// Arg is one argument of an action, in declaration order.
type Arg struct {
	Name  string `json:"name"`
	Value string `json:"value"`
	Type  string `json:"type,omitempty"` // TypeText (default when empty) or TypeBoolean
	Rule  Rule   `json:"rule,omitempty"`
}

// Action is a parametric action an image offers, or one a lab asks to run.
type Action struct {
	Name string `json:"name"`
	// Command is the executable inside the image. Upstream values may have
	// trailing spaces ("/exec.sh ") or several words ("/bin/foo bar"); Argv
	// splits it with strings.Fields and never uses a shell.
	Command     string `json:"command"`
	Description string `json:"description,omitempty"`
	Background  bool   `json:"background,omitempty"`
	Args        []Arg  `json:"args,omitempty"`
}

// Arg returns the first argument called name.
func (a Action) Arg(name string) (Arg, bool) {
	for _, arg := range a.Args {
		if arg.Name == name {
			return arg, true
		}
	}
	return Arg{}, false
}

// Validate checks every argument: its name is usable as a flag and not
// repeated, its type is known, its rule is usable and its value passes the
// rule; a boolean value must be true or false (see ParseBool). Errors name
// the action, the argument and the value.
func (a Action) Validate() error {
	if err := a.checkUnique(); err != nil {
		return err
	}
	for _, arg := range a.Args {
		if err := arg.validate(); err != nil {
			return fmt.Errorf("action %q: %w", a.Name, err)
		}
	}
	return nil
}

// Argv validates the action and returns the argument vector to execute:
// the words of Command followed, per argument in order, by
//
//	text:          "--name", value (an empty value is still its own element)
//	boolean true:  "--name"
//	boolean false: nothing
//
// A one-letter name gives "-n" instead of "--n". Values are single elements
// and never interpreted by a shell.
func (a Action) Argv() ([]string, error) {
	if err := a.Validate(); err != nil {
		return nil, err
	}
	argv := strings.Fields(a.Command)
	if len(argv) == 0 {
		return nil, fmt.Errorf("action %q: no command", a.Name)
	}
	for _, arg := range a.Args {
		if arg.Type == TypeBoolean {
			on, _ := ParseBool(arg.Value) // checked by Validate
			if on {
				argv = append(argv, flag(arg.Name))
			}
			continue
		}
		argv = append(argv, flag(arg.Name), arg.Value)
	}
	return argv, nil
}

// checkUnique returns an error if two arguments have the same name.
func (a Action) checkUnique() error {
	seen := make(map[string]bool, len(a.Args))
	for _, arg := range a.Args {
		if seen[arg.Name] {
			return fmt.Errorf("action %q: argument %q is declared twice", a.Name, arg.Name)
		}
		seen[arg.Name] = true
	}
	return nil
}

// validate checks one argument; errors name the argument.
func (arg Arg) validate() error {
	if !argNameRE.MatchString(arg.Name) {
		return fmt.Errorf("argument %q: invalid name (want %s)", arg.Name, argNameRE)
	}
	if err := arg.Rule.Validate(); err != nil {
		return fmt.Errorf("argument %q: %w", arg.Name, err)
	}
	switch arg.Type {
	case "", TypeText:
	case TypeBoolean:
		if _, err := ParseBool(arg.Value); err != nil {
			return fmt.Errorf("argument %q: %w", arg.Name, err)
		}
	default:
		return fmt.Errorf("argument %q: unknown type %q (want %s or %s)",
			arg.Name, arg.Type, TypeText, TypeBoolean)
	}
	if err := arg.Rule.Check(arg.Value); err != nil {
		return fmt.Errorf("argument %q: %w", arg.Name, err)
	}
	return nil
}

// flag returns the command-line flag for an argument name: "-n" for a
// one-letter name, "--name" otherwise.
func flag(name string) string {
	if len(name) == 1 {
		return "-" + name
	}
	return "--" + name
}

// ParseBool parses a boolean argument value: "true" and "1" are true,
// "false", "0" and "" are false, case-insensitively. Anything else is an
// error quoting the value.
func ParseBool(value string) (bool, error) {
	switch strings.ToLower(value) {
	case "true", "1":
		return true, nil
	case "false", "0", "":
		return false, nil
	}
	return false, fmt.Errorf("value %q is not a boolean (want true or false)", value)
}

// MergeRules returns lab's action with the image's declarations applied:
// for each argument of lab that image declares with a rule, the image's rule
// replaces lab's (the image is authoritative); an empty lab command is
// replaced by the image's command; Background is set when image says so.
// Arguments only image declares are not added. lab is not modified.
func MergeRules(lab Action, image Action) Action {
	merged := lab
	merged.Args = append([]Arg(nil), lab.Args...)
	for i, arg := range merged.Args {
		if decl, ok := image.Arg(arg.Name); ok && !decl.Rule.IsZero() {
			merged.Args[i].Rule = decl.Rule
		}
	}
	if strings.TrimSpace(merged.Command) == "" {
		merged.Command = image.Command
	}
	if image.Background {
		merged.Background = true
	}
	return merged
}
