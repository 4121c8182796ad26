package lab

import (
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/sirupsen/logrus"
)

// writeTree writes files (slash-separated paths relative to dir → content)
// under dir, creating folders as needed.
func writeTree(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for rel, content := range files {
		p := filepath.Join(dir, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// newRepo makes an empty lab repository (a folder with a .dsp marker)
// called "repo" in a fresh temporary folder and returns its path.
func newRepo(t *testing.T) string {
	t.Helper()
	repo := filepath.Join(t.TempDir(), "repo")
	writeTree(t, repo, map[string]string{MarkerFile: ""})
	return repo
}

// newLab writes a lab called name into repo: a .dsp marker and files.
func newLab(t *testing.T, repo, name string, files map[string]string) string {
	t.Helper()
	dir := filepath.Join(repo, name)
	all := map[string]string{MarkerFile: ""}
	for k, v := range files {
		all[k] = v
	}
	writeTree(t, dir, all)
	return dir
}

// mustLoad loads a lab that must have no errors and returns it with the
// problems (warnings) Load found.
func mustLoad(t *testing.T, dir string) (*Lab, Problems) {
	t.Helper()
	l, ps, err := Load(context.Background(), dir)
	if err != nil {
		t.Fatalf("Load(%s): %v", dir, err)
	}
	if l == nil {
		t.Fatalf("Load(%s) returned a nil lab", dir)
	}
	if errs := ps.Errors(); len(errs) > 0 {
		t.Fatalf("Load(%s) returned errors without an error: %v", dir, errs)
	}
	return l, ps
}

// mustLoadLab is mustLoad for a test that does not look at the problems.
func mustLoadLab(t *testing.T, dir string) *Lab {
	t.Helper()
	l, _ := mustLoad(t, dir)
	return l
}

// loadInvalid loads a lab that must fail with an *InvalidError and returns
// the problems it lists.
func loadInvalid(t *testing.T, dir string) (*Lab, Problems) {
	t.Helper()
	l, ps, err := Load(context.Background(), dir)
	if err == nil {
		t.Fatalf("Load(%s) succeeded, want an invalid lab; problems: %v", dir, ps)
	}
	var inv *InvalidError
	if !errors.As(err, &inv) {
		t.Fatalf("Load(%s) error is %T (%v), want *InvalidError", dir, err, err)
	}
	if l == nil {
		t.Fatalf("Load(%s) returned no lab with its *InvalidError", dir)
	}
	if len(inv.Problems.Errors()) == 0 {
		t.Fatalf("InvalidError without errors: %v", inv.Problems)
	}
	if !slices.Equal(inv.Problems, ps) {
		t.Fatalf("InvalidError lists %v, Load returned %v", inv.Problems, ps)
	}
	if !strings.Contains(err.Error(), "is invalid") {
		t.Errorf("error %q does not say the lab is invalid", err)
	}
	return l, inv.Problems
}

// want describes a problem a test expects: every non-zero field must match
// and the message must contain every substring of msg.
type want struct {
	sev   Severity
	file  string
	line  int // -1: must be 0 (unknown); 0: not checked
	field string
	msg   []string
}

// expectProblem finds the problem described by w among ps and fails the
// test, listing every problem, if there is none.
func expectProblem(t *testing.T, ps Problems, w want) Problem {
	t.Helper()
	for _, p := range ps {
		if w.sev != "" && p.Severity != w.sev {
			continue
		}
		if w.file != "" && p.File != w.file {
			continue
		}
		if w.field != "" && p.Field != w.field {
			continue
		}
		if w.line > 0 && p.Line != w.line {
			continue
		}
		if w.line < 0 && p.Line != 0 {
			continue
		}
		ok := true
		for _, m := range w.msg {
			if !strings.Contains(p.Message, m) {
				ok = false
			}
		}
		if ok {
			return p
		}
	}
	var b strings.Builder
	for _, p := range ps {
		b.WriteString("\n  ")
		b.WriteString(p.String())
	}
	t.Fatalf("no problem matches %+v; problems:%s", w, b.String())
	return Problem{}
}

// noErrors fails when ps has errors.
func noErrors(t *testing.T, ps Problems) {
	t.Helper()
	for _, p := range ps.Errors() {
		t.Errorf("unexpected error: %s", p)
	}
}

// copyDir copies a folder tree (regular files and folders) into dst with
// writable permissions, so that tests can change a corpus lab.
func copyDir(t *testing.T, src, dst string) {
	t.Helper()
	err := filepath.Walk(src, func(p string, info os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(src, p)
		if err != nil {
			return err
		}
		target := filepath.Join(dst, rel)
		if info.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		if !info.Mode().IsRegular() {
			return nil
		}
		in, err := os.Open(p)
		if err != nil {
			return err
		}
		defer in.Close()
		out, err := os.OpenFile(target, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o644)
		if err != nil {
			return err
		}
		if _, err := io.Copy(out, in); err != nil {
			out.Close()
			return err
		}
		return out.Close()
	})
	if err != nil {
		t.Fatal(err)
	}
}

// corpusLab returns the folder of a lab of the upstream corpus.
func corpusLab(t *testing.T, name string) string {
	t.Helper()
	return filepath.Join(corpusDir(t), name)
}

func actionsOf(l *Lab, service string) []Action {
	var out []Action
	for _, a := range l.Actions {
		if a.Service == service {
			out = append(out, a)
		}
	}
	return out
}

func argNames(a Action) []string {
	var out []string
	for _, arg := range a.Args {
		out = append(out, arg.Name)
	}
	return out
}

func networkNamed(l *Lab, name string) (Network, bool) {
	for _, n := range l.Networks() {
		if n.Name == name {
			return n, true
		}
	}
	return Network{}, false
}

func TestMain(m *testing.M) {
	// compose-go logs warnings (the obsolete version key) through logrus;
	// dsp reports them itself as problems.
	logrus.SetOutput(io.Discard)
	os.Exit(m.Run())
}
