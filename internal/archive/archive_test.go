package archive

import (
	"archive/tar"
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// entry is one crafted archive entry.
type entry struct {
	name, link string
	typ        byte
	data       string
}

func craft(t *testing.T, entries ...entry) *bytes.Reader {
	t.Helper()
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for _, e := range entries {
		hdr := &tar.Header{Name: e.name, Linkname: e.link, Typeflag: e.typ, Mode: 0o644, Size: int64(len(e.data))}
		if e.typ == tar.TypeDir {
			hdr.Mode = 0o755
		}
		if e.typ != tar.TypeReg {
			hdr.Size = 0
		}
		if err := tw.WriteHeader(hdr); err != nil {
			t.Fatal(err)
		}
		if e.typ == tar.TypeReg {
			if _, err := tw.Write([]byte(e.data)); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	return bytes.NewReader(buf.Bytes())
}

func reg(name, data string) entry   { return entry{name: name, typ: tar.TypeReg, data: data} }
func dir(name string) entry         { return entry{name: name, typ: tar.TypeDir} }
func symlink(name, to string) entry { return entry{name: name, typ: tar.TypeSymlink, link: to} }
func hardlink(name, to string) entry {
	return entry{name: name, typ: tar.TypeLink, link: to}
}

// sandbox is a folder with a destination inside it and a file next to the
// destination that no extraction may touch.
func sandbox(t *testing.T) (dest, outside string) {
	t.Helper()
	base := t.TempDir()
	dest = filepath.Join(base, "dest")
	if err := os.Mkdir(dest, 0o755); err != nil {
		t.Fatal(err)
	}
	outside = filepath.Join(base, "outside.txt")
	if err := os.WriteFile(outside, []byte("untouched"), 0o644); err != nil {
		t.Fatal(err)
	}
	return dest, outside
}

func TestExtractRefusesTarSlip(t *testing.T) {
	cases := map[string][]entry{
		"dot-dot":                  {reg("../outside.txt", "pwned")},
		"dot-dot inside a name":    {dir("a/"), reg("a/../../outside.txt", "pwned")},
		"absolute name":            {reg("/tmp/dsp-archive-test-abs", "pwned")},
		"absolute symlink":         {symlink("link", "/etc"), reg("link/pwned", "x")},
		"symlink up":               {symlink("link", "../"), reg("link/outside.txt", "pwned")},
		"symlink up from a folder": {dir("a/"), symlink("a/link", "../../outside.txt")},
		"hard link out":            {hardlink("h", "../outside.txt")},
		"hard link absolute":       {hardlink("h", "/etc/passwd")},
		// Lexically inside, but through a link that climbs: only the check
		// on disk sees it.
		"symlink through a climbing link": {dir("p/q/"), symlink("p/q/up", "../.."), symlink("e", "p/q/up/..")},
		// The order trick: the link is dangling when made, escapes later.
		"dangling then climbing": {symlink("e", "p/q/up/../outside.txt"), dir("p/q/"), symlink("p/q/up", "../..")},
	}
	for name, entries := range cases {
		t.Run(name, func(t *testing.T) {
			dest, outside := sandbox(t)
			err := Extract(craft(t, entries...), dest, "", "")
			var unsafe *UnsafeEntryError
			if !errors.As(err, &unsafe) {
				// os.Root refusing a write through a link is fine too.
				if err == nil || !strings.Contains(err.Error(), "escapes") {
					t.Fatalf("Extract = %v, want an UnsafeEntryError", err)
				}
			}
			if data, _ := os.ReadFile(outside); string(data) != "untouched" {
				t.Errorf("the file outside the destination was changed: %q", data)
			}
			if _, err := os.Lstat("/tmp/dsp-archive-test-abs"); err == nil {
				t.Errorf("an absolute entry was written")
			}
		})
	}
}

func TestExtractThroughAnExistingLinkStaysInside(t *testing.T) {
	dest, outside := sandbox(t)
	// The destination already holds a link out (the user's own).
	if err := os.Symlink(filepath.Dir(outside), filepath.Join(dest, "out")); err != nil {
		t.Fatal(err)
	}
	err := Extract(craft(t, reg("out/outside.txt", "pwned")), dest, "", "")
	if err == nil {
		t.Fatal("Extract wrote through a link leading out of the destination")
	}
	if data, _ := os.ReadFile(outside); string(data) != "untouched" {
		t.Errorf("the file outside the destination was changed: %q", data)
	}
}

func TestExtractRenamesAndKeepsLinksInside(t *testing.T) {
	dest, _ := sandbox(t)
	r := craft(t,
		dir("www/"),
		dir("www/css/"),
		reg("www/index.html", "<h1>hi</h1>"),
		reg("www/css/a.css", "body{}"),
		symlink("www/home", "index.html"),
		symlink("www/css/up", "../index.html"),
		hardlink("www/copy.html", "www/index.html"),
		entry{name: "www/fifo", typ: tar.TypeFifo},
	)
	if err := Extract(r, dest, "www", "site"); err != nil {
		t.Fatal(err)
	}
	for p, want := range map[string]string{
		"site/index.html": "<h1>hi</h1>", "site/css/a.css": "body{}", "site/home": "<h1>hi</h1>",
		"site/css/up": "<h1>hi</h1>", "site/copy.html": "<h1>hi</h1>",
	} {
		data, err := os.ReadFile(filepath.Join(dest, p))
		if err != nil || string(data) != want {
			t.Errorf("%s = %q, %v; want %q", p, data, err, want)
		}
	}
	if target, _ := os.Readlink(filepath.Join(dest, "site/home")); target != "index.html" {
		t.Errorf("link kept as %q", target)
	}
	if _, err := os.Lstat(filepath.Join(dest, "site/fifo")); err == nil {
		t.Errorf("a FIFO was created")
	}
	// An entry outside the copied path is refused when renaming.
	if err := Extract(craft(t, reg("other/x", "y")), dest, "www", "site"); err == nil {
		t.Errorf("an entry outside the copied path was accepted")
	}
}

func TestRelPath(t *testing.T) {
	for _, ok := range []string{"a.txt", "site/css/a.css", "with space/é.txt", "..a/b..", ".hidden"} {
		if err := RelPath(ok); err != nil {
			t.Errorf("RelPath(%q) = %v", ok, err)
		}
	}
	for _, bad := range []string{"", "/abs", "../x", "a/../b", "a//b", "a/./b", "./a", "a/", `a\b`, "a\x00b", "a\nb", strings.Repeat("x", 256)} {
		if err := RelPath(bad); err == nil {
			t.Errorf("RelPath(%q) accepted", bad)
		}
	}
}
