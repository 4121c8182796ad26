package engine

import "github.com/compose-spec/compose-go/v2/types"

// Loopback is where a lab's published ports bind unless the lab is
// exposed: deliberately vulnerable services are not offered to the network
// by default.
const Loopback = "127.0.0.1"

// PublishedOn is the host address a published port binds: the one its lab
// wrote when the lab is exposed, loopback otherwise.
func PublishedOn(written string, expose bool) string {
	if expose {
		return written
	}
	return Loopback
}

// ApplyLimits gives a container the lab's limits where it sets none of its
// own, and always a pids limit (DefaultPidsLimit unless limits name one).
func ApplyLimits(s *types.ServiceConfig, limits Limits) {
	var own *types.Resource
	if s.Deploy != nil {
		own = s.Deploy.Resources.Limits
	}
	pids := limits.Pids
	if pids == 0 {
		pids = DefaultPidsLimit
	}
	if s.PidsLimit == 0 && (own == nil || own.Pids == 0) {
		s.PidsLimit = pids
	}
	if limits.Memory > 0 && s.MemLimit == 0 && (own == nil || own.MemoryBytes == 0) {
		s.MemLimit = types.UnitBytes(limits.Memory)
	}
	if limits.CPUs > 0 && s.CPUS == 0 && (own == nil || own.NanoCPUs == 0) {
		s.CPUS = float32(limits.CPUs)
	}
}
