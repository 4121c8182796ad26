package app

import (
	"context"
	"fmt"
	"net/netip"
	"regexp"
	"strings"

	"github.com/distribution/reference"

	"github.com/dsp-lab/dsp/internal/engine"
)

// DefaultToolboxImage is the toolbox dsp ships: Debian with nmap, tcpdump,
// tshark, hydra, curl and their kin, built offline by `make images`.
const DefaultToolboxImage = "dsp/toolbox:latest"

// ToolboxLabel marks an image as a toolbox (its value "true"): such images
// are offered for attaching beside dsp's own.
const ToolboxLabel = "io.dsp.toolbox"

// toolboxName is what a toolbox may be called: a DNS label, as it is the
// toolbox's name on the lab's networks.
var toolboxName = regexp.MustCompile(`^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$`)

// ToolboxRequest is a toolbox to attach to a running instance.
type ToolboxRequest struct {
	// Name names it among the lab's services; empty picks "toolbox",
	// "toolbox-2"…
	Name string `json:"name,omitempty"`
	// Image is DefaultToolboxImage when empty.
	Image    string                  `json:"image,omitempty"`
	Networks []engine.ToolboxNetwork `json:"networks"`
	// Gateway is a service of the lab to route through.
	Gateway string `json:"gateway,omitempty"`
}

// AttachToolbox attaches a toolbox to a running instance of the lab, after
// checking everything it asks for: the one place these rules live.
func (a *App) AttachToolbox(ctx context.Context, t *Target, ref engine.Ref, req ToolboxRequest) (*engine.ToolboxStatus, error) {
	eng, err := a.Engine(ctx)
	if err != nil {
		return nil, err
	}
	st, err := eng.Status(ctx, ref, t.Lab)
	if err != nil {
		return nil, err
	}
	if !st.State.Live() {
		return nil, &engine.NotRunningError{Ref: ref}
	}
	opts, err := toolboxOptions(t, st, req)
	if err != nil {
		return nil, err
	}
	if err := a.imagePresent(ctx, eng, opts.Image, opts.Name); err != nil {
		return nil, &ArgError{Arg: "image", Err: err}
	}
	tb, err := eng.AttachToolbox(ctx, ref, opts)
	if err != nil {
		return nil, fmt.Errorf("attach toolbox %s to %s: %w", opts.Name, ref, err)
	}
	a.log.Info("toolbox attached", "lab", ref.String(), "toolbox", tb.Name, "image", tb.Image)
	a.states.changed(ref)
	return tb, nil
}

// toolboxOptions checks a request against the lab and its running
// instance and fills in what it leaves to dsp.
func toolboxOptions(t *Target, st *engine.Status, req ToolboxRequest) (engine.ToolboxOptions, error) {
	opts := engine.ToolboxOptions{Name: req.Name, Image: req.Image, Networks: req.Networks, Gateway: req.Gateway}
	if opts.Image == "" {
		opts.Image = DefaultToolboxImage
	}
	if opts.Name == "" {
		opts.Name = freeToolboxName(t, st)
	}
	if !toolboxName.MatchString(opts.Name) {
		return opts, &ArgError{Arg: "name", Err: &InvalidError{Msg: fmt.Sprintf("toolbox name %q: use lower-case letters, digits and inner dashes (at most 63)", opts.Name)}}
	}
	if _, ok := t.Service(opts.Name); ok {
		return opts, &ArgError{Arg: "name", Err: &engine.NameTakenError{Ref: st.Ref, Name: opts.Name}}
	}
	if _, ok := st.Toolbox(opts.Name); ok {
		return opts, &ArgError{Arg: "name", Err: &engine.NameTakenError{Ref: st.Ref, Name: opts.Name}}
	}
	if len(opts.Networks) == 0 {
		return opts, &ArgError{Arg: "network", Err: &InvalidError{Msg: "name at least one network of the lab for the toolbox"}}
	}
	seen := map[string]bool{}
	for _, n := range opts.Networks {
		if seen[n.Name] {
			return opts, &ArgError{Arg: "network", Err: &InvalidError{Msg: fmt.Sprintf("network %s is named twice", n.Name)}}
		}
		seen[n.Name] = true
		if err := checkToolboxNetwork(st, n); err != nil {
			return opts, err
		}
	}
	if opts.Gateway != "" {
		if _, ok := t.Service(opts.Gateway); !ok {
			return opts, &ArgError{Arg: "gateway", Err: &engine.NoServiceError{Lab: t.ID(), Service: opts.Gateway, Services: t.ServiceNames()}}
		}
		if _, err := engine.GatewayAddress(st, opts); err != nil {
			return opts, &ArgError{Arg: "gateway", Err: &InvalidError{Msg: err.Error()}}
		}
	}
	return opts, nil
}

