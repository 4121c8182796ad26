package engine

import (
	"context"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/distribution/reference"
	"github.com/moby/moby/api/types/events"
	"github.com/moby/moby/client"
)

// Image is a local image.
type Image struct {
	ID      string   `json:"id"`
	Tags    []string `json:"tags"`
	Size    int64    `json:"size"`
	Created int64    `json:"created"` // unix seconds
	UsedBy  []string `json:"usedBy"`  // labs (REPO/LAB) whose containers use it
}

// Images lists the local images with the labs that use each.
func (e *Engine) Images(ctx context.Context) ([]Image, error) {
	res, err := e.docker.ImageList(ctx, client.ImageListOptions{})
	if err != nil {
		return nil, fmt.Errorf("list images: %w", err)
	}
	users, err := e.imageUsers(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]Image, 0, len(res.Items))
	for _, img := range res.Items {
		tags := []string{}
		for _, t := range img.RepoTags {
			if t != "<none>:<none>" {
				tags = append(tags, t)
			}
		}
		used := users[img.ID]
		if used == nil {
			used = []string{}
		}
		out = append(out, Image{ID: img.ID, Tags: tags, Size: img.Size, Created: img.Created, UsedBy: used})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Created > out[j].Created })
	return out, nil
}

// imageUsers maps image ids to the labs whose containers use them.
func (e *Engine) imageUsers(ctx context.Context) (map[string][]string, error) {
	cs, err := e.docker.ContainerList(ctx, client.ContainerListOptions{All: true, Filters: client.Filters{}.Add("label", LabelManaged+"=true")})
	if err != nil {
		return nil, fmt.Errorf("list lab containers: %w", err)
	}
	users := map[string][]string{}
	for _, c := range cs.Items {
		ref := Ref{Repo: c.Labels[LabelRepo], Lab: c.Labels[LabelLab], Instance: c.Labels[LabelInstance]}.String()
		if !containsString(users[c.ImageID], ref) {
			users[c.ImageID] = append(users[c.ImageID], ref)
		}
	}
	return users, nil
}

// imageIDRe matches a full or short image id.
var imageIDRe = regexp.MustCompile(`^(sha256:)?[0-9a-f]{12,64}$`)

// CheckImageRef accepts an image reference (alpine:3.20, a/b@sha256:…) or
// an image id, and nothing else: the value becomes part of an Engine API
// path, where "../containers/x" would reach another object.
func CheckImageRef(ref string) error {
	if imageIDRe.MatchString(ref) {
		return nil
	}
	if _, err := reference.ParseNormalizedNamed(ref); err != nil {
		return fmt.Errorf("%q is not an image reference or id: %v", ref, err)
	}
	return nil
}

// ImagePresent reports whether an image exists locally, and its size.
func (e *Engine) ImagePresent(ctx context.Context, ref string) (bool, int64, error) {
	if err := CheckImageRef(ref); err != nil {
		return false, 0, err
	}
	res, err := e.docker.ImageInspect(ctx, ref)
	if err != nil {
		if isNotFound(err) {
			return false, 0, nil
		}
		return false, 0, fmt.Errorf("inspect image %s: %w", ref, err)
	}
	return true, res.Size, nil
}

// InUseError refuses to remove an image that labs use.
type InUseError struct {
	Image string
	Labs  []string
}

func (e *InUseError) Error() string {
	return fmt.Sprintf("image %s is used by lab %s; stop it first", e.Image, strings.Join(e.Labs, ", "))
}

// RemoveImage removes a local image, refusing while a lab uses it.
func (e *Engine) RemoveImage(ctx context.Context, ref string) error {
	if err := CheckImageRef(ref); err != nil {
		return err
	}
	res, err := e.docker.ImageInspect(ctx, ref)
	if err != nil {
		return fmt.Errorf("image %s: %w", ref, err)
	}
	users, err := e.imageUsers(ctx)
	if err != nil {
		return err
	}
	if labs := users[res.ID]; len(labs) > 0 {
		return &InUseError{Image: ref, Labs: labs}
	}
	if _, err := e.docker.ImageRemove(ctx, ref, client.ImageRemoveOptions{}); err != nil {
		return fmt.Errorf("remove image %s: %w", ref, err)
	}
	return nil
}

// Pull pulls an image, reporting per-layer progress (target = layer id).
func (e *Engine) Pull(ctx context.Context, ref string, progress Progress) error {
	if err := CheckImageRef(ref); err != nil {
		return err
	}
	progress.emit(StepPull, ref, StatusWorking, "pulling")
	res, err := e.docker.ImagePull(ctx, ref, client.ImagePullOptions{})
	if err != nil {
		return fmt.Errorf("pull %s: %w", ref, err)
	}
	defer res.Close()
	for msg, err := range res.JSONMessages(ctx) {
		if err != nil {
			return fmt.Errorf("pull %s: %w", ref, err)
		}
		if msg.Error != nil {
			return fmt.Errorf("pull %s: %s", ref, msg.Error.Message)
		}
		ev := Event{Time: time.Now(), Step: StepPull, Target: msg.ID, Status: StatusWorking, Message: msg.Status}
		if msg.Progress != nil && msg.Progress.Total > 0 {
			ev.Percent = int(msg.Progress.Current * 100 / msg.Progress.Total)
		}
		if strings.HasPrefix(msg.Status, "Pull complete") || strings.HasPrefix(msg.Status, "Already exists") {
			ev.Status, ev.Percent = StatusDone, 100
		}
		if progress != nil {
			progress(ev)
		}
	}
	progress.emit(StepPull, ref, StatusDone, "pulled")
	return nil
}

// Version is the Docker Engine's version.
func (e *Engine) Version(ctx context.Context) (version, api string, err error) {
	v, err := e.docker.ServerVersion(ctx, client.ServerVersionOptions{})
	if err != nil {
		return "", "", fmt.Errorf("docker version: %w", err)
	}
	return v.Version, v.APIVersion, nil
}

// Watch calls onChange with the lab instance of every container or network
// event of a lab, until ctx ends. It reconnects when the stream breaks.
func (e *Engine) Watch(ctx context.Context, onChange func(Ref)) {
	for ctx.Err() == nil {
		res := e.docker.Events(ctx, client.EventsListOptions{Filters: client.Filters{}.Add("label", LabelManaged+"=true")})
		e.forwardEvents(ctx, res, onChange)
		select {
		case <-ctx.Done():
		case <-time.After(time.Second):
		}
	}
}

func (e *Engine) forwardEvents(ctx context.Context, res client.EventsResult, onChange func(Ref)) {
	for {
		select {
		case <-ctx.Done():
			return
		case <-res.Err:
			return
		case msg := <-res.Messages:
			if msg.Type != events.ContainerEventType && msg.Type != events.NetworkEventType && msg.Type != events.VolumeEventType {
				continue
			}
			a := msg.Actor.Attributes
			if a[LabelRepo] == "" {
				continue
			}
			onChange(Ref{Repo: a[LabelRepo], Lab: a[LabelLab], Instance: a[LabelInstance]})
		}
	}
}

func containsString(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}
