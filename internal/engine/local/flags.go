package local

import (
	"context"
	"fmt"
	"strings"

	cerrdefs "github.com/containerd/errdefs"
	"github.com/moby/moby/client"

	"github.com/dsp-lab/dsp/internal/ctf"
	"github.com/dsp-lab/dsp/internal/engine"
)

// LabelFlags holds, on a started instance's ready marker, the hashes of the
// flags a user may submit (comma separated).
const LabelFlags = "io.dsp.flags"

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
