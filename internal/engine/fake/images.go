package fake

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/distribution/reference"

	"github.com/dsp-lab/dsp/internal/engine"
	"github.com/dsp-lab/dsp/internal/lab"
)

// image is an image present on the fake engine.
type image struct {
	id      string
	name    string // normalised: dsp/busybox:latest
	size    int64
	created time.Time
}

// imageSize is the size the fake gives every image: that of dsp/busybox.
const imageSize = 1986052

// normalizeImage names an image as Docker shows it: "busybox" is
// "busybox:latest", "docker.io/library/busybox" is "busybox:latest".
// Values that are not references are kept as they are.
func normalizeImage(ref string) string {
	named, err := reference.ParseNormalizedNamed(ref)
	if err != nil {
		return ref
	}
	return reference.FamiliarString(reference.TagNameOnly(named))
}

// isImageID reports whether ref is a full or short image id.
func isImageID(ref string) bool {
	hexPart := strings.TrimPrefix(ref, "sha256:")
	if len(hexPart) < 12 || len(hexPart) > 64 {
		return false
	}
	for _, r := range hexPart {
		if !strings.ContainsRune("0123456789abcdef", r) {
			return false
		}
	}
	return true
}

func (e *Engine) addImageLocked(ref string) *image {
	name := normalizeImage(ref)
	if img := e.images[name]; img != nil {
		return img
	}
	sum := sha256.Sum256([]byte(name))
	img := &image{id: "sha256:" + hex.EncodeToString(sum[:]), name: name, size: imageSize, created: time.Now()}
	e.images[name] = img
	return img
}

// imageLocked finds an image by name or id.
func (e *Engine) imageLocked(ref string) *image {
	if img := e.images[normalizeImage(ref)]; img != nil {
		return img
	}
	if !isImageID(ref) {
		return nil
	}
	id := strings.TrimPrefix(ref, "sha256:")
	for _, img := range e.images {
		if strings.HasPrefix(strings.TrimPrefix(img.id, "sha256:"), id) {
			return img
		}
	}
	return nil
}

// usersLocked lists the instances whose containers use the image.
func (e *Engine) usersLocked(img *image) []string {
	users := []string{}
	for ref, in := range e.instances {
		for _, c := range in.containers {
			if normalizeImage(c.image) == img.name && !slices.Contains(users, ref.String()) {
				users = append(users, ref.String())
			}
		}
	}
	sort.Strings(users)
	return users
}

// Images lists the present images, newest first, with the instances that
// use each.
func (e *Engine) Images(ctx context.Context) ([]engine.Image, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	out := make([]engine.Image, 0, len(e.images))
	for _, img := range e.images {
		out = append(out, engine.Image{ID: img.id, Tags: []string{img.name}, Size: img.size, Created: img.created.Unix(), UsedBy: e.usersLocked(img), Labels: map[string]string{}})
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Created != out[j].Created {
			return out[i].Created > out[j].Created
		}
		return out[i].Tags[0] < out[j].Tags[0]
	})
	return out, nil
}

// ImagePresent reports whether an image is present, and its size.
func (e *Engine) ImagePresent(ctx context.Context, ref string) (bool, int64, error) {
	if err := engine.CheckImageRef(ref); err != nil {
		return false, 0, err
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if img := e.imageLocked(ref); img != nil {
		return true, img.size, nil
	}
	return false, 0, nil
}

// Pull pulls an image that WithPullable names, with per-layer progress;
// any other image fails at once, as when the registry cannot be reached.
func (e *Engine) Pull(ctx context.Context, ref string, progress engine.Progress) error {
	if err := engine.CheckImageRef(ref); err != nil {
		return err
	}
	name := normalizeImage(ref)
	progress.Emit(engine.StepPull, ref, engine.StatusWorking, "pulling")
	e.mu.Lock()
	ok := e.pullable[name]
	e.mu.Unlock()
	if !ok {
		return fmt.Errorf("pull %s: %w", ref, unreachableRegistry(ref))
	}
	sum := sha256.Sum256([]byte(name))
	for i := range 2 {
		layer := hex.EncodeToString(sum[i*6 : i*6+6])
		for _, pct := range []int{0, 50} {
			if err := ctx.Err(); err != nil {
				return fmt.Errorf("pull %s: %w", ref, err)
			}
			progress.Send(engine.Event{Time: time.Now(), Step: engine.StepPull, Target: layer, Status: engine.StatusWorking, Message: "Downloading", Percent: pct})
		}
		progress.Send(engine.Event{Time: time.Now(), Step: engine.StepPull, Target: layer, Status: engine.StatusDone, Message: "Pull complete", Percent: 100})
	}
	e.mu.Lock()
	e.addImageLocked(ref)
	e.mu.Unlock()
	progress.Emit(engine.StepPull, ref, engine.StatusDone, "pulled")
	return nil
}

// unreachableRegistry is the error of a pull from a registry that cannot be
// reached, worded as Docker words it.
func unreachableRegistry(ref string) error {
	domain := "registry-1.docker.io"
	if named, err := reference.ParseNormalizedNamed(ref); err == nil && reference.Domain(named) != "docker.io" {
		domain = reference.Domain(named)
	}
	return fmt.Errorf(`Error response from daemon: Get "https://%s/v2/": dial tcp: lookup %s: no such host`, domain, domain)
}

// RemoveImage removes an image: a *engine.InUseError while an instance
// uses it, a NotFound-kind error when it is not present.
func (e *Engine) RemoveImage(ctx context.Context, ref string) error {
	if err := engine.CheckImageRef(ref); err != nil {
		return err
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	img := e.imageLocked(ref)
	if img == nil {
		return fmt.Errorf("image %s: %w", ref, &notFoundError{what: "image", name: ref})
	}
	if users := e.usersLocked(img); len(users) > 0 {
		return &engine.InUseError{Image: ref, Labs: users}
	}
	delete(e.images, img.name)
	return nil
}

// Version describes the fake engine.
func (e *Engine) Version(ctx context.Context) (engine.Version, error) {
	return engine.Version{Version: "fake", APIVersion: "1.41"}, nil
}

// notFoundError is a NotFound-kind error (errdefs), worded as Docker words
// it.
type notFoundError struct {
	what, name string
}

func (e *notFoundError) Error() string {
	switch e.what {
	case "image":
		return "Error response from daemon: No such image: " + e.name
	default:
		return fmt.Sprintf("Could not find the file %s in container", e.name)
	}
}

// NotFound classifies the error (errdefs).
func (e *notFoundError) NotFound() {}

// ConvertDisk copies the file: the fake has no qemu-img. It needs the VM
// helper image, as the real engine does.
func (e *Engine) ConvertDisk(ctx context.Context, src, dst string, progress engine.Progress) error {
	e.mu.Lock()
	present := e.imageLocked(lab.VMHelperImage) != nil
	e.mu.Unlock()
	if !present {
		return &engine.MissingImagesError{Images: map[string][]string{lab.VMHelperImage: {"disk conversion"}}}
	}
	data, err := os.ReadFile(src)
	if err != nil {
		return fmt.Errorf("convert %s: %w", filepath.Base(src), err)
	}
	if err := os.WriteFile(dst, data, 0o644); err != nil {
		return fmt.Errorf("convert %s: %w", filepath.Base(src), err)
	}
	progress.Emit(engine.StepBuild, filepath.Base(src), engine.StatusDone, "converted to qcow2")
	return ctx.Err()
}
