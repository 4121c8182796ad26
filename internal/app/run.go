package app

import (
	"context"
	"fmt"
	"io"

	"github.com/dsp-lab/dsp/internal/catalog"
	"github.com/dsp-lab/dsp/internal/engine"
	"github.com/dsp-lab/dsp/internal/report"
)

// UpOptions tune a start.
type UpOptions struct {
	// TrustOnce accepts this once what the lab asks for, even when its
	// repository is not trusted.
	TrustOnce bool
	// ExposeOnce offers the lab's published ports to the network for this
	// start, even when the user did not expose the lab.
	ExposeOnce bool
	Progress   engine.Progress
}

// Up starts an instance of a lab and returns its status.
func (a *App) Up(ctx context.Context, t *Target, ref engine.Ref, opts UpOptions) (*engine.Status, error) {
	if err := t.Runnable(); err != nil {
		return nil, err
	}
	if err := a.repoFree(t); err != nil {
		return nil, err
	}
	eng, err := a.Engine(ctx)
	if err != nil {
		return nil, err
	}
	if err := eng.Up(ctx, ref, t.Lab, a.upOptions(t, opts)); err != nil {
		return nil, fmt.Errorf("start %s: %w", ref, err)
	}
	return eng.Status(ctx, ref, t.Lab)
}

// upOptions are the engine's options for starting (or applying to) an
// instance of the lab: the one place trust, exposure and limits are
// decided for it.
func (a *App) upOptions(t *Target, opts UpOptions) engine.UpOptions {
	return engine.UpOptions{
		Trusted:  t.Trusted || opts.TrustOnce,
		Expose:   a.Exposed(t) || opts.ExposeOnce,
		Limits:   a.Limits(t),
		Progress: opts.Progress,
	}
}

// Exposed reports whether the user offers the lab's published ports to
// the network (dsp lab expose, dsp repo expose). A lab outside the main
// directory never is, unless a start asks for it.
func (a *App) Exposed(t *Target) bool {
	return a.inHome(t.Dir) && a.catalog.IsExposed(t.Repo, t.Name)
}

// RepoExposed reports whether the lab is exposed because its whole
// repository is (dsp repo expose).
func (a *App) RepoExposed(t *Target) bool {
	return a.inHome(t.Dir) && a.catalog.IsRepoExposed(t.Repo)
}

// SetExposed offers the ports of a lab (or of every lab of a repository,
// lab "") to the network, or takes them back to this machine.
func (a *App) SetExposed(repo, lab string, exposed bool) error {
	return a.catalog.SetExposed(repo, lab, exposed)
}

// Limits are what bounds each container of the lab: the lab's own
// x-dsp.limits, within the limits the user set for every lab.
func (a *App) Limits(t *Target) engine.Limits {
	user := a.catalog.Limits()
	out := engine.Limits{Memory: user.Memory, CPUs: user.CPUs, Pids: user.Pids}
	if l := t.Limits; l != nil {
		out.Memory = tighter(out.Memory, l.Memory)
		out.CPUs = tighter(out.CPUs, l.CPUs)
		out.Pids = tighter(out.Pids, l.Pids)
	}
	return out
}

// UserLimits are the limits the user set for every container.
func (a *App) UserLimits() engine.Limits {
	l := a.catalog.Limits()
	return engine.Limits{Memory: l.Memory, CPUs: l.CPUs, Pids: l.Pids}
}

// SetUserLimits sets the limits of every container of every lab.
func (a *App) SetUserLimits(l engine.Limits) error {
	return a.catalog.SetLimits(catalog.Limits{Memory: l.Memory, CPUs: l.CPUs, Pids: l.Pids})
}

// tighter returns the smaller of two limits, where zero is no limit.
func tighter[T int64 | float64](a, b T) T {
	switch {
	case a == 0:
		return b
	case b == 0:
		return a
	}
	return min(a, b)
}

