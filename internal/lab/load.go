package lab

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/dsp-lab/dsp/internal/safepath"
	"github.com/dsp-lab/dsp/internal/wrapper"
)

// MarkerFile marks repositories and labs in the upstream layout.
const MarkerFile = ".dsp"

// IsLabDir reports whether dir looks like a lab: it holds a .dsp marker, or
// a compose file with an x-dsp section.
func IsLabDir(dir string) bool {
	if st, err := os.Stat(filepath.Join(dir, MarkerFile)); err == nil && !st.IsDir() {
		return true
	}
	f := findComposeFile(dir)
	if f == "" {
		return false
	}
	data, err := readConfined(f)
	if err != nil {
		return false
	}
	return nativeMarker.Match(data)
}

var nativeMarker = regexp.MustCompile(`(?m)^x-dsp:`)

// Load reads and checks the lab in dir; the repository is the folder that
// holds it. It returns the lab as far as it could be read, every problem
// found (errors and warnings, in the order found), and an *InvalidError
// listing the errors when there are any. The lab is nil only when dir
// cannot be read as a folder at all; err is then a plain error (wrapping
// the os error), not an *InvalidError.
func Load(ctx context.Context, dir string) (*Lab, Problems, error) {
	abs, err := labFolder(dir)
	if err != nil {
		return nil, nil, err
	}
	l := emptyLab(abs)
	sink := &problemSink{}
	readLab(ctx, l, sink)
	if len(sink.problems.Errors()) > 0 {
		return l, sink.problems, &InvalidError{Dir: abs, Problems: sink.problems}
	}
	return l, sink.problems, nil
}

// LoadDraft loads the lab in dir as it would be with compose as its
// compose file, without changing that file: how an editor validates text
// it has not saved. The text is written for a moment to a hidden file in
// the lab folder (relative paths must resolve as they will), and the
// problems name the lab's compose file.
func LoadDraft(ctx context.Context, dir string, compose []byte) (*Lab, Problems, error) {
	abs, err := labFolder(dir)
	if err != nil {
		return nil, nil, err
	}
	real := findComposeFile(abs)
	if real == "" {
		real = filepath.Join(abs, composeNames[0])
	}
	draft, err := os.CreateTemp(abs, ".dsp-draft-*.yaml")
	if err != nil {
		return nil, nil, fmt.Errorf("lab folder %s: %w", abs, err)
	}
	defer os.Remove(draft.Name())
	if _, err := draft.Write(compose); err != nil {
		_ = draft.Close()
		return nil, nil, fmt.Errorf("lab folder %s: %w", abs, err)
	}
	if err := draft.Close(); err != nil {
		return nil, nil, fmt.Errorf("lab folder %s: %w", abs, err)
	}
	l := emptyLab(abs)
	sink := &problemSink{}
	readLabFrom(ctx, l, draft.Name(), sink)
	l.ComposeFile = real
	for i := range sink.problems {
		if sink.problems[i].File == draft.Name() {
			sink.problems[i].File = real
		}
	}
	if len(sink.problems.Errors()) > 0 {
		return l, sink.problems, &InvalidError{Dir: abs, Problems: sink.problems}
	}
	return l, sink.problems, nil
}

// labFolder returns the absolute path of dir, which must be a folder.
func labFolder(dir string) (string, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "", fmt.Errorf("lab folder %s: %w", dir, err)
	}
	st, err := os.Stat(abs)
	if err != nil {
		return "", fmt.Errorf("lab folder: %w", err)
	}
	if !st.IsDir() {
		return "", fmt.Errorf("lab folder %s is not a folder", abs)
	}
	return abs, nil
}

// emptyLab returns an empty lab for the folder abs, named after it and its
// repository.
func emptyLab(abs string) *Lab {
	return &Lab{
		Dir:     abs,
		RepoDir: filepath.Dir(abs),
		Name:    filepath.Base(abs),
		Repo:    filepath.Base(filepath.Dir(abs)),
		Labels:  []Label{},
		Actions: []Action{},
		Files:   []File{},
		Checks:  []Check{},
	}
}

// readLab reads the lab's files into l, reporting problems to sink.
func readLab(ctx context.Context, l *Lab, sink *problemSink) {
	file := findComposeFile(l.Dir)
	if file == "" {
		sink.errorf(filepath.Join(l.Dir, "docker-compose.yml"), 0, "", "missing: a lab needs a compose file (%s)", strings.Join(composeNames, ", "))
		return
	}
	readLabFrom(ctx, l, file, sink)
}

