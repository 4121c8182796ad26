package local

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	cerrdefs "github.com/containerd/errdefs"
	"github.com/moby/moby/api/types/events"
	"github.com/moby/moby/client"

	"github.com/dsp-lab/dsp/internal/engine"
)

// Images lists the local images with the labs that use each.
func (e *Engine) Images(ctx context.Context) ([]engine.Image, error) {
	res, err := e.docker.ImageList(ctx, client.ImageListOptions{})
	if err != nil {
		return nil, fmt.Errorf("list images: %w", err)
	}
	users, err := e.imageUsers(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]engine.Image, 0, len(res.Items))
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
		labels := img.Labels
		if labels == nil {
			labels = map[string]string{}
		}
		out = append(out, engine.Image{ID: img.ID, Tags: tags, Size: img.Size, Created: img.Created, UsedBy: used, Labels: labels})
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
		ref := refOf(c.Labels).String()
		if !slices.Contains(users[c.ImageID], ref) {
			users[c.ImageID] = append(users[c.ImageID], ref)
		}
	}
	return users, nil
}

// ImagePresent reports whether an image exists locally, and its size.
func (e *Engine) ImagePresent(ctx context.Context, ref string) (bool, int64, error) {
	if err := engine.CheckImageRef(ref); err != nil {
		return false, 0, err
	}
	res, err := e.docker.ImageInspect(ctx, ref)
	if err != nil {
		if cerrdefs.IsNotFound(err) {
			return false, 0, nil
		}
		return false, 0, fmt.Errorf("inspect image %s: %w", ref, err)
	}
	return true, res.Size, nil
}

// RemoveImage removes a local image, refusing while a lab uses it.
func (e *Engine) RemoveImage(ctx context.Context, ref string) error {
	if err := engine.CheckImageRef(ref); err != nil {
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
		return &engine.InUseError{Image: ref, Labs: labs}
	}
	if _, err := e.docker.ImageRemove(ctx, ref, client.ImageRemoveOptions{}); err != nil {
		return fmt.Errorf("remove image %s: %w", ref, err)
	}
	return nil
}

// Pull pulls an image, reporting per-layer progress (target = layer id).
func (e *Engine) Pull(ctx context.Context, ref string, progress engine.Progress) error {
	if err := engine.CheckImageRef(ref); err != nil {
		return err
	}
	progress.Emit(engine.StepPull, ref, engine.StatusWorking, "pulling")
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
		ev := engine.Event{Time: time.Now(), Step: engine.StepPull, Target: msg.ID, Status: engine.StatusWorking, Message: msg.Status}
		if msg.Progress != nil && msg.Progress.Total > 0 {
			ev.Percent = int(msg.Progress.Current * 100 / msg.Progress.Total)
		}
		if strings.HasPrefix(msg.Status, "Pull complete") || strings.HasPrefix(msg.Status, "Already exists") {
			ev.Status, ev.Percent = engine.StatusDone, 100
		}
		progress.Send(ev)
	}
	progress.Emit(engine.StepPull, ref, engine.StatusDone, "pulled")
	return nil
}

// Version is the Docker Engine's version.
func (e *Engine) Version(ctx context.Context) (engine.Version, error) {
	v, err := e.docker.ServerVersion(ctx, client.ServerVersionOptions{})
	if err != nil {
		return engine.Version{}, fmt.Errorf("docker version: %w", err)
	}
	return engine.Version{Version: v.Version, APIVersion: v.APIVersion}, nil
}

// Events calls onChange with the lab instance of every container, network
// or volume event of a lab of this namespace, until ctx ends. It
// reconnects when the stream breaks.
func (e *Engine) Events(ctx context.Context, onChange func(engine.Ref)) {
	for ctx.Err() == nil {
		res := e.docker.Events(ctx, client.EventsListOptions{Filters: client.Filters{}.Add("label", LabelNamespace+"="+e.namespace)})
		// A broken stream is opened again: its error is not the caller's.
		_ = e.forwardEvents(ctx, res, onChange)
		select {
		case <-ctx.Done():
		case <-time.After(time.Second):
		}
	}
}

// forwardEvents calls onChange for the events of one stream until ctx ends
// or the stream breaks; it returns the stream's error.
func (e *Engine) forwardEvents(ctx context.Context, res client.EventsResult, onChange func(engine.Ref)) error {
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case err := <-res.Err:
			return err
		case msg := <-res.Messages:
			if msg.Type != events.ContainerEventType && msg.Type != events.NetworkEventType && msg.Type != events.VolumeEventType {
				continue
			}
			a := msg.Actor.Attributes
			if a[LabelRepo] == "" {
				continue
			}
			onChange(refOf(a))
		}
	}
}
