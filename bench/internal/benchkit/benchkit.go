// Package benchkit holds what dsp's lifecycle benchmarks share: finding the
// repository and a private copy of bin/dsp, the compose CLI built from the
// Compose version dsp links, running untimed commands, the machine
// description and the statistics of the reports. Standard library only.
package benchkit

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
)

// FindRoot walks up from the working directory to dsp's go.mod.
func FindRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		data, err := os.ReadFile(filepath.Join(dir, "go.mod"))
		if err == nil && strings.Contains(string(data), "module github.com/dsp-lab/dsp\n") {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("run from inside the dsp repository (no go.mod of github.com/dsp-lab/dsp above the working directory)")
		}
		dir = parent
	}
}

// NewerSource returns a Go file of cmd/ or internal/ modified after bin, if any.
func NewerSource(root, bin string) string {
	st, err := os.Stat(bin)
	if err != nil {
		return ""
	}
	var found string
	for _, sub := range []string{"cmd", "internal"} {
		_ = filepath.WalkDir(filepath.Join(root, sub), func(p string, d os.DirEntry, err error) error {
			if err != nil || found != "" || d.IsDir() || !strings.HasSuffix(p, ".go") || strings.HasSuffix(p, "_test.go") {
				return nil
			}
			if info, err := d.Info(); err == nil && info.ModTime().After(st.ModTime()) {
				found, _ = filepath.Rel(root, p)
			}
			return nil
		})
	}
	return found
}

// CopyFile copies an executable and returns its SHA-256.
func CopyFile(from, to string) (string, error) {
	in, err := os.Open(from)
	if err != nil {
		return "", err
	}
	defer in.Close()
	out, err := os.OpenFile(to, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o755)
	if err != nil {
		return "", err
	}
	sum := sha256.New()
	if _, err := io.Copy(io.MultiWriter(out, sum), in); err != nil {
		out.Close()
		return "", err
	}
	if err := out.Close(); err != nil {
		return "", err
	}
	return hex.EncodeToString(sum.Sum(nil)), nil
}

// HomeMarker marks a main directory as a benchmark's, so that -home never
// wipes anything else.
const HomeMarker = ".dsp-bench-home"

// ResetHome empties a benchmark's main directory, refusing to touch a
// folder that is neither empty nor marked as a benchmark's, and marks it.
func ResetHome(home, note string) error {
	entries, err := os.ReadDir(home)
	switch {
	case errors.Is(err, os.ErrNotExist):
	case err != nil:
		return err
	case len(entries) > 0:
		if _, err := os.Stat(filepath.Join(home, HomeMarker)); err != nil {
			return fmt.Errorf("%s is not empty and not a benchmark main directory (no %s): choose another -home", home, HomeMarker)
		}
		if err := os.RemoveAll(home); err != nil {
			return err
		}
	}
	if err := os.MkdirAll(home, 0o755); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(home, HomeMarker), []byte(note+"\n"), 0o644)
}

// Output runs a command that is not timed and returns its trimmed stdout;
// the error carries stderr.
func Output(ctx context.Context, dir, name string, args ...string) (string, error) {
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOWORK=off")
	var stdout, stderr bytes.Buffer
	cmd.Stdout = &stdout
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("%s %s: %w: %s", name, strings.Join(args, " "), err, strings.TrimSpace(stderr.String()))
	}
	return strings.TrimSpace(stdout.String()), nil
}

// TimedEnv is the environment of timed commands: the harness's own,
// without variables that would change what dsp or compose do.
func TimedEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		if strings.HasPrefix(kv, "COMPOSE_") || strings.HasPrefix(kv, "DSP_") {
			continue
		}
		env = append(env, kv)
	}
	return env
}

// Indent indents a command's output for an error message.
func Indent(s string) string {
	s = strings.TrimRight(s, "\n")
	if s == "" {
		return "    (no output)"
	}
	return "    " + strings.ReplaceAll(s, "\n", "\n    ")
}

// LoadAverage is the machine's 1-minute load average.
func LoadAverage() (float64, error) {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return 0, err
	}
	f := strings.Fields(string(b))
	if len(f) == 0 {
		return 0, errors.New("empty /proc/loadavg")
	}
	return strconv.ParseFloat(f[0], 64)
}

// AbsPaths makes every non-empty path absolute.
func AbsPaths(paths ...*string) error {
	for _, p := range paths {
		if *p == "" {
			continue
		}
		abs, err := filepath.Abs(*p)
		if err != nil {
			return err
		}
		*p = abs
	}
	return nil
}

// SnapshotDSP copies the dsp binary to a private folder and returns the
// copy, its SHA-256 and a cleanup: a rebuild of bin/dsp during a run must
// not change what is measured halfway through. It warns when a source file
// is newer than the binary.
func SnapshotDSP(root, bin string) (copied, sum string, cleanup func(), err error) {
	if _, err := os.Stat(bin); err != nil {
		return "", "", nil, fmt.Errorf("dsp binary: %w (run `make build` first)", err)
	}
	if newer := NewerSource(root, bin); newer != "" {
		fmt.Printf("warning: %s is newer than %s: run `make build` to benchmark the current sources\n", newer, bin)
	}
	dir, err := os.MkdirTemp("", "dsp-bench-bin-")
	if err != nil {
		return "", "", nil, err
	}
	copied = filepath.Join(dir, "dsp")
	if sum, err = CopyFile(bin, copied); err != nil {
		os.RemoveAll(dir)
		return "", "", nil, fmt.Errorf("copy %s: %w", bin, err)
	}
	return copied, sum, func() { os.RemoveAll(dir) }, nil
}
