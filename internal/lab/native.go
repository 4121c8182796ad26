package lab

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"go.yaml.in/yaml/v4"

	"github.com/dsp-lab/dsp/internal/safepath"
	"github.com/dsp-lab/dsp/internal/wrapper"
)

// extensionKey is the compose extension field that holds what compose
// cannot say, at the top level and in each service.
const extensionKey = "x-dsp"

var (
	labKeys     = []string{"title", "description", "author", "goal", "solution", "labels", "stop_timeout", "checks", "solve", "flag", "limits"}
	serviceKeys = []string{"shell", "actions", "files", "vm"}
	actionKeys  = []string{"name", "command", "priority", "args", "background"}
	fileKeys    = []string{"source", "target", "after_actions"}
)

type nativeLab struct {
	Title       string      `yaml:"title"`
	Description string      `yaml:"description"`
	Author      string      `yaml:"author"`
	Goal        string      `yaml:"goal"`
	Solution    string      `yaml:"solution"`
	Labels      []yaml.Node `yaml:"labels"`
	StopTimeout string      `yaml:"stop_timeout"`
}

type nativeService struct {
	Shell   *bool          `yaml:"shell"`
	Actions []nativeAction `yaml:"actions"`
	Files   []nativeFile   `yaml:"files"`
}

type nativeAction struct {
	Name       string    `yaml:"name"`
	Command    string    `yaml:"command"`
	Priority   int       `yaml:"priority"`
	Args       yaml.Node `yaml:"args"`
	Background bool      `yaml:"background"`
}

type nativeFile struct {
	Source       string `yaml:"source"`
	Target       string `yaml:"target"`
	AfterActions bool   `yaml:"after_actions"`
}

// loadNativeStory reads the top-level x-dsp section and the Markdown side
// files (README.md, goal.md, solution.md); x-dsp text wins over a side file.
func loadNativeStory(l *Lab, doc *yamlDoc, repoLabels []Label, sink *problemSink) {
	l.TextFormat = TextMarkdown
	file := l.ComposeFile
	var x nativeLab
	if n := doc.node(extensionKey); n != nil {
		checkKeys(n, labKeys, file, extensionKey, sink)
		if err := n.Decode(&x); err != nil {
			sink.errorf(file, lineOfError(err.Error()), extensionKey, "%v", err)
		}
	}
	l.Title = x.Title
	l.Description = strings.TrimSpace(x.Description)
	l.Author = x.Author
	l.Readme = readSideFile(l.Dir, "README.md")
	l.Goal = firstNonEmpty(x.Goal, readSideFile(l.Dir, "goal.md"))
	l.Solution = firstNonEmpty(x.Solution, readSideFile(l.Dir, "solution.md"))
	if l.Description == "" {
		l.Description = firstParagraph(l.Readme)
	}
	if x.StopTimeout != "" {
		d, err := time.ParseDuration(x.StopTimeout)
		if err != nil || d < 0 {
			sink.errorf(file, doc.line(extensionKey, "stop_timeout"), extensionKey+".stop_timeout", "%q is not a duration such as 2s", x.StopTimeout)
		} else {
			l.StopTimeout = &d
		}
	}
	for i, n := range x.Labels {
		field := fmt.Sprintf("%s.labels.%d", extensionKey, i)
		var lb Label
		switch n.Kind {
		case yaml.ScalarNode:
			lb = findLabel(repoLabels, n.Value)
		case yaml.MappingNode:
			if err := n.Decode(&lb); err != nil || lb.Name == "" {
				sink.errorf(file, n.Line, field, "a label is a name or {name, color, description}")
				continue
			}
		default:
			sink.errorf(file, n.Line, field, "a label is a name or {name, color, description}")
			continue
		}
		l.Labels = append(l.Labels, lb)
	}
}

