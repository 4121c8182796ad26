package archive

import (
	"archive/tar"
	"bytes"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// tarOf builds a tar stream from (name, type, link or content) entries.
func tarOf(entries ...[3]string) []byte {
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for _, e := range entries {
		hdr := &tar.Header{Name: e[0], Mode: 0o644}
		switch e[1] {
		case "dir":
			hdr.Typeflag, hdr.Mode = tar.TypeDir, 0o755
		case "symlink":
			hdr.Typeflag, hdr.Linkname = tar.TypeSymlink, e[2]
		case "hardlink":
			hdr.Typeflag, hdr.Linkname = tar.TypeLink, e[2]
		default:
			hdr.Typeflag, hdr.Size = tar.TypeReg, int64(len(e[2]))
		}
		_ = tw.WriteHeader(hdr)
		if hdr.Typeflag == tar.TypeReg {
			_, _ = tw.Write([]byte(e[2]))
		}
	}
	_ = tw.Close()
	return buf.Bytes()
}

// FuzzExtract feeds arbitrary archives to Extract: it must never panic,
// and never write outside its destination, whatever the entries' names,
// links and order.
func FuzzExtract(f *testing.F) {
	f.Add(tarOf([3]string{"x/", "dir", ""}, [3]string{"x/a", "file", "hello"}), "x", "y")
	f.Add(tarOf([3]string{"x/../../escape", "file", "boom"}), "x", "x")
	f.Add(tarOf([3]string{"x/link", "symlink", "../../.."}, [3]string{"x/link/escape", "file", "boom"}), "x", "x")
	f.Add(tarOf([3]string{"x/abs", "symlink", "/etc"}, [3]string{"x/abs/passwd", "file", "boom"}), "x", "x")
	f.Add(tarOf([3]string{"x/hard", "hardlink", "../outside/marker"}), "x", "x")
	f.Add(tarOf([3]string{"/abs", "file", "boom"}), "", "")
	f.Add([]byte("not a tar at all"), "x", "x")
	f.Fuzz(func(t *testing.T, data []byte, from, to string) {
		// One folder per input, removed at once (t.TempDir keeps them
		// until the fuzzing ends).
		base, err := os.MkdirTemp("", "dsp-fuzz-extract-")
		if err != nil {
			t.Fatal(err)
		}
		defer os.RemoveAll(base)
		dir := filepath.Join(base, "dest")
		outside := filepath.Join(base, "outside")
		for _, d := range []string{dir, outside} {
			if err := os.Mkdir(d, 0o755); err != nil {
				t.Fatal(err)
			}
		}
		marker := filepath.Join(outside, "marker")
		if err := os.WriteFile(marker, []byte("untouched"), 0o644); err != nil {
			t.Fatal(err)
		}
		_ = Extract(bytes.NewReader(data), dir, from, to)
		// Nothing outside dest changed: base holds dest and outside only,
		// and outside holds its marker, unchanged.
		err = filepath.WalkDir(base, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if p == base || p == outside || p == marker || p == dir || strings.HasPrefix(p, dir+string(filepath.Separator)) {
				return nil
			}
			t.Errorf("Extract wrote %s, outside its destination", p)
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if data, err := os.ReadFile(marker); err != nil || string(data) != "untouched" {
			t.Errorf("a file outside the destination changed: %q, %v", data, err)
		}
	})
}
