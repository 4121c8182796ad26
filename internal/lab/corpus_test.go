package lab

import (
	"context"
	"os"
	"path/filepath"
	"testing"
)

// corpusDir is the upstream DSP_Projects repository shipped beside the project.
func corpusDir(t *testing.T) string {
	t.Helper()
	dir, err := filepath.Abs("../../../shared/corpus/dsp-projects")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(dir); err != nil {
		t.Skipf("upstream corpus not found at %s", dir)
	}
	return dir
}

func TestCorpusLoadsWithoutErrors(t *testing.T) {
	dir := corpusDir(t)
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	count := 0
	for _, e := range entries {
		labDir := filepath.Join(dir, e.Name())
		if !e.IsDir() || !IsLabDir(labDir) {
			continue
		}
		count++
		t.Run(e.Name(), func(t *testing.T) {
			l, problems, err := Load(context.Background(), labDir)
			if err != nil {
				t.Fatalf("load: %v", err)
			}
			if l.Format != FormatUpstream {
				t.Errorf("format = %s, want upstream", l.Format)
			}
			if len(l.Services()) == 0 {
				t.Errorf("no services")
			}
			for _, p := range problems {
				t.Logf("%s", p)
			}
		})
	}
	if count != 33 {
		t.Errorf("found %d labs in the corpus, want 33", count)
	}
}
