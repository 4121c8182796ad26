package fake

import (
	"context"
	"fmt"
	"net/netip"
	"sort"
	"time"

	"github.com/dsp-lab/dsp/internal/engine"
	"github.com/dsp-lab/dsp/internal/lab"
	"github.com/dsp-lab/dsp/internal/linkshape"
)

// instance is what exists of one lab instance: its networks and containers,
// and, once a start completed, its ready mark and flag hashes.
type instance struct {
	ref        engine.Ref
	project    string
	ready      bool
	flags      []string // hashes of the flags a user may submit
	flag       string   // the flag planted at the start
	networks   map[string]*network
	containers map[string]*container // by service
}

// exists reports whether anything of the instance is left.
func (in *instance) exists() bool {
	return in != nil && (len(in.networks) > 0 || len(in.containers) > 0)
}

// network is a lab network of an instance.
type network struct {
	name       string // the lab's name for it
	dockerName string
	id         string
	subnet     netip.Prefix // invalid for an external network
	gateway    netip.Addr
	used       map[netip.Addr]bool
}

// hostNetwork is a network that belongs to no lab (WithNetwork).
type hostNetwork struct {
	name   string
	subnet netip.Prefix
}

// container is a service's container.
type container struct {
	// def is the service's definition it was created from (JSON), which
	// Plan compares with an edited lab's.
	def      string
	service  string
	name     string
	id       string
	image    string
	hostname string
	env      []string
	state    string // running, exited, paused…
	exitCode int
	health   string
	role     string                     // "" for a service's container, roleToolbox for a toolbox
	gateway  string                     // a toolbox's gateway service
	shapes   map[string]linkshape.Shape // by network: SetLink's impairments
	since    time.Time                  // when it started or stopped
	networks []engine.NetworkAddr
	ports    []engine.PublishedPort
	files    *fileTree
	logs     []logLine

	// ctx lives while the container runs: processes started in it end
	// with it.
	ctx    context.Context
	cancel context.CancelFunc
}

// newContainer returns a running container; without a hostname it is
// named after its id, as Docker does.
func newContainer(service, name, image, hostname string, env []string) *container {
	id := newID()
	if hostname == "" {
		hostname = id[:12]
	}
	env = append([]string{"HOSTNAME=" + hostname}, env...)
	ctx, cancel := context.WithCancel(context.Background())
	return &container{
		service: service, name: name, id: id, image: image, hostname: hostname, env: env,
		state: engine.ServiceRunning, since: time.Now(), networks: []engine.NetworkAddr{}, ports: []engine.PublishedPort{},
		files: newFileTree(hostname), ctx: ctx, cancel: cancel,
	}
}

// humanStatus is Docker's status text: "Up 3 seconds", "Exited (137) 2
// minutes ago".
func (c *container) humanStatus() string {
	d := humanDuration(time.Since(c.since))
	switch c.state {
	case engine.ServiceRunning:
		s := "Up " + d
		if c.health != "" {
			if c.health == "starting" {
				s += " (health: starting)"
			} else {
				s += " (" + c.health + ")"
			}
		}
		return s
	case "exited", "dead":
		return fmt.Sprintf("Exited (%d) %s ago", c.exitCode, d)
	case "created":
		return "Created"
	default:
		return c.state
	}
}

// humanDuration words a duration as Docker does.
func humanDuration(d time.Duration) string {
	switch s := int(d.Seconds()); {
	case s < 1:
		return "Less than a second"
	case s == 1:
		return "1 second"
	case s < 60:
		return fmt.Sprintf("%d seconds", s)
	case d.Minutes() < 2:
		return "About a minute"
	case d.Minutes() < 60:
		return fmt.Sprintf("%d minutes", int(d.Minutes()))
	case d.Hours() < 2:
		return "About an hour"
	default:
		return fmt.Sprintf("%d hours", int(d.Hours()))
	}
}

func (c *container) status() engine.ServiceStatus {
	s := engine.ServiceStatus{
		Name:        c.service,
		Container:   c.name,
		ContainerID: c.id,
		Image:       c.image,
		State:       c.state,
		Status:      c.humanStatus(),
		Health:      c.health,
		Networks:    append([]engine.NetworkAddr{}, c.networks...),
		Ports:       append([]engine.PublishedPort{}, c.ports...),
	}
	if c.state != engine.ServiceRunning && c.health != "" {
		s.Health = ""
	}
	return s
}

