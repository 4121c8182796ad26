package labtest

import (
	"context"
	"net/netip"
	"slices"
	"sync"

	"github.com/dsp-lab/dsp/internal/engine"
	"github.com/dsp-lab/dsp/internal/lab"
)

// Target is a lab to test, as the catalogue loaded it.
type Target struct {
	Lab      *lab.Lab
	Problems lab.Problems
	LoadErr  error
	Trusted  bool
}

// SuiteOptions tune a run over many labs.
type SuiteOptions struct {
	// Parallel is how many labs run at once (at least 1).
	Parallel int
	// Progress receives every lab's events, with the lab's REPO/LAB.
	Progress func(id string, ev engine.Event)
	// Started and Done are told when a lab's test begins and ends.
	Started func(id string)
	Done    func(r *Report)
}

// RunSuite tests every target, up to Parallel at once, and returns the
// reports in the targets' order. Two labs that want overlapping subnets or
// the same host port never run at the same time.
func RunSuite(ctx context.Context, eng engine.Engine, targets []Target, opts SuiteOptions) []*Report {
	workers := max(opts.Parallel, 1)
	reports := make([]*Report, len(targets))
	sched := newScheduler(targets)
	var wg sync.WaitGroup
	for range min(workers, len(targets)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i, ok := sched.next()
				if !ok {
					return
				}
				reports[i] = runTarget(ctx, eng, targets[i], opts)
				sched.done(i)
			}
		}()
	}
	wg.Wait()
	return reports
}

// runTarget tests one lab of a suite.
func runTarget(ctx context.Context, eng engine.Engine, t Target, opts SuiteOptions) *Report {
	ref, err := TestRef(t.Lab)
	if err != nil {
		r := newRun(eng, ref, t.Lab, ModeTest, nil)
		r.record(Step{Kind: StepUp, Name: StepUp, Status: Failed, Message: err.Error()})
		return r.finish()
	}
	if ctx.Err() != nil {
		// Interrupted: the labs not started yet are not started.
		r := newRun(eng, ref, t.Lab, ModeTest, nil)
		r.cancelled(StepUp, StepUp)
		return r.finish()
	}
	id := t.Lab.ID()
	if opts.Started != nil {
		opts.Started(id)
	}
	var progress engine.Progress
	if opts.Progress != nil {
		progress = func(ev engine.Event) { opts.Progress(id, ev) }
	}
	rep := Test(ctx, eng, ref, t.Lab, t.LoadErr, Options{Trusted: t.Trusted, Progress: progress, Problems: t.Problems})
	if opts.Done != nil {
		opts.Done(rep)
	}
	return rep
}

// scheduler hands out labs whose fixed resources (subnets, host ports) are
// free.
type scheduler struct {
	mu      sync.Mutex
	cond    *sync.Cond
	pending []int
	needs   [][]resource
	running map[int]bool
}

// resource is a subnet or a host port a lab holds while it runs.
type resource struct {
	prefix netip.Prefix
	port   string // "PORT/PROTO" when the resource is a host port
}

func (a resource) clashes(b resource) bool {
	if a.port != "" || b.port != "" {
		return a.port == b.port
	}
	return a.prefix.Overlaps(b.prefix)
}

func newScheduler(targets []Target) *scheduler {
	s := &scheduler{running: map[int]bool{}}
	s.cond = sync.NewCond(&s.mu)
	for i, t := range targets {
		s.pending = append(s.pending, i)
		s.needs = append(s.needs, resources(t.Lab))
	}
	return s
}

func resources(l *lab.Lab) []resource {
	var out []resource
	for _, n := range l.Networks() {
		if p, err := netip.ParsePrefix(n.Subnet); err == nil && !n.External {
			out = append(out, resource{prefix: p})
		}
	}
	for _, s := range l.Services() {
		for _, p := range s.Ports {
			if p.Host != "" && p.Host != "0" {
				// Conservative: two addresses of one port count as a clash.
				out = append(out, resource{port: p.Host + "/" + p.Protocol})
			}
		}
	}
	return out
}

// next returns the next lab that can run now, waiting while every pending
// lab clashes with a running one; false when none is left.
func (s *scheduler) next() (int, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for {
		if len(s.pending) == 0 {
			return 0, false
		}
		for pi, i := range s.pending {
			if !s.clashes(i) {
				s.pending = slices.Delete(s.pending, pi, pi+1)
				s.running[i] = true
				return i, true
			}
		}
		s.cond.Wait()
	}
}

func (s *scheduler) clashes(i int) bool {
	for j := range s.running {
		for _, a := range s.needs[i] {
			for _, b := range s.needs[j] {
				if a.clashes(b) {
					return true
				}
			}
		}
	}
	return false
}

func (s *scheduler) done(i int) {
	s.mu.Lock()
	delete(s.running, i)
	s.mu.Unlock()
	s.cond.Broadcast()
}
