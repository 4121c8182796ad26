// Package archive copies files and folders between this host and
// containers with the Engine's archive API (the tar streams behind
// `docker cp`), never with a shell or the docker CLI. Paths are data: they
// go to the API as they are, and archives coming back are extracted
// confined to their destination.
package archive

import (
	"archive/tar"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"

	cerrdefs "github.com/containerd/errdefs"
)

// PathStat describes a path in a container.
type PathStat struct {
	Name       string      `json:"name"`
	Size       int64       `json:"size"`
	Mode       fs.FileMode `json:"mode"`
	LinkTarget string      `json:"linkTarget,omitempty"`
}

// Container is the archive API of one container: what docker cp needs.
// StatPath does not follow symbolic links and fails with a NotFound-kind
// error (errdefs) when the path does not exist.
type Container interface {
	StatPath(ctx context.Context, path string) (PathStat, error)
	CopyIn(ctx context.Context, dir string, content io.Reader) error
	CopyOut(ctx context.Context, path string) (io.ReadCloser, error)
}

// NotFoundError means a path does not exist in the container.
type NotFoundError struct {
	Path string
}

func (e *NotFoundError) Error() string { return fmt.Sprintf("%s does not exist", e.Path) }

// NotFound classifies the error (errdefs).
func (e *NotFoundError) NotFound() {}

// KindError means a path exists but is not of the kind needed (a folder
// where a file is expected, or the reverse, or a special file).
type KindError struct {
	Path, Msg string
}

func (e *KindError) Error() string { return e.Path + ": " + e.Msg }

// InvalidArgument classifies the error (errdefs).
func (e *KindError) InvalidParameter() {}

// UnsafeEntryError means an archive entry would land outside its
// destination; nothing of it is written.
type UnsafeEntryError struct {
	Name, Reason string
}

func (e *UnsafeEntryError) Error() string {
	return fmt.Sprintf("archive entry %q refused: %s", e.Name, e.Reason)
}

// InvalidArgument classifies the error (errdefs).
func (e *UnsafeEntryError) InvalidParameter() {}

// TarPath writes src (a file or a folder, symbolic links kept as links) to
// w under the name name. Owners are reset to root.
func TarPath(w io.Writer, src, name string) error {
	tw := tar.NewWriter(w)
	err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(src, p)
		if err != nil {
			return err
		}
		link := ""
		if info.Mode()&fs.ModeSymlink != 0 {
			if link, err = os.Readlink(p); err != nil {
				return err
			}
		}
		hdr, err := tar.FileInfoHeader(info, link)
		if err != nil {
			return err
		}
		hdr.Name = path.Join(name, filepath.ToSlash(rel))
		if info.IsDir() {
			hdr.Name += "/"
		}
		hdr.Uid, hdr.Gid, hdr.Uname, hdr.Gname = 0, 0, "", ""
		if err := tw.WriteHeader(hdr); err != nil {
			return err
		}
		if info.Mode().IsRegular() {
			f, err := os.Open(p)
			if err != nil {
				return err
			}
			defer f.Close()
			if _, err := io.Copy(tw, f); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("pack %s: %w", src, err)
	}
	return tw.Close()
}

// Stat describes a path in the container. A final symbolic link is
// followed (a few levels): it returns the stat of what the path names and
// the path of that target.
func Stat(ctx context.Context, c Container, p string) (PathStat, string, error) {
	for range 8 {
		st, err := c.StatPath(ctx, p)
		if cerrdefs.IsNotFound(err) {
			return PathStat{}, "", &NotFoundError{Path: p}
		}
		if err != nil {
			return PathStat{}, "", fmt.Errorf("stat %s: %w", p, err)
		}
		if st.Mode&fs.ModeSymlink == 0 || st.LinkTarget == "" || st.LinkTarget == p {
			return st, p, nil
		}
		p = st.LinkTarget
	}
	return PathStat{}, "", &KindError{Path: p, Msg: "too many levels of symbolic links"}
}

