package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

const composeModule = "github.com/docker/compose/v5"

// ensureCompose returns the standalone compose CLI to compare with, built
// from the same Compose module version dsp links (go.mod) and cached in
// bench/.bin/. `go install module@version` refuses Compose (its go.mod has
// exclude directives) and building it inside dsp's module would need go.sum
// entries dsp does not have, so the module's own source is copied from the
// module cache and built as its own main module, the way Compose's Makefile
// builds its release binary.
func ensureCompose(ctx context.Context, cfg *config) (bin, version string, err error) {
	want, err := output(ctx, cfg.root, "go", "list", "-m", "-f", "{{.Version}}", composeModule)
	if err != nil {
		return "", "", fmt.Errorf("find the Compose version in go.mod: %w", err)
	}
	if cfg.compose != "" {
		v, err := composeVersion(ctx, cfg.compose)
		if err != nil {
			return "", "", err
		}
		if v != want {
			fmt.Printf("warning: %s is Compose %s, dsp links %s\n", cfg.compose, v, want)
		}
		return cfg.compose, v, nil
	}
	bin = filepath.Join(cfg.root, "bench", ".bin", "docker-compose")
	if v, err := composeVersion(ctx, bin); err == nil && v == want {
		return bin, v, nil
	}
	fmt.Printf("building %s %s into %s (once; it takes a few minutes the first time)\n", composeModule, want, bin)
	started := time.Now()
	tmp, err := os.MkdirTemp("", "dsp-bench-compose-")
	if err != nil {
		return "", "", err
	}
	defer os.RemoveAll(tmp)

	// Outside any module, `go mod download` only fills the module cache.
	js, err := output(ctx, tmp, "go", "mod", "download", "-json", composeModule+"@"+want)
	if err != nil {
		return "", "", fmt.Errorf("download %s@%s: %w", composeModule, want, err)
	}
	var mod struct{ Dir, Error string }
	if err := json.Unmarshal([]byte(js), &mod); err != nil || mod.Dir == "" {
		return "", "", fmt.Errorf("download %s@%s: %s %v", composeModule, want, mod.Error, err)
	}
	src := filepath.Join(tmp, "src")
	if err := copyTree(mod.Dir, src); err != nil {
		return "", "", fmt.Errorf("copy compose source: %w", err)
	}
	if err := os.MkdirAll(filepath.Dir(bin), 0o755); err != nil {
		return "", "", err
	}
	if err := ensureGitignore(cfg.root); err != nil {
		return "", "", err
	}
	partial := bin + ".partial"
	ldflags := "-w -X " + composeModule + "/internal.Version=" + want
	if _, err := output(ctx, src, "go", "build", "-trimpath", "-ldflags", ldflags, "-o", partial, "./cmd"); err != nil {
		return "", "", fmt.Errorf("build compose: %w", err)
	}
	if err := os.Rename(partial, bin); err != nil {
		return "", "", err
	}
	v, err := composeVersion(ctx, bin)
	if err != nil {
		return "", "", err
	}
	fmt.Printf("built compose %s in %s\n", v, time.Since(started).Round(time.Second))
	return bin, v, nil
}

// composeVersion asks a compose binary for its version, as "vX.Y.Z".
func composeVersion(ctx context.Context, bin string) (string, error) {
	v, err := output(ctx, "", bin, "version", "--short")
	if err != nil {
		return "", fmt.Errorf("%s version: %w", bin, err)
	}
	return "v" + strings.TrimPrefix(strings.TrimSpace(v), "v"), nil
}

// ensureGitignore keeps the cached binary out of git.
func ensureGitignore(root string) error {
	p := filepath.Join(root, "bench", ".gitignore")
	if _, err := os.Stat(p); err == nil {
		return nil
	}
	return os.WriteFile(p, []byte("# compose CLI built by `go run ./bench`\n/.bin/\n"), 0o644)
}

// copyTree copies a module-cache folder (read-only files, no symlinks) into
// a writable one.
func copyTree(from, to string) error {
	return filepath.WalkDir(from, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(from, p)
		if err != nil {
			return err
		}
		dst := filepath.Join(to, rel)
		if d.IsDir() {
			return os.MkdirAll(dst, 0o755)
		}
		if !d.Type().IsRegular() {
			return nil
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		mode := os.FileMode(0o644)
		if info.Mode()&0o111 != 0 {
			mode = 0o755
		}
		in, err := os.Open(p)
		if err != nil {
			return err
		}
		defer in.Close()
		out, err := os.OpenFile(dst, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, mode)
		if err != nil {
			return err
		}
		if _, err := io.Copy(out, in); err != nil {
			out.Close()
			return err
		}
		return out.Close()
	})
}

// output runs a command that is not timed and returns its trimmed stdout;
// the error carries stderr.
func output(ctx context.Context, dir, name string, args ...string) (string, error) {
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
