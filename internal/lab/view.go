package lab

import (
	"slices"
	"time"

	"github.com/compose-spec/compose-go/v2/types"
)

// Services returns the lab's services as a person looks at them, sorted by
// name. The view is derived from Project at each call; it is empty (not
// nil) when the lab has no project.
func (l *Lab) Services() []Service {
	names := l.ServiceNames()
	out := make([]Service, 0, len(names))
	for _, name := range names {
		out = append(out, l.serviceView(name, l.Project.Services[name]))
	}
	return out
}

// Service returns the named service, derived from Project.
func (l *Lab) Service(name string) (Service, bool) {
	if l.Project == nil {
		return Service{}, false
	}
	s, ok := l.Project.Services[name]
	if !ok {
		return Service{}, false
	}
	return l.serviceView(name, s), true
}

// ServiceNames returns the names of the lab's services, sorted; it is
// empty (not nil) when the lab has no project.
func (l *Lab) ServiceNames() []string {
	if l.Project == nil {
		return []string{}
	}
	return serviceNames(l.Project)
}

// Networks returns the lab's networks, sorted by name, derived from
// Project at each call; it is empty (not nil) when the lab has no project.
func (l *Lab) Networks() []Network {
	if l.Project == nil {
		return []Network{}
	}
	names := sortedKeys(l.Project.Networks)
	out := make([]Network, 0, len(names))
	for _, name := range names {
		out = append(out, l.networkView(name, l.Project.Networks[name]))
	}
	return out
}

// Images returns the images the lab needs, in service order, without
// duplicates; built images are included.
func (l *Lab) Images() []string {
	seen := map[string]bool{}
	var out []string
	for _, s := range l.Services() {
		if s.Image != "" && !seen[s.Image] {
			seen[s.Image] = true
			out = append(out, s.Image)
		}
	}
	return out
}

// shellAllowed reports whether a terminal may be opened in the service.
func (l *Lab) shellAllowed(service string) bool {
	allowed, said := l.shell[service]
	return allowed || !said
}

// setShell records whether the lab allows a terminal in the service.
func (l *Lab) setShell(service string, allowed bool) {
	if l.shell == nil {
		l.shell = map[string]bool{}
	}
	l.shell[service] = allowed
}

// serviceView turns a compose service into the person-facing Service.
func (l *Lab) serviceView(name string, s types.ServiceConfig) Service {
	svc := Service{
		Name:       name,
		Image:      s.Image,
		CapAdd:     slices.Clone(s.CapAdd),
		Privileged: s.Privileged,
		Shell:      l.shellAllowed(name),
		Networks:   serviceNetworks(s),
		Ports:      ports(s),
		VM:         l.vms[name],
	}
	switch {
	case svc.VM != nil:
		svc.Image = VMHelperImage
	case svc.Image == "":
		svc.Image = defaultImageName(l.Project.Name, name)
	}
	if s.Build != nil {
		svc.Build = s.Build.Context
	}
	if s.StopGracePeriod != nil {
		d := time.Duration(*s.StopGracePeriod)
		svc.StopTimeout = &d
	}
	return svc
}

// serviceNetworks lists a service's network attachments, sorted by name.
func serviceNetworks(s types.ServiceConfig) []ServiceNetwork {
	out := []ServiceNetwork{}
	for _, name := range sortedKeys(s.Networks) {
		sn := ServiceNetwork{Name: name}
		if c := s.Networks[name]; c != nil {
			sn.IP = c.Ipv4Address
		}
		out = append(out, sn)
	}
	return out
}

// ports lists a service's published ports, in file order.
func ports(s types.ServiceConfig) []Port {
	out := []Port{}
	for _, p := range s.Ports {
		out = append(out, Port{Container: p.Target, Host: p.Published, HostIP: p.HostIP, Protocol: p.Protocol})
	}
	return out
}

// networkView turns a compose network into the person-facing Network: its
// first subnet, and the subnet as written when normalising changed it.
func (l *Lab) networkView(name string, n types.NetworkConfig) Network {
	nw := Network{Name: name, External: bool(n.External)}
	for _, pool := range n.Ipam.Config {
		if pool != nil && pool.Subnet != "" {
			nw.Subnet = pool.Subnet
			if w := l.writtenSubnets[name]; w != "" && w != pool.Subnet {
				nw.Written = w
			}
			break
		}
	}
	return nw
}

// defaultImageName mirrors compose's name for a built image without an
// image: key.
func defaultImageName(project, service string) string {
	return project + "-" + service
}
