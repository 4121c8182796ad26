package local

import (
	"bufio"
	"os"
	"slices"
	"strconv"
	"strings"
)

// capabilityNames are the Linux capabilities by bit number.
var capabilityNames = []string{
	"CHOWN", "DAC_OVERRIDE", "DAC_READ_SEARCH", "FOWNER", "FSETID", "KILL", "SETGID", "SETUID",
	"SETPCAP", "LINUX_IMMUTABLE", "NET_BIND_SERVICE", "NET_BROADCAST", "NET_ADMIN", "NET_RAW",
	"IPC_LOCK", "IPC_OWNER", "SYS_MODULE", "SYS_RAWIO", "SYS_CHROOT", "SYS_PTRACE", "SYS_PACCT",
	"SYS_ADMIN", "SYS_BOOT", "SYS_NICE", "SYS_RESOURCE", "SYS_TIME", "SYS_TTY_CONFIG", "MKNOD",
	"LEASE", "AUDIT_WRITE", "AUDIT_CONTROL", "SETFCAP", "MAC_OVERRIDE", "MAC_ADMIN", "SYSLOG",
	"WAKE_ALARM", "BLOCK_SUSPEND", "AUDIT_READ", "PERFMON", "BPF", "CHECKPOINT_RESTORE",
}

// newerCapabilities are unknown to engines older than Docker 23.
var newerCapabilities = []string{"PERFMON", "BPF", "CHECKPOINT_RESTORE"}

// boundedCapabilities returns the capabilities this machine can grant when
// it cannot grant them all (dsp runs inside a container or a restricted
// sandbox, as dockerd then does), or nil when every capability is
// available or the Docker Engine is not local. Upstream labs ask for
// cap_add: ALL, which the engine then refuses ("unable to apply caps");
// dsp grants everything the machine has instead.
func boundedCapabilities() []string {
	if host := os.Getenv("DOCKER_HOST"); host != "" && !strings.HasPrefix(host, "unix://") {
		return nil
	}
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return nil
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		value, ok := strings.CutPrefix(sc.Text(), "CapBnd:")
		if !ok {
			continue
		}
		mask, err := strconv.ParseUint(strings.TrimSpace(value), 16, 64)
		if err != nil {
			return nil
		}
		var out []string
		for bit, name := range capabilityNames {
			if mask&(1<<bit) != 0 {
				out = append(out, name)
			}
		}
		if len(out) == len(capabilityNames) {
			return nil
		}
		// Older engines (Debian's 20.10) reject the capabilities added to
		// Linux after AUDIT_READ; ALL never needed them on such engines.
		return slices.DeleteFunc(out, func(c string) bool { return slices.Contains(newerCapabilities, c) })
	}
	return nil
}

// expandAll replaces ALL in a service's cap_add with the capabilities the
// machine can grant, when it cannot grant them all.
func expandAll(capAdd []string, bounded []string) []string {
	if bounded == nil {
		return capAdd
	}
	var out []string
	for _, c := range capAdd {
		if strings.EqualFold(strings.TrimPrefix(strings.ToUpper(c), "CAP_"), "ALL") {
			out = append(out, bounded...)
			continue
		}
		out = append(out, c)
	}
	return out
}