// Down stops an instance and removes everything it created. An invalid lab
// can be stopped too.
func (a *App) Down(ctx context.Context, t *Target, ref engine.Ref, progress engine.Progress) error {
	eng, err := a.Engine(ctx)
	if err != nil {
		return err
	}
	// its captures end first, their files complete; its toolboxes go
	// with its containers
	a.stopCaptures(ctx, ref)
	if err := eng.Down(ctx, ref, t.Lab, engine.DownOptions{Progress: progress}); err != nil {
		return fmt.Errorf("stop %s: %w", ref, err)
	}
	return nil
}

// Build builds the images of the lab's build: sections (all: also those
// that exist already).
func (a *App) Build(ctx context.Context, t *Target, all bool, progress engine.Progress) error {
	if err := t.Runnable(); err != nil {
		return err
	}
	eng, err := a.Engine(ctx)
	if err != nil {
		return err
	}
	return eng.Build(ctx, t.Lab, engine.BuildOptions{All: all, Progress: progress})
}

// Status reads an instance's state from the engine.
func (a *App) Status(ctx context.Context, t *Target, ref engine.Ref) (*engine.Status, error) {
	eng, err := a.Engine(ctx)
	if err != nil {
		return nil, err
	}
	return eng.Status(ctx, ref, t.Lab)
}

// Logs writes the output of an instance's containers to w.
func (a *App) Logs(ctx context.Context, ref engine.Ref, opts engine.LogsOptions, w io.Writer) error {
	eng, err := a.Engine(ctx)
	if err != nil {
		return err
	}
	return eng.Logs(ctx, ref, opts, w)
}

// Instances lists the instances of a lab that are not stopped.
func (a *App) Instances(ctx context.Context, t *Target) ([]report.InstanceSummary, error) {
	eng, err := a.Engine(ctx)
	if err != nil {
		return nil, err
	}
	all, err := eng.Instances(ctx)
	if err != nil {
		return nil, err
	}
	return report.InstancesOf(all, t.Repo, t.Name), nil
}

// Catalogue describes every lab of every repository. When the engine
// cannot be reached, or the last test reports cannot be read, the
// catalogue is still made (states unknown, no reports) and warnings say
// why.
func (a *App) Catalogue(ctx context.Context) (*report.Catalogue, []error, error) {
	repos, entries, err := a.catalog.Labs(ctx)
	if err != nil {
		return nil, nil, err
	}
	var warnings []error
	var instances []engine.Instance
	if eng, err := a.Engine(ctx); err != nil {
		warnings = append(warnings, err)
	} else if instances, err = eng.Instances(ctx); err != nil {
		warnings = append(warnings, fmt.Errorf("read lab states: %w", err))
	}
	tests, err := a.tests().All()
	if err != nil {
		warnings = append(warnings, err)
	}
	return report.BuildCatalogue(a.catalog.Home, repos, entries, instances, tests), warnings, nil
}

// Details describes a lab and one of its instances. When the engine cannot
// be reached the details are still made (state unknown) and a warning
// says why.
func (a *App) Details(ctx context.Context, t *Target, ref engine.Ref) (*report.Details, []error) {
	in := report.DetailsInput{Lab: t.Lab, Problems: t.Problems, LoadErr: t.LoadErr, Trusted: t.Trusted, Exposed: a.Exposed(t), RepoExposed: a.RepoExposed(t), Editable: a.Editable(t), Limits: a.Limits(t), Instance: ref.Instance}
	var warnings []error
	if eng, err := a.Engine(ctx); err != nil {
		warnings = append(warnings, err)
	} else {
		if in.Status, err = eng.Status(ctx, ref, t.Lab); err != nil {
			warnings = append(warnings, fmt.Errorf("status of %s: %w", ref, err))
		}
		if in.Instances, err = eng.Instances(ctx); err != nil {
			warnings = append(warnings, fmt.Errorf("instances of %s: %w", t.ID(), err))
		}
	}
	last, err := a.tests().Last(t.Repo, t.Name)
	if err != nil {
		warnings = append(warnings, err)
	}
	in.LastTest = last
	return report.BuildDetails(in), warnings
}
