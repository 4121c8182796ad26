package local

import (
	"context"
	"fmt"
	"slices"
	"strings"

	cerrdefs "github.com/containerd/errdefs"
	"github.com/moby/moby/client"

	"github.com/dsp-lab/dsp/internal/ctf"
	"github.com/dsp-lab/dsp/internal/engine"
	"github.com/dsp-lab/dsp/internal/lab"
)

// LabelFlags holds, on a started instance's ready marker, the hashes of the
// flags a user may submit (comma separated).
const LabelFlags = "io.dsp.flags"

// plantFlag returns the lab as it runs with its flag, the flag, and the hashes of the
// flags a user may submit: the instance's fresh flag and the literal flags
// of ctf actions. flag is used when given; otherwise a lab that declares a
// flag gets a fresh one.
func plantFlag(l *lab.Lab, flag string) (*lab.Lab, string, []string, error) {
	if l.Flag != nil && flag == "" {
		var err error
		if flag, err = ctf.NewFlag(l.Flag.Prefix); err != nil {
			return nil, "", nil, err
		}
	}
	planted := l.WithFlag(flag)
	var hashes []string
	if l.Flag != nil {
		hashes = append(hashes, ctf.Hash(flag))
	}
	for _, f := range planted.CTFFlags() {
		if h := ctf.Hash(f); !slices.Contains(hashes, h) {
			hashes = append(hashes, h)
		}
	}
	return planted, flag, hashes, nil
}

// hideFlag keeps the instance's flag out of progress messages, which
// students see: an action's arguments and output may carry it.
func hideFlag(progress engine.Progress, flag string) engine.Progress {
	if progress == nil || flag == "" {
		return progress
	}
	return func(ev engine.Event) {
		ev.Message = strings.ReplaceAll(ev.Message, flag, "•••")
		progress(ev)
	}
}

// SubmitFlag reports whether flag is one of the running instance's flags.
// It returns a *NotRunningError when the instance is not fully started and
// ErrNoFlag when its lab plants none.
func (e *Engine) SubmitFlag(ctx context.Context, ref engine.Ref, flag string) (bool, error) {
	v, err := e.docker.VolumeInspect(ctx, readyVolume(e.Project(ref)), client.VolumeInspectOptions{})
	if cerrdefs.IsNotFound(err) {
		return false, &engine.NotRunningError{Ref: ref}
	}
	if err != nil {
		return false, fmt.Errorf("read the flags of %s: %w", ref, err)
	}
	list := v.Volume.Labels[LabelFlags]
	if list == "" {
		return false, engine.ErrNoFlag
	}
	return ctf.Matches(flag, strings.Split(list, ",")), nil
}
