package fake

import (
	"context"
	"fmt"
	"net/netip"
	"strings"

	"github.com/dsp-lab/dsp/internal/engine"
)

// roleToolbox marks a toolbox container among an instance's containers (a
// service's container has no role).
const roleToolbox = "toolbox"

// AttachToolbox adds a running toolbox container to a running instance:
// Exec, Attach and the files of a service named opts.Name reach it.
func (e *Engine) AttachToolbox(ctx context.Context, ref engine.Ref, opts engine.ToolboxOptions) (*engine.ToolboxStatus, error) {
	ref = normalizeRef(ref)
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	st, err := e.Status(ctx, ref, nil)
	if err != nil {
		return nil, err
	}
	if !st.State.Live() {
		return nil, &engine.NotRunningError{Ref: ref}
	}
	if opts.Gateway != "" {
		if _, err := engine.GatewayAddress(st, opts); err != nil {
			return nil, fmt.Errorf("gateway: %w", err)
		}
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	in := e.instances[ref]
	if _, taken := in.containers[opts.Name]; taken || opts.Name == "" {
		return nil, &engine.NameTakenError{Ref: ref, Name: opts.Name}
	}
	if e.imageLocked(opts.Image) == nil {
		return nil, &engine.MissingImagesError{Images: map[string][]string{opts.Image: {opts.Name}}}
	}
	c := newContainer(opts.Name, in.project+"-"+opts.Name, opts.Image, opts.Name, environment(nil))
	c.role, c.gateway = roleToolbox, opts.Gateway
	for _, n := range opts.Networks {
		addr, err := toolboxAddress(in, n)
		if err != nil {
			c.cancel()
			return nil, err
		}
		c.networks = append(c.networks, addr)
	}
	in.containers[opts.Name] = c
	e.notifyLocked(ref)
	tb := c.toolboxStatus()
	return &tb, nil
}

// toolboxAddress takes the address a toolbox asks for on a network, or the
// network's highest free one (as the real engine picks).
func toolboxAddress(in *instance, n engine.ToolboxNetwork) (engine.NetworkAddr, error) {
	nw := in.networks[n.Name]
	if nw == nil {
		return engine.NetworkAddr{}, &engine.NoNetworkError{Ref: in.ref, Network: n.Name}
	}
	if n.IP != "" {
		ip, err := staticOrNext(nw, n.IP)
		if err != nil {
			return engine.NetworkAddr{}, fmt.Errorf("network %s: %w", n.Name, err)
		}
		nw.used[ip] = true
		return engine.NetworkAddr{Name: n.Name, IP: ip.String()}, nil
	}
	last := netip.Addr{}
	for a := nw.subnet.Addr().Next(); nw.subnet.Contains(a.Next()); a = a.Next() {
		if !nw.used[a] && a != nw.gateway {
			last = a
		}
	}
	if !last.IsValid() {
		return engine.NetworkAddr{}, fmt.Errorf("network %s (%s) has no free address left", n.Name, nw.subnet)
	}
	nw.used[last] = true
	return engine.NetworkAddr{Name: n.Name, IP: last.String()}, nil
}

func (c *container) toolboxStatus() engine.ToolboxStatus {
	return engine.ToolboxStatus{
		Name: c.service, Image: c.image, State: c.state, ContainerID: c.id,
		Networks: append([]engine.NetworkAddr{}, c.networks...), Gateway: c.gateway,
	}
}

// DetachToolbox removes a toolbox; its sessions end.
func (e *Engine) DetachToolbox(ctx context.Context, ref engine.Ref, name string) error {
	ref = normalizeRef(ref)
	if err := ctx.Err(); err != nil {
		return err
	}
	e.mu.Lock()
	in := e.instances[ref]
	var c *container
	if in != nil {
		c = in.containers[name]
	}
	if c == nil || c.role != roleToolbox {
		e.mu.Unlock()
		return &engine.NoToolboxError{Ref: ref, Name: name}
	}
	delete(in.containers, name)
	for _, a := range c.networks {
		if nw, ip := in.networks[a.Name], netip.MustParseAddr(a.IP); nw != nil {
			delete(nw.used, ip)
		}
	}
	sessions := e.sessionsOfLocked(c)
	e.notifyLocked(ref)
	e.mu.Unlock()
	for _, s := range sessions {
		s.gone()
	}
	c.cancel()
	return nil
}

// RunTool "runs" a tool: the fake has none of an image's programs, so it
// prints the command line it would run, on which network, and exits 0 —
// unless a handler installed with WithExec answers for service "tool".
func (e *Engine) RunTool(ctx context.Context, ref engine.Ref, run engine.ToolRun, onLine func(string)) (int, error) {
	ref = normalizeRef(ref)
	st, err := e.Status(ctx, ref, nil)
	if err != nil {
		return 0, err
	}
	if !st.State.Live() {
		return 0, &engine.NotRunningError{Ref: ref}
	}
	network := run.Network
	if network == "" && len(st.Networks) > 0 {
		network = st.Networks[0].Name
	}
	if _, ok := st.Network(network); !ok {
		return 0, &engine.NoNetworkError{Ref: ref, Network: network}
	}
	e.mu.Lock()
	present := e.imageLocked(run.Image) != nil
	e.mu.Unlock()
	if !present {
		return 0, &engine.MissingImagesError{Images: map[string][]string{run.Image: {"tool"}}}
	}
	if onLine != nil {
		onLine(fmt.Sprintf("%s on network %s", strings.Join(run.Argv, " "), network))
	}
	return 0, ctx.Err()
}
