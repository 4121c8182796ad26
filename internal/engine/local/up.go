package local

import (
	"context"
	"fmt"
	"maps"
	"net/netip"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/compose-spec/compose-go/v2/types"
	cerrdefs "github.com/containerd/errdefs"
	"github.com/docker/compose/v5/pkg/api"
	"github.com/moby/moby/api/types/network"
	"github.com/moby/moby/client"

	"github.com/dsp-lab/dsp/internal/engine"
	"github.com/dsp-lab/dsp/internal/lab"
)

// Up starts a lab: it checks everything first, builds what must be built,
// creates and starts the containers, copies files and runs the wrapper
// actions. When any step fails, or ctx is cancelled, everything the start
// created is removed and the error names the step.
func (e *Engine) Up(ctx context.Context, ref engine.Ref, l *lab.Lab, opts engine.UpOptions) error {
	unlock, err := e.lock(ref, opUp)
	if err != nil {
		return err
	}
	defer unlock()
	progress := opts.Progress

	st, err := e.status(ctx, ref, l, false)
	if err != nil {
		return err
	}
	switch st.State {
	case engine.StateRunning:
		progress.Emit(engine.StepDone, "", engine.StatusInfo, "already running")
		return nil
	case engine.StateStopped:
	default:
		progress.Emit(engine.StepCheck, "", engine.StatusInfo, fmt.Sprintf("the lab is %s: removing what is left before starting", st.State))
		if err := e.remove(ctx, ref, l, progress); err != nil {
			return err
		}
	}

	if err := e.preflight(ctx, l, ref, opts); err != nil {
		progress.Emit(engine.StepCheck, "", engine.StatusError, err.Error())
		return err
	}
	if err := e.Build(ctx, l, engine.BuildOptions{Progress: progress}); err != nil {
		progress.Emit(engine.StepBuild, "", engine.StatusError, err.Error())
		return err
	}

	planted, flag, flags, err := engine.PlantFlag(l, opts.Flag)
	if err != nil {
		return err
	}
	progress = engine.HideFlag(progress, flag)
	started := time.Now()
	if err := e.start(ctx, planted, ref, flag, flags, opts, progress); err != nil {
		e.rollback(ctx, ref, l, progress)
		return err
	}
	progress.Emit(engine.StepDone, "", engine.StatusDone, fmt.Sprintf("lab %s started in %s", ref, time.Since(started).Round(10*time.Millisecond)))
	return nil
}

// start creates the containers, copies files, runs actions and marks the
// instance ready.
func (e *Engine) start(ctx context.Context, l *lab.Lab, ref engine.Ref, flag string, flags []string, opts engine.UpOptions, progress engine.Progress) error {
	if err := e.createAndStart(ctx, l, ref, opts, progress); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return &engine.StepError{Step: engine.StepContainer, Err: err}
	}
	containers, err := e.serviceContainers(ctx, e.Project(ref))
	if err != nil {
		return &engine.StepError{Step: engine.StepContainer, Err: err}
	}
	if err := e.waitVMs(ctx, l, ref, containers, progress); err != nil {
		return err
	}
	if err := e.copyFiles(ctx, l, containers, false, progress); err != nil {
		return err
	}
	if err := e.runActions(ctx, l, containers, progress); err != nil {
		return err
	}
	if err := e.copyFiles(ctx, l, containers, true, progress); err != nil {
		return err
	}
	if err := e.markReady(ctx, ref, l, flag, flags); err != nil {
		return &engine.StepError{Step: engine.StepDone, Err: err}
	}
	return nil
}

// createAndStart creates the networks and containers and starts them. When
// a dynamically chosen subnet was taken meanwhile by another start, it
// removes what it made and tries again with other subnets.
func (e *Engine) createAndStart(ctx context.Context, l *lab.Lab, ref engine.Ref, opts engine.UpOptions, progress engine.Progress) error {
	for attempt := 1; ; attempt++ {
		project, err := e.instanceProject(l, ref, opts, progress)
		if err != nil {
			return &engine.StepError{Step: engine.StepContainer, Err: err}
		}
		if err := e.assignSubnets(ctx, project); err != nil {
			return &engine.StepError{Step: engine.StepNetwork, Err: err}
		}
		err = e.composeUp(ctx, l, project, progress)
		if isPoolOverlap(err) && attempt < 5 {
			progress.Emit(engine.StepNetwork, "", engine.StatusInfo, "a subnet was taken by another start meanwhile: trying others")
			if rerr := e.remove(ctx, ref, l, nil); rerr != nil {
				return &engine.StepError{Step: engine.StepNetwork, Err: rerr}
			}
			continue
		}
		if err != nil {
			return &engine.StepError{Step: engine.StepContainer, Err: err}
		}
		return nil
	}
}

