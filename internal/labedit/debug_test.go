package labedit

import (
	"os"
	"testing"
)

func TestDebugShow(t *testing.T) {
	f := os.Getenv("LABEDIT_SHOW")
	if f == "" {
		t.Skip()
	}
	src, _ := os.ReadFile(f)
	m, err := Parse(src)
	if err != nil {
		t.Fatal(err)
	}
	editModel(t, m)
	out, err := Render(src, m)
	if err != nil {
		t.Fatal(err)
	}
	os.Stdout.Write(out)
}
