package labedit

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestStoryExamples(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("..", "..", "examples", "*", "compose.yaml"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no examples: %v", err)
	}
	for _, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		s, err := ParseStory(src)
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		if s.Title == "" || s.Description == "" || s.Author == "" || len(s.Labels) == 0 {
			t.Errorf("%s: story %+v", f, s)
		}
		out, err := SetStory(src, s)
		if err != nil || !bytes.Equal(out, src) {
			t.Errorf("%s: an unchanged story changed the text (%v)", f, err)
		}

		s.Title = "A new title: with a colon"
		s.Description = "One paragraph that is long enough to be folded over more than one line when it is written back into the compose file."
		s.Goal = "Find the flag.\nThen submit it.\n"
		s.Labels = append(s.Labels[1:], "New")
		out, err = SetStory(src, s)
		if err != nil {
			t.Fatalf("%s: SetStory: %v", f, err)
		}
		got, err := ParseStory(out)
		if err != nil || got.Title != s.Title || got.Description != s.Description || got.Goal != s.Goal || !slices.Equal(got.Labels, s.Labels) {
			t.Errorf("%s: read back %+v (%v), want %+v\n%s", f, got, err, s, out)
		}
		checkCommentsKept(t, src, out)
		if !strings.Contains(string(out), "  description: >-\n") || !strings.Contains(string(out), "  goal: |\n    Find the flag.\n    Then submit it.\n") {
			t.Errorf("%s: styles not kept or chosen:\n%s", f, out)
		}
		m1, err1 := Parse(src)
		m2, err2 := Parse(out)
		if err1 != nil || err2 != nil || !slices.EqualFunc(m1.Services, m2.Services, func(a, b Service) bool { return diffService(a, b) == "" }) {
			t.Errorf("%s: the story changed the services", f)
		}
	}
}

func TestSetStory(t *testing.T) {
	tests := []struct {
		name string
		src  string
		s    Story
		want string
	}{
		{
			name: "x-dsp created at the top, below the opening comment",
			src:  "# my lab\n\nservices:\n  a:\n    image: a\n",
			s:    Story{Title: "Lab", Labels: []string{"Web", "yes"}},
			want: "# my lab\n\nx-dsp:\n  title: Lab\n  labels:\n    - Web\n    - \"yes\"\nservices:\n  a:\n    image: a\n",
		},
		{
			name: "empty fields removed, unknown keys kept",
			src:  "x-dsp:\n  title: Lab\n  author: me # who\n  flag: true\n  solution: |\n    Do it.\nservices: {}\n",
			s:    Story{Title: "Lab", Author: "you"},
			want: "x-dsp:\n  title: Lab\n  author: you # who\n  flag: true\nservices: {}\n",
		},
		{
			name: "emptied x-dsp removed",
			src:  "x-dsp:\n  title: Lab\nservices: {}\n",
			s:    Story{},
			want: "services: {}\n",
		},
		{
			name: "labels in mapping form kept",
			src:  "x-dsp:\n  labels:\n    - {name: Web, color: red}\n    - Old\n",
			s:    Story{Labels: []string{"Web", "New"}},
			want: "x-dsp:\n  labels:\n    - {name: Web, color: red}\n    - New\n",
		},
		{
			name: "flow labels",
			src:  "x-dsp:\n  labels: [CTF, Linux]\n",
			s:    Story{Labels: []string{"CTF", "Linux", "Web"}},
			want: "x-dsp:\n  labels: [CTF, Linux, Web]\n",
		},
		{
			name: "an empty file",
			src:  "",
			s:    Story{Title: "T"},
			want: "x-dsp:\n  title: T\n",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, err := SetStory([]byte(tt.src), tt.s)
			if err != nil {
				t.Fatal(err)
			}
			if string(out) != tt.want {
				t.Errorf("got:\n%s\nwant:\n%s", out, tt.want)
			}
			got, err := ParseStory(out)
			if err != nil || !sameStory(got, tt.s) {
				t.Errorf("read back %+v (%v)", got, err)
			}
		})
	}
	if _, err := ParseStory([]byte("x-dsp: [a]\n")); err == nil {
		t.Error("an x-dsp list was accepted")
	}
	if _, err := SetStory([]byte("a: [\n"), Story{}); err == nil {
		t.Error("bad YAML was accepted")
	}
}
