package archive

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var testLimits = Limits{MaxBytes: 1 << 20, MaxEntries: 100}

// zipEntry is one crafted zip entry.
type zipped struct {
	name string
	mode fs.FileMode
	data string
}

func craftZip(t *testing.T, entries ...zipped) *bytes.Reader {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, e := range entries {
		h := &zip.FileHeader{Name: e.name, Method: zip.Deflate}
		mode := e.mode
		if mode == 0 {
			mode = 0o644
		}
		h.SetMode(mode)
		w, err := zw.CreateHeader(h)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write([]byte(e.data)); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return bytes.NewReader(buf.Bytes())
}

func extractZip(t *testing.T, r *bytes.Reader, dest string, lim Limits) error {
	t.Helper()
	return ExtractZip(context.Background(), r, r.Size(), dest, lim)
}

func TestExtractTarChecksEveryEntry(t *testing.T) {
	cases := map[string][]entry{
		"dot-dot":                             {reg("../outside.txt", "pwned")},
		"absolute name":                       {reg("/tmp/dsp-archive-test-abs", "pwned")},
		"symlink to /etc":                     {dir("lab/"), symlink("lab/etc", "/etc")},
		"symlink up":                          {symlink("link", "../"), reg("link/outside.txt", "pwned")},
		"hard link out":                       {hardlink("h", "../outside.txt")},
		"hard link absolute":                  {hardlink("h", "/etc/passwd")},
		"hard link to no file of the archive": {dir("lab/"), hardlink("lab/h", "lab/nothing")},
		"hard link to a folder":               {dir("lab/"), hardlink("lab/h", "lab")},
		"device":                              {entry{name: "lab/null", typ: tar.TypeChar}},
		"block device":                        {entry{name: "lab/sda", typ: tar.TypeBlock}},
		"fifo":                                {entry{name: "lab/fifo", typ: tar.TypeFifo}},
		"climbing link":                       {dir("p/q/"), symlink("p/q/up", "../.."), symlink("e", "p/q/up/..")},
	}
	for name, entries := range cases {
		t.Run(name, func(t *testing.T) {
			dest, outside := sandbox(t)
			err := ExtractTar(context.Background(), craft(t, entries...), dest, testLimits)
			var unsafe *UnsafeEntryError
			if !errors.As(err, &unsafe) {
				if err == nil || !strings.Contains(err.Error(), "escapes") {
					t.Fatalf("ExtractTar = %v, want an UnsafeEntryError", err)
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

func TestExtractTarKeepsWhatIsSafe(t *testing.T) {
	dest, _ := sandbox(t)
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for _, h := range []*tar.Header{
		{Name: "./", Typeflag: tar.TypeDir, Mode: 0o755},
		{Name: "./lab/", Typeflag: tar.TypeDir, Mode: 0o755},
		{Name: "./lab/run.sh", Typeflag: tar.TypeReg, Mode: 0o4755, Size: 2, Uid: 1234, Uname: "mallory"},
		{Name: "./lab/same.sh", Typeflag: tar.TypeLink, Linkname: "lab/run.sh"},
		{Name: "./lab/alias", Typeflag: tar.TypeSymlink, Linkname: "run.sh"},
	} {
		if err := tw.WriteHeader(h); err != nil {
			t.Fatal(err)
		}
		if h.Size > 0 {
			if _, err := tw.Write([]byte("ok")); err != nil {
				t.Fatal(err)
			}
		}
	}
	tw.Close()
	if err := ExtractTar(context.Background(), &buf, dest, testLimits); err != nil {
		t.Fatal(err)
	}
	st, err := os.Stat(filepath.Join(dest, "lab", "run.sh"))
	if err != nil || st.Mode() != 0o755 {
		t.Errorf("run.sh: %v, %v; want mode 0755 (no setuid)", st, err)
	}
	for _, p := range []string{"same.sh", "alias"} {
		if data, err := os.ReadFile(filepath.Join(dest, "lab", p)); err != nil || string(data) != "ok" {
			t.Errorf("%s = %q, %v", p, data, err)
		}
	}
}

func TestExtractLimits(t *testing.T) {
	var many []entry
	for i := range 101 {
		many = append(many, reg(fmt.Sprintf("f%d", i), "x"))
	}
	big := reg("big", strings.Repeat("x", 1<<20+1))
	// A folder that says it is huge costs as much to skip as to read.
	huge := &tar.Header{Name: "d/", Typeflag: tar.TypeDir, Size: 1 << 40}
	for name, r := range map[string]*bytes.Reader{"count": craft(t, many...), "size": craft(t, big), "stated size": headerOnly(t, huge)} {
		t.Run("tar "+name, func(t *testing.T) {
			dest, _ := sandbox(t)
			var limit *LimitError
			if err := ExtractTar(context.Background(), r, dest, testLimits); !errors.As(err, &limit) {
				t.Fatalf("ExtractTar = %v, want a LimitError", err)
			}
		})
	}
	var manyZip []zipped
	for i := range 101 {
		manyZip = append(manyZip, zipped{name: fmt.Sprintf("f%d", i), data: "x"})
	}
	for name, r := range map[string]*bytes.Reader{"count": craftZip(t, manyZip...), "size": craftZip(t, zipped{name: "big", data: strings.Repeat("x", 1<<20+1)})} {
		t.Run("zip "+name, func(t *testing.T) {
			dest, _ := sandbox(t)
			var limit *LimitError
			err := extractZip(t, r, dest, testLimits)
			if !errors.As(err, &limit) {
				t.Fatalf("ExtractZip = %v, want a LimitError", err)
			}
			if entries, _ := os.ReadDir(dest); len(entries) != 0 {
				t.Errorf("a refused zip wrote %d entries", len(entries))
			}
			if !strings.Contains(err.Error(), "refused") {
				t.Errorf("error %q does not say the archive is refused", err)
			}
		})
	}
}

// headerOnly is a tar stream of one header whose content is cut off.
func headerOnly(t *testing.T, hdr *tar.Header) *bytes.Reader {
	t.Helper()
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	if err := tw.WriteHeader(hdr); err != nil {
		t.Fatal(err)
	}
	tw.Flush()
	return bytes.NewReader(buf.Bytes())
}

func TestExtractZip(t *testing.T) {
	dest, _ := sandbox(t)
	r := craftZip(t,
		zipped{name: "lab/", mode: fs.ModeDir | 0o755},
		zipped{name: "lab/compose.yaml", data: "services: {}\n"},
		zipped{name: `lab\files\motd`, data: "hello"},
		zipped{name: "lab/solve.sh", mode: 0o755, data: "#!/bin/sh\n"},
		zipped{name: "lab/motd", mode: fs.ModeSymlink | 0o777, data: "files/motd"},
	)
	if err := extractZip(t, r, dest, testLimits); err != nil {
		t.Fatal(err)
	}
	for p, want := range map[string]string{"lab/compose.yaml": "services: {}\n", "lab/files/motd": "hello", "lab/motd": "hello"} {
		if data, err := os.ReadFile(filepath.Join(dest, p)); err != nil || string(data) != want {
			t.Errorf("%s = %q, %v; want %q", p, data, err, want)
		}
	}
	if st, err := os.Stat(filepath.Join(dest, "lab/solve.sh")); err != nil || st.Mode().Perm() != 0o755 {
		t.Errorf("solve.sh mode %v, %v", st, err)
	}
}

func TestExtractZipRefuses(t *testing.T) {
	cases := map[string][]zipped{
		"zip-slip":         {{name: "../outside.txt", data: "pwned"}},
		"zip-slip, DOS":    {{name: `..\outside.txt`, data: "pwned"}},
		"absolute":         {{name: "/tmp/dsp-archive-test-abs", data: "pwned"}},
		"symlink to /etc":  {{name: "lab/etc", mode: fs.ModeSymlink | 0o777, data: "/etc"}},
		"symlink up":       {{name: "lab/up", mode: fs.ModeSymlink | 0o777, data: "../../outside.txt"}},
		"device":           {{name: "lab/null", mode: fs.ModeDevice | fs.ModeCharDevice | 0o666}},
		"named pipe":       {{name: "lab/fifo", mode: fs.ModeNamedPipe | 0o666}},
		"link, then write": {{name: "l", mode: fs.ModeSymlink | 0o777, data: ".."}, {name: "l/outside.txt", data: "pwned"}},
	}
	for name, entries := range cases {
		t.Run(name, func(t *testing.T) {
			dest, outside := sandbox(t)
			err := extractZip(t, craftZip(t, entries...), dest, testLimits)
			var unsafe *UnsafeEntryError
			if !errors.As(err, &unsafe) && (err == nil || !strings.Contains(err.Error(), "escapes")) {
				t.Fatalf("ExtractZip = %v, want an UnsafeEntryError", err)
			}
			if data, _ := os.ReadFile(outside); string(data) != "untouched" {
				t.Errorf("the file outside the destination was changed: %q", data)
			}
			if _, err := os.Lstat("/tmp/dsp-archive-test-abs"); err == nil {
				t.Errorf("an absolute entry was written")
			}
		})
	}
	// Not a zip at all, and a damaged one.
	dest, _ := sandbox(t)
	var format *FormatError
	if err := extractZip(t, bytes.NewReader([]byte("not a zip")), dest, testLimits); !errors.As(err, &format) {
		t.Errorf("ExtractZip(garbage) = %v, want a FormatError", err)
	}
	good := craftZip(t, zipped{name: "a", data: strings.Repeat("abc", 1000)})
	data := make([]byte, good.Len())
	_, _ = good.Read(data)
	data[40] ^= 0xff // inside the compressed content
	if err := extractZip(t, bytes.NewReader(data), dest, testLimits); !errors.As(err, &format) {
		t.Errorf("ExtractZip(damaged) = %v, want a FormatError", err)
	}
	if err := ExtractTar(context.Background(), bytes.NewReader(bytes.Repeat([]byte{'x'}, 1024)), dest, testLimits); !errors.As(err, &format) {
		t.Errorf("ExtractTar(garbage) = %v, want a FormatError", err)
	}
}

func TestLinksInside(t *testing.T) {
	base := t.TempDir()
	lab := filepath.Join(base, "lab")
	if err := os.MkdirAll(filepath.Join(lab, "files"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(base, "sibling"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	for name, target := range map[string]string{"files/in": "../compose.yaml", "dangling": "nothing-yet"} {
		if err := os.Symlink(target, filepath.Join(lab, name)); err != nil {
			t.Fatal(err)
		}
	}
	if err := LinksInside(lab); err != nil {
		t.Fatalf("LinksInside = %v for links that stay inside", err)
	}
	// Inside what was extracted, but outside the lab folder in it.
	for _, target := range []string{"../sibling", "../nothing", "/etc"} {
		p := filepath.Join(lab, "out")
		os.Remove(p)
		if err := os.Symlink(target, p); err != nil {
			t.Fatal(err)
		}
		var unsafe *UnsafeEntryError
		if err := LinksInside(lab); !errors.As(err, &unsafe) {
			t.Errorf("LinksInside with a link to %s = %v, want an UnsafeEntryError", target, err)
		}
	}
}
