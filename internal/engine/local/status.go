package local

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/docker/compose/v5/pkg/api"
	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/client"

	"github.com/dsp-lab/dsp/internal/engine"
	"github.com/dsp-lab/dsp/internal/lab"
)

// Status reads the instance's state from Docker. When l is given, services
// without a container are listed as missing.
func (e *Engine) Status(ctx context.Context, ref engine.Ref, l *lab.Lab) (*engine.Status, error) {
	return e.status(ctx, ref, l, true)
}

// status reads the state; probe says whether to look at the instance's
// lock (an operation that holds the lock itself must not).
func (e *Engine) status(ctx context.Context, ref engine.Ref, l *lab.Lab, probe bool) (*engine.Status, error) {
	project := e.Project(ref)
	st := &engine.Status{Ref: ref, Project: project, Services: []engine.ServiceStatus{}, Networks: []engine.NetworkStatus{}, Toolboxes: []engine.ToolboxStatus{}}
	containers, err := e.docker.ContainerList(ctx, client.ContainerListOptions{All: true, Filters: projectFilter(project)})
	if err != nil {
		return nil, fmt.Errorf("list containers of %s: %w", ref, err)
	}
	nets, err := e.docker.NetworkList(ctx, client.NetworkListOptions{Filters: projectFilter(project)})
	if err != nil {
		return nil, fmt.Errorf("list networks of %s: %w", ref, err)
	}
	for _, n := range nets.Items {
		ns := engine.NetworkStatus{Name: n.Labels[api.NetworkLabel], DockerName: n.Name, ID: n.ID}
		for _, c := range n.IPAM.Config {
			if c.Subnet.IsValid() {
				ns.Subnet = c.Subnet.String()
				break
			}
		}
		st.Networks = append(st.Networks, ns)
	}
	sort.Slice(st.Networks, func(i, j int) bool { return st.Networks[i].Name < st.Networks[j].Name })

	seen := map[string]bool{}
	services := 0
	for _, c := range containers.Items {
		s := serviceStatus(c, project)
		switch c.Labels[LabelRole] {
		case "":
			seen[s.Name] = true
			st.Services = append(st.Services, s)
			services++
		case roleToolbox:
			st.Toolboxes = append(st.Toolboxes, engine.ToolboxStatus{
				Name: s.Name, Image: s.Image, State: s.State, ContainerID: s.ContainerID,
				Networks: s.Networks, Gateway: c.Labels[LabelGateway],
			})
		}
	}
	sort.Slice(st.Toolboxes, func(i, j int) bool { return st.Toolboxes[i].Name < st.Toolboxes[j].Name })
	if l != nil {
		for _, s := range l.Services() {
			if !seen[s.Name] {
				st.Services = append(st.Services, engine.ServiceStatus{Name: s.Name, Image: s.Image, State: engine.ServiceMissing, Networks: []engine.NetworkAddr{}, Ports: []engine.PublishedPort{}})
			}
		}
	}
	sort.Slice(st.Services, func(i, j int) bool { return st.Services[i].Name < st.Services[j].Name })

	ready, err := e.isReady(ctx, project)
	if err != nil {
		return nil, err
	}
	if probe {
		st.Operation = e.busy(ref)
	}
	st.State = deriveState(services > 0 || len(nets.Items) > 0, ready, st.Services, st.Operation)
	return st, nil
}

// deriveState turns what exists into one state.
func deriveState(exists, ready bool, services []engine.ServiceStatus, operation string) engine.State {
	switch {
	case strings.HasPrefix(operation, opUp+" "):
		return engine.StateStarting
	case strings.HasPrefix(operation, opDown+" "):
		return engine.StateStopping
	case !exists:
		return engine.StateStopped
	case !ready:
		return engine.StateIncomplete
	}
	for _, s := range services {
		if s.State != string(container.StateRunning) {
			return engine.StateDegraded
		}
	}
	return engine.StateRunning
}