// CopyIn copies the host file or folder src to dest in the container with
// docker cp's rules: into dest when dest is an existing folder, else as
// dest (whose folder must exist). The archive is streamed, not held in
// memory.
func CopyIn(ctx context.Context, c Container, src, dest string) error {
	if _, err := os.Lstat(src); err != nil {
		return err
	}
	if !path.IsAbs(dest) {
		return fmt.Errorf("%s: the path in the container must be absolute", dest)
	}
	dir, name := path.Dir(dest), path.Base(dest)
	st, resolved, err := Stat(ctx, c, dest)
	var notFound *NotFoundError
	switch {
	case err == nil && st.Mode.IsDir():
		dir, name = resolved, filepath.Base(src)
	case errors.As(err, &notFound) && strings.HasSuffix(dest, "/"):
		return &NotFoundError{Path: dest}
	case errors.As(err, &notFound):
		pst, _, perr := Stat(ctx, c, dir)
		if perr != nil {
			return perr
		}
		if !pst.Mode.IsDir() {
			return &KindError{Path: dir, Msg: "not a folder"}
		}
	case err != nil:
		return err
	}
	pr, pw := io.Pipe()
	defer pr.Close()
	packed := make(chan error, 1)
	go func() {
		err := TarPath(pw, src, name)
		pw.CloseWithError(err)
		packed <- err
	}()
	err = c.CopyIn(ctx, dir, pr)
	pr.CloseWithError(errors.New("copy ended"))
	if perr := <-packed; perr != nil {
		return perr
	}
	if err != nil {
		return fmt.Errorf("copy to %s: %w", dest, err)
	}
	return nil
}

// CopyOut copies src from the container to the host path dest with docker
// cp's rules: into dest when dest is an existing folder, else as dest
// (whose folder must exist); a folder never replaces a file. A symbolic
// link given as src is followed. The archive is extracted confined to the
// destination (see Extract).
func CopyOut(ctx context.Context, c Container, src, dest string) error {
	if !path.IsAbs(src) {
		return fmt.Errorf("%s: the path in the container must be absolute", src)
	}
	src = path.Clean(src)
	st, resolved, err := Stat(ctx, c, src)
	if err != nil {
		return err
	}
	if path.Clean(resolved) == "/" {
		return &KindError{Path: src, Msg: "copy the folders below / one by one"}
	}
	var dir, name string
	di, err := os.Stat(dest)
	switch {
	case err == nil && di.IsDir():
		dir, name = dest, path.Base(src)
	case err == nil && st.Mode.IsDir():
		return &KindError{Path: dest, Msg: fmt.Sprintf("cannot copy the folder %s onto a file", src)}
	case err == nil:
		dir, name = filepath.Dir(dest), filepath.Base(dest)
	case errors.Is(err, fs.ErrNotExist):
		if strings.HasSuffix(dest, string(filepath.Separator)) {
			return fmt.Errorf("folder %s does not exist", dest)
		}
		dir, name = filepath.Dir(dest), filepath.Base(dest)
		if pi, perr := os.Stat(dir); perr != nil || !pi.IsDir() {
			return fmt.Errorf("folder %s does not exist", dir)
		}
	default:
		return err
	}
	content, err := c.CopyOut(ctx, resolved)
	if cerrdefs.IsNotFound(err) {
		return &NotFoundError{Path: src}
	}
	if err != nil {
		return fmt.Errorf("copy from %s: %w", src, err)
	}
	defer content.Close()
	return Extract(content, dir, path.Base(resolved), name)
}

// Extract unpacks the tar stream r into the host folder dir. Entries whose
// first path element is from are renamed to start with to instead (docker
// cp's "copy as"); with from set, any other entry is refused. It refuses
// (and stops at) entries with absolute names or ".." elements, hard links
// to such names, and symbolic links that are absolute or point outside dir;
// every write goes through an os.Root, so nothing can be written outside
// dir even through links that were there before. Devices, FIFOs and
// sockets are skipped.
func Extract(r io.Reader, dir, from, to string) error {
	root, err := os.OpenRoot(dir)
	if err != nil {
		return err
	}
	defer root.Close()
	x := &extractor{root: root, tr: tar.NewReader(r), from: from, to: to}
	for {
		hdr, err := x.tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return fmt.Errorf("read archive: %w", err)
		}
		if err := x.entry(hdr); err != nil {
			return err
		}
	}
	return x.finish()
}

