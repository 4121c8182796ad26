package safepath

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestName(t *testing.T) {
	ok := []string{
		"Bypass The Firewall",
		"Solr 3.5.0 - Arbitrary Data Deletion",
		"Apache Pluto 3.0.0 - 3.0.1 - Persistent Cross-Site Scripting",
		"dsp-projects",
		"wp56-xdebug",
		"a",
		"lab_1",
		"%2F..", // only a name: it is never URL-decoded
		"trailing.dot.",
		"x..y",
		"ünïcödé lab",
		strings.Repeat("n", 255),
	}
	for _, n := range ok {
		if err := Name(n); err != nil {
			t.Errorf("Name(%q) = %v, want nil", n, err)
		}
	}
	bad := map[string]string{
		"":                       "empty",
		".":                      "starts with a dot",
		"..":                     "starts with a dot",
		".dsp":                   "starts with a dot",
		".data":                  "starts with a dot",
		"a/b":                    "separator",
		"../x":                   "separator",
		"/etc":                   "separator",
		`a\b`:                    "separator",
		`..\..\windows`:          "separator",
		"nul\x00byte":            "NUL",
		" leading":               "white space",
		"trailing ":              "white space",
		"tab\tinside":            "control character",
		"new\nline":              "control character",
		"del\x7f":                "control character",
		strings.Repeat("n", 256): "longer than 255",
	}
	for n, wantMsg := range bad {
		err := Name(n)
		if err == nil {
			t.Errorf("Name(%q) = nil, want an error", n)
			continue
		}
		if !strings.Contains(err.Error(), wantMsg) {
			t.Errorf("Name(%q) = %q, want it to mention %q", n, err, wantMsg)
		}
	}
}

func TestJoin(t *testing.T) {
	root := "/home/u/dsp"
	got, err := Join(root, "dsp-projects", "Bypass The Firewall")
	if err != nil || got != "/home/u/dsp/dsp-projects/Bypass The Firewall" {
		t.Errorf("Join = %q, %v", got, err)
	}
	if got, err := Join(root); err != nil || got != root {
		t.Errorf("Join(root) = %q, %v, want the root", got, err)
	}
	for _, names := range [][]string{
		{".."},
		{"repo", ".."},
		{"repo", "../../etc"},
		{"repo", "a/b"},
		{"repo", ""},
		{"repo", "x\x00"},
		{"repo", `..\x`},
	} {
		if got, err := Join(root, names...); err == nil {
			t.Errorf("Join(%q) = %q, want an error", names, got)
		}
	}
}

