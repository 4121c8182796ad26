package atomicfile

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"
)

func TestWriteReplacesWhole(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "config.json")
	if err := Write(file, []byte("old"), 0o600); err != nil {
		t.Fatal(err)
	}
	// A write that fails half way keeps the old file and leaves no
	// temporary file behind.
	boom := errors.New("disk full")
	err := WriteFunc(file, 0o600, func(w io.Writer) error {
		if _, err := w.Write([]byte("half of the ne")); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("WriteFunc = %v, want the write's error", err)
	}
	if data, _ := os.ReadFile(file); string(data) != "old" {
		t.Errorf("after a failed write the file holds %q, want the old content", data)
	}
	if err := Write(file, []byte("new"), 0o600); err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(file)
	st, _ := os.Stat(file)
	if string(data) != "new" || st.Mode().Perm() != 0o600 {
		t.Errorf("file = %q, mode %v", data, st.Mode().Perm())
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("the folder holds %d entries, want only the file", len(entries))
	}
}
