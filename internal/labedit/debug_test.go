package labedit

import (
	"fmt"
	"math/rand/v2"
	"os"
	"testing"
)

func TestDebugShow(t *testing.T) {
	f := os.Getenv("LABEDIT_SHOW")
	if f == "" {
		t.Skip()
	}
	src, _ := os.ReadFile(f)
	m, err := Parse(src)
	if err != nil {
		t.Fatal(err)
	}
	editModel(t, m)
	out, err := Render(src, m)
	if err != nil {
		t.Fatal(err)
	}
	os.Stdout.Write(out)
}

func TestDebugStory(t *testing.T) {
	f := os.Getenv("LABEDIT_STORY")
	if f == "" {
		t.Skip()
	}
	src, _ := os.ReadFile(f)
	s, _ := ParseStory(src)
	s.Title = "A new title: with a colon"
	s.Description = "One paragraph that is long enough to be folded over more than one line when it is written back into the compose file."
	s.Goal = "Find the flag.\nThen submit it.\n"
	s.Labels = append(s.Labels[1:], "New")
	out, err := SetStory(src, s)
	if err != nil {
		t.Fatal(err)
	}
	os.Stdout.Write(out)
}

func TestDebugRandom(t *testing.T) {
	name := os.Getenv("LABEDIT_RANDOM")
	if name == "" {
		t.Skip()
	}
	src := []byte(trickyFiles[name])
	for i := range 6 {
		r := rand.New(rand.NewPCG(uint64(i), 7))
		m, _ := Parse(src)
		what := randomEdit(r, m)
		out, err := Render(src, m)
		fmt.Printf("=== %d %s: %v\n", i, what, err)
		_ = os.WriteFile(fmt.Sprintf("/tmp/rnd%d.yml", i), out, 0o644)
	}
	_ = os.WriteFile("/tmp/rnd.yml", src, 0o644)
}
