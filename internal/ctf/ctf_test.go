package ctf

import (
	"regexp"
	"testing"
)

func TestNewFlagIsFreshAndShaped(t *testing.T) {
	shape := regexp.MustCompile(`^CTF\{[0-9a-f]{32}\}$`)
	seen := map[string]bool{}
	for range 100 {
		f, err := NewFlag("CTF")
		if err != nil {
			t.Fatal(err)
		}
		if !shape.MatchString(f) {
			t.Fatalf("flag %q does not look like CTF{32 hex}", f)
		}
		if seen[f] {
			t.Fatalf("flag %q made twice", f)
		}
		seen[f] = true
	}
}

func TestMatches(t *testing.T) {
	hashes := []string{Hash("FLAG{one}"), Hash("FLAG{two}")}
	for _, tc := range []struct {
		flag string
		want bool
	}{
		{"FLAG{one}", true},
		{"FLAG{two}\n", true},
		{"  FLAG{two}", true},
		{"FLAG{three}", false},
		{"flag{one}", false},
		{"", false},
		{"   ", false},
	} {
		if got := Matches(tc.flag, hashes); got != tc.want {
			t.Errorf("Matches(%q) = %v, want %v", tc.flag, got, tc.want)
		}
	}
	if Matches("FLAG{one}", nil) {
		t.Error("a flag matched an instance without flags")
	}
}