// loadNativeServices reads each service's x-dsp section: shell permission,
// actions and files to copy.
func loadNativeServices(l *Lab, doc *yamlDoc, sink *problemSink) {
	file := l.ComposeFile
	for _, name := range l.ServiceNames() {
		n := doc.node("services", name, extensionKey)
		if n == nil {
			continue
		}
		prefix := "services." + name + "." + extensionKey
		checkKeys(n, serviceKeys, file, prefix, sink)
		var x nativeService
		if err := n.Decode(&x); err != nil {
			sink.errorf(file, lineOfError(err.Error()), prefix, "%v", err)
			continue
		}
		if x.Shell != nil {
			l.setShell(name, *x.Shell)
		}
		if vm := child(n, "vm"); vm != nil {
			loadVM(l, doc, name, vm, sink)
		}
		for ai, a := range x.Actions {
			field := fmt.Sprintf("%s.actions.%d", prefix, ai)
			line := doc.line("services", name, extensionKey, "actions", fmt.Sprint(ai))
			checkKeys(child(child(n, "actions"), fmt.Sprint(ai)), actionKeys, file, field, sink)
			if a.Name == "" {
				sink.errorf(file, line, field+".name", "an action needs a name")
				continue
			}
			act := Action{Service: name, Priority: a.Priority, loc: location{file, line, field}}
			act.Name = a.Name
			act.Command = strings.TrimSpace(a.Command)
			act.Background = a.Background
			args, err := nativeArgs(&a.Args)
			if err != nil {
				sink.errorf(file, line, field+".args", "%v", err)
				continue
			}
			act.Args = args
			l.Actions = append(l.Actions, act)
		}
		for fi, f := range x.Files {
			field := fmt.Sprintf("%s.files.%d", prefix, fi)
			line := doc.line("services", name, extensionKey, "files", fmt.Sprint(fi))
			checkKeys(child(child(n, "files"), fmt.Sprint(fi)), fileKeys, file, field, sink)
			src, err := safepath.Relative(l.Dir, f.Source)
			if err != nil {
				sink.errorf(file, line, field+".source", "%v", err)
				continue
			}
			if !strings.HasPrefix(f.Target, "/") {
				sink.errorf(file, line, field+".target", "container path %q must be absolute", f.Target)
				continue
			}
			l.Files = append(l.Files, File{Service: name, Source: src, Target: f.Target, AfterActions: f.AfterActions})
		}
		if l.VM(name) != nil && (len(x.Actions) > 0 || len(x.Files) > 0) {
			sink.errorf(file, doc.line("services", name, extensionKey), prefix, "a VM service takes no wrapper actions or files to copy: its image sets itself up")
		}
	}
}

// nativeArgs turns an args mapping into arguments in file order; a YAML
// boolean makes a boolean argument.
func nativeArgs(n *yaml.Node) ([]wrapper.Arg, error) {
	n = unalias(n)
	if n.Kind == 0 {
		return nil, nil
	}
	if n.Kind != yaml.MappingNode {
		return nil, fmt.Errorf("args must be a mapping of name: value")
	}
	var out []wrapper.Arg
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], unalias(n.Content[i+1])
		if v.Kind != yaml.ScalarNode {
			return nil, fmt.Errorf("argument %q must be a single value", k.Value)
		}
		arg := wrapper.Arg{Name: k.Value, Value: v.Value, Type: "text"}
		if v.Tag == "!!bool" {
			arg.Type = "boolean"
			arg.Value = strings.ToLower(v.Value)
		}
		if v.Tag == "!!null" {
			arg.Value = ""
		}
		out = append(out, arg)
	}
	return out, nil
}

// unalias follows YAML aliases (*name) to the node they stand for.
func unalias(n *yaml.Node) *yaml.Node {
	for i := 0; n.Kind == yaml.AliasNode && n.Alias != nil && i < 100; i++ {
		n = n.Alias
	}
	return n
}

// checkKeys warns about keys dsp does not know in an x-dsp mapping.
func checkKeys(n *yaml.Node, allowed []string, file, prefix string, sink *problemSink) {
	if n == nil || n.Kind != yaml.MappingNode {
		return
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k := n.Content[i]
		if !slices.Contains(allowed, k.Value) {
			sink.warnf(file, k.Line, prefix+"."+k.Value, "unknown field (known: %s)", strings.Join(allowed, ", "))
		}
	}
}

func findLabel(labels []Label, name string) Label {
	for _, l := range labels {
		if strings.EqualFold(l.Name, name) {
			return l
		}
	}
	return Label{Name: name}
}

func firstNonEmpty(values ...string) string {
	for _, v := range values {
		if strings.TrimSpace(v) != "" {
			return v
		}
	}
	return ""
}

// firstParagraph returns the first paragraph of Markdown text that is not a
// heading.
func firstParagraph(md string) string {
	var para []string
	for _, line := range strings.Split(md, "\n") {
		t := strings.TrimSpace(line)
		switch {
		case t == "" && len(para) > 0:
			return strings.Join(para, " ")
		case t == "", strings.HasPrefix(t, "#"):
			continue
		default:
			para = append(para, t)
		}
	}
	return strings.Join(para, " ")
}
