package labedit

import (
	"errors"
	"fmt"
	"net/netip"
)

// Check validates a model the way the editor needs before it renders it:
// names that compose accepts and that are unique, subnets that parse and
// do not overlap, gateways inside their subnet, static addresses inside
// their network's subnet and free, attachments to networks that exist,
// depends_on naming services that exist. It returns an empty list when
// all is well.
func Check(m *Model) []Problem {
	c := checker{problems: []Problem{}}
	nets := c.networks(m.Networks)
	services := map[string]bool{}
	for _, s := range m.Services {
		services[s.Name] = true
	}
	c.names("services", func(yield func(int, string) bool) {
		for i, s := range m.Services {
			if !yield(i, s.Name) {
				return
			}
		}
	})
	used := map[string]string{} // network + "/" + address → service
	for _, s := range m.Services {
		prefix := "services." + s.Name
		for _, dep := range s.DependsOn {
			if !services[dep] {
				c.add(prefix+".dependsOn."+dep, "depends on service %s, which does not exist", dep)
			}
		}
		attached := map[string]bool{}
		for _, a := range s.Networks {
			field := prefix + ".networks." + a.Network
			if attached[a.Network] {
				c.add(field, "the service is attached to network %s twice", a.Network)
			}
			attached[a.Network] = true
			n, ok := nets[a.Network]
			if !ok && a.Network != "default" {
				c.add(field, "network %s does not exist", a.Network)
				continue
			}
			if a.IPv4 != "" {
				c.address(field+".ipv4", s.Name, a, n, used)
			}
		}
	}
	return c.problems
}

// checker collects problems.
type checker struct {
	problems []Problem
}

// add records a problem of field.
func (c *checker) add(field, format string, args ...any) {
	c.problems = append(c.problems, Problem{Field: field, Message: fmt.Sprintf(format, args...)})
}

// names checks the names of one kind ("services", "networks").
func (c *checker) names(kind string, all func(yield func(int, string) bool)) {
	seen := map[string]bool{}
	for i, name := range all {
		field := fmt.Sprintf("%s.%s.name", kind, name)
		if name == "" {
			field = fmt.Sprintf("%s.%d.name", kind, i)
		}
		switch {
		case name == "":
			c.add(field, "a name is needed")
		case !namePattern.MatchString(name):
			c.add(field, "%q is not a valid name: letters, digits, '_', '.' and '-', starting with a letter or digit", name)
		case seen[name]:
			c.add(field, "the name %s is used twice", name)
		}
		seen[name] = true
	}
}

// network is a network's parsed addresses.
type network struct {
	name    string
	prefix  netip.Prefix // invalid when none or bad
	gateway netip.Addr   // the gateway given, or the subnet's first host
}

// networks checks the networks and returns them parsed, by name.
func (c *checker) networks(list []Network) map[string]network {
	c.names("networks", func(yield func(int, string) bool) {
		for i, n := range list {
			if !yield(i, n.Name) {
				return
			}
		}
	})
	out := map[string]network{}
	var valid []network
	for _, n := range list {
		field := "networks." + n.Name
		nw := network{name: n.Name}
		if n.Subnet != "" {
			p, err := netip.ParsePrefix(n.Subnet)
			if err != nil {
				c.add(field+".subnet", "subnet %q is not a CIDR such as 192.168.1.0/24 or fd00::/64", n.Subnet)
			} else {
				nw.prefix = p.Masked()
				for _, o := range valid {
					if o.prefix.Overlaps(nw.prefix) {
						c.add(field+".subnet", "subnet %s of network %s overlaps subnet %s of network %s", nw.prefix, n.Name, o.prefix, o.name)
					}
				}
				valid = append(valid, nw)
			}
		}
		c.gateway(field+".gateway", n, &nw)
		if _, dup := out[n.Name]; !dup {
			out[n.Name] = nw
		}
	}
	return out
}

