package lab

import (
	"context"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
)

// bomb is a "billion laughs": each level repeats the one before nine
// times, so that nine levels stand for 9^9 (387 million) strings in a few
// hundred bytes.
func bomb() string {
	var b strings.Builder
	b.WriteString("a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n")
	prev := "a"
	for _, name := range []string{"b", "c", "d", "e", "f", "g", "h", "i"} {
		refs := strings.TrimSuffix(strings.Repeat("*"+prev+",", 9), ",")
		b.WriteString("x-" + name + ": &" + name + " [" + refs + "]\n")
		prev = name
	}
	b.WriteString("services:\n  s:\n    image: dsp/busybox\n    labels: {bomb: *i}\n")
	return b.String()
}

func TestYAMLAliasBombIsRefused(t *testing.T) {
	compose := bomb()
	if len(compose) > 700 {
		t.Fatalf("the bomb is %d bytes; it should stay small", len(compose))
	}
	for _, tc := range []struct {
		name  string
		files map[string]string
		file  string // the file the problem names
	}{
		{"in the compose file", map[string]string{"compose.yaml": "x-dsp: {title: bomb}\n" + compose}, "compose.yaml"},
		{"in an included file", map[string]string{
			"compose.yaml":     "x-dsp: {title: bomb}\ninclude: [sub/inner.yaml]\nservices:\n  t: {image: dsp/busybox}\n",
			"sub/inner.yaml":   "include: [../deeper/bomb.yaml]\n",
			"deeper/bomb.yaml": compose,
		}, "sub/inner.yaml"},
		{"in an extended file", map[string]string{
			"compose.yaml": "x-dsp: {title: bomb}\nservices:\n  t: {image: dsp/busybox, extends: {file: base.yaml, service: s}}\n",
			"base.yaml":    compose,
		}, "compose.yaml"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := writeFiles(t, tc.files)
			var before runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&before)
			started := time.Now()
			_, problems, err := Load(context.Background(), dir)
			var after runtime.MemStats
			runtime.ReadMemStats(&after)
			if err == nil {
				t.Fatal("a lab with a YAML alias bomb loads")
			}
			found := false
			for _, p := range problems.Errors() {
				if strings.Contains(p.Message, "alias") && p.File == filepath.Join(dir, tc.file) {
					found = true
				}
			}
			if !found {
				t.Errorf("no error names the bomb in %s: %v", tc.file, problems)
			}
			if grown := int64(after.TotalAlloc - before.TotalAlloc); grown > 64<<20 {
				t.Errorf("refusing the bomb allocated %d MiB", grown>>20)
			}
			if d := time.Since(started); d > 10*time.Second {
				t.Errorf("refusing the bomb took %s", d)
			}
		})
	}
}

func TestNestedIncludeOutsideIsRefused(t *testing.T) {
	dir := writeFiles(t, map[string]string{
		"compose.yaml":   "x-dsp: {title: inc}\ninclude: [sub/inner.yaml]\nservices:\n  t: {image: dsp/busybox}\n",
		"sub/inner.yaml": "include: [../../../../../../../etc/hostname]\n",
	})
	_, problems, err := Load(context.Background(), dir)
	if err == nil {
		t.Fatal("an include that leads out of the lab folder loads")
	}
	inner := filepath.Join(dir, "sub", "inner.yaml")
	for _, p := range problems.Errors() {
		if p.File == inner && p.Line == 1 && p.Field == "include.0" && strings.Contains(p.Message, "leaves") {
			return
		}
	}
	t.Errorf("no error names the nested include at sub/inner.yaml:1: %v", problems)
}

func TestOversizedFilesAreRefused(t *testing.T) {
	big := strings.Repeat("#", maxDefinitionSize+1)
	dir := writeFiles(t, map[string]string{"compose.yaml": "x-dsp: {title: big}\nservices:\n  t: {image: dsp/busybox}\n" + big})
	if _, problems, err := Load(context.Background(), dir); err == nil || !strings.Contains(err.Error(), "larger than 16 MiB") {
		t.Errorf("a 16 MiB compose file: %v, %v", err, problems)
	}
	dir = writeFiles(t, map[string]string{"compose.yaml": "x-dsp: {title: big}\nservices:\n  t: {image: dsp/busybox}\n", "README.md": big})
	l, _, err := Load(context.Background(), dir)
	if err != nil || l.Readme != "" {
		t.Errorf("a 16 MiB README: %v, readme of %d bytes", err, len(l.Readme))
	}
}

// writeFiles writes a lab folder (with its .dsp marker) and returns it.
func writeFiles(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "repo", "lab")
	files[MarkerFile] = ""
	for name, content := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestHookAndJobBindsAreConfined(t *testing.T) {
	for field, compose := range map[string]string{
		"services.s.pre_start.0.volumes.0": "services:\n  s:\n    image: dsp/busybox\n    pre_start:\n      - {image: dsp/busybox, command: [id], volumes: ['/:/host']}\n",
		"jobs.j.volumes.0":                 "services:\n  s: {image: dsp/busybox}\njobs:\n  j: {image: dsp/busybox, triggers: {manual: true}, volumes: ['/etc:/host-etc']}\n",
	} {
		dir := writeFiles(t, map[string]string{"compose.yaml": "x-dsp: {title: hooks}\n" + compose})
		_, problems, err := Load(context.Background(), dir)
		if err == nil {
			t.Errorf("%s: a bind of a host folder loads", field)
			continue
		}
		found := false
		for _, p := range problems.Errors() {
			found = found || (p.Field == field && strings.Contains(p.Message, "outside"))
		}
		if !found {
			t.Errorf("%s: no error names it: %v", field, problems)
		}
	}
}
