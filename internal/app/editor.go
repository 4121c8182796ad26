package app

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/dsp-lab/dsp/internal/atomicfile"
	"github.com/dsp-lab/dsp/internal/engine"
	"github.com/dsp-lab/dsp/internal/lab"
	"github.com/dsp-lab/dsp/internal/labedit"
)

// The lab editor's use cases: the compose text is the source of truth; the
// topology the graph shows is its model (internal/labedit), converted both
// ways by the server so that nothing the graph does not know is lost.

// layoutFile, in a lab folder, keeps where the editor placed each node:
// beside the lab, not in its compose file.
const layoutFile = ".dsp-layout.json"

// Layout is where the editor placed the nodes of a lab's graph, by
// "service:NAME" or "network:NAME".
type Layout struct {
	Nodes map[string]Position `json:"nodes"`
}

// Position is a node's place on the canvas.
type Position struct {
	X float64 `json:"x"`
	Y float64 `json:"y"`
}

// LabSource is what the editor opens: the compose text and its model.
type LabSource struct {
	// File is the compose file's name in the lab folder.
	File     string     `json:"file"`
	Compose  string     `json:"compose"`
	Format   lab.Format `json:"format"`
	Editable bool       `json:"editable"`
	// Model is nil when the text does not parse.
	Model         *labedit.Model    `json:"model"`
	Story         labedit.Story     `json:"story"`
	Layout        Layout            `json:"layout"`
	Problems      lab.Problems      `json:"problems"`
	ModelProblems []labedit.Problem `json:"modelProblems"`
	Running       bool              `json:"running"`
}

// Editable reports whether the user may change a lab: it is in the
// personal repository (see editable, the one rule).
func (a *App) Editable(t *Target) bool {
	_, err := a.editable(t, "edited")
	var notEditable *NotEditableError
	return !errors.As(err, &notEditable)
}

func (a *App) mustEdit(t *Target) error {
	_, err := a.editable(t, "edited")
	return err
}

// Source opens a lab in the editor.
func (a *App) Source(ctx context.Context, t *Target, ref engine.Ref) (*LabSource, error) {
	data, err := os.ReadFile(t.ComposeFile)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("lab %s: %w", t.ID(), err)
	}
	src := &LabSource{File: filepath.Base(t.ComposeFile), Compose: string(data), Format: t.Format, Editable: a.Editable(t), Problems: t.Problems, ModelProblems: []labedit.Problem{}}
	if src.Problems == nil {
		src.Problems = lab.Problems{}
	}
	if m, err := labedit.Parse(data); err == nil {
		src.Model = m
		src.ModelProblems = checkModel(m)
	}
	src.Story = storyOf(t)
	src.Layout = readLayout(t.Dir)
	if eng, err := a.Engine(ctx); err == nil {
		if st, err := eng.Status(ctx, ref, t.Lab); err == nil {
			src.Running = st.State == engine.StateRunning
		}
	}
	return src, nil
}

// storyOf is the lab's text as the editor's Story.
func storyOf(t *Target) labedit.Story {
	s := labedit.Story{Title: t.Title, Description: t.Description, Goal: t.Goal, Solution: t.Solution, Author: t.Author, Labels: []string{}}
	for _, l := range t.Labels {
		s.Labels = append(s.Labels, l.Name)
	}
	return s
}

func readLayout(dir string) Layout {
	out := Layout{Nodes: map[string]Position{}}
	data, err := os.ReadFile(filepath.Join(dir, layoutFile))
	if err == nil {
		_ = json.Unmarshal(data, &out)
	}
	if out.Nodes == nil {
		out.Nodes = map[string]Position{}
	}
	return out
}

// SyntaxView locates a YAML syntax error for the editor.
type SyntaxView struct {
	Line    int    `json:"line"`
	Column  int    `json:"column"`
	Message string `json:"message"`
}

// Parsed is compose text as the editor sees it: its model (nil when it
// does not parse) and what is wrong with it.
type Parsed struct {
	Compose       string            `json:"compose"`
	Model         *labedit.Model    `json:"model"`
	Problems      lab.Problems      `json:"problems"`
	ModelProblems []labedit.Problem `json:"modelProblems"`
	Syntax        *SyntaxView       `json:"syntax"`
}

// ParseSource is text → graph: the model of compose text the user typed,
// and the problems `dsp lab validate` would report for the lab with it.
func (a *App) ParseSource(ctx context.Context, t *Target, compose string) (*Parsed, error) {
	if err := a.mustEdit(t); err != nil {
		return nil, err
	}
	out := &Parsed{Compose: compose, ModelProblems: []labedit.Problem{}}
	m, err := labedit.Parse([]byte(compose))
	var syntax *labedit.SyntaxError
	switch {
	case errors.As(err, &syntax):
		out.Syntax = &SyntaxView{Line: syntax.Line, Column: syntax.Column, Message: syntax.Msg}
	case err != nil:
		return nil, err
	default:
		out.Model = m
		out.ModelProblems = checkModel(m)
	}
	return out, a.validate(ctx, t, out)
}

// RenderSource is graph → text: the model applied onto the text, keeping
// what the model does not know.
func (a *App) RenderSource(ctx context.Context, t *Target, compose string, m *labedit.Model) (*Parsed, error) {
	if err := a.mustEdit(t); err != nil {
		return nil, err
	}
	text, err := labedit.Render([]byte(compose), m)
	if err != nil {
		return nil, &EditError{Err: err}
	}
	return a.ParseSource(ctx, t, string(text))
}

// EditError means a graph edit cannot be written into the compose text.
type EditError struct{ Err error }

func (e *EditError) Error() string { return fmt.Sprintf("the graph edit cannot be written: %v", e.Err) }