// tree makes root with a subfolder, a file, a folder outside root, and
// symbolic links pointing inside and outside.
func tree(t *testing.T) (root, outside string) {
	t.Helper()
	base := t.TempDir()
	root = filepath.Join(base, "root")
	outside = filepath.Join(base, "outside")
	for _, d := range []string{filepath.Join(root, "sub"), outside} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	for _, f := range []string{filepath.Join(root, "sub", "file"), filepath.Join(outside, "secret")} {
		if err := os.WriteFile(f, []byte("x"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	links := map[string]string{
		"in-rel":       "sub",                                 // inside, relative
		"in-abs":       filepath.Join(root, "sub"),            // inside, absolute
		"in-dotdot":    "sub/../sub/file",                     // inside via ..
		"out-rel":      "../outside",                          // outside, relative
		"out-abs":      outside,                               // outside, absolute
		"out-etc":      "/etc",                                // the host's /etc
		"out-file":     filepath.Join(outside, "secret"),      // a file outside
		"dangling-in":  "sub/not-yet",                         // inside, target missing
		"dangling-out": filepath.Join(outside, "not-yet"),     // outside, target missing
		"dangling-far": "/nonexistent-dsp-test/deeper/target", // outside, nothing exists
		"chain-out":    "out-rel",                             // a link to a link outside
		"chain-dang":   "dangling-out",                        // a link to a dangling link outside
	}
	for name, target := range links {
		if err := os.Symlink(target, filepath.Join(root, name)); err != nil {
			t.Fatal(err)
		}
	}
	return root, outside
}

func TestWithin(t *testing.T) {
	root, outside := tree(t)
	inside := []struct{ p, want string }{
		{".", root},
		{"", root},
		{root, root},
		{"sub", filepath.Join(root, "sub")},
		{"sub/file", filepath.Join(root, "sub", "file")},
		{filepath.Join(root, "sub", "file"), filepath.Join(root, "sub", "file")},
		{"sub/../sub/./file", filepath.Join(root, "sub", "file")},
		{"in-rel/file", filepath.Join(root, "in-rel", "file")},
		{"in-abs/file", filepath.Join(root, "in-abs", "file")},
		{"in-dotdot", filepath.Join(root, "in-dotdot")},
		// Paths that do not exist yet are checked through their parent.
		{"new", filepath.Join(root, "new")},
		{"new/deeper/file", filepath.Join(root, "new", "deeper", "file")},
		{"in-rel/new/file", filepath.Join(root, "in-rel", "new", "file")},
		{"dangling-in", filepath.Join(root, "dangling-in")},
		{"dangling-in/below", filepath.Join(root, "dangling-in", "below")},
	}
	for _, tc := range inside {
		got, err := Within(root, tc.p)
		if err != nil {
			t.Errorf("Within(root, %q) = %v, want inside", tc.p, err)
			continue
		}
		if got != tc.want {
			t.Errorf("Within(root, %q) = %q, want %q", tc.p, got, tc.want)
		}
	}

	escaping := []string{
		"..",
		"../outside",
		"../outside/secret",
		"sub/../../outside",
		"../root-sibling",
		"/etc/passwd",
		outside,
		filepath.Join(outside, "new-file"),
		"out-rel",
		"out-rel/secret",
		"out-rel/new-file",
		"out-abs",
		"out-abs/secret",
		"out-etc",
		"out-etc/passwd",
		"out-file",
		"chain-out",
		"chain-out/secret",
		// A link whose target does not exist yet still points outside:
		// creating the path would write there.
		"dangling-out",
		"dangling-out/below",
		"dangling-far",
		"chain-dang",
	}
	for _, p := range escaping {
		got, err := Within(root, p)
		if err == nil {
			t.Errorf("Within(root, %q) = %q, want an error", p, got)
			continue
		}
		if !strings.Contains(err.Error(), "outside") {
			t.Errorf("Within(root, %q) = %q, want it to say outside", p, err)
		}
	}
}

// A root whose name is a prefix of a sibling's must not accept the sibling.
func TestWithinPrefixSibling(t *testing.T) {
	base := t.TempDir()
	root := filepath.Join(base, "lab")
	sibling := filepath.Join(base, "lab2")
	for _, d := range []string{root, sibling} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := Within(root, sibling); err == nil {
		t.Errorf("Within(%s, %s) accepted a sibling that shares the prefix", root, sibling)
	}
	if _, err := Within(root, "../lab2/x"); err == nil {
		t.Error("Within accepted ../lab2/x")
	}
}

// The root itself may be reached through a symbolic link (a repository
// linked into the main directory).
func TestWithinSymlinkedRoot(t *testing.T) {
	root, _ := tree(t)
	link := filepath.Join(t.TempDir(), "linked-root")
	if err := os.Symlink(root, link); err != nil {
		t.Fatal(err)
	}
	got, err := Within(link, "sub/file")
	if err != nil || got != filepath.Join(link, "sub", "file") {
		t.Errorf("Within(link, sub/file) = %q, %v", got, err)
	}
	if _, err := Within(link, filepath.Join(root, "sub")); err != nil {
		t.Errorf("the real path of a linked root is inside it: %v", err)
	}
	if _, err := Within(link, "out-rel"); err == nil {
		t.Error("escaping link accepted under a linked root")
	}
}

func TestWithinLinkLoop(t *testing.T) {
	root := t.TempDir()
	a, b := filepath.Join(root, "a"), filepath.Join(root, "b")
	if err := os.Symlink(b, a); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(a, b); err != nil {
		t.Fatal(err)
	}
	if got, err := Within(root, "a/x"); err == nil {
		t.Errorf("Within through a link loop = %q, want an error", got)
	}
}

func TestRelative(t *testing.T) {
	root, _ := tree(t)
	ok := map[string]string{
		"sub/file":        filepath.Join(root, "sub", "file"),
		"./sub/file":      filepath.Join(root, "sub", "file"),
		"sub/../sub/file": filepath.Join(root, "sub", "file"),
		"missing.txt":     filepath.Join(root, "missing.txt"),
		"linode_vim":      filepath.Join(root, "linode_vim"),
		"a b/c d.php":     filepath.Join(root, "a b", "c d.php"),
		"in-rel/file":     filepath.Join(root, "in-rel", "file"),
		"..foo":           filepath.Join(root, "..foo"),
		".":               root,
	}
	for rel, want := range ok {
		got, err := Relative(root, rel)
		if err != nil || got != want {
			t.Errorf("Relative(root, %q) = %q, %v, want %q", rel, got, err, want)
		}
	}
	bad := map[string]string{
		"":                 "empty",
		"/etc/passwd":      "absolute",
		"/":                "absolute",
		"..":               "leaves",
		"../x":             "leaves",
		"../../etc/passwd": "leaves",
		"sub/../../x":      "leaves",
		"out-rel/secret":   "outside",
		"out-etc/passwd":   "outside",
		"dangling-out":     "outside",
	}
	for rel, wantMsg := range bad {
		got, err := Relative(root, rel)
		if err == nil {
			t.Errorf("Relative(root, %q) = %q, want an error", rel, got)
			continue
		}
		if !strings.Contains(err.Error(), wantMsg) {
			t.Errorf("Relative(root, %q) = %q, want it to mention %q", rel, err, wantMsg)
		}
		if rel != "" && !strings.Contains(err.Error(), root) {
			t.Errorf("Relative(root, %q) = %q, want it to name the root", rel, err)
		}
	}
}

// A root that does not exist yet (a repository's .data folder) still
// confines paths lexically.
func TestRelativeMissingRoot(t *testing.T) {
	root := filepath.Join(t.TempDir(), "repo", ".data")
	got, err := Relative(root, "private.php")
	if err != nil || got != filepath.Join(root, "private.php") {
		t.Errorf("Relative = %q, %v", got, err)
	}
	if _, err := Relative(root, "../../etc/passwd"); err == nil {
		t.Error("../../etc/passwd accepted under a missing root")
	}
}

// A relative root is taken from the working directory; the result is
// absolute, as documented.
func TestWithinRelativeRoot(t *testing.T) {
	root, _ := tree(t)
	t.Chdir(filepath.Dir(root))
	got, err := Within("root", "sub/file")
	if err != nil || got != filepath.Join(root, "sub", "file") {
		t.Errorf("Within(root, sub/file) = %q, %v, want %q", got, err, filepath.Join(root, "sub", "file"))
	}
	got, err = Relative("root", "sub/file")
	if err != nil || got != filepath.Join(root, "sub", "file") {
		t.Errorf("Relative(root, sub/file) = %q, %v", got, err)
	}
	if _, err := Within("root", "out-rel"); err == nil {
		t.Error("escaping link accepted under a relative root")
	}
	if _, err := Within("root", "../outside"); err == nil {
		t.Error("../outside accepted under a relative root")
	}
}