// gateway checks a network's gateway and records it (or the default one).
func (c *checker) gateway(field string, n Network, nw *network) {
	if nw.prefix.IsValid() {
		nw.gateway = nw.prefix.Addr().Next()
	}
	if n.Gateway == "" {
		return
	}
	gw, err := netip.ParseAddr(n.Gateway)
	switch {
	case err != nil:
		c.add(field, "gateway %q is not an IP address", n.Gateway)
	case n.Subnet == "":
		c.add(field, "a gateway needs a subnet")
	case nw.prefix.IsValid() && !nw.prefix.Contains(gw):
		c.add(field, "gateway %s is outside subnet %s", gw, nw.prefix)
	default:
		nw.gateway = gw
	}
}

// address checks a static address of a service on network n.
func (c *checker) address(field, service string, a Attachment, n network, used map[string]string) {
	ip, err := netip.ParseAddr(a.IPv4)
	if err != nil || !ip.Is4() {
		c.add(field, "%q is not an IPv4 address", a.IPv4)
		return
	}
	key := a.Network + "/" + ip.String()
	if other, dup := used[key]; dup {
		c.add(field, "address %s is already given to service %s", ip, other)
	} else {
		used[key] = service
	}
	p := n.prefix
	switch {
	case a.Network == "default" && n.name == "":
		c.add(field, "a static address needs a network with a subnet")
	case !p.IsValid():
		c.add(field, "a static address needs a subnet on network %s", a.Network)
	case !p.Contains(ip):
		c.add(field, "address %s is outside subnet %s of network %s", ip, p, a.Network)
	case ip == p.Addr():
		c.add(field, "address %s is the network address of %s", ip, p)
	case ip == lastAddr(p):
		c.add(field, "address %s is the broadcast address of %s", ip, p)
	case ip == n.gateway:
		c.add(field, "address %s is the gateway of network %s; pick another", ip, a.Network)
	}
}

// lastAddr returns the last address of a prefix (the IPv4 broadcast address).
func lastAddr(p netip.Prefix) netip.Addr {
	b := p.Masked().Addr().AsSlice()
	bits := p.Bits()
	for i := range b {
		for bit := 0; bit < 8; bit++ {
			if i*8+bit >= bits {
				b[i] |= 0x80 >> bit
			}
		}
	}
	a, _ := netip.AddrFromSlice(b)
	return a
}

// FreeAddress returns the highest host address of a network's subnet that
// is free: not the network address, the broadcast address (IPv4), the
// gateway (the first host address when none is given) or an address a
// service of the model uses on that network. It answers from the top of
// the subnet because Docker gives a service without a static address the
// lowest free one.
func FreeAddress(m *Model, network string) (string, error) {
	var n *Network
	for i := range m.Networks {
		if m.Networks[i].Name == network {
			n = &m.Networks[i]
		}
	}
	if n == nil {
		return "", fmt.Errorf("there is no network %s", network)
	}
	if n.Subnet == "" {
		return "", fmt.Errorf("network %s has no subnet", network)
	}
	p, err := netip.ParsePrefix(n.Subnet)
	if err != nil {
		return "", fmt.Errorf("network %s: subnet %q is not a CIDR: %w", network, n.Subnet, err)
	}
	p = p.Masked()
	taken := map[netip.Addr]bool{p.Addr().Next(): true}
	if gw, err := netip.ParseAddr(n.Gateway); err == nil {
		taken = map[netip.Addr]bool{gw: true}
	}
	if p.Addr().Is4() {
		taken[lastAddr(p)] = true
	}
	for _, s := range m.Services {
		for _, a := range s.Networks {
			if ip, err := netip.ParseAddr(a.IPv4); a.Network == network && err == nil {
				taken[ip] = true
			}
		}
	}
	// From the top down: Docker gives a service without a static address
	// the lowest free one, so a suggestion from the bottom would collide
	// with the first such service at the start.
	for a := lastAddr(p); a.IsValid() && p.Contains(a) && a != p.Addr(); a = a.Prev() {
		if !taken[a] {
			return a.String(), nil
		}
	}
	return "", errors.New("network " + network + " has no free address left in " + p.String())
}
