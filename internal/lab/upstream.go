package lab

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/dsp-lab/dsp/internal/safepath"
	"github.com/dsp-lab/dsp/internal/wrapper"
)

// Upstream file names.
const (
	informationFile = "information.json"
	labelsFile      = "labels.json"
	networkFile     = "network.json"
	dataDir         = ".data"
)

type upstreamInfo struct {
	Description flexString `json:"description"`
	Goal        flexString `json:"goal"`
	Solution    flexString `json:"solution"`
	Readme      flexString `json:"readme"`
	Author      flexString `json:"author"`
}

type upstreamNetworkFile struct {
	ClistToDraw []upstreamContainer `json:"clistToDraw"`
}

type upstreamContainer struct {
	Name          flexString `json:"name"`
	SelectedImage struct {
		Labels struct {
			Actions map[string]struct {
				BackgroundMode flexBool `json:"backgroundMode"`
			} `json:"actions"`
		} `json:"labels"`
	} `json:"selectedImage"`
	Actions        []upstreamAction `json:"actions"`
	FilesToCopy    []upstreamFile   `json:"filesToCopy"`
	IsShellEnabled *flexBool        `json:"isShellEnabled"`
}

type upstreamFile struct {
	Filename      flexString `json:"filename"`
	ContainerPath flexString `json:"containerPath"`
	AfterAction   flexBool   `json:"afterAction"`
}

type upstreamAction struct {
	Name     flexString    `json:"name"`
	Command  flexString    `json:"command"`
	Priority flexInt       `json:"priority"`
	Args     orderedObject `json:"args"`
}

type upstreamArg struct {
	Val  flexString `json:"val"`
	Type flexString `json:"type"`
	Rule struct {
		Pattern flexString `json:"pattern"`
		Name    flexString `json:"name"`
	} `json:"rule"`
}

// loadUpstreamStory reads information.json and README.md.
func loadUpstreamStory(l *Lab, sink *problemSink) {
	l.TextFormat = TextHTML
	file := filepath.Join(l.Dir, informationFile)
	data, err := readConfined(file)
	switch {
	case errors.Is(err, os.ErrNotExist):
		sink.warnf(file, 0, "", "missing: the lab has no description, goal or solution")
	case err != nil:
		sink.errorf(file, 0, "", "cannot read: %v", err)
	default:
		var info upstreamInfo
		if notAnObject(data) {
			sink.warnf(file, 1, "", "is not an object with description, goal and solution (%s); ignored", snippet(data))
			break
		}
		if err := decodeJSON(data, &info); err != nil {
			sink.errorf(file, jsonErrorLine(data, err), "", "not valid: %v", err)
			break
		}
		l.Description = string(info.Description)
		l.Goal = string(info.Goal)
		l.Solution = string(info.Solution)
		l.Author = string(info.Author)
		l.Readme = string(info.Readme)
	}
	if readme := readSideFile(l.Dir, "README.md"); readme != "" {
		l.Readme = readme
	}
}

// loadLabels reads a labels.json file ({"labels":[...]}); a missing file is
// no labels.
func loadLabels(file string, sink *problemSink) []Label {
	data, err := readConfined(file)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		sink.errorf(file, 0, "", "cannot read: %v", err)
		return nil
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return nil
	}
	var f struct {
		Labels []struct {
			Name        flexString `json:"name"`
			Description flexString `json:"description"`
			Color       flexString `json:"color"`
		} `json:"labels"`
	}
	if err := decodeJSON(data, &f); err != nil {
		sink.errorf(file, jsonErrorLine(data, err), "labels", "not valid: %v", err)
		return nil
	}
	var out []Label
	for _, lb := range f.Labels {
		if strings.TrimSpace(string(lb.Name)) == "" {
			continue
		}
		out = append(out, Label{Name: string(lb.Name), Description: string(lb.Description), Color: string(lb.Color)})
	}
	return out
}

// loadUpstreamNetwork reads network.json: actions, files to copy and shell
// permissions of each container. The compose file stays the source of what
// runs; network.json adds what compose cannot say.
func loadUpstreamNetwork(l *Lab, sink *problemSink) {
	file := filepath.Join(l.Dir, networkFile)
	data, err := readConfined(file)
	if errors.Is(err, os.ErrNotExist) {
		return
	}
	if err != nil {
		sink.errorf(file, 0, "", "cannot read: %v", err)
		return
	}
	if notAnObject(data) {
		// Imported labs carry stubs such as "IMPORTED": nothing to add.
		sink.warnf(file, 1, "", "holds no container list (%s); ignored", snippet(data))
		return
	}
	var nf upstreamNetworkFile
	if err := decodeJSON(data, &nf); err != nil {
		sink.errorf(file, jsonErrorLine(data, err), "", "not valid: %v", err)
		return
	}
	r := networkReader{file: file, lines: jsonLines(data), sink: sink}
	dataRoot := filepath.Join(l.RepoDir, dataDir)
	for ci, c := range nf.ClistToDraw {
		name := string(c.Name)
		field := fmt.Sprintf("clistToDraw[%d]", ci)
		line := r.lines.of(field+".name", field)
		if _, ok := l.Project.Services[name]; !ok {
			if len(c.Actions) > 0 || len(c.FilesToCopy) > 0 {
				sink.errorf(file, line, field+".name", "container %q has actions or files but is not a service of %s", name, filepath.Base(l.ComposeFile))
			} else {
				sink.warnf(file, line, field+".name", "container %q is not a service of %s; ignored", name, filepath.Base(l.ComposeFile))
			}
			continue
		}
		if c.IsShellEnabled != nil {
			l.setShell(name, bool(*c.IsShellEnabled))
		}
		for ai, a := range c.Actions {
			afield := fmt.Sprintf("%s.actions[%d]", field, ai)
			background := bool(c.SelectedImage.Labels.Actions[string(a.Name)].BackgroundMode)
			l.Actions = append(l.Actions, r.action(name, afield, a, background))
		}
		for fi, f := range c.FilesToCopy {
			if lf, ok := r.fileToCopy(dataRoot, name, fmt.Sprintf("%s.filesToCopy[%d]", field, fi), f); ok {
				l.Files = append(l.Files, lf)
			}
		}
	}
}

