package local

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"maps"
	"net/netip"

	cerrdefs "github.com/containerd/errdefs"
	"github.com/docker/compose/v5/pkg/api"
	"github.com/moby/moby/api/pkg/stdcopy"
	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/network"
	"github.com/moby/moby/client"

	"github.com/dsp-lab/dsp/internal/engine"
)

// Containers dsp adds to a running instance beside its services carry
// LabelRole; the instance's labels make Down remove them with the rest.
const (
	LabelRole   = "io.dsp.role"
	roleToolbox = "toolbox"
	roleTool    = "tool"
	// LabelGateway holds the service a toolbox routes through.
	LabelGateway = "io.dsp.gateway"
)

// opToolbox is the lock holder's name while a toolbox is attached or
// detached.
const opToolbox = "toolbox"

// isService reports whether a container of an instance is one of its lab's
// services (not a toolbox or a tool run).
func isService(labels map[string]string) bool { return labels[LabelRole] == "" }

// AttachToolbox starts a toolbox container on networks of the running
// instance: addresses given or free ones (from the top of the subnet, as
// Docker hands out addresses from the bottom), the name as a DNS alias, and
// the default route through the gateway service when one is named.
func (e *Engine) AttachToolbox(ctx context.Context, ref engine.Ref, opts engine.ToolboxOptions) (*engine.ToolboxStatus, error) {
	unlock, err := e.lock(ref, opToolbox)
	if err != nil {
		return nil, err
	}
	defer unlock()
	st, err := e.status(ctx, ref, nil, false)
	if err != nil {
		return nil, err
	}
	if !st.State.Live() {
		return nil, &engine.NotRunningError{Ref: ref}
	}
	if opts.Name == "" || len(opts.Networks) == 0 {
		return nil, fmt.Errorf("attach toolbox to %s: a name and a network are needed", ref)
	}
	if _, ok := st.Service(opts.Name); ok {
		return nil, &engine.NameTakenError{Ref: ref, Name: opts.Name}
	}
	if _, ok := st.Toolbox(opts.Name); ok {
		return nil, &engine.NameTakenError{Ref: ref, Name: opts.Name}
	}
	endpoints, err := e.toolboxEndpoints(ctx, st, opts)
	if err != nil {
		return nil, err
	}
	gateway := ""
	if opts.Gateway != "" {
		if gateway, err = engine.GatewayAddress(st, opts); err != nil {
			return nil, fmt.Errorf("gateway: %w", err)
		}
	}
	// a terminal and an open input keep an image's shell up, as
	// `docker run -dit` does: most attacker images run bash by default
	cfg := &container.Config{Image: opts.Image, Labels: map[string]string{}, Tty: true, OpenStdin: true}
	if opts.Gateway != "" {
		cfg.Labels[LabelGateway] = opts.Gateway
	}
	id, err := e.createExtra(ctx, ref, st, roleToolbox, opts.Name, cfg, endpoints)
	if err != nil {
		return nil, err
	}
	if err := e.startToolbox(ctx, id, endpoints[1:], gateway); err != nil {
		e.removeContainer(id)
		return nil, fmt.Errorf("attach toolbox %s: %w", opts.Name, err)
	}
	st, err = e.status(ctx, ref, nil, false)
	if err != nil {
		return nil, err
	}
	tb, ok := st.Toolbox(opts.Name)
	if !ok {
		return nil, fmt.Errorf("attach toolbox %s: its container is gone", opts.Name)
	}
	return &tb, nil
}

// startToolbox connects the toolbox to its other networks, starts it and
// sets its default route.
func (e *Engine) startToolbox(ctx context.Context, id string, more []endpoint, gateway string) error {
	for _, ep := range more {
		if _, err := e.docker.NetworkConnect(ctx, ep.network, client.NetworkConnectOptions{Container: id, EndpointConfig: ep.settings()}); err != nil {
			return fmt.Errorf("connect to network %s: %w", ep.name, err)
		}
	}
	if _, err := e.docker.ContainerStart(ctx, id, client.ContainerStartOptions{}); err != nil {
		return fmt.Errorf("start: %w", err)
	}
	if gateway == "" {
		return nil
	}
	res, err := e.docker.ContainerInspect(ctx, id, client.ContainerInspectOptions{})
	if err != nil {
		return fmt.Errorf("inspect: %w", err)
	}
	if res.Container.State == nil || res.Container.State.Pid == 0 {
		return fmt.Errorf("its main process exited at once (state %s)", stateOf(res.Container.State))
	}
	return setDefaultRoute(ctx, res.Container.State.Pid, gateway)
}

func stateOf(s *container.State) string {
	if s == nil {
		return "unknown"
	}
	return string(s.Status)
}

// endpoint is a lab network a container joins.
type endpoint struct {
	name    string // the lab's name
	network string // Docker's id
	ip      netip.Addr
	alias   string
}

