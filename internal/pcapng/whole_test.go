package pcapng

import (
	"bytes"
	"errors"
	"io"
	"testing"
	"time"
)

func TestWholeBlocksCutsAPartialBlock(t *testing.T) {
	var buf bytes.Buffer
	w, err := NewWriter(&buf, "test")
	if err != nil {
		t.Fatal(err)
	}
	id, err := w.AddInterface(Interface{Name: "eth0"})
	if err != nil {
		t.Fatal(err)
	}
	for i := range 3 {
		if err := w.WritePacket(id, time.Unix(int64(i), 0), make([]byte, 60+i), 60+i); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	whole := buf.Bytes()
	for cut := 0; cut <= len(whole); cut++ {
		n, err := WholeBlocks(bytes.NewReader(whole[:cut]))
		if err != nil {
			t.Fatalf("cut at %d: %v", cut, err)
		}
		r, err := NewReader(bytes.NewReader(whole[:n]))
		if n == 0 {
			continue
		}
		if err != nil {
			t.Fatalf("cut at %d (%d whole): %v", cut, n, err)
		}
		for {
			if _, err := r.Next(); err != nil {
				if !errors.Is(err, io.EOF) {
					t.Fatalf("cut at %d (%d whole): %v", cut, n, err)
				}
				break
			}
		}
	}
	if n, _ := WholeBlocks(bytes.NewReader(whole)); n != int64(len(whole)) {
		t.Errorf("whole file: %d of %d", n, len(whole))
	}
}