// checkToolboxNetwork checks one network a toolbox asks for: the running
// instance has it, and a static address is inside its subnet and free.
func checkToolboxNetwork(st *engine.Status, n engine.ToolboxNetwork) error {
	ns, ok := st.Network(n.Name)
	if !ok {
		return &ArgError{Arg: "network", Err: &engine.NoNetworkError{Ref: st.Ref, Network: n.Name}}
	}
	if n.IP == "" {
		return nil
	}
	ip, err := netip.ParseAddr(n.IP)
	if err != nil || !ip.Is4() {
		return &ArgError{Arg: "ip", Err: &InvalidError{Msg: fmt.Sprintf("%q is not an IPv4 address", n.IP)}}
	}
	if subnet, err := netip.ParsePrefix(ns.Subnet); err == nil && !subnet.Masked().Contains(ip) {
		return &ArgError{Arg: "ip", Err: &InvalidError{Msg: fmt.Sprintf("%s is outside network %s (%s)", ip, n.Name, subnet.Masked())}}
	}
	if holder := st.AddressHolder(n.Name, ip.String()); holder != "" {
		return &ArgError{Arg: "ip", Err: &InvalidError{Msg: fmt.Sprintf("%s is taken on network %s by %s", ip, n.Name, holder)}}
	}
	return nil
}

// freeToolboxName is "toolbox", or "toolbox-N" for the first N free.
func freeToolboxName(t *Target, st *engine.Status) string {
	taken := func(name string) bool {
		_, svc := t.Service(name)
		_, tb := st.Toolbox(name)
		return svc || tb
	}
	name := "toolbox"
	for i := 2; taken(name); i++ {
		name = fmt.Sprintf("toolbox-%d", i)
	}
	return name
}

// imagePresent refuses an image the engine does not have, saying how to
// get dsp's own.
func (a *App) imagePresent(ctx context.Context, eng engine.Engine, image, user string) error {
	ok, _, err := eng.ImagePresent(ctx, image)
	if err != nil {
		return err
	}
	if !ok {
		return &ToolImageMissingError{Image: image, User: user}
	}
	return nil
}

// ToolImageMissingError means the image of a toolbox or tool is not on the
// engine.
type ToolImageMissingError struct {
	Image string
	User  string // the toolbox or tool that wants it
}

func (e *ToolImageMissingError) Error() string {
	msg := fmt.Sprintf("image %s (for %s) is not on the Docker Engine", e.Image, e.User)
	if e.Image == DefaultToolboxImage {
		msg += "; build it with `make images` (scripts/build-images.sh)"
	}
	return msg
}

// FailedPrecondition classifies the error (errdefs).
func (e *ToolImageMissingError) FailedPrecondition() {}

// DetachToolbox removes a toolbox from an instance.
func (a *App) DetachToolbox(ctx context.Context, ref engine.Ref, name string) error {
	eng, err := a.Engine(ctx)
	if err != nil {
		return err
	}
	if err := eng.DetachToolbox(ctx, ref, name); err != nil {
		return fmt.Errorf("detach toolbox %s from %s: %w", name, ref, err)
	}
	a.log.Info("toolbox detached", "lab", ref.String(), "toolbox", name)
	a.states.changed(ref)
	return nil
}

// Toolboxes lists the toolboxes attached to an instance.
func (a *App) Toolboxes(ctx context.Context, ref engine.Ref) ([]engine.ToolboxStatus, error) {
	eng, err := a.Engine(ctx)
	if err != nil {
		return nil, err
	}
	st, err := eng.Status(ctx, ref, nil)
	if err != nil {
		return nil, err
	}
	return st.Toolboxes, nil
}

// ToolboxImage is an image that may be attached as a toolbox.
type ToolboxImage struct {
	Image      string `json:"image"`
	Present    bool   `json:"present"`
	Builtin    bool   `json:"builtin"`    // dsp's own
	Registered bool   `json:"registered"` // registered by the user (RegisterToolboxImage)
}

// ToolboxImages lists dsp's toolbox (present or not), the images the user
// registered (present or not), and every image on the engine labelled as
// a toolbox (io.dsp.toolbox=true).
func (a *App) ToolboxImages(ctx context.Context) ([]ToolboxImage, error) {
	eng, err := a.Engine(ctx)
	if err != nil {
		return nil, err
	}
	images, err := eng.Images(ctx)
	if err != nil {
		return nil, err
	}
	out := []ToolboxImage{{Image: DefaultToolboxImage, Builtin: true}}
	index := map[string]int{DefaultToolboxImage: 0}
	for _, ref := range a.catalog.ToolboxImages() {
		if _, ok := index[ref]; !ok {
			index[ref] = len(out)
			out = append(out, ToolboxImage{Image: ref, Registered: true})
		}
	}
	for _, img := range images {
		for _, tag := range img.Tags {
			if i, ok := index[tag]; ok {
				out[i].Present = true
			} else if img.Labels[ToolboxLabel] == "true" {
				index[tag] = len(out)
				out = append(out, ToolboxImage{Image: tag, Present: true})
			}
		}
	}
	return out, nil
}

// RegisterToolboxImage offers a local image as a toolbox (registered
// false forgets it).
func (a *App) RegisterToolboxImage(image string, registered bool) error {
	if image == "" || strings.ContainsAny(image, " \t\n") {
		return &ArgError{Arg: "image", Err: &InvalidError{Msg: fmt.Sprintf("%q is not an image reference", image)}}
	}
	if _, err := reference.ParseNormalizedNamed(image); err != nil {
		return &ArgError{Arg: "image", Err: &InvalidError{Msg: fmt.Sprintf("%q is not an image reference: %v", image, err)}}
	}
	return a.catalog.SetToolboxImage(image, registered)
}

// InvalidError is a request value dsp refuses, worded for the user.
type InvalidError struct{ Msg string }

func (e *InvalidError) Error() string { return e.Msg }

// InvalidParameter classifies the error (errdefs).
func (e *InvalidError) InvalidParameter() {}
