package engine

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/docker/compose/v5/pkg/api"
	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/network"
	"github.com/moby/moby/api/types/volume"
	"github.com/moby/moby/client"

	"github.com/dsp-lab/dsp/internal/lab"
)

// DefaultStopTimeout is the grace period before SIGKILL when a lab stops:
// none. Stopping a lab removes its containers, so nothing a graceful stop
// would save survives anyway, and most lab images run a PID 1 that ignores
// SIGTERM and would cost Docker's usual 10 s each. A lab that wants a
// graceful stop sets x-dsp.stop_timeout; a service, stop_grace_period.
const DefaultStopTimeout = 0

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

// remove stops the instance's containers in parallel with a short grace
// period, then removes containers, networks and volumes, all in parallel,
// finding them by the instance's labels. It is also the rollback of a
// failed start, so it works without the lab's definition.
func (e *Engine) remove(ctx context.Context, ref Ref, l *lab.Lab, progress Progress) error {
	filter := projectFilter(e.Project(ref))
	res, err := e.docker.ContainerList(ctx, client.ContainerListOptions{All: true, Filters: filter})
	if err != nil {
		return fmt.Errorf("list containers of %s: %w", ref, err)
	}
	err = parallel(res.Items, func(c container.Summary) error {
		service := c.Labels[api.ServiceLabel]
		grace := serviceStopTimeout(l, service)
		if grace > 0 && (c.State == container.StateRunning || c.State == container.StateRestarting || c.State == container.StatePaused) {
			progress.emit(StepContainer, service, StatusWorking, "stopping")
			timeout := int(grace.Seconds())
			if _, err := e.docker.ContainerStop(ctx, c.ID, client.ContainerStopOptions{Timeout: &timeout}); err != nil && !isNotFound(err) {
				progress.emit(StepContainer, service, StatusWarning, "stop: "+err.Error())
			}
		}
		if _, err := e.docker.ContainerRemove(ctx, c.ID, client.ContainerRemoveOptions{Force: true, RemoveVolumes: true}); err != nil && !isNotFound(err) {
			progress.emit(StepContainer, service, StatusError, err.Error())
			return fmt.Errorf("remove container of service %s: %w", service, err)
		}
		progress.emit(StepContainer, service, StatusDone, "removed")
		return nil
	})
	if err != nil {
		return err
	}
	nets, err := e.docker.NetworkList(ctx, client.NetworkListOptions{Filters: filter})
	if err != nil {
		return fmt.Errorf("list networks of %s: %w", ref, err)
	}
	err = parallel(nets.Items, func(n network.Summary) error {
		name := n.Labels[api.NetworkLabel]
		if _, err := e.docker.NetworkRemove(ctx, n.ID, client.NetworkRemoveOptions{}); err != nil && !isNotFound(err) {
			progress.emit(StepNetwork, name, StatusError, err.Error())
			return fmt.Errorf("remove network %s: %w", n.Name, err)
		}
		progress.emit(StepNetwork, name, StatusDone, "removed")
		return nil
	})
	if err != nil {
		return err
	}
	vols, err := e.docker.VolumeList(ctx, client.VolumeListOptions{Filters: filter})
	if err != nil {
		return fmt.Errorf("list volumes of %s: %w", ref, err)
	}
	return parallel(vols.Items, func(v volume.Volume) error {
		if _, err := e.docker.VolumeRemove(ctx, v.Name, client.VolumeRemoveOptions{Force: true}); err != nil && !isNotFound(err) {
			return fmt.Errorf("remove volume %s: %w", v.Name, err)
		}
		return nil
	})
}

// parallel runs fn on every item at once and returns the first error.
func parallel[T any](items []T, fn func(T) error) error {
	errs := make(chan error, len(items))
	var wg sync.WaitGroup
	for _, item := range items {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs <- fn(item)
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			return err
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