// extractor is one Extract under way.
type extractor struct {
	root     *os.Root
	tr       *tar.Reader
	from, to string
	dirs     []dirEntry // the folders made, in the archive's order
	links    []string   // the symbolic links made
}

// dirEntry is a folder made by Extract, with its entry.
type dirEntry struct {
	name string
	hdr  *tar.Header
}

// entry unpacks one archive entry.
func (x *extractor) entry(hdr *tar.Header) error {
	name, err := entryName(hdr.Name, x.from, x.to)
	if err != nil {
		return err
	}
	if name == "." {
		return nil
	}
	switch hdr.Typeflag {
	case tar.TypeDir:
		if err := x.root.MkdirAll(name, 0o700); err != nil {
			return err
		}
		x.dirs = append(x.dirs, dirEntry{name, hdr})
		return nil
	case tar.TypeReg:
		return x.file(name, hdr)
	case tar.TypeSymlink:
		return x.symlink(name, hdr)
	case tar.TypeLink:
		return x.hardlink(name, hdr)
	default:
		// Devices, FIFOs, sockets: not copied.
		return nil
	}
}

// file writes a regular file's content, then its mode and times.
func (x *extractor) file(name string, hdr *tar.Header) error {
	if err := prepare(x.root, name); err != nil {
		return err
	}
	perm := fs.FileMode(hdr.Mode) & fs.ModePerm
	f, err := x.root.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, perm)
	if err != nil {
		return err
	}
	_, err = io.Copy(f, x.tr)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("write %s: %w", name, err)
	}
	_ = x.root.Chmod(name, perm)
	_ = x.root.Chtimes(name, hdr.ModTime, hdr.ModTime)
	return nil
}

// symlink makes a symbolic link that stays inside the destination.
func (x *extractor) symlink(name string, hdr *tar.Header) error {
	if err := linkInside(hdr.Name, name, hdr.Linkname); err != nil {
		return err
	}
	if err := prepare(x.root, name); err != nil {
		return err
	}
	if err := x.root.Symlink(hdr.Linkname, name); err != nil {
		return err
	}
	x.links = append(x.links, name)
	return resolvesInside(x.root, hdr.Name, name)
}

// hardlink makes a hard link to an entry of the archive.
func (x *extractor) hardlink(name string, hdr *tar.Header) error {
	target, err := entryName(hdr.Linkname, x.from, x.to)
	if err != nil {
		return &UnsafeEntryError{Name: hdr.Name, Reason: "hard link to " + hdr.Linkname + ": " + err.Error()}
	}
	if err := prepare(x.root, name); err != nil {
		return err
	}
	return x.root.Link(target, name)
}

// finish checks the links again and gives the folders their modes.
func (x *extractor) finish() error {
	// A link may point elsewhere once later entries exist: check them all.
	for _, name := range x.links {
		if err := resolvesInside(x.root, name, name); err != nil {
			return err
		}
	}
	// Folders get their modes last, so that read-only folders could be filled.
	for i := len(x.dirs) - 1; i >= 0; i-- {
		d := x.dirs[i]
		_ = x.root.Chmod(d.name, fs.FileMode(d.hdr.Mode)&fs.ModePerm)
		_ = x.root.Chtimes(d.name, d.hdr.ModTime, d.hdr.ModTime)
	}
	return nil
}

// prepare makes the parent folders of name and removes what name is now
// unless it is a folder (a file is replaced, as docker cp does).
func prepare(root *os.Root, name string) error {
	if parent := path.Dir(name); parent != "." {
		if err := root.MkdirAll(parent, 0o755); err != nil {
			return err
		}
	}
	if fi, err := root.Lstat(name); err == nil && !fi.IsDir() {
		return root.Remove(name)
	}
	return nil
}