func (ep endpoint) settings() *network.EndpointSettings {
	s := &network.EndpointSettings{Aliases: []string{ep.alias}}
	if ep.ip.IsValid() {
		s.IPAMConfig = &network.EndpointIPAMConfig{IPv4Address: ep.ip}
	}
	return s
}

// toolboxEndpoints resolves the toolbox's networks and picks the free
// addresses it was not given.
func (e *Engine) toolboxEndpoints(ctx context.Context, st *engine.Status, opts engine.ToolboxOptions) ([]endpoint, error) {
	var out []endpoint
	for _, n := range opts.Networks {
		ns, ok := st.Network(n.Name)
		if !ok {
			return nil, &engine.NoNetworkError{Ref: st.Ref, Network: n.Name}
		}
		ep := endpoint{name: n.Name, network: ns.ID, alias: opts.Name}
		if n.IP != "" {
			ip, err := netip.ParseAddr(n.IP)
			if err != nil {
				return nil, fmt.Errorf("network %s: address %q: %w", n.Name, n.IP, err)
			}
			ep.ip = ip
		} else {
			ip, err := e.freeAddress(ctx, ns)
			if err != nil {
				return nil, err
			}
			ep.ip = ip
		}
		out = append(out, ep)
	}
	return out, nil
}

// freeAddress is the highest address of the network's subnet that no
// container and no gateway holds.
func (e *Engine) freeAddress(ctx context.Context, ns engine.NetworkStatus) (netip.Addr, error) {
	res, err := e.docker.NetworkInspect(ctx, ns.ID, client.NetworkInspectOptions{})
	if err != nil {
		return netip.Addr{}, fmt.Errorf("inspect network %s: %w", ns.Name, err)
	}
	var subnet netip.Prefix
	used := map[netip.Addr]bool{}
	for _, c := range res.Network.IPAM.Config {
		if c.Subnet.IsValid() && c.Subnet.Addr().Is4() && !subnet.IsValid() {
			subnet = c.Subnet.Masked()
		}
		if c.Gateway.IsValid() {
			used[c.Gateway] = true
		}
	}
	if !subnet.IsValid() {
		return netip.Addr{}, fmt.Errorf("network %s has no IPv4 subnet", ns.Name)
	}
	for _, ep := range res.Network.Containers {
		used[ep.IPv4Address.Addr()] = true
	}
	if ip, ok := highestFree(subnet, used); ok {
		return ip, nil
	}
	return netip.Addr{}, fmt.Errorf("network %s (%s) has no free address left", ns.Name, subnet)
}

// highestFree walks down from the last host address of subnet (below the
// broadcast address) to the first one not in used.
func highestFree(subnet netip.Prefix, used map[netip.Addr]bool) (netip.Addr, bool) {
	bits := 32 - subnet.Bits()
	if bits < 2 {
		return netip.Addr{}, false
	}
	base := subnet.Addr().As4()
	first := uint32(base[0])<<24 | uint32(base[1])<<16 | uint32(base[2])<<8 | uint32(base[3])
	last := first + (1<<bits - 1)
	for v := last - 1; v > first; v-- {
		ip := netip.AddrFrom4([4]byte{byte(v >> 24), byte(v >> 16), byte(v >> 8), byte(v)})
		if !used[ip] {
			return ip, true
		}
	}
	return netip.Addr{}, false
}

// createExtra creates a container of the instance beside its services: a
// toolbox or a tool run, on the first endpoint's network. The instance's
// labels come from one of its service containers, so that the extra
// container is found, listed and removed with the instance.
func (e *Engine) createExtra(ctx context.Context, ref engine.Ref, st *engine.Status, role, name string, cfg *container.Config, endpoints []endpoint) (string, error) {
	labels := e.labels(ref, e.labDirOf(ctx, ref))
	maps.Copy(labels, cfg.Labels)
	labels[LabelRole] = role
	labels[api.ServiceLabel] = name
	cfg.Labels = labels
	cfg.Hostname = name
	pids := int64(engine.DefaultPidsLimit)
	host := &container.HostConfig{
		Init: boolPtr(true),
		// the tools a toolbox holds (nmap, tcpdump, arping, ip route) need
		// raw sockets and their own network namespace's administration
		CapAdd:    []string{"NET_RAW", "NET_ADMIN"},
		Resources: container.Resources{PidsLimit: &pids},
	}
	netCfg := &network.NetworkingConfig{EndpointsConfig: map[string]*network.EndpointSettings{endpoints[0].network: endpoints[0].settings()}}
	res, err := e.docker.ContainerCreate(ctx, client.ContainerCreateOptions{
		Config: cfg, HostConfig: host, NetworkingConfig: netCfg,
		Name: st.Project + "-" + name,
	})
	if err != nil {
		if cerrdefs.IsNotFound(err) {
			return "", &engine.MissingImagesError{Images: map[string][]string{cfg.Image: {name}}}
		}
		return "", fmt.Errorf("create %s %s: %w", role, name, err)
	}
	return res.ID, nil
}

