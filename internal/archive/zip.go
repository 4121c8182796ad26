package archive

import (
	"archive/tar"
	"archive/zip"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"

	units "github.com/docker/go-units"
)

// This file unpacks archives that come from strangers (a lab someone sent):
// a tar stream or a zip file. Every entry is checked before anything is
// written — names, links, kinds and the archive's size — and what passes is
// written by Extract, confined to the destination.

// Limits bound what an archive may unpack to.
type Limits struct {
	// MaxBytes bounds the sum of the sizes of the entries.
	MaxBytes int64
	// MaxEntries bounds the entries: files, folders and links.
	MaxEntries int
}

// LimitError refuses an archive larger than its Limits.
type LimitError struct {
	What  string // "entries" or "bytes"
	Limit int64
}

func (e *LimitError) Error() string {
	if e.What == "entries" {
		return fmt.Sprintf("the archive holds more than %d files and folders: refused", e.Limit)
	}
	return fmt.Sprintf("the archive unpacks to more than %s: refused", units.BytesSize(float64(e.Limit)))
}

// InvalidParameter classifies the error (errdefs).
func (e *LimitError) InvalidParameter() {}

// FormatError means a file is not an archive of the kind expected, or is
// damaged.
type FormatError struct {
	Kind string // "tar", "zip"
	Err  error
}

func (e *FormatError) Error() string {
	return fmt.Sprintf("not a readable %s archive: %v", e.Kind, e.Err)
}

func (e *FormatError) Unwrap() error { return e.Err }

// InvalidParameter classifies the error (errdefs).
func (e *FormatError) InvalidParameter() {}

// maxLinkTarget bounds a symbolic link's target in a zip file (its
// content).
const maxLinkTarget = 4096

// ExtractTar unpacks a tar stream from a stranger into the folder dir. It
// refuses (and stops at) absolute names, ".." elements, symbolic links that
// are absolute or lead outside dir, hard links to anything but a file the
// archive holds before them, devices and FIFOs, and archives larger than
// lim. Nothing is written outside dir; what was written before a refusal
// stays in dir for the caller to remove.
func ExtractTar(ctx context.Context, r io.Reader, dir string, lim Limits) error {
	return extractChecked(dir, func(tw *tar.Writer) error {
		tr := tar.NewReader(r)
		c := newChecker(lim)
		for {
			if err := ctx.Err(); err != nil {
				return err
			}
			hdr, err := tr.Next()
			if errors.Is(err, io.EOF) {
				return nil
			}
			if err != nil {
				return &FormatError{Kind: "tar", Err: err}
			}
			clean, err := c.check(hdr)
			if err != nil {
				return err
			}
			if clean == nil {
				continue
			}
			if err := tw.WriteHeader(clean); err != nil {
				return err
			}
			if clean.Typeflag == tar.TypeReg {
				if _, err := io.CopyN(tw, tr, clean.Size); err != nil {
					return readError("tar", err)
				}
			}
		}
	})
}

// ExtractZip unpacks a zip file from a stranger into the folder dir, with
// the rules of ExtractTar. Names written with backslashes are taken as
// slash-separated.
func ExtractZip(ctx context.Context, r io.ReaderAt, size int64, dir string, lim Limits) error {
	zr, err := zip.NewReader(r, size)
	if err != nil {
		return &FormatError{Kind: "zip", Err: err}
	}
	if len(zr.File) > lim.MaxEntries {
		return &LimitError{What: "entries", Limit: int64(lim.MaxEntries)}
	}
	var total uint64
	for _, f := range zr.File {
		if total += f.UncompressedSize64; total > uint64(lim.MaxBytes) {
			return &LimitError{What: "bytes", Limit: lim.MaxBytes}
		}
	}
	return extractChecked(dir, func(tw *tar.Writer) error {
		c := newChecker(lim)
		for _, f := range zr.File {
			if err := ctx.Err(); err != nil {
				return err
			}
			if err := zipEntry(c, tw, f); err != nil {
				return err
			}
		}
		return nil
	})
}

