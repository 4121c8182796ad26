package engine

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/docker/compose/v5/pkg/api"
	"github.com/moby/moby/client"

	"github.com/dsp-lab/dsp/internal/lab"
)

// DefaultStopTimeout is the grace period before SIGKILL when a lab stops.
// Lab processes are throwaway and most lab images run a PID 1 that ignores
// SIGTERM, so waiting Docker's usual 10 s per container buys nothing. A lab
// sets its own with x-dsp.stop_timeout, a service with stop_grace_period.
const DefaultStopTimeout = time.Second

// DownOptions tune a stop.
type DownOptions struct {
	Instance string
	Progress Progress
}

// Down stops the instance and removes every container, network and volume
// it created. l may be nil (a lab whose folder is gone can still be
// stopped); it gives the stop timeouts.
func (e *Engine) Down(ctx context.Context, ref Ref, l *lab.Lab, opts DownOptions) error {
	if ref.Instance == "" {
		ref.Instance = DefaultInstance
	}
	unlock, err := e.lock(ref, "down")
	if err != nil {
		return err
	}
	defer unlock()
	started := time.Now()
	if err := e.remove(ctx, ref, l, opts.Progress); err != nil {
		return err
	}
	opts.Progress.emit(StepDone, "", StatusDone, fmt.Sprintf("lab %s stopped in %s", ref, time.Since(started).Round(10*time.Millisecond)))
	return nil
}

// remove stops containers in parallel with a short grace period, then lets
// Compose remove containers, networks and volumes, then removes the ready
// marker. It is also the rollback of a failed start.
func (e *Engine) remove(ctx context.Context, ref Ref, l *lab.Lab, progress Progress) error {
	project := ref.Project()
	res, err := e.docker.ContainerList(ctx, client.ContainerListOptions{All: true, Filters: projectFilter(project)})
	if err != nil {
		return fmt.Errorf("list containers of %s: %w", ref, err)
	}
	var wg sync.WaitGroup
	for _, c := range res.Items {
		if c.State != "running" && c.State != "restarting" && c.State != "paused" {
			continue
		}
		service := c.Labels[api.ServiceLabel]
		timeout := int(serviceStopTimeout(l, service).Seconds())
		wg.Add(1)
		go func() {
			defer wg.Done()
			progress.emit(StepContainer, service, StatusWorking, "stopping")
			if _, err := e.docker.ContainerStop(ctx, c.ID, client.ContainerStopOptions{Timeout: &timeout}); err != nil && !isNotFound(err) {
				progress.emit(StepContainer, service, StatusWarning, "stop: "+err.Error())
			}
		}()
	}
	wg.Wait()

	svc, err := e.compose(&composeEvents{progress: progress, project: project})
	if err != nil {
		return err
	}
	zero := time.Duration(0)
	if err := svc.Down(ctx, project, api.DownOptions{RemoveOrphans: true, Volumes: true, Timeout: &zero}); err != nil {
		return fmt.Errorf("remove lab %s: %w", ref, err)
	}
	if _, err := e.docker.VolumeRemove(ctx, readyVolume(project), client.VolumeRemoveOptions{Force: true}); err != nil && !isNotFound(err) {
		return fmt.Errorf("remove lab marker of %s: %w", ref, err)
	}
	return e.removeLeftovers(ctx, ref)
}

// removeLeftovers removes any container or network still carrying the
// instance's labels (for example created by an interrupted Compose call).
func (e *Engine) removeLeftovers(ctx context.Context, ref Ref) error {
	project := ref.Project()
	res, err := e.docker.ContainerList(ctx, client.ContainerListOptions{All: true, Filters: projectFilter(project)})
	if err != nil {
		return fmt.Errorf("list containers of %s: %w", ref, err)
	}
	for _, c := range res.Items {
		if _, err := e.docker.ContainerRemove(ctx, c.ID, client.ContainerRemoveOptions{Force: true, RemoveVolumes: true}); err != nil && !isNotFound(err) {
			return fmt.Errorf("remove container %s: %w", c.ID[:12], err)
		}
	}
	nets, err := e.docker.NetworkList(ctx, client.NetworkListOptions{Filters: projectFilter(project)})
	if err != nil {
		return fmt.Errorf("list networks of %s: %w", ref, err)
	}
	for _, n := range nets.Items {
		if _, err := e.docker.NetworkRemove(ctx, n.ID, client.NetworkRemoveOptions{}); err != nil && !isNotFound(err) {
			return fmt.Errorf("remove network %s: %w", n.Name, err)
		}
	}
	return nil
}

// stopTimeout is the lab's grace period.
func stopTimeout(l *lab.Lab) time.Duration {
	if l != nil && l.StopTimeout != nil {
		return *l.StopTimeout
	}
	return DefaultStopTimeout
}

// serviceStopTimeout prefers the service's stop_grace_period.
func serviceStopTimeout(l *lab.Lab, service string) time.Duration {
	if l != nil {
		if s, ok := l.Service(service); ok && s.StopTimeout != nil {
			return *s.StopTimeout
		}
	}
	return stopTimeout(l)
}
