package fake

import (
	"archive/tar"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/dsp-lab/dsp/internal/archive"
	"github.com/dsp-lab/dsp/internal/engine"
)

// node is one entry of a container's file tree.
type node struct {
	mode    fs.FileMode // type bits and permissions
	data    []byte
	link    string // a symbolic link's target, as written
	modTime time.Time
}

// fileTree is a container's file system, keyed by clean absolute paths.
type fileTree struct {
	mu    sync.Mutex
	nodes map[string]*node
}

// newFileTree returns the files every fake container starts with.
func newFileTree(hostname string) *fileTree {
	now := time.Now()
	t := &fileTree{nodes: map[string]*node{}}
	for p, mode := range map[string]fs.FileMode{"/": 0o755, "/etc": 0o755, "/home": 0o755, "/tmp": 0o777 | fs.ModeSticky, "/root": 0o700} {
		t.nodes[p] = &node{mode: fs.ModeDir | mode, modTime: now}
	}
	t.nodes["/etc/hostname"] = &node{mode: 0o644, data: []byte(hostname + "\n"), modTime: now}
	return t
}

// errNotDir and errIsDir are the kinds of failure of file operations that
// name an existing path.
var (
	errNotDir = errors.New("not a directory")
	errIsDir  = errors.New("is a directory")
	errLoop   = errors.New("too many levels of symbolic links")
)

func notFound(p string) error { return &notFoundError{what: "file", name: p} }

// resolveLocked returns the path p names once symbolic links in its
// folders (and, with followFinal, its last element) are followed. The
// path it returns may not exist; a missing folder on the way is a
// NotFound-kind error.
func (t *fileTree) resolveLocked(p string, followFinal bool) (string, error) {
	parts := splitPath(p)
	cur := "/"
	for i, hops := 0, 0; i < len(parts); i++ {
		next := path.Join(cur, parts[i])
		last := i == len(parts)-1
		n := t.nodes[next]
		switch {
		case n == nil && last:
			return next, nil
		case n == nil:
			return "", notFound(p)
		case n.mode&fs.ModeSymlink != 0 && (!last || followFinal):
			if hops++; hops > 40 {
				return "", fmt.Errorf("%s: %w", p, errLoop)
			}
			target := n.link
			if !path.IsAbs(target) {
				target = path.Join(cur, target)
			}
			parts = append(splitPath(target), parts[i+1:]...)
			cur, i = "/", -1
		case !last && !n.mode.IsDir():
			return "", notFound(p)
		default:
			cur = next
		}
	}
	return cur, nil
}

// splitPath returns the elements of a path.
func splitPath(p string) []string {
	var parts []string
	for _, part := range strings.Split(path.Clean("/"+p), "/") {
		if part != "" {
			parts = append(parts, part)
		}
	}
	return parts
}

// stat describes p without following a final symbolic link.
func (t *fileTree) stat(p string) (archive.PathStat, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	resolved, err := t.resolveLocked(p, false)
	if err != nil {
		return archive.PathStat{}, err
	}
	n := t.nodes[resolved]
	if n == nil {
		return archive.PathStat{}, notFound(p)
	}
	st := archive.PathStat{Name: path.Base(resolved), Size: int64(len(n.data)), Mode: n.mode}
	switch {
	case n.mode.IsDir():
		st.Size = 4096
	case n.mode&fs.ModeSymlink != 0:
		st.Size = int64(len(n.link))
		st.LinkTarget = n.link
		if !path.IsAbs(n.link) {
			st.LinkTarget = path.Join(path.Dir(resolved), n.link)
		}
	}
	return st, nil
}

// readFile returns a file's content, following symbolic links.
func (t *fileTree) readFile(p string) ([]byte, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	resolved, err := t.resolveLocked(p, true)
	if err != nil {
		return nil, err
	}
	n := t.nodes[resolved]
	switch {
	case n == nil:
		return nil, notFound(p)
	case n.mode.IsDir():
		return nil, fmt.Errorf("%s: %w", p, errIsDir)
	}
	return bytes.Clone(n.data), nil
}

// isDir reports whether p is a folder, following symbolic links.
func (t *fileTree) isDir(p string) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	resolved, err := t.resolveLocked(p, true)
	return err == nil && t.nodes[resolved] != nil && t.nodes[resolved].mode.IsDir()
}

// writeFile writes data to p (following symbolic links), whose folder
// must exist; appending when asked.
func (t *fileTree) writeFile(p string, data []byte, mode fs.FileMode, appendData bool) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	resolved, err := t.resolveLocked(p, true)
	if err != nil {
		return err
	}
	if parent := t.nodes[path.Dir(resolved)]; parent == nil || !parent.mode.IsDir() {
		return notFound(path.Dir(p))
	}
	n := t.nodes[resolved]
	switch {
	case n == nil:
		t.nodes[resolved] = &node{mode: mode.Perm(), data: bytes.Clone(data), modTime: time.Now()}
	case n.mode.IsDir():
		return fmt.Errorf("%s: %w", p, errIsDir)
	case appendData:
		n.data = append(n.data, data...)
		n.modTime = time.Now()
	default:
		n.data = bytes.Clone(data)
		n.modTime = time.Now()
	}
	return nil
}