// healthOf returns a container's healthcheck status ("starting",
// "healthy", "unhealthy"), or "" when it has no healthcheck. Engines before
// API 1.44 leave the field out of the container list and only say it in
// the status text: "Up 3 seconds (health: starting)".
func healthOf(c container.Summary) string {
	if c.Health != nil && c.Health.Status != "" && c.Health.Status != "none" {
		return string(c.Health.Status)
	}
	switch {
	case strings.HasSuffix(c.Status, "(health: starting)"):
		return "starting"
	case strings.HasSuffix(c.Status, "(unhealthy)"):
		return "unhealthy"
	case strings.HasSuffix(c.Status, "(healthy)"):
		return "healthy"
	}
	return ""
}

func serviceStatus(c container.Summary, project string) engine.ServiceStatus {
	s := engine.ServiceStatus{
		Name:        c.Labels[api.ServiceLabel],
		ContainerID: c.ID,
		Image:       c.Image,
		State:       string(c.State),
		Status:      c.Status,
		Networks:    []engine.NetworkAddr{},
		Ports:       []engine.PublishedPort{},
	}
	if len(c.Names) > 0 {
		s.Container = strings.TrimPrefix(c.Names[0], "/")
	}
	s.Health = healthOf(c)
	s.Notes = notesOf(c.Labels)
	if c.NetworkSettings != nil {
		for name, ep := range c.NetworkSettings.Networks {
			addr := engine.NetworkAddr{Name: strings.TrimPrefix(name, project+"_")}
			if ep != nil && ep.IPAddress.IsValid() {
				addr.IP = ep.IPAddress.String()
			}
			s.Networks = append(s.Networks, addr)
		}
		sort.Slice(s.Networks, func(i, j int) bool { return s.Networks[i].Name < s.Networks[j].Name })
	}
	for _, p := range c.Ports {
		if p.PublicPort == 0 {
			continue
		}
		pp := engine.PublishedPort{Container: p.PrivatePort, Host: p.PublicPort, Protocol: p.Type}
		if p.IP.IsValid() {
			pp.HostIP = p.IP.String()
		}
		s.Ports = append(s.Ports, pp)
	}
	sort.Slice(s.Ports, func(i, j int) bool {
		if s.Ports[i].Container != s.Ports[j].Container {
			return s.Ports[i].Container < s.Ports[j].Container
		}
		return s.Ports[i].HostIP < s.Ports[j].HostIP
	})
	return s
}

// Instances returns every lab instance of this engine's namespace with its
// state, with two Docker calls whatever the number of labs.
func (e *Engine) Instances(ctx context.Context) ([]engine.Instance, error) {
	filter := client.Filters{}.Add("label", LabelNamespace+"="+e.namespace)
	containers, err := e.docker.ContainerList(ctx, client.ContainerListOptions{All: true, Filters: filter})
	if err != nil {
		return nil, fmt.Errorf("list lab containers: %w", err)
	}
	vols, err := e.docker.VolumeList(ctx, client.VolumeListOptions{Filters: filter.Clone().Add("label", LabelReady+"=true")})
	if err != nil {
		return nil, fmt.Errorf("list lab markers: %w", err)
	}
	ready := map[string]bool{}
	for _, v := range vols.Items {
		ready[v.Labels[LabelProject]] = true
	}
	byRef := map[engine.Ref][]engine.ServiceStatus{}
	for _, c := range containers.Items {
		if !isService(c.Labels) {
			continue
		}
		ref := refOf(c.Labels)
		byRef[ref] = append(byRef[ref], engine.ServiceStatus{State: string(c.State)})
	}
	out := make([]engine.Instance, 0, len(byRef))
	for ref, services := range byRef {
		out = append(out, engine.Instance{Ref: ref, State: deriveState(true, ready[e.Project(ref)], services, e.busy(ref))})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Ref.String() < out[j].Ref.String() })
	return out, nil
}
