// Package tools is dsp's catalogue of one-shot tools: a scan, a lookup, a
// capture, each run once in a toolbox container against a lab's host.
//
// The catalogue is data, not code: catalogue.json, embedded in the binary
// (Builtin), to which a user's file of the same format adds tools or
// replaces them by name (Load, Merge):
//
//	{"tools": [{
//	  "name": "nmap",
//	  "title": "Nmap: port scan",
//	  "description": "...",
//	  "image": "dsp/toolbox:latest",
//	  "argv": ["nmap"],
//	  "defaultArgs": ["-sT", "-Pn", "-T4", "{target}"],
//	  "needsTarget": true
//	}]}
//
// Tool.Argv builds the argument vector to execute in the image. It is
// meant for an exec or create API directly: nothing ever goes through a
// shell, so shell metacharacters in arguments or targets have no meaning.
package tools

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strings"

	"github.com/distribution/reference"
)

// TargetPlaceholder in a tool's arguments is replaced by the target.
const TargetPlaceholder = "{target}"

//go:embed catalogue.json
var builtinJSON []byte

// Tool is one entry of the catalogue.
type Tool struct {
	Name        string   `json:"name"`                  // what the user asks for: lower case letters, digits, '.', '_', '-'
	Title       string   `json:"title"`                 // one line for a menu
	Description string   `json:"description,omitempty"` // what the default arguments do
	Image       string   `json:"image"`                 // the image to run it in
	Command     []string `json:"argv"`                  // the program and its fixed arguments
	DefaultArgs []string `json:"defaultArgs,omitempty"` // the arguments when the user gives none
	NeedsTarget bool     `json:"needsTarget,omitempty"` // the default arguments name a target ({target})
	// TargetsNetwork says the whole network is a fitting target (a scan):
	// without a target, dsp gives the network's subnet.
	TargetsNetwork bool `json:"targetsNetwork,omitempty"`
}

// clone returns a copy of the tool that shares no slice with t.
func (t Tool) clone() Tool {
	t.Command = slices.Clone(t.Command)
	t.DefaultArgs = slices.Clone(t.DefaultArgs)
	return t
}

// Argv returns the argument vector that runs the tool: its command, then
// the user's args when there are any, else its default arguments.
// TargetPlaceholder in them is replaced by target. A tool that needs a
// target refuses to run with its default arguments and no target; the
// user's own args may name the host themselves. A target must not start
// with '-', so that it is never taken for an option; no argument may hold
// a NUL byte.
func (t Tool) Argv(args []string, target string) ([]string, error) {
	if err := t.validate(); err != nil {
		return nil, err
	}
	if strings.HasPrefix(target, "-") {
		return nil, &ArgError{Tool: t.Name, Msg: fmt.Sprintf("target %q starts with '-' and would be taken for an option", target)}
	}
	if strings.ContainsRune(target, 0) {
		return nil, &ArgError{Tool: t.Name, Msg: "the target contains a NUL byte"}
	}
	for i, a := range args {
		if strings.ContainsRune(a, 0) {
			return nil, &ArgError{Tool: t.Name, Msg: fmt.Sprintf("argument %d contains a NUL byte", i+1)}
		}
	}
	rest := args
	if len(args) == 0 {
		rest = t.DefaultArgs
		if t.NeedsTarget && target == "" {
			return nil, &ArgError{Tool: t.Name, Msg: "needs a target (a host name or address)"}
		}
	}
	argv := slices.Clone(t.Command)
	for _, a := range rest {
		if strings.Contains(a, TargetPlaceholder) {
			if target == "" {
				return nil, &ArgError{Tool: t.Name, Msg: fmt.Sprintf("argument %q names %s but no target was given", a, TargetPlaceholder)}
			}
			a = strings.ReplaceAll(a, TargetPlaceholder, target)
		}
		argv = append(argv, a)
	}
	return argv, nil
}

