package engine

import (
	"context"
	"fmt"

	"github.com/docker/compose/v5/pkg/api"
	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/client"
)

// NotRunningError means a lab instance, or one of its services, has no
// running container (terminals and file copies need one).
type NotRunningError struct {
	Ref     Ref
	Service string
	State   string // the service container's state; "" when the lab has no container at all
}

func (e *NotRunningError) Error() string {
	switch e.State {
	case "":
		return fmt.Sprintf("lab %s is not running: start it first (dsp lab up %q)", e.Ref, e.Ref.Repo+"/"+e.Ref.Lab)
	case "missing":
		return fmt.Sprintf("service %s of lab %s has no container", e.Service, e.Ref)
	default:
		return fmt.Sprintf("service %s of lab %s is not running (its container is %s)", e.Service, e.Ref, e.State)
	}
}

// ServiceContainer returns the id of the running container of a service of
// a lab instance, or a *NotRunningError.
func (e *Engine) ServiceContainer(ctx context.Context, ref Ref, service string) (string, error) {
	res, err := e.docker.ContainerList(ctx, client.ContainerListOptions{All: true, Filters: projectFilter(e.Project(ref))})
	if err != nil {
		return "", fmt.Errorf("list containers of %s: %w", ref, err)
	}
	if len(res.Items) == 0 {
		return "", &NotRunningError{Ref: ref, Service: service}
	}
	for _, c := range res.Items {
		if c.Labels[api.ServiceLabel] != service {
			continue
		}
		if c.State != container.StateRunning {
			return "", &NotRunningError{Ref: ref, Service: service, State: string(c.State)}
		}
		return c.ID, nil
	}
	return "", &NotRunningError{Ref: ref, Service: service, State: "missing"}
}