// composeUp has Compose converge the instance's containers and networks on
// project: what diverged is recreated, what is gone removed.
func (e *Engine) composeUp(ctx context.Context, l *lab.Lab, project *types.Project, progress engine.Progress) error {
	timeout := engine.StopTimeout(l, "")
	svc, err := e.compose(&composeEvents{progress: progress, project: project.Name})
	if err != nil {
		return err
	}
	return svc.Up(ctx, project, api.UpOptions{
		Create: api.CreateOptions{RemoveOrphans: true, Recreate: api.RecreateDiverged, RecreateDependencies: api.RecreateDiverged, Timeout: &timeout, QuietPull: true},
		Start:  api.StartOptions{Project: project},
	})
}

// rollback removes what a failed start created, even when ctx is cancelled.
func (e *Engine) rollback(ctx context.Context, ref engine.Ref, l *lab.Lab, progress engine.Progress) {
	progress.Emit(engine.StepRollback, "", engine.StatusWorking, "removing what the failed start created")
	cleanup, cancel := context.WithTimeout(context.WithoutCancel(ctx), 2*time.Minute)
	defer cancel()
	if err := e.remove(cleanup, ref, l, progress); err != nil {
		progress.Emit(engine.StepRollback, "", engine.StatusError, err.Error())
		return
	}
	progress.Emit(engine.StepRollback, "", engine.StatusDone, "nothing of the failed start is left")
}

// instanceProject is the project an instance runs: the lab's, named and
// labelled for the instance, made safe (defaults), its VM services turned
// into their helper containers.
func (e *Engine) instanceProject(l *lab.Lab, ref engine.Ref, opts engine.UpOptions, progress engine.Progress) (*types.Project, error) {
	project := e.runProject(l, ref)
	applyDefaults(project, opts, boundedCapabilities(), progress)
	if err := applyVMs(project, l); err != nil {
		return nil, err
	}
	return project, nil
}

// runProject returns the lab's compose project named and labelled for the
// instance. The lab's own project is not modified.
func (e *Engine) runProject(l *lab.Lab, ref engine.Ref) *types.Project {
	p := *l.Project
	p.Name = e.Project(ref)
	labels := e.labels(ref, l.Dir)
	p.Services = types.Services{}
	bounded := boundedCapabilities()
	for name, s := range l.Project.Services {
		s.CapAdd = expandAll(s.CapAdd, bounded)
		s.Ports = slices.Clone(s.Ports)
		s.SecurityOpt = slices.Clone(s.SecurityOpt)
		s.Labels = mergeLabels(s.Labels, labels)
		// The labels Compose itself uses to find a project's containers.
		s.CustomLabels = mergeLabels(s.CustomLabels, labels)
		s.CustomLabels[api.ProjectLabel] = p.Name
		s.CustomLabels[api.ServiceLabel] = name
		s.CustomLabels[api.VersionLabel] = api.ComposeVersion
		s.CustomLabels[api.WorkingDirLabel] = p.WorkingDir
		s.CustomLabels[api.ConfigFilesLabel] = strings.Join(p.ComposeFiles, ",")
		s.CustomLabels[api.OneoffLabel] = "False"
		if s.Build == nil {
			s.PullPolicy = types.PullPolicyNever
		} else {
			s.PullPolicy = types.PullPolicyMissing
		}
		p.Services[name] = s
	}
	p.Networks = types.Networks{}
	for name, n := range l.Project.Networks {
		n.Labels = mergeLabels(n.Labels, labels)
		n.Name = renameForProject(n.Name, l.Project.Name, p.Name, bool(n.External))
		p.Networks[name] = n
	}
	p.Volumes = types.Volumes{}
	for name, v := range l.Project.Volumes {
		v.Labels = mergeLabels(v.Labels, labels)
		v.Name = renameForProject(v.Name, l.Project.Name, p.Name, bool(v.External))
		p.Volumes[name] = v
	}
	return &p
}

// renameForProject moves a network or volume name that the loader derived
// from the placeholder project name ("dsp-lab_lan") to the instance's
// project; names the lab chose itself, and external ones, are kept.
func renameForProject(name, from, to string, external bool) string {
	if rest, ok := strings.CutPrefix(name, from+"_"); ok && !external {
		return to + "_" + rest
	}
	return name
}

func mergeLabels[M ~map[string]string](base M, extra map[string]string) M {
	out := M{}
	maps.Copy(out, base)
	maps.Copy(out, extra)
	return out
}

// preflight checks everything that can be checked before creating anything.
func (e *Engine) preflight(ctx context.Context, l *lab.Lab, ref engine.Ref, opts engine.UpOptions) error {
	opts.Progress.Emit(engine.StepCheck, "", engine.StatusWorking, "checking permissions, files, images and subnets")
	if err := engine.CheckLab(l, opts); err != nil {
		return err
	}
	if err := e.checkImages(ctx, l); err != nil {
		return err
	}
	if err := e.checkSubnets(ctx, l, ref); err != nil {
		return err
	}
	opts.Progress.Emit(engine.StepCheck, "", engine.StatusDone, "ready to start")
	return nil
}

