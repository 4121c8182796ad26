package app

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/dsp-lab/dsp/internal/engine"
	"github.com/dsp-lab/dsp/internal/lab"
	"github.com/dsp-lab/dsp/internal/linkshape"
)

// LinkRequest is an impairment of a service's lab interfaces, as the user
// words it: "1mbit", "50ms", "1.5" (percent).
type LinkRequest struct {
	Service string `json:"service"`
	// Network is a lab network of the service; empty: all of them.
	Network string `json:"network,omitempty"`
	Rate    string `json:"rate,omitempty"`
	Delay   string `json:"delay,omitempty"`
	Jitter  string `json:"jitter,omitempty"`
	Loss    string `json:"loss,omitempty"`
}

// Shape reads the request's values, naming the one at fault.
func (r LinkRequest) Shape() (linkshape.Shape, error) {
	var s linkshape.Shape
	var err error
	if r.Rate != "" {
		if s.Rate, err = linkshape.ParseRate(r.Rate); err != nil {
			return s, &ArgError{Arg: "rate", Err: err}
		}
	}
	if s.Delay, err = parseDelay("delay", r.Delay); err != nil {
		return s, err
	}
	if s.Jitter, err = parseDelay("jitter", r.Jitter); err != nil {
		return s, err
	}
	if r.Loss != "" {
		s.Loss, err = strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(r.Loss), "%"), 64)
		if err != nil {
			return s, &ArgError{Arg: "loss", Err: &InvalidError{Msg: fmt.Sprintf("loss %q: give a percentage such as 1 or 0.5%%", r.Loss)}}
		}
	}
	if err := s.Validate(); err != nil {
		return s, &ArgError{Arg: shapeField(s), Err: err}
	}
	return s, nil
}

// shapeField guesses which value Validate refused: the first one set
// that is out of its range.
func shapeField(s linkshape.Shape) string {
	switch {
	case s.Rate != 0 && s.Rate < linkshape.MinRate:
		return "rate"
	case s.Delay < 0 || s.Delay > linkshape.MaxDelay:
		return "delay"
	case s.Jitter != 0:
		return "jitter"
	default:
		return "loss"
	}
}

// netemField is the first value of s that needs sch_netem.
func netemField(s linkshape.Shape) string {
	switch {
	case s.Delay != 0:
		return "delay"
	case s.Jitter != 0:
		return "jitter"
	default:
		return "loss"
	}
}

func parseDelay(field, v string) (time.Duration, error) {
	if v == "" {
		return 0, nil
	}
	d, err := time.ParseDuration(strings.TrimSpace(v))
	if err != nil {
		return 0, &ArgError{Arg: field, Err: &InvalidError{Msg: fmt.Sprintf("%s %q: give a duration such as 50ms", field, v)}}
	}
	return d, nil
}

// Links lists the lab interfaces of a running instance with their
// impairments.
func (a *App) Links(ctx context.Context, ref engine.Ref) ([]engine.LinkStatus, error) {
	eng, err := a.Engine(ctx)
	if err != nil {
		return nil, err
	}
	return eng.Links(ctx, ref)
}

// SetLink impairs a service's lab interfaces; a request with no value
// clears them.
func (a *App) SetLink(ctx context.Context, t *Target, ref engine.Ref, req LinkRequest) ([]engine.LinkStatus, error) {
	shape, err := req.Shape()
	if err != nil {
		return nil, err
	}
	if err := linkTarget(t, req); err != nil {
		return nil, err
	}
	eng, err := a.Engine(ctx)
	if err != nil {
		return nil, err
	}
	if shape.IsZero() {
		return eng.ClearLink(ctx, ref, req.Service, req.Network)
	}
	links, err := eng.SetLink(ctx, ref, req.Service, req.Network, shape)
	var missing *linkshape.MissingKernelFeatureError
	switch {
	case errors.As(err, &missing):
		return nil, &ArgError{Arg: netemField(shape), Err: fmt.Errorf("impair %s of %s: %w", req.Service, ref, err)}
	case err != nil:
		return nil, fmt.Errorf("impair %s of %s: %w", req.Service, ref, err)
	}
	a.log.Info("link impaired", "lab", ref.String(), "service", req.Service, "network", req.Network, "shape", shape.String())
	return links, nil
}

// ClearLink removes the impairment of a service's lab interfaces.
func (a *App) ClearLink(ctx context.Context, t *Target, ref engine.Ref, service, network string) ([]engine.LinkStatus, error) {
	if err := linkTarget(t, LinkRequest{Service: service, Network: network}); err != nil {
		return nil, err
	}
	eng, err := a.Engine(ctx)
	if err != nil {
		return nil, err
	}
	return eng.ClearLink(ctx, ref, service, network)
}

// linkTarget checks that the request names a service (or toolbox) and,
// when it names one, a network of the lab.
func linkTarget(t *Target, req LinkRequest) error {
	if req.Service == "" {
		return &ArgError{Arg: "service", Err: &InvalidError{Msg: "name the service whose link to impair"}}
	}
	if req.Network != "" {
		if !slices.ContainsFunc(t.Networks(), func(n lab.Network) bool { return n.Name == req.Network }) {
			return &ArgError{Arg: "network", Err: &InvalidError{Msg: fmt.Sprintf("lab %s has no network %q", t.ID(), req.Network)}}
		}
	}
	return nil
}
