package app_test

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	cerrdefs "github.com/containerd/errdefs"

	"github.com/dsp-lab/dsp/examples"
	"github.com/dsp-lab/dsp/internal/app"
	"github.com/dsp-lab/dsp/internal/archive"
	"github.com/dsp-lab/dsp/internal/engine"
	"github.com/dsp-lab/dsp/internal/engine/fake"
	"github.com/dsp-lab/dsp/internal/lab"
)

// corpusRepo copies the upstream corpus (read-only) into the main
// directory as repository dsp-projects and returns its folder.
func corpusRepo(t *testing.T, home string) string {
	t.Helper()
	src, _ := filepath.Abs("../../../shared/corpus/dsp-projects")
	if _, err := os.Stat(src); err != nil {
		t.Skipf("upstream corpus not found: %v", err)
	}
	dst := filepath.Join(home, "dsp-projects")
	err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		target := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(target, data, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	return dst
}

// file is what a round trip must keep of a file: its content and mode.
type file struct {
	data string
	mode fs.FileMode
}

// treeOf lists a folder: relative path -> file (folders with their mode
// type only, links as "-> target").
func treeOf(t *testing.T, dir string) map[string]file {
	t.Helper()
	out := map[string]file{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || p == dir {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		info, err := d.Info()
		if err != nil {
			return err
		}
		switch {
		case info.Mode()&fs.ModeSymlink != 0:
			target, _ := os.Readlink(p)
			out[rel] = file{data: "-> " + target, mode: fs.ModeSymlink}
		case info.IsDir():
			out[rel] = file{mode: fs.ModeDir}
		default:
			data, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			out[rel] = file{data: string(data), mode: info.Mode()}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// sameTree reports the differences between two folders.
func sameTree(t *testing.T, what, want, got string) {
	t.Helper()
	a, b := treeOf(t, want), treeOf(t, got)
	for p, f := range a {
		g, ok := b[p]
		switch {
		case !ok:
			t.Errorf("%s: %s is missing", what, p)
		case g != f:
			t.Errorf("%s: %s differs: %v %d bytes, want %v %d bytes", what, p, g.mode, len(g.data), f.mode, len(f.data))
		}
	}
	for p := range b {
		if _, ok := a[p]; !ok {
			t.Errorf("%s: %s is extra", what, p)
		}
	}
}

// tempLeft fails when the main directory's temporary folder holds
// anything.
func tempLeft(t *testing.T, home string) {
	t.Helper()
	entries, _ := os.ReadDir(filepath.Join(home, ".dsp.d", "tmp"))
	for _, e := range entries {
		t.Errorf("left in the temporary folder: %s", e.Name())
	}
}

// labsOf lists the labs of a repository folder.
func labsOf(t *testing.T, dir string) []string {
	t.Helper()
	var out []string
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if e.IsDir() && lab.IsLabDir(filepath.Join(dir, e.Name())) {
			out = append(out, e.Name())
		}
	}
	return out
}

// argOf returns the argument an error names.
func argOf(err error) string {
	var a *app.ArgError
	if errors.As(err, &a) {
		return a.Arg
	}
	return ""
}

func TestNewLab(t *testing.T) {
	a, _, home := newApp(t)
	ctx := context.Background()
	personal := personalRepo(t, a)
	got, err := a.NewLab(ctx, "My Lab 1.0", "")
	if err != nil {
		t.Fatal(err)
	}
	if got.ID() != personal+"/My Lab 1.0" || got.Format != lab.FormatNative || got.Title != "My Lab 1.0" || got.LoadErr != nil || !got.Trusted {
		t.Errorf("new lab = %s %s %q %v trusted %v", got.ID(), got.Format, got.Title, got.LoadErr, got.Trusted)
	}
	svc := got.Services()
	if len(svc) != 1 || svc[0].Name != "box" || svc[0].Image != "dsp/busybox:latest" || len(got.Risks()) != 0 {
		t.Errorf("services %+v, risks %v", svc, got.Risks())
	}
	if cmd := got.Project.Services["box"].Command; !slices.Equal(cmd, []string{"sleep", "infinity"}) {
		t.Errorf("command = %v", cmd)
	}
	if files := labsOf(t, filepath.Join(home, personal)); !slices.Equal(files, []string{"My Lab 1.0"}) {
		t.Errorf("personal labs = %v", files)
	}
	// It resolves, and runs on the engine.
	if _, err := a.Lab(ctx, personal+"/my lab 1.0"); err != nil {
		t.Errorf("the new lab does not resolve: %v", err)
	}
	ref, _ := got.Ref("")
	if _, err := a.Up(ctx, got, ref, app.UpOptions{}); err != nil {
		t.Errorf("the new lab does not start: %v", err)
	}

	for _, taken := range []string{"My Lab 1.0", "my lab 1.0"} {
		if _, err := a.NewLab(ctx, taken, ""); !cerrdefs.IsConflict(err) || argOf(err) != "name" {
			t.Errorf("NewLab(%q) = %v, want a Conflict about the name", taken, err)
		}
	}
	for _, bad := range []string{"", "a/b", "..", "../x", ".hidden", "x\x00"} {
		if _, err := a.NewLab(ctx, bad, ""); !cerrdefs.IsInvalidArgument(err) || argOf(err) != "name" {
			t.Errorf("NewLab(%q) = %v, want an InvalidArgument about the name", bad, err)
		}
	}
	tempLeft(t, home)
}

func TestCopyLab(t *testing.T) {
	a, _, home := newApp(t)
	ctx := context.Background()
	personal := personalRepo(t, a)
	hello, err := a.Lab(ctx, "examples/hello-flag")
	if err != nil {
		t.Fatal(err)
	}
	cp, err := a.CopyLab(ctx, hello, "hello copy")
	if err != nil {
		t.Fatal(err)
	}
	if cp.ID() != personal+"/hello copy" || cp.LoadErr != nil || !cp.Trusted {
		t.Errorf("copy = %s, %v, trusted %v", cp.ID(), cp.LoadErr, cp.Trusted)
	}
	sameTree(t, "copy of hello-flag", hello.Dir, cp.Dir)

	// NewLab --from, from an upstream lab.
	corpusRepo(t, home)
	up, err := a.NewLab(ctx, "Firewall", "dsp-projects/bypass the firewall")
	if err != nil {
		t.Fatal(err)
	}
	if up.Format != lab.FormatUpstream || up.LoadErr != nil {
		t.Errorf("copied upstream lab: %s %v", up.Format, up.LoadErr)
	}
	sameTree(t, "copy of Bypass The Firewall", filepath.Join(home, "dsp-projects", "Bypass The Firewall"), up.Dir)

	// Links out of the lab are neither followed nor copied.
	src := writeLab(t, filepath.Join(home, "strangers"), "linky", map[string]string{"compose.yaml": "services:\n  a:\n    image: dsp/busybox:latest\n", "notes.txt": "n"})
	for name, target := range map[string]string{"etc": "/etc", "up": "../../.dsp.d", "notes": "notes.txt"} {
		if err := os.Symlink(target, filepath.Join(src, name)); err != nil {
			t.Fatal(err)
		}
	}
	linky, err := a.NewLab(ctx, "linky", "strangers/linky")
	if err != nil {
		t.Fatal(err)
	}
	tree := treeOf(t, linky.Dir)
	if _, ok := tree["etc"]; ok {
		t.Errorf("a link to /etc was copied")
	}
	if _, ok := tree["up"]; ok {
		t.Errorf("a link out of the lab was copied")
	}
	if tree["notes"].data != "-> notes.txt" {
		t.Errorf("a link inside the lab was not kept: %v", tree["notes"])
	}

	if _, err := a.NewLab(ctx, "x", "examples/nope"); !cerrdefs.IsNotFound(err) || argOf(err) != "from" {
		t.Errorf("NewLab from an unknown lab = %v, want a NotFound about from", err)
	}
	if _, err := a.CopyLab(ctx, hello, "Hello Copy"); !cerrdefs.IsConflict(err) || argOf(err) != "name" {
		t.Errorf("a copy onto a name in use = %v", err)
	}
	tempLeft(t, home)
}

func TestImportComposeFile(t *testing.T) {
	a, _, home := newApp(t)
	ctx := context.Background()
	personal := personalRepo(t, a)
	compose := "x-dsp:\n  title: Web\nservices:\n  web:\n    image: dsp/busybox:latest\n"
	path := filepath.Join(t.TempDir(), "web-lab.yaml")
	mustWrite(t, path, compose)
	got, err := a.ImportLabFile(ctx, path, "")
	if err != nil {
		t.Fatal(err)
	}
	if got.ID() != personal+"/web-lab" || got.Title != "Web" {
		t.Errorf("imported %s %q", got.ID(), got.Title)
	}
	if data := readFile(t, filepath.Join(got.Dir, "compose.yaml")); data != compose {
		t.Errorf("compose.yaml = %q", data)
	}
	// A compose file named like every compose file needs a name; it keeps
	// its own name.
	up := filepath.Join(t.TempDir(), "docker-compose.yml")
	mustWrite(t, up, "services:\n  a:\n    image: dsp/busybox:latest\n")
	if _, err := a.ImportLabFile(ctx, up, ""); !cerrdefs.IsInvalidArgument(err) || argOf(err) != "name" {
		t.Errorf("import of docker-compose.yml without a name = %v", err)
	}
	named, err := a.ImportLab(ctx, strings.NewReader(readFile(t, up)), "docker-compose.yml", "Plain")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(named.Dir, "docker-compose.yml")); err != nil {
		t.Errorf("the compose file was renamed: %v", err)
	}
	// A compose file that does not load is refused, with the loader's
	// problems, and leaves nothing.
	bad := "services:\n  a:\n    image: dsp/busybox:latest\n    volumes: [/etc:/host]\n"
	_, err = a.ImportLab(ctx, strings.NewReader(bad), "bad.yml", "")
	var imp *app.ImportError
	if !errors.As(err, &imp) || !cerrdefs.IsInvalidArgument(err) || argOf(err) != "file" || !strings.Contains(err.Error(), "compose.yaml:") {
		t.Errorf("import of a lab with errors = %v", err)
	}
	var invalid *lab.InvalidError
	if !errors.As(err, &invalid) {
		t.Errorf("the refusal does not carry the loader's errors: %v", err)
	}
	if labs := labsOf(t, filepath.Join(home, personal)); !slices.Equal(labs, []string{"Plain", "web-lab"}) {
		t.Errorf("personal labs = %v", labs)
	}
	if _, err := a.ImportLab(ctx, strings.NewReader("hello"), "notes.txt", ""); !cerrdefs.IsInvalidArgument(err) || argOf(err) != "file" {
		t.Errorf("import of a text file = %v", err)
	}
	if _, err := a.ImportLab(ctx, strings.NewReader(compose), "web-lab.yml", ""); !cerrdefs.IsConflict(err) || argOf(err) != "name" {
		t.Errorf("import onto a name in use = %v", err)
	}
	tempLeft(t, home)
}

// archiveEntry is one entry of an archive a test makes.
type archiveEntry struct {
	name, data, link string
	typ              byte
	mode             int64
}

func makeTar(t *testing.T, gz bool, entries ...archiveEntry) []byte {
	t.Helper()
	var buf bytes.Buffer
	var tw *tar.Writer
	var zw *gzip.Writer
	if gz {
		zw = gzip.NewWriter(&buf)
		tw = tar.NewWriter(zw)
	} else {
		tw = tar.NewWriter(&buf)
	}
	for _, e := range entries {
		typ := e.typ
		if typ == 0 {
			typ = tar.TypeReg
		}
		mode := e.mode
		if mode == 0 {
			mode = 0o644
		}
		hdr := &tar.Header{Name: e.name, Typeflag: typ, Linkname: e.link, Mode: mode}
		if typ == tar.TypeReg {
			hdr.Size = int64(len(e.data))
		}
		if err := tw.WriteHeader(hdr); err != nil {
			t.Fatal(err)
		}
		if typ == tar.TypeReg {
			if _, err := tw.Write([]byte(e.data)); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	if zw != nil {
		if err := zw.Close(); err != nil {
			t.Fatal(err)
		}
	}
	return buf.Bytes()
}

func makeZip(t *testing.T, entries ...archiveEntry) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, e := range entries {
		h := &zip.FileHeader{Name: e.name, Method: zip.Deflate}
		switch e.typ {
		case tar.TypeDir:
			h.SetMode(fs.ModeDir | 0o755)
		case tar.TypeSymlink:
			h.SetMode(fs.ModeSymlink | 0o777)
			e.data = e.link
		default:
			h.SetMode(0o644)
			if e.mode != 0 {
				h.SetMode(fs.FileMode(e.mode))
			}
		}
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
	return buf.Bytes()
}

const nativeCompose = "x-dsp:\n  title: Packed\nservices:\n  a:\n    image: dsp/busybox:latest\n"

func TestImportArchives(t *testing.T) {
	a, _, home := newApp(t)
	ctx := context.Background()
	personal := personalRepo(t, a)
	folder := []archiveEntry{
		{name: "Packed Lab/", typ: tar.TypeDir},
		{name: "Packed Lab/.dsp"},
		{name: "Packed Lab/compose.yaml", data: nativeCompose},
		{name: "Packed Lab/solve.sh", data: "#!/bin/sh\n", mode: 0o755},
		{name: "Packed Lab/README.md", data: "# Packed\n"},
	}
	contents := []archiveEntry{{name: "./"}, {name: "./compose.yaml", data: nativeCompose}, {name: "./goal.md", data: "find it"}}
	contents[0].typ = tar.TypeDir
	for _, tc := range []struct {
		file, name, want string
		data             []byte
	}{
		{"lab.zip", "", "Packed Lab", makeZip(t, folder...)},
		{"lab.tar.gz", "zip-less", "zip-less", makeTar(t, true, folder...)},
		{"lab.tar", "plain tar", "plain tar", makeTar(t, false, folder...)},
		{"contents.tgz", "", "contents", makeTar(t, true, contents...)},
		{"contents.zip", "", "contents zip", makeZip(t, archiveEntry{name: "compose.yaml", data: nativeCompose})},
		// No extension: the content says what it is.
		{"download", "sniffed", "sniffed", makeTar(t, true, folder...)},
	} {
		t.Run(tc.file, func(t *testing.T) {
			if tc.want == "contents zip" {
				tc.file = "contents zip.zip"
			}
			got, err := a.ImportLab(ctx, bytes.NewReader(tc.data), tc.file, tc.name)
			if err != nil {
				t.Fatal(err)
			}
			if got.ID() != personal+"/"+tc.want || got.LoadErr != nil || got.Title != "Packed" {
				t.Errorf("imported %s %q %v", got.ID(), got.Title, got.LoadErr)
			}
			if _, err := os.Stat(filepath.Join(got.Dir, "compose.yaml")); err != nil {
				t.Error(err)
			}
		})
	}
	solve, err := os.Stat(filepath.Join(home, personal, "Packed Lab", "solve.sh"))
	if err != nil || solve.Mode().Perm() != 0o755 {
		t.Errorf("solve.sh: %v, %v", solve, err)
	}
	// From a file on disk (a zip is read in place).
	zipFile := filepath.Join(t.TempDir(), "disk.zip")
	if err := os.WriteFile(zipFile, makeZip(t, folder...), 0o644); err != nil {
		t.Fatal(err)
	}
	if got, err := a.ImportLabFile(ctx, zipFile, "from disk"); err != nil || got.Title != "Packed" {
		t.Errorf("ImportLabFile(zip) = %v", err)
	}
	// An archive of a folder that is no lab, or of two folders.
	for name, data := range map[string][]byte{
		"nolab.tar": makeTar(t, false, archiveEntry{name: "x/notes.txt", data: "n"}),
		"two.tar":   makeTar(t, false, archiveEntry{name: "x/compose.yaml", data: nativeCompose}, archiveEntry{name: "y/compose.yaml", data: nativeCompose}),
		"empty.zip": makeZip(t),
	} {
		if _, err := a.ImportLab(ctx, bytes.NewReader(data), name, ""); !cerrdefs.IsInvalidArgument(err) || argOf(err) != "file" || !strings.Contains(err.Error(), "holds no lab") {
			t.Errorf("import of %s = %v", name, err)
		}
	}
	tempLeft(t, home)
}

func TestImportHostileArchives(t *testing.T) {
	a, _, home := newApp(t)
	ctx := context.Background()
	personal := personalRepo(t, a)
	lab := func(extra ...archiveEntry) []archiveEntry {
		return append([]archiveEntry{{name: "evil/.dsp"}, {name: "evil/compose.yaml", data: nativeCompose}}, extra...)
	}
	many := lab()
	for i := range app.MaxImportEntries {
		many = append(many, archiveEntry{name: fmt.Sprintf("evil/f%05d", i)})
	}
	cases := map[string][]byte{
		"zip-slip.zip":       makeZip(t, lab(archiveEntry{name: "../../../escaped.txt", data: "pwned"})...),
		"zip-slip.tar.gz":    makeTar(t, true, lab(archiveEntry{name: "evil/../../escaped.txt", data: "pwned"})...),
		"absolute.tar":       makeTar(t, false, lab(archiveEntry{name: "/tmp/dsp-import-abs.txt", data: "pwned"})...),
		"absolute.zip":       makeZip(t, lab(archiveEntry{name: "/tmp/dsp-import-abs.txt", data: "pwned"})...),
		"etc.tar.gz":         makeTar(t, true, lab(archiveEntry{name: "evil/etc", typ: tar.TypeSymlink, link: "/etc"})...),
		"etc.zip":            makeZip(t, lab(archiveEntry{name: "evil/etc", typ: tar.TypeSymlink, link: "/etc"})...),
		"sibling.tar":        makeTar(t, false, lab(archiveEntry{name: "evil/up", typ: tar.TypeSymlink, link: "../other"})...),
		"hardlink.tar":       makeTar(t, false, lab(archiveEntry{name: "evil/passwd", typ: tar.TypeLink, link: "../../../../etc/passwd"})...),
		"hardlink-abs.tar":   makeTar(t, false, lab(archiveEntry{name: "evil/passwd", typ: tar.TypeLink, link: "/etc/passwd"})...),
		"device.tar":         makeTar(t, false, lab(archiveEntry{name: "evil/null", typ: tar.TypeChar})...),
		"many-files.tar.gz":  makeTar(t, true, many...),
		"many-files.zip":     makeZip(t, many...),
		"huge.tar":           hugeTar(t),
		"garbage.tar.gz":     []byte("\x1f\x8bnot really gzip"),
		"garbage.zip":        []byte("PK\x03\x04 not really zip"),
		"truncated.tar.gz":   makeTar(t, true, lab()...)[:40],
		"links-only.tar.gz":  makeTar(t, true, archiveEntry{name: "evil", typ: tar.TypeSymlink, link: "/root"}),
		"dot-dot-name.zip":   makeZip(t, archiveEntry{name: "../compose.yaml", data: nativeCompose}),
		"dos-dot-dot.zip":    makeZip(t, lab(archiveEntry{name: `evil\..\..\escaped.txt`, data: "pwned"})...),
		"hardlink-dir.tar":   makeTar(t, false, lab(archiveEntry{name: "evil/d", typ: tar.TypeLink, link: "evil"})...),
		"climbing-link.tar":  makeTar(t, false, lab(archiveEntry{name: "evil/p/", typ: tar.TypeDir}, archiveEntry{name: "evil/p/up", typ: tar.TypeSymlink, link: ".."}, archiveEntry{name: "evil/e", typ: tar.TypeSymlink, link: "p/up/.."})...),
		"fifo.tar":           makeTar(t, false, lab(archiveEntry{name: "evil/fifo", typ: tar.TypeFifo})...),
		"block-device.tar":   makeTar(t, false, lab(archiveEntry{name: "evil/sda", typ: tar.TypeBlock})...),
		"link-then-file.zip": makeZip(t, lab(archiveEntry{name: "evil/l", typ: tar.TypeSymlink, link: "../.."}, archiveEntry{name: "evil/l/escaped.txt", data: "pwned"})...),
	}
	for name, data := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := a.ImportLab(ctx, bytes.NewReader(data), name, "")
			if !cerrdefs.IsInvalidArgument(err) || argOf(err) != "file" {
				t.Fatalf("ImportLab(%s) = %v, want an InvalidArgument about the file", name, err)
			}
			if strings.HasPrefix(name, "many") || name == "huge.tar" {
				var limit *archive.LimitError
				if !errors.As(err, &limit) || !strings.Contains(err.Error(), "more than") {
					t.Errorf("ImportLab(%s) = %v, want a LimitError", name, err)
				}
			}
			if labs := labsOf(t, filepath.Join(home, personal)); len(labs) != 0 {
				t.Errorf("labs left: %v", labs)
			}
			for _, p := range []string{filepath.Join(home, "escaped.txt"), filepath.Join(home, ".dsp.d", "escaped.txt"), "/tmp/dsp-import-abs.txt"} {
				if _, err := os.Lstat(p); err == nil {
					t.Errorf("%s was written", p)
				}
			}
			tempLeft(t, home)
		})
	}
}

// hugeTar is a tar archive whose one file says it is larger than an import
// may be (its content is not there: the size alone refuses it).
func hugeTar(t *testing.T) []byte {
	t.Helper()
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	if err := tw.WriteHeader(&tar.Header{Name: "evil/big", Typeflag: tar.TypeReg, Mode: 0o644, Size: app.MaxImportBytes + 1}); err != nil {
		t.Fatal(err)
	}
	tw.Flush()
	return buf.Bytes()
}

func TestExportImportRoundTrip(t *testing.T) {
	a, _, home := newApp(t)
	ctx := context.Background()
	personal := personalRepo(t, a)
	corpus := corpusRepo(t, home)
	var ids []string
	for _, name := range labsOf(t, corpus) {
		ids = append(ids, "dsp-projects/"+name)
	}
	if len(ids) != 33 {
		t.Fatalf("the corpus has %d labs, want 33", len(ids))
	}
	ids = append(ids, "examples/hello-flag", "examples/routed-network")
	sort.Strings(ids)
	for _, id := range ids {
		src, err := a.Lab(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		var buf bytes.Buffer
		if err := a.ExportLab(ctx, src, &buf); err != nil {
			t.Fatalf("export %s: %v", id, err)
		}
		got, err := a.ImportLab(ctx, &buf, src.Name+".tar.gz", "")
		if err != nil {
			t.Errorf("import the export of %s: %v", id, err)
			continue
		}
		if got.ID() != personal+"/"+src.Name || got.Format != src.Format || got.Title != src.Title {
			t.Errorf("%s came back as %s (%s, %q)", id, got.ID(), got.Format, got.Title)
		}
		sameTree(t, id, src.Dir, got.Dir)
	}
	if labs := labsOf(t, filepath.Join(home, personal)); len(labs) != len(ids) {
		t.Errorf("%d labs imported, want %d", len(labs), len(ids))
	}
	tempLeft(t, home)
}

func TestRenameAndDeleteRefusals(t *testing.T) {
	a, _, _ := newApp(t)
	ctx := context.Background()
	personal := personalRepo(t, a)
	mine, err := a.NewLab(ctx, "mine", "")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.NewLab(ctx, "other", ""); err != nil {
		t.Fatal(err)
	}

	// Not in the personal repository: forbidden.
	hello, _ := a.Lab(ctx, "examples/hello-flag")
	var notEditable *app.NotEditableError
	if _, err := a.RenameLab(ctx, hello, "x"); !errors.As(err, &notEditable) || !cerrdefs.IsPermissionDenied(err) {
		t.Errorf("RenameLab(examples/hello-flag) = %v, want Forbidden", err)
	}
	if err := a.DeleteLab(ctx, hello); !errors.As(err, &notEditable) || !cerrdefs.IsPermissionDenied(err) {
		t.Errorf("DeleteLab(examples/hello-flag) = %v, want Forbidden", err)
	}
	outside := writeLab(t, filepath.Join(t.TempDir(), personal), "checkout", map[string]string{"compose.yaml": nativeCompose})
	elsewhere, err := a.Lab(ctx, outside)
	if err != nil {
		t.Fatal(err)
	}
	if err := a.DeleteLab(ctx, elsewhere); !cerrdefs.IsPermissionDenied(err) {
		t.Errorf("DeleteLab of a folder outside the main directory = %v, want Forbidden", err)
	}
	if _, err := os.Stat(outside); err != nil {
		t.Errorf("the folder outside was touched: %v", err)
	}

	// Bad and taken names.
	for _, bad := range []string{"a/b", "..", "../other", ".x", "", "mine"} {
		if _, err := a.RenameLab(ctx, mine, bad); !cerrdefs.IsInvalidArgument(err) || argOf(err) != "name" {
			t.Errorf("RenameLab to %q = %v, want an InvalidArgument about the name", bad, err)
		}
	}
	if _, err := a.RenameLab(ctx, mine, "OTHER"); !cerrdefs.IsConflict(err) || argOf(err) != "name" {
		t.Errorf("RenameLab onto another lab's name = %v, want a Conflict", err)
	}

}

func TestRenameAndDeleteWhileRunning(t *testing.T) {
	a, eng, home := newApp(t)
	ctx := context.Background()
	personal := personalRepo(t, a)
	mine, err := a.NewLab(ctx, "mine", "")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.NewLab(ctx, "other", ""); err != nil {
		t.Fatal(err)
	}
	if err := a.SetExposed(personal, "mine", true); err != nil {
		t.Fatal(err)
	}
	// While an instance exists: refused, naming it.
	ref, _ := engine.NewRef(personal, "mine", "second")
	if err := eng.Up(ctx, ref, mine.Lab, engine.UpOptions{Trusted: true}); err != nil {
		t.Fatal(err)
	}
	var inUse *app.LabInUseError
	if _, err := a.RenameLab(ctx, mine, "renamed"); !errors.As(err, &inUse) || !cerrdefs.IsConflict(err) || !strings.Contains(err.Error(), "mine#second") {
		t.Errorf("RenameLab while running = %v", err)
	}
	if err := a.DeleteLab(ctx, mine); !errors.As(err, &inUse) || !cerrdefs.IsConflict(err) {
		t.Errorf("DeleteLab while running = %v", err)
	}
	// The other labs of the repository are free; the repository is not.
	other, _ := a.Lab(ctx, personal+"/other")
	if _, err := a.RenameLab(ctx, other, "other two"); err != nil {
		t.Errorf("renaming a lab beside a running one: %v", err)
	}
	if err := eng.Down(ctx, ref, mine.Lab, engine.DownOptions{}); err != nil {
		t.Fatal(err)
	}

	renamed, err := a.RenameLab(ctx, mine, "Mine Renamed")
	if err != nil {
		t.Fatal(err)
	}
	if renamed.ID() != personal+"/Mine Renamed" || !a.Exposed(renamed) {
		t.Errorf("renamed = %s, exposed %v", renamed.ID(), a.Exposed(renamed))
	}
	if _, err := a.Lab(ctx, personal+"/mine"); !cerrdefs.IsNotFound(err) {
		t.Errorf("the old name still resolves: %v", err)
	}
	if again, err := a.RenameLab(ctx, renamed, "mine renamed"); err != nil || again.Name != "mine renamed" {
		t.Errorf("a rename to another case of its name = %v", err)
	} else {
		renamed = again
	}
	if err := a.DeleteLab(ctx, renamed); err != nil {
		t.Fatal(err)
	}
	if labs := labsOf(t, filepath.Join(home, personal)); !slices.Equal(labs, []string{"other two"}) {
		t.Errorf("labs left: %v", labs)
	}
	// A new lab of the old name starts afresh: not exposed.
	again, err := a.NewLab(ctx, "mine renamed", "")
	if err != nil || a.Exposed(again) {
		t.Errorf("a new lab of a deleted lab's name: %v, exposed %v", err, again != nil && a.Exposed(again))
	}
	tempLeft(t, home)
}

func TestExportKeepsTheArchiveShape(t *testing.T) {
	a, _, _ := newApp(t)
	ctx := context.Background()
	hello, _ := a.Lab(ctx, "examples/hello-flag")
	var buf bytes.Buffer
	if err := a.ExportLab(ctx, hello, &buf); err != nil {
		t.Fatal(err)
	}
	gz, err := gzip.NewReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	tr := tar.NewReader(gz)
	first, err := tr.Next()
	if err != nil || first.Name != "hello-flag/" || first.Typeflag != tar.TypeDir {
		t.Errorf("first entry %+v, %v; want the folder hello-flag/", first, err)
	}
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	if err := a.ExportLab(cancelled, hello, &bytes.Buffer{}); !errors.Is(err, context.Canceled) {
		t.Errorf("ExportLab with a cancelled context = %v", err)
	}
}

func TestRenameRefusedWhileAStartRuns(t *testing.T) {
	home := t.TempDir()
	started, release := make(chan struct{}), make(chan struct{})
	eng := fake.New(fake.WithImages(exampleImages...), fake.WithExec(func(ctx context.Context, p *fake.Process) (int, error) {
		close(started)
		select {
		case <-release:
		case <-ctx.Done():
		}
		return 0, nil
	}))
	a, err := app.Open(context.Background(), app.Options{Home: home, Seed: examples.FS(), Engine: eng})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	ctx := context.Background()
	personal := personalRepo(t, a)
	dir := filepath.Join(home, personal, "slow")
	mustWrite(t, filepath.Join(dir, lab.MarkerFile), "")
	mustWrite(t, filepath.Join(dir, "compose.yaml"), "services:\n  box:\n    image: dsp/busybox:latest\n    x-dsp:\n      actions:\n        - {name: exec, priority: 1, args: {command: 'sleep 600'}}\n")
	slow, err := a.Lab(ctx, personal+"/slow")
	if err != nil || slow.LoadErr != nil {
		t.Fatal(err, slow.LoadErr)
	}
	ref, _ := slow.Ref("")
	op, err := a.StartUp(ctx, slow, ref)
	if err != nil {
		t.Fatal(err)
	}
	<-started
	var inUse *app.LabInUseError
	if _, err := a.RenameLab(ctx, slow, "fast"); !errors.As(err, &inUse) || !slices.Contains(inUse.Users, personal+"/slow") {
		t.Errorf("RenameLab while it starts = %v", err)
	}
	if err := a.DeleteLab(ctx, slow); !errors.As(err, &inUse) {
		t.Errorf("DeleteLab while it starts = %v", err)
	}
	close(release)
	if v := op.Wait(ctx); v.State != app.OpDone {
		t.Fatalf("the start ended %s: %s", v.State, v.Error)
	}
	if err := a.Down(ctx, slow, ref, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := a.RenameLab(ctx, slow, "fast"); err != nil {
		t.Errorf("RenameLab once stopped = %v", err)
	}
}