// namePattern is what a tool's name may look like.
var namePattern = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]*$`)

// validate checks a tool as Load does; the error names the tool and the
// field.
func (t Tool) validate() error {
	fieldErr := func(field, msg string) error {
		return &FieldError{Tool: t.Name, Field: field, Msg: msg}
	}
	switch {
	case t.Name == "":
		return fieldErr("name", "is empty")
	case !namePattern.MatchString(t.Name):
		return fieldErr("name", "must be lower case letters, digits, '.', '_' or '-', starting with a letter or digit")
	case strings.TrimSpace(t.Title) == "":
		return fieldErr("title", "is empty")
	case t.Image == "":
		return fieldErr("image", "is empty")
	}
	if _, err := reference.ParseNormalizedNamed(t.Image); err != nil {
		return fieldErr("image", fmt.Sprintf("%q is not an image reference: %v", t.Image, err))
	}
	if len(t.Command) == 0 || t.Command[0] == "" {
		return fieldErr("argv", "names no program")
	}
	for i, a := range t.Command {
		if strings.ContainsRune(a, 0) {
			return fieldErr("argv", fmt.Sprintf("word %d contains a NUL byte", i+1))
		}
		if strings.Contains(a, TargetPlaceholder) {
			return fieldErr("argv", fmt.Sprintf("word %d names %s: only defaultArgs may", i+1, TargetPlaceholder))
		}
	}
	mentions := false
	for i, a := range t.DefaultArgs {
		if strings.ContainsRune(a, 0) {
			return fieldErr("defaultArgs", fmt.Sprintf("argument %d contains a NUL byte", i+1))
		}
		mentions = mentions || strings.Contains(a, TargetPlaceholder)
	}
	if t.NeedsTarget && !mentions {
		return fieldErr("needsTarget", "is true but no default argument names "+TargetPlaceholder)
	}
	if !t.NeedsTarget && mentions {
		return fieldErr("needsTarget", "is false but a default argument names "+TargetPlaceholder)
	}
	if t.TargetsNetwork && !t.NeedsTarget {
		return fieldErr("targetsNetwork", "is true but the tool takes no target")
	}
	return nil
}

// Catalogue is a list of tools with unique names, in the order of their
// file. It is never changed once made: Merge makes a new one.
type Catalogue struct {
	tools []Tool
}

// catalogueFile is the JSON form of a catalogue.
type catalogueFile struct {
	Tools []json.RawMessage `json:"tools"`
}

// Builtin returns the catalogue embedded in dsp.
func Builtin() *Catalogue {
	c, err := Load(bytes.NewReader(builtinJSON))
	if err != nil {
		panic("tools: the embedded catalogue.json is invalid: " + err.Error())
	}
	return c
}

// Load reads a catalogue in the JSON form of catalogue.json. Unknown
// fields, an invalid tool and two tools of the same name are errors that
// name the tool and the field (a *FieldError).
func Load(r io.Reader) (*Catalogue, error) {
	var f catalogueFile
	dec := json.NewDecoder(r)
	dec.DisallowUnknownFields()
	if err := dec.Decode(&f); err != nil {
		return nil, fmt.Errorf("read the tool catalogue: %w", err)
	}
	if dec.More() {
		return nil, errors.New("read the tool catalogue: more than one JSON value")
	}
	c := &Catalogue{}
	seen := map[string]bool{}
	for i, raw := range f.Tools {
		t, err := decodeTool(raw)
		if err != nil {
			return nil, fmt.Errorf("tool catalogue, entry %d: %w", i+1, err)
		}
		if err := t.validate(); err != nil {
			return nil, fmt.Errorf("tool catalogue, entry %d: %w", i+1, err)
		}
		if seen[t.Name] {
			return nil, fmt.Errorf("tool catalogue, entry %d: %w", i+1, &FieldError{Tool: t.Name, Field: "name", Msg: "is used by an earlier tool"})
		}
		seen[t.Name] = true
		c.tools = append(c.tools, t)
	}
	return c, nil
}

// decodeTool decodes one tool strictly. When a field is unknown or of the
// wrong type, the error still names the tool if its name can be read.
func decodeTool(raw json.RawMessage) (Tool, error) {
	var t Tool
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	err := dec.Decode(&t)
	if err == nil {
		return t, nil
	}
	var named struct {
		Name string `json:"name"`
	}
	_ = json.Unmarshal(raw, &named)
	fe := &FieldError{Tool: named.Name, Err: err}
	var typeErr *json.UnmarshalTypeError
	if errors.As(err, &typeErr) {
		fe.Field = typeErr.Field
	} else if f, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
		fe.Field = strings.Trim(f, `"`)
		fe.Err = errors.New("is not a field of a tool")
	}
	return Tool{}, fe
}

// Tools returns the tools in the catalogue's order.
func (c *Catalogue) Tools() []Tool {
	if c == nil {
		return nil
	}
	out := make([]Tool, len(c.tools))
	for i, t := range c.tools {
		out[i] = t.clone()
	}
	return out
}

// Tool returns the tool of that name.
func (c *Catalogue) Tool(name string) (Tool, bool) {
	if c == nil {
		return Tool{}, false
	}
	for _, t := range c.tools {
		if t.Name == name {
			return t.clone(), true
		}
	}
	return Tool{}, false
}

// Lookup returns the tool of that name, or a *NotFoundError.
func (c *Catalogue) Lookup(name string) (Tool, error) {
	t, ok := c.Tool(name)
	if !ok {
		return Tool{}, &NotFoundError{Name: name}
	}
	return t, nil
}

// Merge returns the tools of base, each replaced by the tool of extra with
// the same name if there is one, followed by the other tools of extra. A
// nil catalogue has no tools.
func Merge(base, extra *Catalogue) *Catalogue {
	out := &Catalogue{tools: base.Tools()}
	for _, t := range extra.Tools() {
		i := slices.IndexFunc(out.tools, func(b Tool) bool { return b.Name == t.Name })
		if i >= 0 {
			out.tools[i] = t
		} else {
			out.tools = append(out.tools, t)
		}
	}
	return out
}

// FieldError is an invalid field of a tool in a catalogue.
type FieldError struct {
	Tool  string // the tool's name, "" when it has none
	Field string // the JSON field, "" when unknown
	Msg   string // what is wrong with it, or
	Err   error  // the decoder's error
}

func (e *FieldError) Error() string {
	var b strings.Builder
	if e.Tool != "" {
		fmt.Fprintf(&b, "tool %q", e.Tool)
	} else {
		b.WriteString("a tool")
	}
	if e.Field != "" {
		fmt.Fprintf(&b, ", field %q", e.Field)
	}
	if e.Msg != "" {
		b.WriteString(": " + e.Msg)
	}
	if e.Err != nil {
		b.WriteString(": " + e.Err.Error())
	}
	return b.String()
}

func (e *FieldError) Unwrap() error { return e.Err }

// InvalidParameter classifies the error (errdefs).
func (e *FieldError) InvalidParameter() {}

// ArgError refuses the arguments or the target given to a tool.
type ArgError struct {
	Tool string
	Msg  string
}

func (e *ArgError) Error() string { return fmt.Sprintf("tool %q: %s", e.Tool, e.Msg) }

// InvalidParameter classifies the error (errdefs).
func (e *ArgError) InvalidParameter() {}

// NotFoundError reports a tool that is not in the catalogue.
type NotFoundError struct {
	Name string
}

func (e *NotFoundError) Error() string { return fmt.Sprintf("no tool %q in the catalogue", e.Name) }

// NotFound classifies the error (errdefs).
func (e *NotFoundError) NotFound() {}