// checkImages lists, in one error, the images the lab needs that are not
// here and that no build: section provides.
func (e *Engine) checkImages(ctx context.Context, l *lab.Lab) error {
	missing := map[string][]string{}
	present := map[string]bool{}
	for _, s := range l.Services() {
		if s.Build != "" || present[s.Image] {
			continue
		}
		if _, seen := missing[s.Image]; !seen {
			ok, err := e.hasImage(ctx, s.Image)
			if err != nil {
				return err
			}
			if ok {
				present[s.Image] = true
				continue
			}
		}
		missing[s.Image] = append(missing[s.Image], s.Name)
	}
	if len(missing) > 0 {
		return &engine.MissingImagesError{Images: missing}
	}
	return nil
}

// hasImage reports whether an image is on the engine.
func (e *Engine) hasImage(ctx context.Context, image string) (bool, error) {
	_, err := e.docker.ImageInspect(ctx, image)
	switch {
	case err == nil:
		return true, nil
	case cerrdefs.IsNotFound(err):
		return false, nil
	default:
		return false, fmt.Errorf("inspect image %s: %w", image, err)
	}
}

// checkSubnets refuses subnets that overlap an existing Docker network, and
// names the running lab that holds it.
func (e *Engine) checkSubnets(ctx context.Context, l *lab.Lab, ref engine.Ref) error {
	want := map[string]netip.Prefix{}
	for _, n := range l.Networks() {
		if n.Subnet == "" || n.External {
			continue
		}
		if p, err := netip.ParsePrefix(n.Subnet); err == nil {
			want[n.Name] = p
		}
	}
	if len(want) == 0 {
		return nil
	}
	existing, err := e.docker.NetworkList(ctx, client.NetworkListOptions{})
	if err != nil {
		return fmt.Errorf("list networks: %w", err)
	}
	for _, name := range sortedKeys(want) {
		prefix := want[name]
		for _, n := range existing.Items {
			if n.Labels[api.ProjectLabel] == e.Project(ref) {
				continue
			}
			for _, c := range n.IPAM.Config {
				if !c.Subnet.IsValid() || !c.Subnet.Overlaps(prefix) {
					continue
				}
				return &engine.SubnetInUseError{Network: name, Subnet: prefix.String(), Holder: e.holder(n, c.Subnet)}
			}
		}
	}
	return nil
}

// holder names what holds a Docker network: a lab of this main directory, a
// lab of another one (another dsp, or one whose directory is gone), or a
// network dsp does not know.
func (e *Engine) holder(n network.Summary, subnet netip.Prefix) string {
	if n.Labels[LabelManaged] != "true" {
		return fmt.Sprintf("Docker network %s (%s)", n.Name, subnet)
	}
	other := refOf(n.Labels)
	if ns := n.Labels[LabelNamespace]; ns != e.namespace {
		return fmt.Sprintf("lab %s of the main directory %s (Docker network %s, %s)", other, ns, n.Name, subnet)
	}
	return fmt.Sprintf("running lab %s (network %s, %s)", other, n.Labels[api.NetworkLabel], subnet)
}

// serviceContainers maps each service to its container id.
func (e *Engine) serviceContainers(ctx context.Context, project string) (map[string]string, error) {
	res, err := e.docker.ContainerList(ctx, client.ContainerListOptions{All: true, Filters: projectFilter(project)})
	if err != nil {
		return nil, fmt.Errorf("list containers: %w", err)
	}
	out := map[string]string{}
	for _, c := range res.Items {
		if isService(c.Labels) {
			out[c.Labels[api.ServiceLabel]] = c.ID
		}
	}
	return out, nil
}

// markReady records in Docker that the start completed: a labelled volume
// that exists exactly while the instance is fully started.
func (e *Engine) markReady(ctx context.Context, ref engine.Ref, l *lab.Lab, flag string, flags []string) error {
	labels := e.labels(ref, l.Dir)
	labels[LabelReady] = "true"
	if len(flags) > 0 {
		labels[LabelFlags] = strings.Join(flags, ",")
	}
	if flag != "" {
		labels[LabelFlag] = flag
	}
	labels[api.ProjectLabel] = e.Project(ref)
	_, err := e.docker.VolumeCreate(ctx, client.VolumeCreateOptions{Name: readyVolume(e.Project(ref)), Labels: labels})
	if err != nil {
		return fmt.Errorf("mark lab ready: %w", err)
	}
	return nil
}

func (e *Engine) isReady(ctx context.Context, project string) (bool, error) {
	_, err := e.docker.VolumeInspect(ctx, readyVolume(project), client.VolumeInspectOptions{})
	if err == nil {
		return true, nil
	}
	if cerrdefs.IsNotFound(err) {
		return false, nil
	}
	return false, fmt.Errorf("inspect lab marker: %w", err)
}

func readyVolume(project string) string { return project + "_dsp-ready" }

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
