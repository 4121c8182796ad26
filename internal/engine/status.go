package engine

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/docker/compose/v5/pkg/api"
	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/client"

	"github.com/dsp-lab/dsp/internal/lab"
)

// State of a lab instance, read from Docker.
type State string

const (
	StateStopped    State = "stopped"    // nothing of the lab exists
	StateStarting   State = "starting"   // a start is in progress
	StateStopping   State = "stopping"   // a stop is in progress
	StateRunning    State = "running"    // started completely, every container running
	StateDegraded   State = "degraded"   // started completely, but a container is not running
	StateIncomplete State = "incomplete" // containers exist but no start finished: it was interrupted; stop it or start it again
)

// Status is what Docker says about a lab instance.
type Status struct {
	Ref
	Project   string          `json:"project"`
	State     State           `json:"state"`
	Operation string          `json:"operation,omitempty"` // the operation in progress, if any
	Services  []ServiceStatus `json:"services"`
	Networks  []NetworkStatus `json:"networks"`
}

// ServiceStatus is one service's container.
type ServiceStatus struct {
	Name        string          `json:"name"`
	Container   string          `json:"container,omitempty"`
	ContainerID string          `json:"containerId,omitempty"`
	Image       string          `json:"image,omitempty"`
	State       string          `json:"state"`            // Docker's state: running, exited, created…; "missing" when no container exists
	Status      string          `json:"status,omitempty"` // Docker's human status ("Up 3 minutes")
	Health      string          `json:"health,omitempty"`
	Networks    []NetworkAddr   `json:"networks"`
	Ports       []PublishedPort `json:"ports"`
}

// NetworkAddr is a container's address on a lab network.
type NetworkAddr struct {
	Name string `json:"name"`
	IP   string `json:"ip"`
}

// PublishedPort is a container port published on the host.
type PublishedPort struct {
	Container uint16 `json:"container"`
	Host      uint16 `json:"host"`
	HostIP    string `json:"hostIP,omitempty"`
	Protocol  string `json:"protocol"`
}

// NetworkStatus is a lab network as Docker has it.
type NetworkStatus struct {
	Name       string `json:"name"`
	DockerName string `json:"dockerName"`
	ID         string `json:"id"`
	Subnet     string `json:"subnet,omitempty"`
}

// Status reads the instance's state from Docker. When l is given, services
// without a container are listed as missing.
func (e *Engine) Status(ctx context.Context, ref Ref, l *lab.Lab) (*Status, error) {
	return e.status(ctx, ref, l, true)
}

// status reads the state; probe says whether to look at the instance's
// lock (an operation that holds the lock itself must not).
func (e *Engine) status(ctx context.Context, ref Ref, l *lab.Lab, probe bool) (*Status, error) {
	project := e.Project(ref)
	st := &Status{Ref: ref, Project: project, Services: []ServiceStatus{}, Networks: []NetworkStatus{}}
	if st.Instance == "" {
		st.Instance = DefaultInstance
	}
	containers, err := e.docker.ContainerList(ctx, client.ContainerListOptions{All: true, Filters: projectFilter(project)})
	if err != nil {
		return nil, fmt.Errorf("list containers of %s: %w", ref, err)
	}
	nets, err := e.docker.NetworkList(ctx, client.NetworkListOptions{Filters: projectFilter(project)})
	if err != nil {
		return nil, fmt.Errorf("list networks of %s: %w", ref, err)
	}
	for _, n := range nets.Items {
		ns := NetworkStatus{Name: n.Labels[api.NetworkLabel], DockerName: n.Name, ID: n.ID}
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
	for _, c := range containers.Items {
		s := serviceStatus(c, project)
		seen[s.Name] = true
		st.Services = append(st.Services, s)
	}
	if l != nil {
		for _, s := range l.Services {
			if !seen[s.Name] {
				st.Services = append(st.Services, ServiceStatus{Name: s.Name, Image: s.Image, State: "missing", Networks: []NetworkAddr{}, Ports: []PublishedPort{}})
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
	st.State = deriveState(len(containers.Items) > 0 || len(nets.Items) > 0, ready, st.Services, st.Operation)
	return st, nil
}

// deriveState turns what exists into one state.
func deriveState(exists, ready bool, services []ServiceStatus, operation string) State {
	switch {
	case strings.HasPrefix(operation, "up") || strings.HasPrefix(operation, "start"):
		return StateStarting
	case strings.HasPrefix(operation, "down") || strings.HasPrefix(operation, "stop"):
		return StateStopping
	case !exists:
		return StateStopped
	case !ready:
		return StateIncomplete
	}
	for _, s := range services {
		if s.State != string(container.StateRunning) {
			return StateDegraded
		}
	}
	return StateRunning
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

func serviceStatus(c container.Summary, project string) ServiceStatus {
	s := ServiceStatus{
		Name:        c.Labels[api.ServiceLabel],
		ContainerID: c.ID,
		Image:       c.Image,
		State:       string(c.State),
		Status:      c.Status,
		Networks:    []NetworkAddr{},
		Ports:       []PublishedPort{},
	}
	if len(c.Names) > 0 {
		s.Container = strings.TrimPrefix(c.Names[0], "/")
	}
	s.Health = healthOf(c)
	if c.NetworkSettings != nil {
		for name, ep := range c.NetworkSettings.Networks {
			addr := NetworkAddr{Name: strings.TrimPrefix(name, project+"_")}
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
		pp := PublishedPort{Container: p.PrivatePort, Host: p.PublicPort, Protocol: p.Type}
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

// States returns the state of every lab instance of this engine's
// namespace, with two Docker calls whatever the number of labs.
func (e *Engine) States(ctx context.Context) (map[Ref]State, error) {
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
	byRef := map[Ref][]ServiceStatus{}
	for _, c := range containers.Items {
		ref := Ref{Repo: c.Labels[LabelRepo], Lab: c.Labels[LabelLab], Instance: c.Labels[LabelInstance]}
		byRef[ref] = append(byRef[ref], ServiceStatus{State: string(c.State)})
	}
	out := map[Ref]State{}
	for ref, services := range byRef {
		out[ref] = deriveState(true, ready[e.Project(ref)], services, e.busy(ref))
	}
	return out, nil
}