// entryName checks an archive entry's name and returns it relative to the
// destination, renamed from from to to.
func entryName(raw, from, to string) (string, error) {
	if strings.ContainsRune(raw, 0) {
		return "", &UnsafeEntryError{Name: raw, Reason: "NUL in the name"}
	}
	if strings.HasPrefix(raw, "/") {
		return "", &UnsafeEntryError{Name: raw, Reason: "absolute name"}
	}
	var parts []string
	for _, p := range strings.Split(raw, "/") {
		switch p {
		case "..":
			return "", &UnsafeEntryError{Name: raw, Reason: `".." in the name`}
		case "", ".":
			continue
		}
		parts = append(parts, p)
	}
	if len(parts) == 0 {
		return ".", nil
	}
	if from != "" {
		if parts[0] != from {
			return "", &UnsafeEntryError{Name: raw, Reason: fmt.Sprintf("outside the copied path %s", from)}
		}
		parts[0] = to
	}
	return path.Join(parts...), nil
}

// linkInside checks that a symbolic link at name (relative to the
// destination) pointing to target stays inside the destination.
func linkInside(raw, name, target string) error {
	if target == "" || strings.ContainsRune(target, 0) {
		return &UnsafeEntryError{Name: raw, Reason: "symbolic link without a valid target"}
	}
	if path.IsAbs(target) {
		return &UnsafeEntryError{Name: raw, Reason: fmt.Sprintf("symbolic link to the absolute path %s points outside the destination", target)}
	}
	resolved := path.Join(path.Dir(name), target)
	if resolved == ".." || strings.HasPrefix(resolved, "../") {
		return &UnsafeEntryError{Name: raw, Reason: fmt.Sprintf("symbolic link to %s points outside the destination", target)}
	}
	return nil
}

// resolvesInside checks, on disk, that the symbolic link name resolves
// inside the root (or to nothing yet); otherwise it removes it.
func resolvesInside(root *os.Root, raw, name string) error {
	_, err := root.Stat(name)
	if err == nil || errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	_ = root.Remove(name)
	return &UnsafeEntryError{Name: raw, Reason: "symbolic link points outside the destination (" + err.Error() + ")"}
}

// RelPath checks a relative path sent by a client (an uploaded file's
// name, a folder upload's webkitRelativePath): slash-separated, not
// absolute, no empty, "." or ".." elements, no NUL or control characters,
// no backslash.
func RelPath(p string) error {
	switch {
	case p == "":
		return errors.New("empty path")
	case len(p) > 4096:
		return errors.New("path longer than 4096 bytes")
	case strings.HasPrefix(p, "/"):
		return fmt.Errorf("%q is absolute", p)
	case strings.Contains(p, `\`):
		return fmt.Errorf("%q contains a backslash", p)
	}
	for _, r := range p {
		if r < 0x20 || r == 0x7f {
			return fmt.Errorf("%q contains a control character", p)
		}
	}
	for _, part := range strings.Split(p, "/") {
		switch {
		case part == "":
			return fmt.Errorf("%q has an empty element", p)
		case part == "." || part == "..":
			return fmt.Errorf("%q has a %q element", p, part)
		case len(part) > 255:
			return fmt.Errorf("%q has an element longer than 255 bytes", p)
		}
	}
	return nil
}

// File returns a tar stream that holds one regular file, name, owned by
// root: what CopyIn extracts to write a file into a container.
func File(name string, data []byte, mode fs.FileMode) (io.Reader, error) {
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	if err := tw.WriteHeader(&tar.Header{Name: name, Mode: int64(mode.Perm()), Size: int64(len(data)), Typeflag: tar.TypeReg}); err != nil {
		return nil, fmt.Errorf("pack %s: %w", name, err)
	}
	if _, err := tw.Write(data); err != nil {
		return nil, fmt.Errorf("pack %s: %w", name, err)
	}
	if err := tw.Close(); err != nil {
		return nil, fmt.Errorf("pack %s: %w", name, err)
	}
	return &buf, nil
}
