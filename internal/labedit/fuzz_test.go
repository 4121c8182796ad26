package labedit

import (
	"bytes"
	"math/rand/v2"
	"strings"
	"testing"
)

// FuzzRender: whatever the text, Parse and Render do not panic, an
// unchanged model gives the text back, and an edit either renders or is
// refused without an internal error.
func FuzzRender(f *testing.F) {
	for _, src := range trickyFiles {
		f.Add([]byte(src), uint64(1))
	}
	f.Add([]byte("services:\n  a:\n    image: a\n"), uint64(2))
	f.Fuzz(func(t *testing.T, src []byte, seed uint64) {
		if len(src) > 4000 {
			return
		}
		m, err := Parse(src)
		if err != nil {
			return
		}
		out, err := Render(src, m)
		if err != nil || !bytes.Equal(out, src) {
			t.Fatalf("unchanged model: %v\n%q", err, out)
		}
		r := rand.New(rand.NewPCG(seed, 1))
		what := randomEdit(r, m)
		if _, err := Render(src, m); err != nil && strings.Contains(err.Error(), "internal error") {
			t.Fatalf("%s: %v", what, err)
		}
		if _, err := ParseStory(src); err == nil {
			if _, err := SetStory(src, Story{Title: "t", Labels: []string{"a"}}); err != nil && strings.Contains(err.Error(), "internal error") {
				t.Fatalf("story: %v", err)
			}
		}
	})
}
