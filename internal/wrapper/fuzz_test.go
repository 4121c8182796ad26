package wrapper

import (
	"slices"
	"strings"
	"testing"
)

// FuzzArgvValue checks that any text value reaches argv as exactly one
// unchanged element after its flag.
func FuzzArgvValue(f *testing.F) {
	for _, seed := range []string{"", "a b", `"$HOME"`, "'; rm -rf /", "$(id)\n`id`", "-x", "--", "\x00"} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, value string) {
		a := Action{Name: "x", Command: "/x.sh ", Args: []Arg{{Name: "v", Value: value}, {Name: "last", Value: "1"}}}
		argv, err := a.Argv()
		if err != nil {
			t.Fatal(err)
		}
		want := []string{"/x.sh", "-v", value, "--last", "1"}
		if !slices.Equal(argv, want) {
			t.Fatalf("argv = %q, want %q", argv, want)
		}
	})
}

// FuzzParseLabels checks that ParseLabels never panics and that an error
// always names the label key.
func FuzzParseLabels(f *testing.F) {
	for _, seed := range []string{"actions.a.command", "actions.a.args.k.val", "actions..x", "actions.a.args.k.rule", "type"} {
		f.Add(seed, "v")
	}
	f.Fuzz(func(t *testing.T, key, value string) {
		_, err := ParseLabels(map[string]string{key: value})
		if err != nil && !strings.Contains(err.Error(), "label ") {
			t.Fatalf("error %q does not name the label", err)
		}
	})
}