// writeFileAll writes a file, making its folders first.
func (t *fileTree) writeFileAll(p string, data []byte, mode fs.FileMode) error {
	if err := t.mkdirAll(path.Dir(path.Clean("/"+p)), 0o755); err != nil {
		return err
	}
	return t.writeFile(p, data, mode, false)
}

// mkdirAll makes a folder and its parents.
func (t *fileTree) mkdirAll(p string, mode fs.FileMode) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.mkdirAllLocked(p, mode)
}

func (t *fileTree) mkdirAllLocked(p string, mode fs.FileMode) error {
	cur := "/"
	for _, part := range splitPath(p) {
		next, err := t.resolveLocked(path.Join(cur, part), true)
		if err != nil {
			return err
		}
		switch n := t.nodes[next]; {
		case n == nil:
			t.nodes[next] = &node{mode: fs.ModeDir | mode.Perm(), modTime: time.Now()}
		case !n.mode.IsDir():
			return fmt.Errorf("%s: %w", next, errNotDir)
		}
		cur = next
	}
	return nil
}

// mkdir makes one folder, whose parent must exist.
func (t *fileTree) mkdir(p string, mode fs.FileMode) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	resolved, err := t.resolveLocked(p, false)
	if err != nil {
		return err
	}
	if t.nodes[resolved] != nil {
		return fs.ErrExist
	}
	if parent := t.nodes[path.Dir(resolved)]; parent == nil || !parent.mode.IsDir() {
		return notFound(path.Dir(p))
	}
	t.nodes[resolved] = &node{mode: fs.ModeDir | mode.Perm(), modTime: time.Now()}
	return nil
}

// removeLocked removes p and everything under it.
func (t *fileTree) removeLocked(p string) {
	for k := range t.nodes {
		if k == p || strings.HasPrefix(k, p+"/") {
			delete(t.nodes, k)
		}
	}
}

// extract unpacks a tar stream into the folder dir, as Docker's
// CopyToContainer does: entries are confined to dir, files and links
// replace what is there, folders are merged, a folder is never replaced by
// something else.
func (t *fileTree) extract(dir string, r io.Reader) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	base, err := t.resolveLocked(dir, true)
	if err != nil {
		return err
	}
	if n := t.nodes[base]; n == nil {
		return notFound(dir)
	} else if !n.mode.IsDir() {
		return fmt.Errorf("extract into %s: %w", dir, errNotDir)
	}
	tr := tar.NewReader(r)
	for {
		hdr, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("read archive: %w", err)
		}
		if err := t.extractEntry(base, hdr, tr); err != nil {
			return err
		}
	}
}

// extractEntry writes one archive entry under base.
func (t *fileTree) extractEntry(base string, hdr *tar.Header, r io.Reader) error {
	rel := path.Clean("/" + hdr.Name)
	if rel == "/" {
		return nil
	}
	if err := t.mkdirAllLocked(path.Join(base, path.Dir(rel)), 0o755); err != nil {
		return err
	}
	parent, err := t.resolveLocked(path.Join(base, path.Dir(rel)), true)
	if err != nil {
		return err
	}
	target := path.Join(parent, path.Base(rel))
	existing := t.nodes[target]
	mode := hdr.FileInfo().Mode()
	n := &node{mode: mode, modTime: hdr.ModTime}
	switch hdr.Typeflag {
	case tar.TypeDir:
		if existing != nil && existing.mode.IsDir() {
			existing.mode, existing.modTime = mode, hdr.ModTime
			return nil
		}
	case tar.TypeReg:
		if n.data, err = io.ReadAll(r); err != nil {
			return fmt.Errorf("read archive entry %s: %w", hdr.Name, err)
		}
	case tar.TypeSymlink:
		n.link = hdr.Linkname
	case tar.TypeLink:
		src := t.nodes[path.Join(base, path.Clean("/"+hdr.Linkname))]
		if src == nil {
			return fmt.Errorf("archive entry %s: hard link to %s: %w", hdr.Name, hdr.Linkname, notFound(hdr.Linkname))
		}
		n.mode, n.data = src.mode, bytes.Clone(src.data)
	default:
		return nil // devices, FIFOs: not modelled
	}
	if existing != nil && existing.mode.IsDir() {
		return fmt.Errorf("cannot overwrite directory %s with non-directory", target)
	}
	if existing != nil {
		t.removeLocked(target)
	}
	t.nodes[target] = n
	return nil
}

