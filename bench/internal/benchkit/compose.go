package benchkit

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// ComposeModule is the Compose module dsp links.
const ComposeModule = "github.com/docker/compose/v5"

// EnsureCompose returns the standalone compose CLI to compare with, built
// from the same Compose module version dsp links (go.mod) and cached in
// bench/.bin/. `go install module@version` refuses Compose (its go.mod has
// exclude directives) and building it inside dsp's module would need go.sum
// entries dsp does not have, so the module's own source is copied from the
// module cache and built as its own main module, the way Compose's Makefile
// builds its release binary.
//
// root is the dsp repository; override, when not empty, is a compose binary
// to use instead (a warning is printed when its version differs).
func EnsureCompose(ctx context.Context, root, override string) (bin, version string, err error) {
	want, err := Output(ctx, root, "go", "list", "-m", "-f", "{{.Version}}", ComposeModule)
	if err != nil {
		return "", "", fmt.Errorf("find the Compose version in go.mod: %w", err)
	}
	if override != "" {
		v, err := ComposeVersion(ctx, override)
		if err != nil {
			return "", "", err
		}
		if v != want {
			fmt.Printf("warning: %s is Compose %s, dsp links %s\n", override, v, want)
		}
		return override, v, nil
	}
	bin = filepath.Join(root, "bench", ".bin", "docker-compose")
	if v, err := ComposeVersion(ctx, bin); err == nil && v == want {
		return bin, v, nil
	}
	fmt.Printf("building %s %s into %s (once; it takes a few minutes the first time)\n", ComposeModule, want, bin)
	started := time.Now()
	tmp, err := os.MkdirTemp("", "dsp-bench-compose-")
	if err != nil {
		return "", "", err
	}
	defer os.RemoveAll(tmp)

	// Outside any module, `go mod download` only fills the module cache.
	js, err := Output(ctx, tmp, "go", "mod", "download", "-json", ComposeModule+"@"+want)
	if err != nil {
		return "", "", fmt.Errorf("download %s@%s: %w", ComposeModule, want, err)
	}
	var mod struct{ Dir, Error string }
	if err := json.Unmarshal([]byte(js), &mod); err != nil {
		return "", "", fmt.Errorf("download %s@%s: %w", ComposeModule, want, err)
	}
	if mod.Dir == "" {
		return "", "", fmt.Errorf("download %s@%s: %s", ComposeModule, want, mod.Error)
	}
	src := filepath.Join(tmp, "src")
	if err := CopyTree(mod.Dir, src); err != nil {
		return "", "", fmt.Errorf("copy compose source: %w", err)
	}
	if err := os.MkdirAll(filepath.Dir(bin), 0o755); err != nil {
		return "", "", err
	}
	if err := ensureGitignore(root); err != nil {
		return "", "", err
	}
	partial := bin + ".partial"
	ldflags := "-w -X " + ComposeModule + "/internal.Version=" + want
	if _, err := Output(ctx, src, "go", "build", "-trimpath", "-ldflags", ldflags, "-o", partial, "./cmd"); err != nil {
		return "", "", fmt.Errorf("build compose: %w", err)
	}
	if err := os.Rename(partial, bin); err != nil {
		return "", "", err
	}
	v, err := ComposeVersion(ctx, bin)
	if err != nil {
		return "", "", err
	}
	fmt.Printf("built compose %s in %s\n", v, time.Since(started).Round(time.Second))
	return bin, v, nil
}

// ComposeVersion asks a compose binary for its version, as "vX.Y.Z".
func ComposeVersion(ctx context.Context, bin string) (string, error) {
	v, err := Output(ctx, "", bin, "version", "--short")
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

// CopyTree copies a module-cache folder (read-only files, no symlinks) into
// a writable one.
func CopyTree(from, to string) error {
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
