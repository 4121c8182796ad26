package fake

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/dsp-lab/dsp/internal/engine"
	"github.com/dsp-lab/dsp/internal/lab"
)

// Up starts an instance of l as the real engine does: the instance's lock
// (a *engine.BusyError while another operation holds it), the preflight
// (engine.CheckLab, missing images, subnets held by other instances), the
// builds of missing build: images, then networks, containers, files
// before the actions, the actions by priority, files after them, and the
// mark that the start completed with the flag's hashes. When a step fails
// or ctx ends, everything the start created is removed. An instance that
// runs already is left alone ("already running"); one that is degraded or
// incomplete is removed and started again.
func (e *Engine) Up(ctx context.Context, ref engine.Ref, l *lab.Lab, opts engine.UpOptions) error {
	ref = normalizeRef(ref)
	unlock, err := e.lock(ref, opUp)
	if err != nil {
		return err
	}
	defer unlock()
	progress := opts.Progress

	e.mu.Lock()
	state := e.stateLocked(ref, false)
	fail := e.failures[ref]
	delete(e.failures, ref)
	e.mu.Unlock()
	switch state {
	case engine.StateRunning:
		progress.Emit(engine.StepDone, "", engine.StatusInfo, "already running")
		return nil
	case engine.StateStopped:
	default:
		progress.Emit(engine.StepCheck, "", engine.StatusInfo, fmt.Sprintf("the lab is %s: removing what is left before starting", state))
		e.remove(ref, l, progress)
	}

	s := &starter{e: e, ref: ref, expose: opts.Expose, progress: progress, fail: fail}
	if err := s.preflight(l, opts); err != nil {
		progress.Emit(engine.StepCheck, "", engine.StatusError, err.Error())
		return err
	}
	if err := e.waitHold(ctx, ref); err != nil {
		return &engine.StepError{Step: engine.StepCheck, Err: err}
	}
	if err := e.build(ctx, l, false, progress, s.inject); err != nil {
		progress.Emit(engine.StepBuild, "", engine.StatusError, err.Error())
		return err
	}
	planted, flag, hashes, err := engine.PlantFlag(l, opts.Flag)
	if err != nil {
		return err
	}
	s.progress = engine.HideFlag(progress, flag)
	started := time.Now()
	if err := s.start(ctx, planted, hashes); err != nil {
		if !errors.Is(err, ErrInterrupted) {
			s.rollback(l)
		}
		return err
	}
	e.mu.Lock()
	e.instances[ref].flag = flag
	e.mu.Unlock()
	s.progress.Emit(engine.StepDone, "", engine.StatusDone, fmt.Sprintf("lab %s started in %s", ref, since(started)))
	return nil
}

// starter is one start in progress.
type starter struct {
	e        *Engine
	ref      engine.Ref
	expose   bool // publish ports where the lab says, not on loopback
	progress engine.Progress
	fail     *failure // what FailNext or InterruptNext asked, until it happens
}

// inject returns the failure asked for step, once.
func (s *starter) inject(step engine.Step) error {
	if s.fail == nil || s.fail.step != step {
		return nil
	}
	f := s.fail
	s.fail = nil
	if f.interrupt {
		return fmt.Errorf("start of %s at step %s: %w", s.ref, step, ErrInterrupted)
	}
	return f.err
}

// preflight checks everything that can be checked before creating
// anything.
func (s *starter) preflight(l *lab.Lab, opts engine.UpOptions) error {
	s.progress.Emit(engine.StepCheck, "", engine.StatusWorking, "checking permissions, files, images and subnets")
	if err := s.inject(engine.StepCheck); err != nil {
		return err
	}
	if err := engine.CheckLab(l, opts); err != nil {
		return err
	}
	s.e.mu.Lock()
	err := s.e.checkImagesLocked(l)
	if err == nil {
		err = s.e.checkSubnetsLocked(s.ref, l)
	}
	s.e.mu.Unlock()
	if err != nil {
		return err
	}
	s.progress.Emit(engine.StepCheck, "", engine.StatusDone, "ready to start")
	return nil
}