// networkReader reads the entries of network.json (file), whose lines
// are lines; it reports their problems to sink.
type networkReader struct {
	file  string
	lines lineIndex
	sink  *problemSink
}

// action turns the action at field of container (service) name into an
// Action; an argument that is not valid is reported and left out.
func (r networkReader) action(name, field string, a upstreamAction, background bool) Action {
	act := Action{Service: name, Priority: int(a.Priority), loc: location{r.file, r.lines.of(field+".name", field), field}}
	act.Name = string(a.Name)
	act.Command = strings.TrimSpace(string(a.Command))
	act.Background = background
	for _, key := range a.Args.Keys {
		var arg upstreamArg
		if err := decodeJSON(a.Args.Values[key], &arg); err != nil {
			r.sink.errorf(r.file, r.lines.of(field+".args."+key), field+".args."+key, "not valid: %v", err)
			continue
		}
		act.Args = append(act.Args, wrapper.Arg{
			Name:  key,
			Value: string(arg.Val),
			Type:  string(arg.Type),
			Rule:  wrapper.Rule{Pattern: string(arg.Rule.Pattern), Name: string(arg.Rule.Name)},
		})
	}
	return act
}

// fileToCopy turns the file to copy at field of container (service) name
// into a File, its source inside dataRoot; ok is false, after reporting
// the problem, when the entry is not valid.
func (r networkReader) fileToCopy(dataRoot, name, field string, f upstreamFile) (File, bool) {
	src, err := safepath.Relative(dataRoot, string(f.Filename))
	if err != nil {
		r.sink.errorf(r.file, r.lines.of(field+".filename", field), field+".filename", "%v", err)
		return File{}, false
	}
	target := string(f.ContainerPath)
	if !strings.HasPrefix(target, "/") {
		r.sink.errorf(r.file, r.lines.of(field+".containerPath", field), field+".containerPath", "container path %q must be absolute", target)
		return File{}, false
	}
	return File{Service: name, Source: src, Target: target, AfterActions: bool(f.AfterAction)}, true
}

// decodeJSON decodes data into v; an empty file decodes to the zero value.
// notAnObject reports whether data is valid JSON whose top level is not an
// object (a string, an array, null).
func notAnObject(data []byte) bool {
	t := bytes.TrimSpace(data)
	return len(t) > 0 && t[0] != '{' && json.Valid(t)
}

// snippet quotes the start of a file for a message.
func snippet(data []byte) string {
	t := string(bytes.TrimSpace(data))
	if len(t) > 40 {
		t = t[:40] + "…"
	}
	return t
}

func decodeJSON(data []byte, v any) error {
	if len(bytes.TrimSpace(data)) == 0 {
		return nil
	}
	return json.Unmarshal(data, v)
}

// lineIndex maps the path of each member and element of a JSON document
// (clistToDraw[1].actions[0].name) to the 1-based line where it starts.
type lineIndex map[string]int

// of returns the line of the first path that is known, or 0.
func (li lineIndex) of(paths ...string) int {
	for _, p := range paths {
		if n := li[p]; n > 0 {
			return n
		}
	}
	return 0
}

// jsonLines indexes the lines of a JSON document; on a syntax error it
// keeps what it read before it.
func jsonLines(data []byte) lineIndex {
	li := lineIndex{}
	dec := json.NewDecoder(bytes.NewReader(data))
	lineAt := func(off int64) int {
		for off < int64(len(data)) && strings.IndexByte(" \t\r\n,:", data[off]) >= 0 {
			off++
		}
		return bytes.Count(data[:off], []byte("\n")) + 1
	}
	var value func(path string) bool
	value = func(path string) bool {
		tok, err := dec.Token()
		if err != nil {
			return false
		}
		d, ok := tok.(json.Delim)
		if !ok {
			return true
		}
		for i := 0; dec.More(); i++ {
			p := fmt.Sprintf("%s[%d]", path, i)
			if d == '{' {
				start := lineAt(dec.InputOffset())
				tok, err := dec.Token()
				if err != nil {
					return false
				}
				key, _ := tok.(string)
				if p = key; path != "" {
					p = path + "." + key
				}
				li[p] = start
			} else {
				li[p] = lineAt(dec.InputOffset())
			}
			if !value(p) {
				return false
			}
		}
		_, err = dec.Token()
		return err == nil
	}
	value("")
	return li
}

// readSideFile reads a Markdown side file by case-insensitive name.
func readSideFile(dir, name string) string {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return ""
	}
	for _, e := range entries {
		if strings.EqualFold(e.Name(), name) && e.Type().IsRegular() {
			data, err := readConfined(filepath.Join(dir, e.Name()))
			if err == nil {
				return string(data)
			}
		}
	}
	return ""
}

// LoadRepoLabels reads a repository's label catalogue (labels.json).
func LoadRepoLabels(repoDir string) ([]Label, error) {
	sink := &problemSink{}
	labels := loadLabels(filepath.Join(repoDir, labelsFile), sink)
	if errs := sink.problems.Errors(); len(errs) > 0 {
		return labels, &InvalidError{Dir: repoDir, Problems: errs}
	}
	return labels, nil
}
