package local

import (
	"slices"
	"sort"

	"github.com/compose-spec/compose-go/v2/types"

	"github.com/dsp-lab/dsp/internal/engine"
)

// LabelNotes holds, on a container, how dsp runs it where that differs from
// what its lab asked (read back into ServiceStatus.Notes).
const LabelNotes = "io.dsp.notes"

// privilegedEmulated is the note on a service whose privileged mode is
// emulated.
const privilegedEmulated = "privileged mode emulated: every capability the host allows, seccomp, AppArmor and /proc, /sys masks unconfined (this engine cannot run privileged containers: the kernel's capability bounding set lacks some capabilities)"

// applyDefaults makes a project safe to run as dsp runs labs: published
// ports on loopback unless the lab is exposed, limits on every container
// that sets none (a pids limit always), and, where the engine cannot run
// privileged containers (bounded is the machine's capabilities then), the
// closest it can do for services that ask for privileged mode.
func applyDefaults(p *types.Project, opts engine.UpOptions, bounded []string, progress engine.Progress) {
	for _, name := range sortedKeys(p.Services) {
		s := p.Services[name]
		for i := range s.Ports {
			s.Ports[i].HostIP = engine.PublishedOn(s.Ports[i].HostIP, opts.Expose)
		}
		engine.ApplyLimits(&s, opts.Limits)
		if s.Privileged && bounded != nil {
			emulatePrivileged(&s, bounded)
			progress.Emit(engine.StepContainer, name, engine.StatusInfo, privilegedEmulated)
		}
		p.Services[name] = s
	}
}

// emulatePrivileged runs a service that asks for privileged mode with every
// capability the machine has and without seccomp, AppArmor and the masks
// on /proc and /sys: what privileged mode gives, but the host's devices.
func emulatePrivileged(s *types.ServiceConfig, bounded []string) {
	s.Privileged = false
	for _, c := range bounded {
		if !slices.Contains(s.CapAdd, c) {
			s.CapAdd = append(s.CapAdd, c)
		}
	}
	sort.Strings(s.CapAdd)
	for _, opt := range []string{"seccomp=unconfined", "apparmor=unconfined", "systempaths=unconfined"} {
		if !slices.Contains(s.SecurityOpt, opt) {
			s.SecurityOpt = append(s.SecurityOpt, opt)
		}
	}
	if s.CustomLabels == nil {
		s.CustomLabels = types.Labels{}
	}
	s.CustomLabels[LabelNotes] = privilegedEmulated
}

// notesOf reads a container's notes from its labels.
func notesOf(labels map[string]string) []string {
	if n := labels[LabelNotes]; n != "" {
		return []string{n}
	}
	return nil
}
