package engine

import (
	"context"
	"fmt"

	"github.com/docker/compose/v5/pkg/api"
	"github.com/moby/moby/client"
)

// Exec runs argv in the running container of a service and returns its exit
// code and output (the last 64 KiB); onLine, when set, gets each line as it
// comes. argv runs as is: a shell runs only when argv asks for one.
func (e *Engine) Exec(ctx context.Context, ref Ref, service string, argv []string, onLine func(string)) (int, string, error) {
	if len(argv) == 0 {
		return 0, "", fmt.Errorf("exec in %s: empty command", service)
	}
	id, err := e.ServiceContainer(ctx, ref, service)
	if err != nil {
		return 0, "", err
	}
	if onLine == nil {
		onLine = func(string) {}
	}
	return e.exec(ctx, id, argv, false, onLine)
}

// WriteServiceFile writes data to path in the running container of a
// service.
func (e *Engine) WriteServiceFile(ctx context.Context, ref Ref, service, path string, data []byte, mode int64) error {
	id, err := e.ServiceContainer(ctx, ref, service)
	if err != nil {
		return err
	}
	if err := e.writeFile(ctx, id, path, data, mode); err != nil {
		return fmt.Errorf("service %s: write %s: %w", service, path, err)
	}
	return nil
}

// ServicePID returns the host PID of the main process of a service's
// running container: its namespaces are those of the service.
func (e *Engine) ServicePID(ctx context.Context, ref Ref, service string) (int, error) {
	id, err := e.ServiceContainer(ctx, ref, service)
	if err != nil {
		return 0, err
	}
	res, err := e.docker.ContainerInspect(ctx, id, client.ContainerInspectOptions{})
	if err != nil {
		return 0, fmt.Errorf("inspect service %s: %w", service, err)
	}
	if res.Container.State == nil || res.Container.State.Pid == 0 {
		return 0, &NotRunningError{Ref: ref, Service: service, State: "exited"}
	}
	return res.Container.State.Pid, nil
}

// Health returns the healthcheck status of each service's container
// ("starting", "healthy", "unhealthy"), or "" for a service without a
// healthcheck.
func (e *Engine) Health(ctx context.Context, ref Ref) (map[string]string, error) {
	res, err := e.docker.ContainerList(ctx, client.ContainerListOptions{All: true, Filters: projectFilter(e.Project(ref))})
	if err != nil {
		return nil, fmt.Errorf("list containers of %s: %w", ref, err)
	}
	out := map[string]string{}
	for _, c := range res.Items {
		out[c.Labels[api.ServiceLabel]] = healthOf(c)
	}
	return out, nil
}