// checkImagesLocked lists, in one error, the images the lab needs that are
// not present and that no build: section provides.
func (e *Engine) checkImagesLocked(l *lab.Lab) error {
	missing := map[string][]string{}
	for _, s := range l.Services() {
		if s.Build == "" && e.imageLocked(s.Image) == nil {
			missing[s.Image] = append(missing[s.Image], s.Name)
		}
	}
	if len(missing) > 0 {
		return &engine.MissingImagesError{Images: missing}
	}
	return nil
}

// checkSubnetsLocked refuses fixed subnets that overlap a network of
// another instance, or one that belongs to no lab.
func (e *Engine) checkSubnetsLocked(ref engine.Ref, l *lab.Lab) error {
	for _, n := range l.Networks() {
		if n.Subnet == "" || n.External {
			continue
		}
		prefix, err := netip.ParsePrefix(n.Subnet)
		if err != nil {
			continue // validation reports it
		}
		if holder, taken := e.subnetHolderLocked(ref, prefix); taken {
			return &engine.SubnetInUseError{Network: n.Name, Subnet: prefix.String(), Holder: holder}
		}
	}
	return nil
}

// subnetHolderLocked names what holds a subnet overlapping prefix, other
// than ref itself.
func (e *Engine) subnetHolderLocked(ref engine.Ref, prefix netip.Prefix) (string, bool) {
	others := make([]engine.Ref, 0, len(e.instances))
	for other := range e.instances {
		if other != ref {
			others = append(others, other)
		}
	}
	sort.Slice(others, func(i, j int) bool { return others[i].String() < others[j].String() })
	for _, other := range others {
		in := e.instances[other]
		for _, name := range sortedKeys(in.networks) {
			if n := in.networks[name]; n.subnet.IsValid() && n.subnet.Overlaps(prefix) {
				return fmt.Sprintf("running lab %s (network %s, %s)", other, n.name, n.subnet), true
			}
		}
	}
	for _, n := range e.networks {
		if n.subnet.Overlaps(prefix) {
			return fmt.Sprintf("Docker network %s (%s)", n.name, n.subnet), true
		}
	}
	return "", false
}

// Build builds the images of the lab's build: sections (they become
// present): only the missing ones unless opts.All.
func (e *Engine) Build(ctx context.Context, l *lab.Lab, opts engine.BuildOptions) error {
	return e.build(ctx, l, opts.All, opts.Progress, nil)
}

func (e *Engine) build(ctx context.Context, l *lab.Lab, all bool, progress engine.Progress, inject func(engine.Step) error) error {
	if l.Project == nil {
		return fmt.Errorf("lab %s has no usable compose file", l.ID())
	}
	var services []lab.Service
	e.mu.Lock()
	for _, s := range l.Services() {
		if s.Build != "" && (all || e.imageLocked(s.Image) == nil) {
			services = append(services, s)
		}
	}
	e.mu.Unlock()
	if len(services) == 0 {
		return nil
	}
	names := make([]string, len(services))
	for i, s := range services {
		names[i] = s.Name
		progress.Emit(engine.StepBuild, s.Name, engine.StatusWorking, "building image")
	}
	target := strings.Join(names, ", ")
	for _, s := range services {
		if err := ctx.Err(); err != nil {
			return &engine.StepError{Step: engine.StepBuild, Target: target, Err: err}
		}
		if inject != nil {
			if err := inject(engine.StepBuild); err != nil {
				return &engine.StepError{Step: engine.StepBuild, Target: target, Err: err}
			}
		}
		e.mu.Lock()
		err := e.buildErrs[normalizeImage(s.Image)]
		delete(e.buildErrs, normalizeImage(s.Image))
		if err == nil {
			e.addImageLocked(s.Image)
		}
		e.mu.Unlock()
		if err != nil {
			return &engine.StepError{Step: engine.StepBuild, Target: target, Err: err}
		}
		progress.Emit(engine.StepBuild, "", engine.StatusInfo, fmt.Sprintf("Successfully tagged %s", normalizeImage(s.Image)))
	}
	for _, s := range services {
		progress.Emit(engine.StepBuild, s.Name, engine.StatusDone, "image built")
	}
	return nil
}

