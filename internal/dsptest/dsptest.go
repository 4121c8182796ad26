// Package dsptest runs the dsp binary the way a user does, for the tests
// of the CLI and of the faults the machine throws at it.
package dsptest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// Main builds the dsp binary into a temporary folder, sets *binary to it,
// runs the tests and exits with their status: call it from TestMain.
func Main(m *testing.M, binary *string) {
	dir, err := os.MkdirTemp("", "dsp-test-binary")
	if err != nil {
		fmt.Fprintln(os.Stderr, "build dsp:", err)
		os.Exit(1)
	}
	*binary = filepath.Join(dir, "dsp")
	build := exec.Command("go", "build", "-o", *binary, "github.com/dsp-lab/dsp/cmd/dsp")
	build.Stderr = os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "build dsp:", err)
		os.RemoveAll(dir)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// Run runs binary with --home home and args (at most 3 minutes) and
// returns its standard output, standard error and exit code.
func Run(t *testing.T, binary, home string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	return RunInput(t, binary, home, "", args...)
}

// RunInput is Run with stdin as the command's standard input.
func RunInput(t *testing.T, binary, home, stdin string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, binary, append([]string{"--home", home}, args...)...)
	cmd.Stdin = strings.NewReader(stdin)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	var exit *exec.ExitError
	switch {
	case errors.As(err, &exit):
		code = exit.ExitCode()
	case err != nil:
		t.Fatalf("run dsp %v: %v", args, err)
	}
	return out.String(), errb.String(), code
}
