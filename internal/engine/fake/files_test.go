package fake_test

import (
	"archive/tar"
	"bytes"
	"context"
	"errors"
	"io"
	"io/fs"
	"slices"
	"testing"
	"time"

	"github.com/containerd/errdefs"

	"github.com/dsp-lab/dsp/internal/engine"
)

// tarOf packs headers (and the contents of regular files) into a stream.
func tarOf(t *testing.T, entries ...any) io.Reader {
	t.Helper()
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for i := 0; i < len(entries); i++ {
		hdr := entries[i].(*tar.Header)
		var data []byte
		if hdr.Typeflag == tar.TypeReg {
			i++
			data = []byte(entries[i].(string))
			hdr.Size = int64(len(data))
		}
		if hdr.ModTime.IsZero() {
			hdr.ModTime = time.Now()
		}
		if err := tw.WriteHeader(hdr); err != nil {
			t.Fatal(err)
		}
		if _, err := tw.Write(data); err != nil {
			t.Fatal(err)
		}
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	return &buf
}

// entries lists a tar stream as "name mode [-> link] [content]".
func entries(t *testing.T, r io.Reader) []string {
	t.Helper()
	var out []string
	tr := tar.NewReader(r)
	for {
		hdr, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return out
		}
		if err != nil {
			t.Fatal(err)
		}
		line := hdr.Name + " " + hdr.FileInfo().Mode().String()
		if hdr.Linkname != "" {
			line += " -> " + hdr.Linkname
		}
		if data, _ := io.ReadAll(tr); len(data) > 0 {
			line += " " + string(data)
		}
		out = append(out, line)
	}
}

func TestArchives(t *testing.T) {
	e, r := runningShellLab(t)
	ctx := context.Background()
	err := e.CopyIn(ctx, r, "a", "/srv", tarOf(t))
	if !errdefs.IsNotFound(err) {
		t.Errorf("copy into a missing folder: %v, want NotFound", err)
	}
	in := tarOf(t,
		&tar.Header{Typeflag: tar.TypeDir, Name: "d/", Mode: 0o750},
		&tar.Header{Typeflag: tar.TypeReg, Name: "d/f", Mode: 0o600}, "data",
		&tar.Header{Typeflag: tar.TypeLink, Name: "d/hard", Linkname: "d/f"},
		&tar.Header{Typeflag: tar.TypeSymlink, Name: "d/up", Linkname: "../../etc", Mode: 0o777},
		&tar.Header{Typeflag: tar.TypeReg, Name: "../../escape", Mode: 0o644}, "confined",
		&tar.Header{Typeflag: tar.TypeReg, Name: "new/deep/file", Mode: 0o644}, "parents made",
	)
	if err := e.CopyIn(ctx, r, "a", "/tmp", in); err != nil {
		t.Fatal(err)
	}
	for path, want := range map[string]string{"/tmp/d/hard": "data", "/tmp/escape": "confined", "/tmp/new/deep/file": "parents made", "/tmp/d/up/hostname": "box\n"} {
		if got, err := e.ReadFile(r, "a", path); err != nil || string(got) != want {
			t.Errorf("%s: %q, %v; want %q", path, got, err, want)
		}
	}
	st, err := e.StatPath(ctx, r, "a", "/tmp/d/up")
	if err != nil || st.Mode&fs.ModeSymlink == 0 || st.LinkTarget != "/etc" {
		t.Errorf("stat of a link: %+v, %v", st, err)
	}
	if st, err := e.StatPath(ctx, r, "a", "/tmp/d/up/hostname"); err != nil || st.Size != 4 {
		t.Errorf("stat through a link: %+v, %v", st, err)
	}
	out, err := e.CopyOut(ctx, r, "a", "/tmp/d")
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"d/ drwxr-x---", "d/f -rw------- data", "d/hard -rw------- data", "d/up Lrwxrwxrwx -> ../../etc"}
	if got := entries(t, out); !slices.Equal(got, want) {
		t.Errorf("archive of /tmp/d: %q, want %q", got, want)
	}
	// A folder is never replaced by a file.
	if err := e.CopyIn(ctx, r, "a", "/tmp", tarOf(t, &tar.Header{Typeflag: tar.TypeReg, Name: "d", Mode: 0o644}, "x")); err == nil {
		t.Errorf("a file replaced a folder")
	}
	if _, err := e.CopyOut(ctx, r, "a", "/nope"); !errdefs.IsNotFound(err) {
		t.Errorf("copy out of a missing path: %v", err)
	}
	if _, err := e.ReadFile(r, "b", "/etc/hostname"); !errors.As(err, new(*engine.NotRunningError)) {
		t.Errorf("read a file of a service without a container: %v", err)
	}
	// Processes see the files too.
	if code, out, _ := e.Exec(ctx, r, "a", []string{"cat", "/tmp/d/f"}, nil); code != 0 || out != "data" {
		t.Errorf("cat: %d %q", code, out)
	}
}