// start creates the networks and containers, copies files, runs actions and
// marks the instance ready.
func (s *starter) start(ctx context.Context, l *lab.Lab, flags []string) error {
	s.e.mu.Lock()
	if s.e.instances[s.ref] == nil {
		s.e.instances[s.ref] = &instance{ref: s.ref, project: s.e.Project(s.ref), networks: map[string]*network{}, containers: map[string]*container{}}
	}
	s.e.mu.Unlock()
	if err := s.createNetworks(ctx, l); err != nil {
		return err
	}
	if err := s.createContainers(ctx, l); err != nil {
		return err
	}
	if err := s.copyFiles(ctx, l, false); err != nil {
		return err
	}
	if err := s.runActions(ctx, l); err != nil {
		return err
	}
	if err := s.copyFiles(ctx, l, true); err != nil {
		return err
	}
	if err := s.inject(engine.StepDone); err != nil {
		return &engine.StepError{Step: engine.StepDone, Err: err}
	}
	s.e.mu.Lock()
	defer s.e.mu.Unlock()
	in := s.e.instances[s.ref]
	in.ready, in.flags = true, flags
	s.e.notifyLocked(s.ref)
	return nil
}

// rollback removes what a failed start created.
func (s *starter) rollback(l *lab.Lab) {
	s.progress.Emit(engine.StepRollback, "", engine.StatusWorking, "removing what the failed start created")
	s.e.remove(s.ref, l, s.progress)
	s.progress.Emit(engine.StepRollback, "", engine.StatusDone, "nothing of the failed start is left")
}

// stepFailed emits a step's error event and returns the error that names
// the step.
func (s *starter) stepFailed(step engine.Step, target string, err error) error {
	s.progress.Emit(step, target, engine.StatusError, err.Error())
	return &engine.StepError{Step: step, Target: target, Err: err}
}

func (s *starter) createNetworks(ctx context.Context, l *lab.Lab) error {
	for _, n := range l.Networks() {
		if n.External {
			continue
		}
		if err := ctx.Err(); err != nil {
			return &engine.StepError{Step: engine.StepNetwork, Target: n.Name, Err: err}
		}
		s.progress.Emit(engine.StepNetwork, n.Name, engine.StatusWorking, "Creating")
		if err := s.inject(engine.StepNetwork); err != nil {
			return s.stepFailed(engine.StepNetwork, n.Name, err)
		}
		if err := s.e.createNetwork(s.ref, l, n); err != nil {
			return s.stepFailed(engine.StepNetwork, n.Name, err)
		}
		s.progress.Emit(engine.StepNetwork, n.Name, engine.StatusDone, "Created")
	}
	return nil
}

// dynamicPool is where the real engine, and so the fake, picks subnets for
// lab networks that do not name one.
var dynamicPool = netip.MustParsePrefix("10.250.0.0/16")

// createNetwork creates a lab network: its fixed subnet (checked again: a
// start that ran meanwhile may hold it now) or a free /24 of dynamicPool,
// its gateway, and the static addresses the lab reserves on it.
func (e *Engine) createNetwork(ref engine.Ref, l *lab.Lab, n lab.Network) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	in := e.instances[ref]
	nw := &network{name: n.Name, dockerName: in.project + "_" + n.Name, id: newID(), used: map[netip.Addr]bool{}}
	if n.Subnet != "" {
		prefix, err := netip.ParsePrefix(n.Subnet)
		if err != nil {
			return fmt.Errorf("network %s: subnet %s: %w", n.Name, n.Subnet, err)
		}
		if holder, taken := e.subnetHolderLocked(ref, prefix); taken {
			return &engine.SubnetInUseError{Network: n.Name, Subnet: prefix.String(), Holder: holder}
		}
		nw.subnet = prefix.Masked()
	} else {
		prefix, err := e.freeSubnetLocked(l, n.Name)
		if err != nil {
			return err
		}
		nw.subnet = prefix
	}
	nw.gateway = nw.subnet.Addr().Next()
	if cfg := l.Project.Networks[n.Name].Ipam.Config; len(cfg) > 0 && cfg[0] != nil && cfg[0].Gateway != "" {
		if gw, err := netip.ParseAddr(cfg[0].Gateway); err == nil {
			nw.gateway = gw
		}
	}
	nw.used[nw.gateway] = true
	for _, svc := range l.Services() {
		for _, sn := range svc.Networks {
			if ip, err := netip.ParseAddr(sn.IP); err == nil && sn.Name == n.Name {
				nw.used[ip] = true
			}
		}
	}
	in.networks[n.Name] = nw
	e.notifyLocked(ref)
	return nil
}

