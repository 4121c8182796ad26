package fake

import (
	"context"
	"fmt"
	"time"

	"github.com/dsp-lab/dsp/internal/engine"
	"github.com/dsp-lab/dsp/internal/linkshape"
)

// WithoutNetem makes the fake's kernel lack sch_netem, as this project's
// CI machines do: a delay, jitter or loss fails as linkshape.Set fails
// there.
func WithoutNetem() Option {
	return func(e *Engine) { e.noNetem = true }
}

// Links lists the lab interfaces of the instance's running containers:
// eth0, eth1… in the order of their networks.
func (e *Engine) Links(ctx context.Context, ref engine.Ref) ([]engine.LinkStatus, error) {
	return e.links(ctx, normalizeRef(ref), "", "", nil)
}

// SetLink records an impairment on the service's interfaces.
func (e *Engine) SetLink(ctx context.Context, ref engine.Ref, service, network string, s linkshape.Shape) ([]engine.LinkStatus, error) {
	if err := s.Validate(); err != nil {
		return nil, err
	}
	if e.noNetem && (s.Delay != 0 || s.Jitter != 0 || s.Loss != 0) {
		return nil, &linkshape.MissingKernelFeatureError{Feature: "sch_netem", Wanted: netemWanted(s)}
	}
	if service == "" {
		return nil, fmt.Errorf("set link: no service")
	}
	return e.links(ctx, normalizeRef(ref), service, network, &s)
}

// ClearLink removes it.
func (e *Engine) ClearLink(ctx context.Context, ref engine.Ref, service, network string) ([]engine.LinkStatus, error) {
	if service == "" {
		return nil, fmt.Errorf("clear link: no service")
	}
	return e.links(ctx, normalizeRef(ref), service, network, &linkshape.Shape{})
}

// links lists (service "" for all) and, when set is not nil, changes the
// interfaces of a running instance.
func (e *Engine) links(ctx context.Context, ref engine.Ref, service, network string, set *linkshape.Shape) ([]engine.LinkStatus, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if !e.stateLocked(ref, false).Live() {
		return nil, &engine.NotRunningError{Ref: ref}
	}
	in := e.instances[ref]
	if service != "" && in.containers[service] == nil {
		return nil, &engine.NotRunningError{Ref: ref, Service: service, State: engine.ServiceMissing}
	}
	out := []engine.LinkStatus{}
	for _, name := range sortedKeys(in.containers) {
		c := in.containers[name]
		if (service != "" && name != service) || c.state != engine.ServiceRunning {
			continue
		}
		for i, a := range c.networks {
			if network != "" && a.Name != network {
				continue
			}
			if set != nil {
				if c.shapes == nil {
					c.shapes = map[string]linkshape.Shape{}
				}
				c.shapes[a.Name] = *set
			}
			out = append(out, engine.LinkStatus{Service: name, Network: a.Name, Interface: fmt.Sprintf("eth%d", i), IP: a.IP, Shape: engine.ShapeOf(c.shapes[a.Name])})
		}
	}
	if service != "" && len(out) == 0 {
		return nil, &engine.NoNetworkError{Ref: ref, Network: network, Service: service}
	}
	return out, nil
}

// netemWanted words what needed netem, as linkshape does.
func netemWanted(s linkshape.Shape) string {
	switch {
	case s.Delay != 0:
		return "delay " + s.Delay.Round(time.Microsecond).String()
	case s.Jitter != 0:
		return "jitter " + s.Jitter.String()
	default:
		return fmt.Sprintf("loss %g%%", s.Loss)
	}
}
