package local

import (
	"context"
	"fmt"
	"io"

	"github.com/moby/moby/client"

	"github.com/dsp-lab/dsp/internal/capture"
	"github.com/dsp-lab/dsp/internal/engine"
)

// bridgeNameOption is the driver option that names a bridge network's
// Linux bridge; without it Docker calls it br-<first 12 digits of its id>.
const bridgeNameOption = "com.docker.network.bridge.name"

// Capture captures a lab network on its Linux bridge in the host's
// namespace (every frame between its containers), or a service's lab
// interfaces inside the service's namespace.
func (e *Engine) Capture(ctx context.Context, ref engine.Ref, target engine.CaptureTarget, opts capture.Options, w io.Writer) (*engine.Capturing, error) {
	sources, err := e.captureSources(ctx, ref, target)
	if err != nil {
		return nil, err
	}
	opts.Sources = sources
	c, err := capture.Start(ctx, w, opts)
	if err != nil {
		return nil, fmt.Errorf("capture %s of %s: %w", target, ref, err)
	}
	return &engine.Capturing{Capture: c, Sources: sources}, nil
}

func (e *Engine) captureSources(ctx context.Context, ref engine.Ref, target engine.CaptureTarget) ([]capture.Source, error) {
	if target.Service != "" {
		links, err := e.selectLinks(ctx, ref, target.Service, target.Network)
		if err != nil {
			return nil, err
		}
		out := make([]capture.Source, 0, len(links))
		for _, l := range links {
			out = append(out, capture.Source{PID: l.pid, Interface: l.iface, Description: fmt.Sprintf("%s service %s on network %s (%s)", ref, l.service, l.network, l.ip)})
		}
		return out, nil
	}
	st, err := e.status(ctx, ref, nil, false)
	if err != nil {
		return nil, err
	}
	if !st.State.Live() {
		return nil, &engine.NotRunningError{Ref: ref}
	}
	ns, ok := st.Network(target.Network)
	if !ok {
		return nil, &engine.NoNetworkError{Ref: ref, Network: target.Network}
	}
	res, err := e.docker.NetworkInspect(ctx, ns.ID, client.NetworkInspectOptions{})
	if err != nil {
		return nil, fmt.Errorf("inspect network %s: %w", ns.Name, err)
	}
	if res.Network.Driver != "bridge" {
		return nil, fmt.Errorf("capture network %s: its driver is %s; dsp captures bridge networks (capture a service instead)", ns.Name, res.Network.Driver)
	}
	bridge := res.Network.Options[bridgeNameOption]
	if bridge == "" {
		bridge = "br-" + ns.ID[:12]
	}
	return []capture.Source{{Interface: bridge, Description: fmt.Sprintf("%s network %s (%s)", ref, ns.Name, ns.Subnet)}}, nil
}
