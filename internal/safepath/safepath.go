// Package safepath is the one place where names and paths that come from
// disk, labs or requests are checked before dsp reads or writes anything.
package safepath

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// Name checks a single path component such as a repository or lab name.
// Names may contain spaces, dots and capitals ("Bypass The Firewall",
// "Solr 3.5.0"), but never a separator, a NUL, or a leading dot, and they
// are never "." or "..".
func Name(name string) error {
	switch {
	case name == "":
		return &NameError{Name: name, Reason: "is empty"}
	case strings.ContainsAny(name, "/\\\x00"):
		return &NameError{Name: name, Reason: "contains a path separator or NUL"}
	case strings.HasPrefix(name, "."):
		return &NameError{Name: name, Reason: "starts with a dot"}
	case strings.TrimSpace(name) != name:
		return &NameError{Name: name, Reason: "starts or ends with white space"}
	case len(name) > 255:
		return &NameError{Name: name, Reason: "is longer than 255 bytes"}
	}
	for _, r := range name {
		if r < 0x20 || r == 0x7f {
			return &NameError{Name: name, Reason: "contains a control character"}
		}
	}
	return nil
}

// NameError refuses a name.
type NameError struct {
	Name   string
	Reason string
}

func (e *NameError) Error() string {
	if e.Name == "" {
		return "name " + e.Reason
	}
	return fmt.Sprintf("name %q %s", e.Name, e.Reason)
}

// InvalidParameter classifies the error (errdefs).
func (e *NameError) InvalidParameter() {}

// Join joins root and the components, each checked with Name, and returns
// the result; it never leaves root.
func Join(root string, names ...string) (string, error) {
	p := root
	for _, n := range names {
		if err := Name(n); err != nil {
			return "", err
		}
		p = filepath.Join(p, n)
	}
	return p, nil
}

// Within resolves p (relative paths are taken from root) and reports an
// error unless the result, with every symbolic link that exists resolved,
// lies inside root. It returns the cleaned absolute path. A path that does
// not exist yet is checked through its deepest existing parent.
func Within(root, p string) (string, error) {
	absRoot, err := resolve(root)
	if err != nil {
		return "", fmt.Errorf("resolve %s: %w", root, err)
	}
	if !filepath.IsAbs(p) {
		p = filepath.Join(root, p)
	}
	if p, err = filepath.Abs(p); err != nil {
		return "", err
	}
	real, err := resolve(p)
	if err != nil {
		return "", fmt.Errorf("resolve %s: %w", p, err)
	}
	if !inside(absRoot, real) {
		return "", &OutsideError{Path: p, Root: root}
	}
	return p, nil
}

// OutsideError refuses a path that leads out of the folder it must stay in.
type OutsideError struct {
	Path, Root string
}

func (e *OutsideError) Error() string { return fmt.Sprintf("path %s is outside %s", e.Path, e.Root) }

// InvalidParameter classifies the error (errdefs).
func (e *OutsideError) InvalidParameter() {}

// Relative checks that rel is a relative path that stays inside root
// lexically and after symbolic links, and returns the absolute path.
func Relative(root, rel string) (string, error) {
	if rel == "" {
		return "", errors.New("path is empty")
	}
	if filepath.IsAbs(rel) || strings.HasPrefix(rel, "/") {
		return "", fmt.Errorf("path %q is absolute; it must be relative to %s", rel, root)
	}
	clean := filepath.Clean(rel)
	if clean == ".." || strings.HasPrefix(clean, "../") {
		return "", fmt.Errorf("path %q leaves %s", rel, root)
	}
	return Within(root, clean)
}

// resolve makes p absolute and resolves symbolic links in its longest
// existing prefix; the missing rest is appended unchanged. A symbolic link
// whose target does not exist (yet) is followed too: creating the path
// would create its target.
func resolve(p string) (string, error) {
	return resolveLinks(p, 0)
}

// maxLinks bounds how many dangling links resolve follows in a row.
const maxLinks = 40

func resolveLinks(p string, depth int) (string, error) {
	abs, err := filepath.Abs(p)
	if err != nil {
		return "", err
	}
	rest := ""
	cur := abs
	for {
		real, err := filepath.EvalSymlinks(cur)
		if err == nil {
			return filepath.Join(real, rest), nil
		}
		if !errors.Is(err, os.ErrNotExist) {
			return "", err
		}
		if target, lerr := os.Readlink(cur); lerr == nil {
			if depth >= maxLinks {
				return "", fmt.Errorf("%s: too many levels of symbolic links", p)
			}
			if !filepath.IsAbs(target) {
				dir, err := filepath.EvalSymlinks(filepath.Dir(cur))
				if err != nil {
					return "", err
				}
				target = filepath.Join(dir, target)
			}
			return resolveLinks(filepath.Join(target, rest), depth+1)
		}
		parent := filepath.Dir(cur)
		if parent == cur {
			return abs, nil
		}
		rest = filepath.Join(filepath.Base(cur), rest)
		cur = parent
	}
}

func inside(root, p string) bool {
	if p == root {
		return true
	}
	return strings.HasPrefix(p, strings.TrimSuffix(root, string(filepath.Separator))+string(filepath.Separator))
}