// archiveOf returns p (a final symbolic link not followed) as a tar stream
// whose entries are named after p's last element, as Docker's
// CopyFromContainer does.
func (t *fileTree) archiveOf(p string) ([]byte, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	resolved, err := t.resolveLocked(p, false)
	if err != nil {
		return nil, err
	}
	if t.nodes[resolved] == nil {
		return nil, notFound(p)
	}
	var keys []string
	for k := range t.nodes {
		if k == resolved || resolved == "/" || strings.HasPrefix(k, resolved+"/") {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	name, under := path.Base(resolved), resolved
	if resolved == "/" {
		name, under = ".", ""
	}
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for _, k := range keys {
		entry := name
		if k != resolved {
			entry += strings.TrimPrefix(k, under)
		}
		if err := writeEntry(tw, entry, t.nodes[k]); err != nil {
			return nil, fmt.Errorf("pack %s: %w", p, err)
		}
	}
	if err := tw.Close(); err != nil {
		return nil, fmt.Errorf("pack %s: %w", p, err)
	}
	return buf.Bytes(), nil
}

// writeEntry writes one node to a tar stream, owned by root.
func writeEntry(tw *tar.Writer, name string, n *node) error {
	hdr, err := tar.FileInfoHeader(nodeInfo{name: path.Base(name), n: n}, n.link)
	if err != nil {
		return err
	}
	hdr.Name = strings.TrimPrefix(name, "/")
	if n.mode.IsDir() {
		hdr.Name += "/"
	}
	if err := tw.WriteHeader(hdr); err != nil {
		return err
	}
	if n.mode.IsRegular() {
		_, err = tw.Write(n.data)
	}
	return err
}

// nodeInfo is a node as an fs.FileInfo, for tar.FileInfoHeader.
type nodeInfo struct {
	name string
	n    *node
}

func (i nodeInfo) Name() string       { return i.name }
func (i nodeInfo) Size() int64        { return int64(len(i.n.data)) }
func (i nodeInfo) Mode() fs.FileMode  { return i.n.mode }
func (i nodeInfo) ModTime() time.Time { return i.n.modTime }
func (i nodeInfo) IsDir() bool        { return i.n.mode.IsDir() }
func (i nodeInfo) Sys() any           { return nil }

// runningFiles returns the file tree of a service's running container.
func (e *Engine) runningFiles(ref engine.Ref, service string) (*fileTree, error) {
	c, err := e.runningContainer(ref, service)
	if err != nil {
		return nil, err
	}
	return c.files, nil
}

// StatPath describes a path in a service's running container; symbolic
// links are not followed; a missing path is a NotFound-kind error.
func (e *Engine) StatPath(ctx context.Context, ref engine.Ref, service, p string) (archive.PathStat, error) {
	files, err := e.runningFiles(normalizeRef(ref), service)
	if err != nil {
		return archive.PathStat{}, err
	}
	st, err := files.stat(p)
	if err != nil {
		return archive.PathStat{}, fmt.Errorf("stat %s: %w", p, err)
	}
	return st, nil
}

// CopyIn extracts a tar stream into a folder of a service's running
// container.
func (e *Engine) CopyIn(ctx context.Context, ref engine.Ref, service, dir string, content io.Reader) error {
	files, err := e.runningFiles(normalizeRef(ref), service)
	if err != nil {
		return err
	}
	if err := files.extract(dir, content); err != nil {
		return fmt.Errorf("copy into %s: %w", dir, err)
	}
	return nil
}

// CopyOut returns a path of a service's running container as a tar
// stream.
func (e *Engine) CopyOut(ctx context.Context, ref engine.Ref, service, p string) (io.ReadCloser, error) {
	files, err := e.runningFiles(normalizeRef(ref), service)
	if err != nil {
		return nil, err
	}
	data, err := files.archiveOf(p)
	if err != nil {
		return nil, fmt.Errorf("copy %s: %w", p, err)
	}
	return io.NopCloser(bytes.NewReader(data)), nil
}

// treeFiles is a container's file tree as archive's Container, for the
// fake's own copies (the lab's files at start).
type treeFiles struct{ t *fileTree }

func (f treeFiles) StatPath(_ context.Context, p string) (archive.PathStat, error) {
	return f.t.stat(p)
}

func (f treeFiles) CopyIn(_ context.Context, dir string, content io.Reader) error {
	return f.t.extract(dir, content)
}

func (f treeFiles) CopyOut(_ context.Context, p string) (io.ReadCloser, error) {
	data, err := f.t.archiveOf(p)
	if err != nil {
		return nil, err
	}
	return io.NopCloser(bytes.NewReader(data)), nil
}

// modeOf returns the mode of what p names, following symbolic links.
func (t *fileTree) modeOf(p string) (fs.FileMode, bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	resolved, err := t.resolveLocked(p, true)
	if err != nil || t.nodes[resolved] == nil {
		return 0, false
	}
	return t.nodes[resolved].mode, true
}

// remove removes p (not following a final symbolic link); recursive says
// whether a folder that is not empty may go.
func (t *fileTree) remove(p string, recursive bool) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	resolved, err := t.resolveLocked(p, false)
	if err != nil {
		return err
	}
	n := t.nodes[resolved]
	switch {
	case n == nil:
		return notFound(p)
	case resolved == "/":
		return fmt.Errorf("%s: refusing to remove the root folder", p)
	case n.mode.IsDir() && !recursive:
		return fmt.Errorf("%s: %w", p, errIsDir)
	}
	t.removeLocked(resolved)
	return nil
}
