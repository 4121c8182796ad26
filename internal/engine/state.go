package engine

// State of a lab instance, read from the engine.
type State string

const (
	StateStopped    State = "stopped"    // nothing of the instance exists
	StateStarting   State = "starting"   // a start is in progress
	StateStopping   State = "stopping"   // a stop is in progress
	StateRunning    State = "running"    // started completely, every container running
	StateDegraded   State = "degraded"   // started completely, but a container is not running
	StateIncomplete State = "incomplete" // containers exist but no start finished: it was interrupted; stop it or start it again
)

// Live reports whether the instance is up: running, or running with a
// container down.
func (s State) Live() bool { return s == StateRunning || s == StateDegraded }

// Instance is an instance that exists, with its state.
type Instance struct {
	Ref   Ref   `json:"ref"`
	State State `json:"state"`
}

// Status is what the engine says about a lab instance.
type Status struct {
	Ref
	Project   string          `json:"project"`
	State     State           `json:"state"`
	Operation string          `json:"operation,omitempty"` // the operation in progress, if any
	Services  []ServiceStatus `json:"services"`
	Networks  []NetworkStatus `json:"networks"`
	// Toolboxes are the toolboxes attached to the instance.
	Toolboxes []ToolboxStatus `json:"toolboxes"`
}

// ServiceStatus is one service's container.
type ServiceStatus struct {
	Name        string          `json:"name"`
	Container   string          `json:"container,omitempty"`
	ContainerID string          `json:"containerId,omitempty"`
	Image       string          `json:"image,omitempty"`
	State       string          `json:"state"`            // the container's state: running, exited, created…; "missing" when no container exists
	Status      string          `json:"status,omitempty"` // the engine's human status ("Up 3 minutes")
	Health      string          `json:"health,omitempty"` // starting, healthy, unhealthy; "" without a healthcheck
	Networks    []NetworkAddr   `json:"networks"`
	Ports       []PublishedPort `json:"ports"`
	// Notes say how the service runs where that differs from what its
	// lab asked (privileged mode emulated, say).
	Notes []string `json:"notes,omitempty"`
}

// ServiceMissing is the state of a service that has no container.
const ServiceMissing = "missing"

// ServiceRunning is the state of a service whose container runs.
const ServiceRunning = "running"

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

// NetworkStatus is a lab network as the engine has it.
type NetworkStatus struct {
	Name       string `json:"name"`
	DockerName string `json:"dockerName"`
	ID         string `json:"id"`
	Subnet     string `json:"subnet,omitempty"`
}

// Service returns the status of the named service.
func (s *Status) Service(name string) (ServiceStatus, bool) {
	for _, svc := range s.Services {
		if svc.Name == name {
			return svc, true
		}
	}
	return ServiceStatus{}, false
}
