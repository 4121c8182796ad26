package catalog

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// BenchmarkLabs lists a main directory of about 270 labs (the upstream
// corpus copied 8 times), with the lab cache warm, as the catalogue does
// on every request.
func BenchmarkLabs(b *testing.B) {
	corpus, _ := filepath.Abs("../../../shared/corpus/dsp-projects")
	if _, err := os.Stat(corpus); err != nil {
		b.Skip("upstream corpus not found")
	}
	home := b.TempDir()
	for i := 1; i <= 8; i++ {
		if err := exec.Command("cp", "-r", corpus, filepath.Join(home, fmt.Sprintf("corpus-%d", i))).Run(); err != nil {
			b.Fatal(err)
		}
	}
	c, err := Open(home, nil)
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	if _, _, err := c.Labs(ctx); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for b.Loop() {
		if _, entries, err := c.Labs(ctx); err != nil || len(entries) != 8*33 {
			b.Fatalf("%d labs, %v", len(entries), err)
		}
	}
}
