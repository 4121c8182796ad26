package local

import (
	"context"
	"fmt"
	"net"
	"sort"

	"github.com/moby/moby/client"
	"github.com/vishvananda/netlink"
	"github.com/vishvananda/netns"

	"github.com/dsp-lab/dsp/internal/engine"
	"github.com/dsp-lab/dsp/internal/linkshape"
)

// containerLink is one lab interface of a running container: the network
// namespace it is in (by the container's PID) and its name there.
type containerLink struct {
	service, network, iface, ip string
	pid                         int
}

// containerLinks finds the lab interfaces of the instance's running
// containers (service "" for all of them), matched by their MAC addresses
// inside each container's network namespace.
func (e *Engine) containerLinks(ctx context.Context, ref engine.Ref, service string) ([]containerLink, error) {
	st, err := e.status(ctx, ref, nil, false)
	if err != nil {
		return nil, err
	}
	if !st.State.Live() {
		return nil, &engine.NotRunningError{Ref: ref}
	}
	byDockerName := map[string]string{}
	for _, n := range st.Networks {
		byDockerName[n.DockerName] = n.Name
	}
	var ids []string
	for _, s := range st.Services {
		if (service == "" || s.Name == service) && s.State == engine.ServiceRunning {
			ids = append(ids, s.ContainerID)
		}
	}
	for _, t := range st.Toolboxes {
		if (service == "" || t.Name == service) && t.State == engine.ServiceRunning {
			ids = append(ids, t.ContainerID)
		}
	}
	if service != "" && len(ids) == 0 {
		return nil, &engine.NotRunningError{Ref: ref, Service: service, State: engine.ServiceMissing}
	}
	var out []containerLink
	for _, id := range ids {
		links, err := e.linksOf(ctx, id, byDockerName)
		if err != nil {
			return nil, err
		}
		out = append(out, links...)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].service != out[j].service {
			return out[i].service < out[j].service
		}
		return out[i].network < out[j].network
	})
	return out, nil
}

// linksOf reads one container's lab interfaces.
func (e *Engine) linksOf(ctx context.Context, id string, labNetworks map[string]string) ([]containerLink, error) {
	res, err := e.docker.ContainerInspect(ctx, id, client.ContainerInspectOptions{})
	if err != nil {
		return nil, fmt.Errorf("inspect container %s: %w", id, err)
	}
	c := res.Container
	if c.State == nil || c.State.Pid == 0 || c.NetworkSettings == nil {
		return nil, nil
	}
	service := c.Config.Labels["com.docker.compose.service"]
	names, err := interfacesByMAC(c.State.Pid)
	if err != nil {
		return nil, fmt.Errorf("interfaces of %s: %w", service, err)
	}
	var out []containerLink
	for dockerName, ep := range c.NetworkSettings.Networks {
		network, ok := labNetworks[dockerName]
		if !ok || ep == nil {
			continue
		}
		iface, ok := names[net.HardwareAddr(ep.MacAddress).String()]
		if !ok {
			continue
		}
		l := containerLink{service: service, network: network, iface: iface, pid: c.State.Pid}
		if ep.IPAddress.IsValid() {
			l.ip = ep.IPAddress.String()
		}
		out = append(out, l)
	}
	return out, nil
}

// interfacesByMAC maps the MAC addresses of the interfaces in process
// pid's network namespace to their names.
func interfacesByMAC(pid int) (map[string]string, error) {
	ns, err := netns.GetFromPid(pid)
	if err != nil {
		return nil, fmt.Errorf("network namespace of process %d: %w", pid, err)
	}
	defer ns.Close()
	h, err := netlink.NewHandleAt(ns)
	if err != nil {
		return nil, fmt.Errorf("netlink in process %d's namespace: %w", pid, err)
	}
	defer h.Close()
	links, err := h.LinkList()
	if err != nil {
		return nil, fmt.Errorf("list interfaces: %w", err)
	}
	out := map[string]string{}
	for _, l := range links {
		if a := l.Attrs(); len(a.HardwareAddr) > 0 {
			out[a.HardwareAddr.String()] = a.Name
		}
	}
	return out, nil
}

// Links lists the lab interfaces of the instance with their impairment.
func (e *Engine) Links(ctx context.Context, ref engine.Ref) ([]engine.LinkStatus, error) {
	links, err := e.containerLinks(ctx, ref, "")
	if err != nil {
		return nil, err
	}
	return linkStatuses(ctx, links)
}

func linkStatuses(ctx context.Context, links []containerLink) ([]engine.LinkStatus, error) {
	out := make([]engine.LinkStatus, 0, len(links))
	for _, l := range links {
		shape, err := linkshape.Get(ctx, l.pid, l.iface)
		if err != nil {
			return nil, fmt.Errorf("link of %s on %s: %w", l.service, l.network, err)
		}
		out = append(out, engine.LinkStatus{Service: l.service, Network: l.network, Interface: l.iface, IP: l.ip, Shape: engine.ShapeOf(shape)})
	}
	return out, nil
}

// selectLinks is the service's interfaces on network ("" for all).
func (e *Engine) selectLinks(ctx context.Context, ref engine.Ref, service, network string) ([]containerLink, error) {
	links, err := e.containerLinks(ctx, ref, service)
	if err != nil {
		return nil, err
	}
	var out []containerLink
	for _, l := range links {
		if network == "" || l.network == network {
			out = append(out, l)
		}
	}
	if len(out) == 0 {
		return nil, &engine.NoNetworkError{Ref: ref, Network: network, Service: service}
	}
	return out, nil
}

// SetLink impairs a service's interfaces; when one fails, those already
// set are cleared again.
func (e *Engine) SetLink(ctx context.Context, ref engine.Ref, service, network string, s linkshape.Shape) ([]engine.LinkStatus, error) {
	links, err := e.selectLinks(ctx, ref, service, network)
	if err != nil {
		return nil, err
	}
	for i, l := range links {
		if err := linkshape.Set(ctx, l.pid, l.iface, s); err != nil {
			for _, done := range links[:i] {
				_ = linkshape.Clear(context.WithoutCancel(ctx), done.pid, done.iface)
			}
			return nil, fmt.Errorf("link of %s on %s: %w", l.service, l.network, err)
		}
	}
	return linkStatuses(ctx, links)
}

// ClearLink removes the impairment of a service's interfaces.
func (e *Engine) ClearLink(ctx context.Context, ref engine.Ref, service, network string) ([]engine.LinkStatus, error) {
	links, err := e.selectLinks(ctx, ref, service, network)
	if err != nil {
		return nil, err
	}
	for _, l := range links {
		if err := linkshape.Clear(ctx, l.pid, l.iface); err != nil {
			return nil, fmt.Errorf("link of %s on %s: %w", l.service, l.network, err)
		}
	}
	return linkStatuses(ctx, links)
}
