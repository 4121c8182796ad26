package local

import (
	"context"
	"fmt"
	"sync"
	"time"

	cerrdefs "github.com/containerd/errdefs"
	"github.com/docker/compose/v5/pkg/api"
	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/network"
	"github.com/moby/moby/api/types/volume"
	"github.com/moby/moby/client"

	"github.com/dsp-lab/dsp/internal/engine"
	"github.com/dsp-lab/dsp/internal/lab"
)

// Down stops the instance and removes every container, network and volume
// it created. l may be nil (a lab whose folder is gone can still be
// stopped); it gives the stop timeouts.
func (e *Engine) Down(ctx context.Context, ref engine.Ref, l *lab.Lab, opts engine.DownOptions) error {
	unlock, err := e.lock(ref, opDown)
	if err != nil {
		return err
	}
	defer unlock()
	started := time.Now()
	if err := e.remove(ctx, ref, l, opts.Progress); err != nil {
		return err
	}
	opts.Progress.Emit(engine.StepDone, "", engine.StatusDone, fmt.Sprintf("lab %s stopped in %s", ref, time.Since(started).Round(10*time.Millisecond)))
	return nil
}

// remove stops the instance's containers in parallel with a short grace
// period, then removes containers, networks and volumes, all in parallel,
// finding them by the instance's labels. It is also the rollback of a
// failed start, so it works without the lab's definition.
func (e *Engine) remove(ctx context.Context, ref engine.Ref, l *lab.Lab, progress engine.Progress) error {
	filter := projectFilter(e.Project(ref))
	res, err := e.docker.ContainerList(ctx, client.ContainerListOptions{All: true, Filters: filter})
	if err != nil {
		return fmt.Errorf("list containers of %s: %w", ref, err)
	}
	err = parallel(res.Items, func(c container.Summary) error {
		service := c.Labels[api.ServiceLabel]
		grace := engine.StopTimeout(l, service)
		if grace > 0 && (c.State == container.StateRunning || c.State == container.StateRestarting || c.State == container.StatePaused) {
			progress.Emit(engine.StepContainer, service, engine.StatusWorking, "stopping")
			timeout := int(grace.Seconds())
			if _, err := e.docker.ContainerStop(ctx, c.ID, client.ContainerStopOptions{Timeout: &timeout}); err != nil && !cerrdefs.IsNotFound(err) {
				progress.Emit(engine.StepContainer, service, engine.StatusWarning, "stop: "+err.Error())
			}
		}
		if _, err := e.docker.ContainerRemove(ctx, c.ID, client.ContainerRemoveOptions{Force: true, RemoveVolumes: true}); err != nil && !cerrdefs.IsNotFound(err) {
			progress.Emit(engine.StepContainer, service, engine.StatusError, err.Error())
			return fmt.Errorf("remove container of service %s: %w", service, err)
		}
		progress.Emit(engine.StepContainer, service, engine.StatusDone, "removed")
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
		if _, err := e.docker.NetworkRemove(ctx, n.ID, client.NetworkRemoveOptions{}); err != nil && !cerrdefs.IsNotFound(err) {
			progress.Emit(engine.StepNetwork, name, engine.StatusError, err.Error())
			return fmt.Errorf("remove network %s: %w", n.Name, err)
		}
		progress.Emit(engine.StepNetwork, name, engine.StatusDone, "removed")
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
		if _, err := e.docker.VolumeRemove(ctx, v.Name, client.VolumeRemoveOptions{Force: true}); err != nil && !cerrdefs.IsNotFound(err) {
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