// Status reads an instance's state. When l is given, services without a
// container are listed as missing.
func (e *Engine) Status(ctx context.Context, ref engine.Ref, l *lab.Lab) (*engine.Status, error) {
	ref = normalizeRef(ref)
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	st := &engine.Status{Ref: ref, Project: e.Project(ref), Services: []engine.ServiceStatus{}, Networks: []engine.NetworkStatus{}, Toolboxes: []engine.ToolboxStatus{}}
	seen := map[string]bool{}
	if in := e.instances[ref]; in != nil {
		for _, name := range sortedKeys(in.networks) {
			n := in.networks[name]
			ns := engine.NetworkStatus{Name: n.name, DockerName: n.dockerName, ID: n.id}
			if n.subnet.IsValid() {
				ns.Subnet = n.subnet.String()
			}
			st.Networks = append(st.Networks, ns)
		}
		for _, name := range sortedKeys(in.containers) {
			if c := in.containers[name]; c.role == roleToolbox {
				st.Toolboxes = append(st.Toolboxes, c.toolboxStatus())
				continue
			}
			st.Services = append(st.Services, in.containers[name].status())
			seen[name] = true
		}
	}
	if l != nil {
		for _, s := range l.Services() {
			if !seen[s.Name] {
				st.Services = append(st.Services, engine.ServiceStatus{Name: s.Name, Image: s.Image, State: engine.ServiceMissing, Networks: []engine.NetworkAddr{}, Ports: []engine.PublishedPort{}})
			}
		}
	}
	sort.Slice(st.Services, func(i, j int) bool { return st.Services[i].Name < st.Services[j].Name })
	st.Operation = e.ops[ref]
	st.State = e.stateLocked(ref, true)
	return st, nil
}

// stateLocked derives an instance's state as the real engine does; withOp
// says whether an operation in progress counts (the operation itself looks
// at what exists).
func (e *Engine) stateLocked(ref engine.Ref, withOp bool) engine.State {
	in := e.instances[ref]
	switch op := e.ops[ref]; {
	case withOp && op == opUp:
		return engine.StateStarting
	case withOp && op == opDown:
		return engine.StateStopping
	case !in.exists():
		return engine.StateStopped
	case !in.ready:
		return engine.StateIncomplete
	}
	for _, c := range in.containers {
		if c.role == "" && c.state != engine.ServiceRunning {
			return engine.StateDegraded
		}
	}
	return engine.StateRunning
}

// Instances lists every instance that exists or has an operation in
// progress, with its state, sorted by name.
func (e *Engine) Instances(ctx context.Context) ([]engine.Instance, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	refs := map[engine.Ref]bool{}
	for ref, in := range e.instances {
		if in.exists() {
			refs[ref] = true
		}
	}
	for ref := range e.ops {
		refs[ref] = true
	}
	out := make([]engine.Instance, 0, len(refs))
	for ref := range refs {
		out = append(out, engine.Instance{Ref: ref, State: e.stateLocked(ref, true)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Ref.String() < out[j].Ref.String() })
	return out, nil
}

// subscriber is one Events call: changes queue up until it takes them, so
// that nothing the engine does waits for it.
type subscriber struct {
	queue []engine.Ref
	wake  chan struct{}
}

// Events calls onChange with the instance of every change (an operation
// began or ended, a network or container was created or removed, a
// container changed state, a start completed) until ctx ends.
func (e *Engine) Events(ctx context.Context, onChange func(engine.Ref)) {
	sub := &subscriber{wake: make(chan struct{}, 1)}
	e.mu.Lock()
	e.subs[sub] = struct{}{}
	e.wakeListenersLocked()
	e.mu.Unlock()
	defer func() {
		e.mu.Lock()
		delete(e.subs, sub)
		e.wakeListenersLocked()
		e.mu.Unlock()
	}()
	for {
		select {
		case <-ctx.Done():
			return
		case <-sub.wake:
		}
		e.mu.Lock()
		queue := sub.queue
		sub.queue = nil
		e.mu.Unlock()
		for _, ref := range queue {
			if ctx.Err() != nil {
				return
			}
			onChange(ref)
		}
	}
}

func (e *Engine) wakeListenersLocked() {
	close(e.subsWake)
	e.subsWake = make(chan struct{})
}

// WaitListeners waits until at least n Events calls listen (so that a test
// knows the changes it makes next are reported), or ctx ends.
func (e *Engine) WaitListeners(ctx context.Context, n int) error {
	for {
		e.mu.Lock()
		listening, wake := len(e.subs), e.subsWake
		e.mu.Unlock()
		if listening >= n {
			return nil
		}
		select {
		case <-wake:
		case <-ctx.Done():
			return fmt.Errorf("fake: waiting for %d Events listener(s), %d listen: %w", n, listening, ctx.Err())
		}
	}
}

// notifyLocked tells every subscriber that ref changed.
func (e *Engine) notifyLocked(ref engine.Ref) {
	for sub := range e.subs {
		sub.queue = append(sub.queue, ref)
		select {
		case sub.wake <- struct{}{}:
		default:
		}
	}
}