// freeSubnetLocked picks the first /24 of dynamicPool that overlaps no
// network of any instance, no network of WithNetwork and no fixed subnet
// of the lab.
func (e *Engine) freeSubnetLocked(l *lab.Lab, name string) (netip.Prefix, error) {
	var taken []netip.Prefix
	for _, in := range e.instances {
		for _, n := range in.networks {
			taken = append(taken, n.subnet)
		}
	}
	for _, n := range e.networks {
		taken = append(taken, n.subnet)
	}
	for _, n := range l.Networks() {
		if p, err := netip.ParsePrefix(n.Subnet); err == nil {
			taken = append(taken, p)
		}
	}
	base := dynamicPool.Addr().As4()
	for i := range 256 {
		candidate := netip.PrefixFrom(netip.AddrFrom4([4]byte{base[0], base[1], byte(i), 0}), 24)
		free := true
		for _, t := range taken {
			free = free && (!t.IsValid() || !t.Overlaps(candidate))
		}
		if free {
			return candidate, nil
		}
	}
	return netip.Prefix{}, fmt.Errorf("no free /24 left in %s for network %s", dynamicPool, name)
}

// next returns the network's next free host address.
func (n *network) next() (netip.Addr, error) {
	for a := n.subnet.Addr().Next(); n.subnet.Contains(a); a = a.Next() {
		if !n.used[a] && n.subnet.Contains(a.Next()) { // the last address is the broadcast
			n.used[a] = true
			return a, nil
		}
	}
	return netip.Addr{}, fmt.Errorf("no free address left in %s", n.subnet)
}

func (s *starter) createContainers(ctx context.Context, l *lab.Lab) error {
	for _, svc := range l.Services() {
		if err := ctx.Err(); err != nil {
			return &engine.StepError{Step: engine.StepContainer, Target: svc.Name, Err: err}
		}
		s.progress.Emit(engine.StepContainer, svc.Name, engine.StatusWorking, "Creating")
		if err := s.inject(engine.StepContainer); err != nil {
			return s.stepFailed(engine.StepContainer, svc.Name, err)
		}
		if err := s.e.createContainer(s.ref, l, svc, s.expose); err != nil {
			return s.stepFailed(engine.StepContainer, svc.Name, err)
		}
		s.progress.Emit(engine.StepContainer, svc.Name, engine.StatusDone, "Created")
		s.progress.Emit(engine.StepContainer, svc.Name, engine.StatusWorking, "Starting")
		s.progress.Emit(engine.StepContainer, svc.Name, engine.StatusDone, "Started")
	}
	if err := ctx.Err(); err != nil {
		return &engine.StepError{Step: engine.StepContainer, Err: err}
	}
	return nil
}

// createContainer creates and starts a service's container: its
// addresses, published ports, environment and files.
func (e *Engine) createContainer(ref engine.Ref, l *lab.Lab, svc lab.Service, expose bool) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	in := e.instances[ref]
	def := l.Project.Services[svc.Name]
	c := newContainer(svc.Name, in.project+"-"+svc.Name+"-1", svc.Image, def.Hostname, environment(def.Environment))
	c.def = definition(def)
	for _, sn := range svc.Networks {
		addr := engine.NetworkAddr{Name: sn.Name}
		if nw := in.networks[sn.Name]; nw != nil {
			ip, err := staticOrNext(nw, sn.IP)
			if err != nil {
				return fmt.Errorf("network %s: %w", sn.Name, err)
			}
			addr.IP = ip.String()
		}
		c.networks = append(c.networks, addr)
	}
	ports, err := e.publishLocked(svc, expose)
	if err != nil {
		return err
	}
	c.ports = ports
	if hc := def.HealthCheck; hc != nil && !hc.Disable {
		c.health = "healthy"
	}
	in.containers[svc.Name] = c
	e.notifyLocked(ref)
	return nil
}