// zipEntry checks one entry of a zip file and writes it to tw as a tar
// entry.
func zipEntry(c *checker, tw *tar.Writer, f *zip.File) error {
	name := strings.ReplaceAll(f.Name, `\`, "/")
	mode := f.Mode()
	hdr := &tar.Header{Name: name, ModTime: f.Modified, Mode: int64(mode.Perm())}
	switch {
	case mode&(fs.ModeDevice|fs.ModeCharDevice|fs.ModeNamedPipe|fs.ModeSocket|fs.ModeIrregular) != 0:
		return &UnsafeEntryError{Name: f.Name, Reason: "a device, FIFO or socket"}
	case mode.IsDir() || strings.HasSuffix(name, "/"):
		hdr.Typeflag = tar.TypeDir
		if hdr.Mode == 0 {
			hdr.Mode = 0o755
		}
	case mode&fs.ModeSymlink != 0:
		target, err := zipLinkTarget(f)
		if err != nil {
			return err
		}
		hdr.Typeflag, hdr.Linkname = tar.TypeSymlink, target
	default:
		hdr.Typeflag, hdr.Size = tar.TypeReg, int64(f.UncompressedSize64)
		if hdr.Mode == 0 {
			hdr.Mode = 0o644
		}
	}
	clean, err := c.check(hdr)
	if err != nil || clean == nil {
		return err
	}
	if err := tw.WriteHeader(clean); err != nil {
		return err
	}
	if clean.Typeflag != tar.TypeReg {
		return nil
	}
	rc, err := f.Open()
	if err != nil {
		return &FormatError{Kind: "zip", Err: fmt.Errorf("%s: %w", f.Name, err)}
	}
	defer rc.Close()
	if _, err := io.CopyN(tw, rc, clean.Size); err != nil {
		return readError("zip", fmt.Errorf("%s: %w", f.Name, err))
	}
	// The entry must end where it says it does (zip checks its CRC at EOF).
	if n, err := rc.Read(make([]byte, 1)); n > 0 || (err != nil && !errors.Is(err, io.EOF)) {
		if err == nil {
			err = errors.New("longer than its stated size")
		}
		return &FormatError{Kind: "zip", Err: fmt.Errorf("%s: %w", f.Name, err)}
	}
	return nil
}

// zipLinkTarget reads a symbolic link's target: the entry's content.
func zipLinkTarget(f *zip.File) (string, error) {
	if f.UncompressedSize64 > maxLinkTarget {
		return "", &UnsafeEntryError{Name: f.Name, Reason: "symbolic link with a target longer than 4096 bytes"}
	}
	rc, err := f.Open()
	if err != nil {
		return "", &FormatError{Kind: "zip", Err: fmt.Errorf("%s: %w", f.Name, err)}
	}
	defer rc.Close()
	data, err := io.ReadAll(io.LimitReader(rc, maxLinkTarget+1))
	if err != nil {
		return "", &FormatError{Kind: "zip", Err: fmt.Errorf("%s: %w", f.Name, err)}
	}
	return string(data), nil
}

// readError is a failure to read an entry's content: a damaged archive,
// unless the extraction ended first.
func readError(kind string, err error) error {
	if errors.Is(err, errExtractEnded) {
		return err
	}
	return &FormatError{Kind: kind, Err: err}
}

// checker checks the entries of one archive, in order.
type checker struct {
	lim     Limits
	entries int
	bytes   int64
	files   map[string]bool // the regular files so far, by cleaned name
}

func newChecker(lim Limits) *checker {
	return &checker{lim: lim, files: map[string]bool{}}
}

// check checks an entry and returns the header to write for it (names
// cleaned, only the permission bits kept, no owners), or nil for an entry
// that needs nothing written (the archive's top folder itself).
func (c *checker) check(hdr *tar.Header) (*tar.Header, error) {
	if c.entries++; c.entries > c.lim.MaxEntries {
		return nil, &LimitError{What: "entries", Limit: int64(c.lim.MaxEntries)}
	}
	// Every entry's stated size counts: a reader skips what it does not
	// read, and skipping costs as much as reading.
	if hdr.Size < 0 {
		return nil, &UnsafeEntryError{Name: hdr.Name, Reason: "negative size"}
	}
	if c.bytes += hdr.Size; c.bytes > c.lim.MaxBytes {
		return nil, &LimitError{What: "bytes", Limit: c.lim.MaxBytes}
	}
	name, err := entryName(hdr.Name, "", "")
	if err != nil {
		return nil, err
	}
	if name == "." {
		return nil, nil
	}
	out := &tar.Header{Name: name, ModTime: hdr.ModTime, Mode: hdr.Mode & int64(fs.ModePerm)}
	delete(c.files, name)
	switch hdr.Typeflag {
	case tar.TypeReg:
		out.Typeflag, out.Size = tar.TypeReg, hdr.Size
		c.files[name] = true
	case tar.TypeDir:
		out.Typeflag, out.Name = tar.TypeDir, name+"/"
	case tar.TypeSymlink:
		if err := linkInside(hdr.Name, name, hdr.Linkname); err != nil {
			return nil, err
		}
		out.Typeflag, out.Linkname = tar.TypeSymlink, hdr.Linkname
	case tar.TypeLink:
		target, err := entryName(hdr.Linkname, "", "")
		if err != nil {
			return nil, &UnsafeEntryError{Name: hdr.Name, Reason: "hard link to " + hdr.Linkname + ": " + err.Error()}
		}
		if !c.files[target] {
			return nil, &UnsafeEntryError{Name: hdr.Name, Reason: "hard link to " + hdr.Linkname + ", which is not a file the archive holds before it"}
		}
		out.Typeflag, out.Linkname = tar.TypeLink, target
		c.files[name] = true
	case tar.TypeChar, tar.TypeBlock:
		return nil, &UnsafeEntryError{Name: hdr.Name, Reason: "a device file"}
	case tar.TypeFifo:
		return nil, &UnsafeEntryError{Name: hdr.Name, Reason: "a FIFO"}
	default:
		return nil, &UnsafeEntryError{Name: hdr.Name, Reason: fmt.Sprintf("an entry of unsupported type %q", hdr.Typeflag)}
	}
	return out, nil
}

// errExtractEnded stops a producer whose archive Extract stopped reading.
var errExtractEnded = errors.New("extraction ended")

// extractChecked runs produce, which writes a checked tar stream, and
// extracts that stream into dir. A producer's error wins over Extract's:
// it says what was wrong with the archive.
func extractChecked(dir string, produce func(tw *tar.Writer) error) error {
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() {
		tw := tar.NewWriter(pw)
		err := produce(tw)
		if err == nil {
			err = tw.Close()
		}
		pw.CloseWithError(err)
		done <- err
	}()
	xerr := Extract(pr, dir, "", "")
	pr.CloseWithError(errExtractEnded)
	if perr := <-done; perr != nil && !errors.Is(perr, errExtractEnded) {
		return perr
	}
	return xerr
}

// LinksInside checks that every symbolic link under dir resolves inside
// dir (or to nothing there yet): what Extract checked against its
// destination, checked again for a folder inside it.
func LinksInside(dir string) error {
	root, err := os.OpenRoot(dir)
	if err != nil {
		return err
	}
	defer root.Close()
	return filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.Type()&fs.ModeSymlink == 0 {
			return nil
		}
		rel, err := filepath.Rel(dir, p)
		if err != nil {
			return err
		}
		target, _ := os.Readlink(p)
		if path.IsAbs(target) {
			return &UnsafeEntryError{Name: filepath.ToSlash(rel), Reason: fmt.Sprintf("symbolic link to the absolute path %s", target)}
		}
		if _, err := root.Stat(rel); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return &UnsafeEntryError{Name: filepath.ToSlash(rel), Reason: fmt.Sprintf("symbolic link to %s points outside the lab folder", target)}
		}
		return nil
	})
}
