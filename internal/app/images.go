package app

import (
	"context"
	"fmt"
	"slices"
	"sort"

	"github.com/distribution/reference"

	"github.com/dsp-lab/dsp/internal/catalog"
	"github.com/dsp-lab/dsp/internal/engine"
	"github.com/dsp-lab/dsp/internal/wrapper"
)

// ImageView is an image on the engine with the labs that use and need it.
type ImageView struct {
	engine.Image
	NeededBy []string `json:"neededBy"` // labs (REPO/LAB) whose services name it
	// Wrapper is what the image declares by the Docker Image Wrapper
	// convention (type, default ports, capabilities, actions); nil for an
	// image without wrapper labels.
	Wrapper *wrapper.ImageInfo `json:"wrapper"`
}

// Images lists the engine's images with the labs that use and need each.
func (a *App) Images(ctx context.Context) ([]ImageView, error) {
	eng, err := a.Engine(ctx)
	if err != nil {
		return nil, err
	}
	images, err := eng.Images(ctx)
	if err != nil {
		return nil, err
	}
	needed, err := a.neededBy(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]ImageView, 0, len(images))
	for _, img := range images {
		v := ImageView{Image: img, NeededBy: []string{}}
		if info, err := wrapper.ParseLabels(img.Labels); err == nil && (info.Type != "" || len(info.Ports) > 0 || len(info.CapsAdd) > 0 || info.Privileged || len(info.Actions) > 0) {
			v.Wrapper = &info
		}
		for _, tag := range img.Tags {
			v.NeededBy = append(v.NeededBy, needed[tag]...)
		}
		sort.Strings(v.NeededBy)
		v.NeededBy = slices.Compact(v.NeededBy)
		out = append(out, v)
	}
	return out, nil
}

// neededBy maps image names (as Docker lists tags) to the labs that need
// them.
func (a *App) neededBy(ctx context.Context) (map[string][]string, error) {
	_, entries, err := a.catalog.Labs(ctx)
	if err != nil {
		return nil, err
	}
	out := map[string][]string{}
	for _, e := range entries {
		if e.Lab == nil {
			continue
		}
		for _, img := range e.Lab.Images() {
			key := normaliseImage(img)
			out[key] = append(out[key], e.Lab.ID())
		}
	}
	return out, nil
}

// normaliseImage writes an image reference the way Docker lists tags
// ("nginx" becomes "nginx:latest").
func normaliseImage(name string) string {
	ref, err := reference.ParseNormalizedNamed(name)
	if err != nil {
		return name
	}
	return reference.FamiliarString(reference.TagNameOnly(ref))
}

// LabImage is an image a lab needs.
type LabImage struct {
	Name     string   `json:"name"`
	Services []string `json:"services"`
	Build    bool     `json:"build"`
	Present  bool     `json:"present"`
	Size     int64    `json:"size"`
}

// LabImages lists the images a lab needs, with whether each is here.
func (a *App) LabImages(ctx context.Context, t *Target) ([]LabImage, error) {
	eng, err := a.Engine(ctx)
	if err != nil {
		return nil, err
	}
	byName := map[string]int{}
	out := []LabImage{}
	for _, svc := range t.Services() {
		if i, ok := byName[svc.Image]; ok {
			out[i].Services = append(out[i].Services, svc.Name)
			out[i].Build = out[i].Build || svc.Build != ""
			continue
		}
		present, size, err := eng.ImagePresent(ctx, svc.Image)
		if err != nil {
			return nil, err
		}
		byName[svc.Image] = len(out)
		out = append(out, LabImage{Name: svc.Image, Services: []string{svc.Name}, Build: svc.Build != "", Present: present, Size: size})
	}
	return out, nil
}

// NoImageError means there is no such image on the engine.
type NoImageError struct{ Ref string }

func (e *NoImageError) Error() string { return fmt.Sprintf("no image %q on this machine", e.Ref) }

// NotFound classifies the error (errdefs).
func (e *NoImageError) NotFound() {}

// RemoveImage removes an image, refusing while a lab uses it.
func (a *App) RemoveImage(ctx context.Context, ref string) error {
	if err := engine.CheckImageRef(ref); err != nil {
		return err
	}
	eng, err := a.Engine(ctx)
	if err != nil {
		return err
	}
	present, _, err := eng.ImagePresent(ctx, ref)
	if err != nil {
		return err
	}
	if !present {
		return &NoImageError{Ref: ref}
	}
	return eng.RemoveImage(ctx, ref)
}

// Settings are what the settings page shows.
type Settings struct {
	Home         string         `json:"home"`
	PersonalRepo string         `json:"personalRepo"`
	Repositories []RepoView     `json:"repositories"`
	Docker       engine.Version `json:"docker"`
}

// RepoView is a repository as the settings page shows it.
type RepoView struct {
	Name     string `json:"name"`
	Dir      string `json:"dir"`
	Personal bool   `json:"personal"`
	Trusted  bool   `json:"trusted"`
}

// Settings describes the main directory, its repositories and the engine
// (left empty when the engine cannot be reached).
func (a *App) Settings(ctx context.Context) (*Settings, error) {
	repos, err := a.catalog.Repos()
	if err != nil {
		return nil, err
	}
	s := &Settings{Home: a.catalog.Home, Repositories: repoViews(repos)}
	for _, r := range repos {
		if r.Personal {
			s.PersonalRepo = r.Name
		}
	}
	if eng, err := a.Engine(ctx); err == nil {
		if v, err := eng.Version(ctx); err == nil {
			s.Docker = v
		}
	}
	return s, nil
}

func repoViews(repos []catalog.Repo) []RepoView {
	out := []RepoView{}
	for _, r := range repos {
		out = append(out, RepoView{Name: r.Name, Dir: r.Dir, Personal: r.Personal, Trusted: r.Trusted})
	}
	return out
}
