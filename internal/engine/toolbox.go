package engine

import (
	"context"
	"fmt"
)

// Toolboxes puts attacker containers beside a running instance: an
// interactive toolbox attached to its networks, or a one-shot tool whose
// output streams back. Both belong to the instance: stopping it removes them.
type Toolboxes interface {
	// AttachToolbox starts a toolbox container on networks of the running
	// instance. Its terminals, files and dialer are those of a service
	// named opts.Name (Exec, Attach, CopyIn… take the name).
	AttachToolbox(ctx context.Context, ref Ref, opts ToolboxOptions) (*ToolboxStatus, error)
	// DetachToolbox removes a toolbox; a *NotFoundError when there is none
	// of that name.
	DetachToolbox(ctx context.Context, ref Ref, name string) error
	// RunTool runs a one-shot container on a network of the running
	// instance, sends each line of its output (standard output and error)
	// to onLine, and returns its exit code. Cancelling ctx removes it.
	RunTool(ctx context.Context, ref Ref, run ToolRun, onLine func(string)) (int, error)
}

// ToolboxOptions describe a toolbox to attach.
type ToolboxOptions struct {
	// Name names the toolbox in the instance (a service's name is not
	// allowed); empty picks "toolbox", "toolbox-2"…
	Name  string
	Image string
	// Networks are the lab networks to attach to, the first one first.
	Networks []ToolboxNetwork
	// Gateway is a service of the lab: the toolbox's default route goes
	// through its address on a network they share.
	Gateway string
}

// ToolboxNetwork is a lab network a toolbox joins, with a static address
// or none (a free one is chosen).
type ToolboxNetwork struct {
	Name string `json:"name"`
	IP   string `json:"ip,omitempty"`
}

// ToolRun is a one-shot tool to run.
type ToolRun struct {
	Image   string
	Argv    []string
	Network string // a lab network; empty: the lab's first one
}

// ToolboxStatus is a toolbox of a running instance.
type ToolboxStatus struct {
	Name        string        `json:"name"`
	Image       string        `json:"image"`
	State       string        `json:"state"` // the container's state
	ContainerID string        `json:"containerId,omitempty"`
	Networks    []NetworkAddr `json:"networks"`
	Gateway     string        `json:"gateway,omitempty"` // the service its default route goes through
}

// GatewayAddress is the address of opts.Gateway on the first network it
// shares with the toolbox.
func GatewayAddress(st *Status, opts ToolboxOptions) (string, error) {
	svc, ok := st.Service(opts.Gateway)
	if !ok {
		return "", fmt.Errorf("service %q has no container", opts.Gateway)
	}
	for _, n := range opts.Networks {
		for _, a := range svc.Networks {
			if a.Name == n.Name && a.IP != "" {
				return a.IP, nil
			}
		}
	}
	return "", fmt.Errorf("service %s is on none of the toolbox's networks", opts.Gateway)
}

// Network returns the status of the named lab network.
func (s *Status) Network(name string) (NetworkStatus, bool) {
	for _, n := range s.Networks {
		if n.Name == name {
			return n, true
		}
	}
	return NetworkStatus{}, false
}

// Toolbox returns the named toolbox.
func (s *Status) Toolbox(name string) (ToolboxStatus, bool) {
	for _, t := range s.Toolboxes {
		if t.Name == name {
			return t, true
		}
	}
	return ToolboxStatus{}, false
}

// AddressHolder names the service or toolbox that has ip on a network, or
// "" when none has.
func (s *Status) AddressHolder(network, ip string) string {
	for _, svc := range s.Services {
		for _, a := range svc.Networks {
			if a.Name == network && a.IP == ip {
				return "service " + svc.Name
			}
		}
	}
	for _, t := range s.Toolboxes {
		for _, a := range t.Networks {
			if a.Name == network && a.IP == ip {
				return "toolbox " + t.Name
			}
		}
	}
	return ""
}
