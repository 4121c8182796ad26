package local

import (
	"context"
	"fmt"
	"sort"
	"time"

	"github.com/compose-spec/compose-go/v2/types"
	"github.com/docker/compose/v5/pkg/api"
	"github.com/docker/compose/v5/pkg/compose"
	"github.com/moby/moby/client"

	"github.com/dsp-lab/dsp/internal/engine"
	"github.com/dsp-lab/dsp/internal/lab"
)

// LabelFlag holds, on a started instance's ready marker, the flag planted
// at its start, so that an edit applied later plants the same one. (It is
// in the containers' configuration anyway wherever the lab plants it.)
const LabelFlag = "io.dsp.flag"

// Plan says what Apply would change: it compares the configuration hash
// Compose recorded on each running container with the hash of the
// service as the edited lab defines it (Compose's own function, so the
// prediction is Compose's convergence rule).
func (e *Engine) Plan(ctx context.Context, ref engine.Ref, l *lab.Lab, opts engine.UpOptions) (*engine.Plan, error) {
	project, _, err := e.applyProject(ctx, ref, l, opts)
	if err != nil {
		return nil, err
	}
	return e.plan(ctx, project)
}

// Apply changes a running instance in place: Compose recreates the services
// whose configuration changed, creates new ones and removes those that are
// gone; dsp then copies the files and runs the actions of the services
// that started anew.
func (e *Engine) Apply(ctx context.Context, ref engine.Ref, l *lab.Lab, opts engine.UpOptions) (*engine.Plan, error) {
	unlock, err := e.lock(ref, opUp)
	if err != nil {
		return nil, err
	}
	defer unlock()
	progress := opts.Progress
	if err := engine.CheckLab(l, opts); err != nil {
		return nil, err
	}
	if err := e.checkImages(ctx, l); err != nil {
		return nil, err
	}
	if err := e.Build(ctx, l, engine.BuildOptions{Progress: progress}); err != nil {
		return nil, err
	}
	project, planted, err := e.applyProject(ctx, ref, l, opts)
	if err != nil {
		return nil, err
	}
	plan, err := e.plan(ctx, project)
	if err != nil {
		return nil, err
	}
	for _, s := range plan.Recreate {
		progress.Emit(engine.StepContainer, s, engine.StatusInfo, "its definition changed: recreating it")
	}
	started := time.Now()
	if err := e.composeUp(ctx, l, project, progress); err != nil {
		return nil, &engine.StepError{Step: engine.StepContainer, Err: err}
	}
	containers, err := e.serviceContainers(ctx, project.Name)
	if err != nil {
		return nil, &engine.StepError{Step: engine.StepContainer, Err: err}
	}
	fresh := planted.OnlyServices(plan.Changed())
	if err := e.copyFiles(ctx, fresh, containers, false, progress); err != nil {
		return nil, err
	}
	if err := e.runActions(ctx, fresh, containers, progress); err != nil {
		return nil, err
	}
	if err := e.copyFiles(ctx, fresh, containers, true, progress); err != nil {
		return nil, err
	}
	progress.Emit(engine.StepDone, "", engine.StatusDone, fmt.Sprintf("applied to %s in %s: %d recreated, %d created, %d removed", ref, time.Since(started).Round(10*time.Millisecond), len(plan.Recreate), len(plan.Create), len(plan.Remove)))
	return plan, nil
}

// applyProject prepares the edited lab's project for a running instance as
// its start prepared it: the same flag, and the subnets its networks were
// given.
func (e *Engine) applyProject(ctx context.Context, ref engine.Ref, l *lab.Lab, opts engine.UpOptions) (*types.Project, *lab.Lab, error) {
	st, err := e.status(ctx, ref, nil, false)
	if err != nil {
		return nil, nil, err
	}
	if st.State != engine.StateRunning {
		return nil, nil, &engine.NotRunningError{Ref: ref}
	}
	v, err := e.docker.VolumeInspect(ctx, readyVolume(e.Project(ref)), client.VolumeInspectOptions{})
	if err != nil {
		return nil, nil, fmt.Errorf("read the ready marker of %s: %w", ref, err)
	}
	planted, _, _, err := engine.PlantFlag(l, v.Volume.Labels[LabelFlag])
	if err != nil {
		return nil, nil, err
	}
	project, err := e.instanceProject(planted, ref, opts, nil)
	if err != nil {
		return nil, nil, err
	}
	if err := e.keepSubnets(ctx, project); err != nil {
		return nil, nil, err
	}
	if err := e.assignSubnets(ctx, project); err != nil {
		return nil, nil, &engine.StepError{Step: engine.StepNetwork, Err: err}
	}
	return project, planted, nil
}

// keepSubnets gives the project's networks that name no subnet the one
// their running network has, so that applying an edit does not move them.
func (e *Engine) keepSubnets(ctx context.Context, p *types.Project) error {
	_, want := labSubnets(p)
	for _, name := range want {
		n := p.Networks[name]
		res, err := e.docker.NetworkInspect(ctx, n.Name, client.NetworkInspectOptions{})
		if err != nil {
			continue // a new network: it gets a subnet like at a start
		}
		for _, c := range res.Network.IPAM.Config {
			if c.Subnet.IsValid() {
				n.Ipam.Config = append(n.Ipam.Config, &types.IPAMPool{Subnet: c.Subnet.String()})
				p.Networks[name] = n
				break
			}
		}
	}
	return nil
}

// plan compares the running containers with the project's services.
func (e *Engine) plan(ctx context.Context, project *types.Project) (*engine.Plan, error) {
	res, err := e.docker.ContainerList(ctx, client.ContainerListOptions{All: true, Filters: projectFilter(project.Name)})
	if err != nil {
		return nil, fmt.Errorf("list containers: %w", err)
	}
	running := map[string]string{}
	for _, c := range res.Items {
		if isService(c.Labels) {
			running[c.Labels[api.ServiceLabel]] = c.Labels[api.ConfigHashLabel]
		}
	}
	plan := &engine.Plan{Recreate: []string{}, Create: []string{}, Remove: []string{}, Unchanged: []string{}}
	for _, name := range sortedKeys(project.Services) {
		hash, err := compose.ServiceHash(project.Services[name])
		if err != nil {
			return nil, fmt.Errorf("service %s: %w", name, err)
		}
		was, ok := running[name]
		switch {
		case !ok:
			plan.Create = append(plan.Create, name)
		case was != hash:
			plan.Recreate = append(plan.Recreate, name)
		default:
			plan.Unchanged = append(plan.Unchanged, name)
		}
	}
	for name := range running {
		if _, ok := project.Services[name]; !ok {
			plan.Remove = append(plan.Remove, name)
		}
	}
	sort.Strings(plan.Remove)
	return plan, nil
}
