package local

import (
	"context"
	"fmt"

	"github.com/docker/compose/v5/pkg/api"
	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/client"

	"github.com/dsp-lab/dsp/internal/engine"
)

// serviceContainer returns the id of the running container of a service of
// an instance, or an *engine.NotRunningError.
func (e *Engine) serviceContainer(ctx context.Context, ref engine.Ref, service string) (string, error) {
	res, err := e.docker.ContainerList(ctx, client.ContainerListOptions{All: true, Filters: projectFilter(e.Project(ref))})
	if err != nil {
		return "", fmt.Errorf("list containers of %s: %w", ref, err)
	}
	if len(res.Items) == 0 {
		return "", &engine.NotRunningError{Ref: ref, Service: service}
	}
	for _, c := range res.Items {
		if c.Labels[api.ServiceLabel] != service {
			continue
		}
		if c.State != container.StateRunning {
			return "", &engine.NotRunningError{Ref: ref, Service: service, State: string(c.State)}
		}
		return c.ID, nil
	}
	return "", &engine.NotRunningError{Ref: ref, Service: service, State: engine.ServiceMissing}
}
