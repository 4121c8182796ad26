package lab

import (
	"fmt"
	"slices"
	"strings"

	"github.com/compose-spec/compose-go/v2/types"
)

// Risk is something a lab asks for that gives its containers power over
// the host. A lab from a repository the user has not trusted may not start
// while it has risks.
type Risk struct {
	Service string `json:"service"`
	What    string `json:"what"`
}

func (r Risk) String() string { return fmt.Sprintf("service %s: %s", r.Service, r.What) }

// capabilities that reach beyond the container's own namespaces.
var dangerousCaps = []string{"ALL", "SYS_ADMIN", "SYS_MODULE", "SYS_PTRACE", "SYS_RAWIO", "SYS_BOOT", "SYS_TIME", "DAC_READ_SEARCH", "MKNOD", "BPF", "PERFMON", "SYSLOG"}

// Risks lists what the lab asks for that needs the user's consent:
// privileged mode, host namespaces, devices, powerful capabilities and
// disabled confinement.
func (l *Lab) Risks() []Risk {
	if l.Project == nil {
		return nil
	}
	var out []Risk
	for _, name := range serviceNames(l.Project) {
		for _, what := range serviceRisks(l.Project.Services[name]) {
			out = append(out, Risk{Service: name, What: what})
		}
	}
	return out
}

// serviceRisks lists what one service asks for, as Risk.What says it.
func serviceRisks(s types.ServiceConfig) []string {
	var out []string
	add := func(format string, args ...any) {
		out = append(out, fmt.Sprintf(format, args...))
	}
	if s.Privileged {
		add("runs privileged (full access to the host's devices and kernel)")
	}
	for _, c := range s.CapAdd {
		c = strings.TrimPrefix(strings.ToUpper(c), "CAP_")
		if slices.Contains(dangerousCaps, c) {
			add("adds capability %s", c)
		}
	}
	for field, mode := range map[string]string{"network_mode": s.NetworkMode, "pid": s.Pid, "ipc": s.Ipc, "userns_mode": s.UserNSMode, "uts": s.Uts, "cgroup": s.Cgroup} {
		if mode == "host" {
			add("shares the host's %s namespace (%s: host)", strings.TrimSuffix(field, "_mode"), field)
		}
	}
	for _, d := range s.Devices {
		add("uses host device %s", d.Source)
	}
	if s.Build != nil {
		out = append(out, buildRisks(s.Build)...)
	}
	for _, opt := range s.SecurityOpt {
		if strings.Contains(opt, "unconfined") || strings.HasPrefix(opt, "label:disable") || strings.HasPrefix(opt, "label=disable") {
			add("disables confinement (security_opt %s)", opt)
		}
	}
	return out
}

// buildRisks lists what a service's image build asks for.
func buildRisks(b *types.BuildConfig) []string {
	var out []string
	if b.Privileged {
		out = append(out, "builds its image privileged")
	}
	if b.Network == "host" {
		out = append(out, "builds its image on the host's network")
	}
	for _, e := range b.Entitlements {
		out = append(out, fmt.Sprintf("builds its image with entitlement %s", e))
	}
	for _, k := range b.SSH {
		out = append(out, fmt.Sprintf("gives its image build the SSH agent or key %s", k.ID))
	}
	return out
}