func boolPtr(b bool) *bool { return &b }

// labDirOf reads the lab folder from one of the instance's containers.
func (e *Engine) labDirOf(ctx context.Context, ref engine.Ref) string {
	res, err := e.docker.ContainerList(ctx, client.ContainerListOptions{All: true, Filters: projectFilter(e.Project(ref))})
	if err != nil {
		return ""
	}
	for _, c := range res.Items {
		if dir := c.Labels[LabelLabDir]; dir != "" {
			return dir
		}
	}
	return ""
}

// removeContainer removes a container dsp created, whatever ctx the caller
// had (a cancelled run still cleans up).
func (e *Engine) removeContainer(id string) {
	ctx, cancel := context.WithTimeout(context.Background(), removeTimeout)
	defer cancel()
	_, _ = e.docker.ContainerRemove(ctx, id, client.ContainerRemoveOptions{Force: true, RemoveVolumes: true})
}

// DetachToolbox removes a toolbox of the instance.
func (e *Engine) DetachToolbox(ctx context.Context, ref engine.Ref, name string) error {
	unlock, err := e.lock(ref, opToolbox)
	if err != nil {
		return err
	}
	defer unlock()
	res, err := e.docker.ContainerList(ctx, client.ContainerListOptions{All: true, Filters: projectFilter(e.Project(ref)).Add("label", LabelRole+"="+roleToolbox)})
	if err != nil {
		return fmt.Errorf("list toolboxes of %s: %w", ref, err)
	}
	for _, c := range res.Items {
		if c.Labels[api.ServiceLabel] != name {
			continue
		}
		if _, err := e.docker.ContainerRemove(ctx, c.ID, client.ContainerRemoveOptions{Force: true, RemoveVolumes: true}); err != nil && !cerrdefs.IsNotFound(err) {
			return fmt.Errorf("remove toolbox %s: %w", name, err)
		}
		return nil
	}
	return &engine.NoToolboxError{Ref: ref, Name: name}
}

// RunTool runs a one-shot tool container on a network of the running
// instance and streams its output; cancelling ctx removes it.
func (e *Engine) RunTool(ctx context.Context, ref engine.Ref, run engine.ToolRun, onLine func(string)) (int, error) {
	if len(run.Argv) == 0 {
		return 0, fmt.Errorf("run tool: empty command")
	}
	st, err := e.status(ctx, ref, nil, true)
	if err != nil {
		return 0, err
	}
	if !st.State.Live() {
		return 0, &engine.NotRunningError{Ref: ref}
	}
	netName := run.Network
	if netName == "" && len(st.Networks) > 0 {
		netName = st.Networks[0].Name
	}
	ns, ok := st.Network(netName)
	if !ok {
		return 0, &engine.NoNetworkError{Ref: ref, Network: netName}
	}
	name := "tool-" + randomHex(3)
	cfg := &container.Config{Image: run.Image, Cmd: run.Argv, Entrypoint: []string{}}
	id, err := e.createExtra(ctx, ref, st, roleTool, name, cfg, []endpoint{{name: netName, network: ns.ID, alias: name}})
	if err != nil {
		return 0, err
	}
	defer e.removeContainer(id)
	return e.runToCompletion(ctx, id, onLine)
}

// runToCompletion starts a created container, streams its output to onLine
// and returns its exit code.
func (e *Engine) runToCompletion(ctx context.Context, id string, onLine func(string)) (int, error) {
	wait := e.docker.ContainerWait(ctx, id, client.ContainerWaitOptions{Condition: container.WaitConditionNextExit})
	if _, err := e.docker.ContainerStart(ctx, id, client.ContainerStartOptions{}); err != nil {
		return 0, fmt.Errorf("start tool: %w", err)
	}
	logs, err := e.docker.ContainerLogs(ctx, id, client.ContainerLogsOptions{ShowStdout: true, ShowStderr: true, Follow: true})
	if err != nil {
		return 0, fmt.Errorf("tool output: %w", err)
	}
	defer logs.Close()
	lines := &lineWriter{emit: onLine}
	if _, err := stdcopy.StdCopy(lines, lines, logs); err != nil && ctx.Err() == nil && !errors.Is(err, context.Canceled) {
		return 0, fmt.Errorf("tool output: %w", err)
	}
	lines.Flush()
	select {
	case res := <-wait.Result:
		if res.Error != nil && res.Error.Message != "" {
			return int(res.StatusCode), fmt.Errorf("tool: %s", res.Error.Message)
		}
		return int(res.StatusCode), nil
	case err := <-wait.Error:
		if ctx.Err() != nil {
			return 0, ctx.Err()
		}
		return 0, fmt.Errorf("wait for tool: %w", err)
	case <-ctx.Done():
		return 0, ctx.Err()
	}
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