func (e *EditError) Unwrap() error { return e.Err }

// InvalidParameter classifies the error (errdefs).
func (e *EditError) InvalidParameter() {}

// validate fills in the loader's problems for the lab with the text.
func (a *App) validate(ctx context.Context, t *Target, p *Parsed) error {
	_, problems, err := lab.LoadDraft(ctx, t.Dir, []byte(p.Compose))
	var invalid *lab.InvalidError
	if err != nil && !errors.As(err, &invalid) {
		return err
	}
	p.Problems = problems
	if p.Problems == nil {
		p.Problems = lab.Problems{}
	}
	return nil
}

// FreeAddress suggests a free address on a network of the model.
func (a *App) FreeAddress(m *labedit.Model, network string) (string, error) {
	addr, err := labedit.FreeAddress(m, network)
	if err != nil {
		return "", &EditError{Err: err}
	}
	return addr, nil
}

// SaveRequest is what the editor saves.
type SaveRequest struct {
	Compose string
	Story   *labedit.Story
	Layout  *Layout
}

// Saved says how a save went: the lab is saved even when it does not
// validate (a draft), and then cannot start until its problems are fixed.
type Saved struct {
	Valid    bool         `json:"valid"`
	Problems lab.Problems `json:"problems"`
}

// SaveSource writes the editor's work into the lab folder, each file
// replaced whole (a failed save leaves the old file).
func (a *App) SaveSource(ctx context.Context, t *Target, req SaveRequest) (*Saved, error) {
	if err := a.mustEdit(t); err != nil {
		return nil, err
	}
	compose := []byte(req.Compose)
	if req.Story != nil && t.Format == lab.FormatNative {
		var err error
		if compose, err = labedit.SetStory(compose, *req.Story); err != nil {
			return nil, &EditError{Err: err}
		}
	}
	file := t.ComposeFile
	if file == "" {
		file = filepath.Join(t.Dir, "compose.yaml")
	}
	if err := atomicfile.Write(file, compose, 0o644); err != nil {
		return nil, fmt.Errorf("save %s: %w", t.ID(), err)
	}
	if req.Story != nil && t.Format == lab.FormatUpstream {
		if err := writeUpstreamStory(t.Dir, *req.Story); err != nil {
			return nil, err
		}
	}
	if req.Layout != nil {
		data, err := json.MarshalIndent(req.Layout, "", "  ")
		if err != nil {
			return nil, err
		}
		if err := atomicfile.Write(filepath.Join(t.Dir, layoutFile), append(data, '\n'), 0o644); err != nil {
			return nil, fmt.Errorf("save the layout of %s: %w", t.ID(), err)
		}
	}
	_, problems, err := a.catalog.LoadDir(ctx, t.Dir)
	var invalid *lab.InvalidError
	if err != nil && !errors.As(err, &invalid) {
		return nil, err
	}
	if problems == nil {
		problems = lab.Problems{}
	}
	a.events.publish(EventRepos, RepoEvent{Repo: t.Repo})
	return &Saved{Valid: err == nil, Problems: problems}, nil
}

// writeUpstreamStory sets the text of an upstream lab's information.json,
// keeping every other key it has.
func writeUpstreamStory(dir string, s labedit.Story) error {
	file := filepath.Join(dir, "information.json")
	info := map[string]json.RawMessage{}
	if data, err := os.ReadFile(file); err == nil {
		if err := json.Unmarshal(data, &info); err != nil {
			return fmt.Errorf("%s: %w", file, err)
		}
	}
	for key, value := range map[string]string{"description": s.Description, "goal": s.Goal, "solution": s.Solution, "author": s.Author} {
		raw, err := json.Marshal(value)
		if err != nil {
			return err
		}
		info[key] = raw
	}
	data, err := json.MarshalIndent(info, "", "  ")
	if err != nil {
		return err
	}
	return atomicfile.Write(file, append(data, '\n'), 0o644)
}

// Plan says what applying the lab as saved would change in a running
// instance.
func (a *App) Plan(ctx context.Context, t *Target, ref engine.Ref) (*engine.Plan, error) {
	if err := t.Runnable(); err != nil {
		return nil, err
	}
	eng, err := a.Engine(ctx)
	if err != nil {
		return nil, err
	}
	return eng.Plan(ctx, ref, t.Lab, a.upOptions(t, UpOptions{}))
}

// StartApply applies the lab as saved to a running instance in the
// background.
func (a *App) StartApply(ctx context.Context, t *Target, ref engine.Ref) (*Operation, error) {
	if _, err := a.Plan(ctx, t, ref); err != nil {
		return nil, err
	}
	if err := a.repoFree(t); err != nil {
		return nil, err
	}
	return a.ops.start(OpApply, &ref, "", func(ctx context.Context, progress engine.Progress) error {
		_, err := a.Apply(ctx, t, ref, progress)
		return err
	})
}

// Apply applies the lab as saved to a running instance.
func (a *App) Apply(ctx context.Context, t *Target, ref engine.Ref, progress engine.Progress) (*engine.Plan, error) {
	if err := t.Runnable(); err != nil {
		return nil, err
	}
	eng, err := a.Engine(ctx)
	if err != nil {
		return nil, err
	}
	opts := a.upOptions(t, UpOptions{Progress: progress})
	plan, err := eng.Apply(ctx, ref, t.Lab, opts)
	if err != nil {
		return nil, fmt.Errorf("apply to %s: %w", ref, err)
	}
	return plan, nil
}

// checkModel is labedit.Check with an empty list for no problems.
func checkModel(m *labedit.Model) []labedit.Problem {
	if found := labedit.Check(m); found != nil {
		return found
	}
	return []labedit.Problem{}
}
