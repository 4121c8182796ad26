package lab

import (
	"strconv"
	"strings"

	units "github.com/docker/go-units"
	"go.yaml.in/yaml/v4"
)

// Limits bound what one container of a lab may use; zero is no limit.
type Limits struct {
	Memory int64   `json:"memory,omitempty"` // bytes
	CPUs   float64 `json:"cpus,omitempty"`
	Pids   int64   `json:"pids,omitempty"`
}

var limitKeys = []string{"memory", "cpus", "pids"}

// loadLimits reads x-dsp.limits: {memory: 512m, cpus: 1.5, pids: 256}.
func loadLimits(l *Lab, doc *yamlDoc, sink *problemSink) {
	n := doc.node(extensionKey, "limits")
	if n == nil {
		return
	}
	field := extensionKey + ".limits"
	n = unalias(n)
	if n.Kind != yaml.MappingNode {
		sink.errorf(l.ComposeFile, n.Line, field, "limits is a mapping such as {memory: 512m, cpus: 1, pids: 256}")
		return
	}
	checkKeys(n, limitKeys, l.ComposeFile, field, sink)
	var lim Limits
	ok := true
	bad := func(key, want string) {
		v := child(n, key)
		sink.errorf(l.ComposeFile, v.Line, field+"."+key, "%q is not %s", v.Value, want)
		ok = false
	}
	if v := child(n, "memory"); v != nil {
		b, err := units.RAMInBytes(strings.TrimSpace(v.Value))
		if err != nil || b <= 0 {
			bad("memory", "a size such as 512m or 2g")
		}
		lim.Memory = b
	}
	if v := child(n, "cpus"); v != nil {
		c, err := strconv.ParseFloat(v.Value, 64)
		if err != nil || c <= 0 {
			bad("cpus", "a number of CPUs such as 0.5 or 2")
		}
		lim.CPUs = c
	}
	if v := child(n, "pids"); v != nil {
		p, err := strconv.ParseInt(v.Value, 10, 64)
		if err != nil || p <= 0 {
			bad("pids", "a number of processes such as 256")
		}
		lim.Pids = p
	}
	if ok {
		l.Limits = &lim
	}
}
