package labedit

import (
	"fmt"
	"math/rand/v2"
	"os"
	"strconv"
	"strings"
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

func TestDebugFuzz(t *testing.T) {
	f := os.Getenv("LABEDIT_FUZZ")
	if f == "" {
		t.Skip()
	}
	data, _ := os.ReadFile(f)
	lines := strings.Split(string(data), "\n")
	srcQ := strings.TrimSuffix(strings.TrimPrefix(lines[1], "[]byte("), ")")
	src, err := strconv.Unquote(srcQ)
	if err != nil {
		t.Fatal(err)
	}
	seed, _ := strconv.ParseUint(strings.TrimSuffix(strings.TrimPrefix(lines[2], "uint64("), ")"), 10, 64)
	m, _ := Parse([]byte(src))
	r := rand.New(rand.NewPCG(seed, 1))
	what := randomEdit(r, m)
	out, err := Render([]byte(src), m)
	fmt.Printf("SRC:\n%s\n--- %s: %v\n", src, what, err)
	rr, _ := newRenderer(mustDoc(t, src), mustModel(t, src), m)
	root, _ := rr.edit()
	p := newPatcher(rr.d, rr.c.origin)
	_ = p.patchRoot(root)
	for _, e := range p.edits {
		fmt.Printf("edit %d-%d %q\n", e.start, e.end, e.text)
	}
	o, _ := p.apply()
	fmt.Printf("OUT:\n%s\n", o)
	_ = out
}

func mustDoc(t *testing.T, src string) *document {
	d, err := parseDocument([]byte(src))
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func mustModel(t *testing.T, src string) *Model {
	m, err := Parse([]byte(src))
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func TestDebugSubsets(t *testing.T) {
	f := os.Getenv("LABEDIT_SUBSETS")
	if f == "" {
		t.Skip()
	}
	data, _ := os.ReadFile(f)
	lines := strings.Split(string(data), "\n")
	src, _ := strconv.Unquote(strings.TrimSuffix(strings.TrimPrefix(lines[1], "[]byte("), ")"))
	m0, _ := Parse([]byte(src))
	keys := sortedKeys(m0.Services[0].Environment)
	for mask := 0; mask < 1<<len(keys); mask++ {
		m, _ := Parse([]byte(src))
		m.Networks = append(m.Networks, Network{Name: "n1", Subnet: "10.1.0.0/16"})
		m.Services[0].Name = "Y"
		m.Services[0].Environment["NEW"] = "v"
		for i, k := range keys {
			if mask&(1<<i) != 0 {
				delete(m.Services[0].Environment, k)
			}
		}
		if _, err := Render([]byte(src), m); err != nil {
			fmt.Printf("mask %b (%v): %v\n", mask, keys, err)
		}
	}
}