// readLabFrom reads the lab's files into l, its compose file being file.
func readLabFrom(ctx context.Context, l *Lab, file string, sink *problemSink) {
	l.ComposeFile = file
	project, doc := loadCompose(ctx, l.Dir, l.ComposeFile, sink)
	if project != nil {
		l.Project = project
		l.writtenSubnets = writtenSubnets(doc)
		nameBuiltImages(l)
		checkPolicy(l, doc, sink)
	}

	repoLabels := loadLabels(filepath.Join(l.RepoDir, labelsFile), &problemSink{})
	if isUpstream(l.Dir) {
		l.Format = FormatUpstream
		loadUpstreamStory(l, sink)
		if labels := loadLabels(filepath.Join(l.Dir, labelsFile), sink); labels != nil {
			l.Labels = labels
		}
		if project != nil {
			loadUpstreamNetwork(l, sink)
		}
	} else {
		l.Format = FormatNative
		loadNativeStory(l, doc, repoLabels, sink)
	}
	if project != nil && doc != nil {
		loadNativeServices(l, doc, sink)
		loadChecks(l, doc, sink)
		loadLimits(l, doc, sink)
	}
	if l.Title == "" {
		l.Title = l.Name
	}
	checkActions(l, sink)
	checkFiles(l, sink)
}

// isUpstream reports whether the lab folder has DSP's own files.
func isUpstream(dir string) bool {
	for _, f := range []string{informationFile, networkFile} {
		if _, err := os.Stat(filepath.Join(dir, f)); err == nil {
			return true
		}
	}
	return false
}

// nameBuiltImages gives services that are built but have no image: key a
// stable image name, so that every instance of the lab shares one image.
func nameBuiltImages(l *Lab) {
	for name, s := range l.Project.Services {
		if s.Image == "" && s.Build != nil {
			s.Image = fmt.Sprintf("dsp-%s-%s-%s:latest", Slug(l.Repo), Slug(l.Name), Slug(name))
			l.Project.Services[name] = s
		}
	}
}

// checkActions validates every action's arguments against their rules.
func checkActions(l *Lab, sink *problemSink) {
	for _, a := range l.Actions {
		file, line, field := a.loc.file, a.loc.line, a.loc.field
		if file == "" {
			file = l.ComposeFile
		}
		var err error
		switch {
		case a.Name == wrapper.BuiltinExec && (a.Command == "" || strings.HasSuffix(a.Command, "exec.sh")):
			_, err = wrapper.ExecArgv(a.Action)
		case a.Name == wrapper.BuiltinCTF && a.Command == "":
			_, _, err = wrapper.CTFTarget(a.Action)
		case a.Command == "":
			if l.Format == FormatUpstream {
				err = errors.New("the action has no command")
			}
			// Native actions may leave the command to the image's labels,
			// which are read when the lab starts.
		default:
			err = a.Validate()
		}
		if err != nil {
			sink.errorf(file, line, field, "service %s: action %s: %v", a.Service, a.Name, err)
		}
		if a.Priority < 0 {
			sink.errorf(file, line, field+".priority", "priority %d is negative", a.Priority)
		}
	}
}

// checkFiles warns about files to copy that are not there: the upstream
// repositories publish definitions without their .data folder, so this is
// an error only when the lab starts.
func checkFiles(l *Lab, sink *problemSink) {
	for _, f := range l.Files {
		if _, err := os.Stat(f.Source); err != nil {
			sink.warnf(f.Source, 0, "", "file to copy into service %s (%s) is missing; the lab cannot start without it", f.Service, f.Target)
		}
	}
}

var slugRe = regexp.MustCompile(`[^a-z0-9]+`)

// Slug turns a name into lower-case letters, digits and dashes.
func Slug(s string) string {
	s = slugRe.ReplaceAllString(strings.ToLower(s), "-")
	s = strings.Trim(s, "-")
	if s == "" {
		s = "x"
	}
	return s
}

// readConfined reads a lab or repository file, refusing a symbolic link
// that leads out of the folder holding it: a lab from a stranger must not
// make dsp read and show files from elsewhere on the host.
func readConfined(file string) ([]byte, error) {
	if _, err := safepath.Within(filepath.Dir(file), file); err != nil {
		return nil, fmt.Errorf("%s: %w", filepath.Base(file), err)
	}
	f, err := os.Open(file)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if st, err := f.Stat(); err != nil {
		return nil, err
	} else if !st.Mode().IsRegular() {
		return nil, fmt.Errorf("%s is not a regular file", filepath.Base(file))
	}
	// Read one byte more than allowed: a file that grows while it is read
	// is bounded too.
	data, err := io.ReadAll(io.LimitReader(f, maxDefinitionSize+1))
	if err != nil {
		return nil, err
	}
	if len(data) > maxDefinitionSize {
		return nil, fmt.Errorf("%s is larger than %d MiB, the most a lab definition file may be", filepath.Base(file), maxDefinitionSize>>20)
	}
	return data, nil
}

// maxDefinitionSize bounds the lab files dsp reads into memory.
const maxDefinitionSize = 16 << 20