func staticOrNext(nw *network, static string) (netip.Addr, error) {
	if static == "" {
		return nw.next()
	}
	ip, err := netip.ParseAddr(static)
	if err != nil {
		return netip.Addr{}, fmt.Errorf("address %s: %w", static, err)
	}
	if !nw.subnet.Contains(ip) {
		return netip.Addr{}, fmt.Errorf("address %s is outside subnet %s", static, nw.subnet)
	}
	return ip, nil
}

// environment turns a compose environment into KEY=value, sorted, with
// the variables every container has.
func environment(env map[string]*string) []string {
	out := []string{"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "HOME=/root"}
	for _, k := range sortedKeys(env) {
		if v := env[k]; v != nil {
			out = append(out, k+"="+*v)
		}
	}
	return out
}

// The host ports Docker gives ports published without one.
const (
	firstEphemeralPort = 32768
	lastEphemeralPort  = 60999
)

// publishLocked gives a service's published ports their host ports: the
// one the compose file names (the first free of a range), else the next
// ephemeral port; on loopback unless the lab is exposed (engine.PublishedOn),
// and then on 0.0.0.0 and :: when no host IP is named, as Docker does.
func (e *Engine) publishLocked(svc lab.Service, expose bool) ([]engine.PublishedPort, error) {
	out := []engine.PublishedPort{}
	for _, p := range svc.Ports {
		proto := p.Protocol
		if proto == "" {
			proto = "tcp"
		}
		ips := []string{engine.PublishedOn(p.HostIP, expose)}
		if ips[0] == "" {
			ips = []string{"0.0.0.0", "::"}
		}
		port, err := e.hostPortLocked(p.Host, ips, proto, out)
		if err != nil {
			return nil, err
		}
		for _, ip := range ips {
			out = append(out, engine.PublishedPort{Container: uint16(p.Container), Host: port, HostIP: ip, Protocol: proto})
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Container != out[j].Container {
			return out[i].Container < out[j].Container
		}
		return out[i].HostIP < out[j].HostIP
	})
	return out, nil
}

// hostPortLocked picks the host port for a published port.
func (e *Engine) hostPortLocked(host string, ips []string, proto string, pending []engine.PublishedPort) (uint16, error) {
	taken := func(port uint16) bool {
		used := append([]engine.PublishedPort{}, pending...)
		for _, in := range e.instances {
			for _, c := range in.containers {
				used = append(used, c.ports...)
			}
		}
		for _, u := range used {
			for _, ip := range ips {
				if u.Host == port && u.Protocol == proto && sameHostIP(u.HostIP, ip) {
					return true
				}
			}
		}
		return false
	}
	if host == "" {
		for range lastEphemeralPort - firstEphemeralPort + 1 {
			port := e.nextPort
			if e.nextPort++; e.nextPort > lastEphemeralPort {
				e.nextPort = firstEphemeralPort
			}
			if !taken(port) {
				return port, nil
			}
		}
		return 0, fmt.Errorf("no free host port left for %s", proto)
	}
	lo, hi, err := portRange(host)
	if err != nil {
		return 0, err
	}
	for port := lo; port <= hi && port >= lo; port++ {
		if !taken(port) {
			return port, nil
		}
	}
	return 0, fmt.Errorf("bind for %s:%d failed: port is already allocated", ips[0], lo)
}

// sameHostIP reports whether two host IPs clash: equal, or one is a
// wildcard.
func sameHostIP(a, b string) bool {
	wild := func(s string) bool { return s == "0.0.0.0" || s == "::" || s == "" }
	return a == b || wild(a) || wild(b)
}

// portRange parses "8080" or "8000-8010".
func portRange(s string) (uint16, uint16, error) {
	loText, hiText, isRange := strings.Cut(s, "-")
	lo, err := strconv.ParseUint(loText, 10, 16)
	if err != nil {
		return 0, 0, fmt.Errorf("host port %q: %w", s, err)
	}
	hi := lo
	if isRange {
		if hi, err = strconv.ParseUint(hiText, 10, 16); err != nil || hi < lo {
			return 0, 0, fmt.Errorf("host port range %q is not valid", s)
		}
	}
	return uint16(lo), uint16(hi), nil
}
