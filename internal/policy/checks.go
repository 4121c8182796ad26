package policy

import (
	"fmt"
	"slices"
	"strings"
)

// dockerDefaultCaps are the capabilities Docker gives every container;
// NET_ADMIN acts on the container's own network namespace only, and lab
// images use it for routes and firewalls.
var dockerDefaultCaps = []string{
	"AUDIT_WRITE", "CHOWN", "DAC_OVERRIDE", "FOWNER", "FSETID", "KILL", "MKNOD", "NET_BIND_SERVICE",
	"NET_RAW", "SETFCAP", "SETGID", "SETPCAP", "SETUID", "SYS_CHROOT", "NET_ADMIN",
}

// CapabilityName normalises a capability as Docker takes it: CAP_SYS_ADMIN
// and sys_admin are SYS_ADMIN.
func CapabilityName(c string) string {
	return strings.TrimPrefix(strings.ToUpper(strings.TrimSpace(c)), "CAP_")
}

func checkCapabilities(c *site, v any) {
	for _, capability := range stringsOf(v) {
		name := CapabilityName(capability)
		if !slices.Contains(dockerDefaultCaps, name) {
			c.trusted("adds capability %s", name)
		}
	}
}

// checkNamespace refuses, unless trusted, sharing a namespace with the
// host or with a container outside the lab.
func checkNamespace(kind string) func(c *site, v any) {
	return func(c *site, v any) {
		mode, _ := v.(string)
		field := c.path[len(c.path)-1]
		switch {
		case mode == "host":
			c.trusted("shares the host's %s namespace (%s: host)", kind, field)
		case strings.HasPrefix(mode, "container:"):
			c.trusted("shares the %s namespace of %s, a container outside the lab (%s: %s)", kind, strings.TrimPrefix(mode, "container:"), field, mode)
		}
	}
}

func checkDevices(c *site, v any) {
	list, _ := v.([]any)
	for _, d := range list {
		if m, ok := d.(map[string]any); ok {
			c.trusted("uses host device %v", m["source"])
		}
	}
}

func checkLogDriver(c *site, v any) {
	switch d, _ := v.(string); d {
	case "", "json-file", "local", "none":
	default:
		c.trusted("sends its logs to the host's %s logging driver", d)
	}
}

func checkOOMScore(c *site, v any) {
	if n, ok := v.(float64); ok && n < 0 {
		c.trusted("makes the host's OOM killer spare its containers (oom_score_adj: %v)", n)
	}
}

// checkSecurityOpt accepts no-new-privileges; a seccomp profile must be a
// file inside the lab folder; anything else changes the host's confinement
// of the containers.
func checkSecurityOpt(c *site, v any) {
	for _, opt := range stringsOf(v) {
		key, value, _ := strings.Cut(strings.Replace(opt, ":", "=", 1), "=")
		switch {
		case key == "no-new-privileges":
		case value == "unconfined" || (key == "label" && value == "disable"):
			c.trusted("disables confinement (security_opt %s)", opt)
		case key == "seccomp" && value != "" && value != "builtin":
			if err := c.confined(value); err != nil {
				c.refused("security_opt %s reads a seccomp profile from the host: %v", opt, err)
			} else {
				c.trusted("uses its own seccomp profile (security_opt %s)", opt)
			}
		default:
			c.trusted("changes its containers' confinement (security_opt %s)", opt)
		}
	}
}

// namespacedSysctls are the kernel parameters Docker sets per container.
var namespacedSysctls = []string{"net.", "kernel.shm", "kernel.msg", "kernel.sem", "fs.mqueue."}

func checkSysctls(c *site, v any) {
	var names []string
	switch x := v.(type) {
	case map[string]any:
		for k := range x {
			names = append(names, k)
		}
	case []any:
		for _, e := range x {
			if s, ok := e.(string); ok {
				k, _, _ := strings.Cut(s, "=")
				names = append(names, k)
			}
		}
	}
	slices.Sort(names)
	for _, n := range names {
		if !slices.ContainsFunc(namespacedSysctls, func(p string) bool { return strings.HasPrefix(n, p) }) {
			c.trusted("sets the kernel parameter %s, which is not the container's own", n)
		}
	}
}

func checkVolumeType(c *site, v any) {
	switch t, _ := v.(string); t {
	case "npipe":
		c.refused("a named pipe volume reaches the host's named pipes")
	case "cluster":
		c.refused("a cluster volume is not a lab's")
	}
}

func checkPropagation(c *site, v any) {
	if p, _ := v.(string); p == "shared" || p == "rshared" || p == "slave" || p == "rslave" {
		c.trusted("propagates mounts between the host and its containers (propagation: %s)", p)
	}
}

func checkVolumesFrom(c *site, v any) {
	for _, from := range stringsOf(v) {
		if name, ok := strings.CutPrefix(from, "container:"); ok {
			c.trusted("mounts the volumes of %s, a container outside the lab", strings.Split(name, ":")[0])
		}
	}
}

func checkCache(c *site, v any) {
	for _, entry := range stringsOf(v) {
		if strings.Contains(entry, "type=local") || strings.Contains(entry, "src=") {
			c.trusted("reads a build cache from the host (cache_from %s)", entry)
		}
	}
}

func checkBuildNetwork(c *site, v any) {
	if n, _ := v.(string); n == "host" {
		c.trusted("builds its image on the host's network")
	}
}

func checkNetworkDriver(c *site, v any) {
	switch d, _ := v.(string); d {
	case "", "bridge", "overlay":
	case "host":
		c.trusted("puts its services in the host's network namespace (driver: host)")
	case "macvlan", "ipvlan":
		c.trusted("attaches its services to a host network interface (driver: %s)", d)
	default:
		c.trusted("uses the network plugin %s", d)
	}
}

// networkOptsAllowed are bridge options that change nothing outside the
// lab's own bridge.
var networkOptsAllowed = []string{"com.docker.network.driver.mtu", "com.docker.network.bridge.enable_icc", "com.docker.network.bridge.enable_ip_masquerade"}

func checkNetworkOpts(c *site, v any) {
	m, _ := v.(map[string]any)
	for _, k := range sortedKeys(m) {
		if !slices.Contains(networkOptsAllowed, k) {
			c.trusted("sets the network driver option %s=%v", k, m[k])
		}
	}
}

func checkIPAMDriver(c *site, v any) {
	if d, _ := v.(string); d != "" && d != "default" {
		c.trusted("uses the IPAM plugin %s", d)
	}
}

func checkExternalNetwork(c *site, v any) {
	if ext, _ := v.(bool); !ext {
		return
	}
	name, _ := c.parent["name"].(string)
	switch name {
	case "host":
		c.trusted("puts its services in the host's network namespace (external network host)")
	default:
		c.trusted("joins the network %s, outside the lab", name)
	}
}

func checkVolumeDriver(c *site, v any) {
	if d, _ := v.(string); d != "" && d != "local" {
		c.trusted("uses the volume plugin %s", d)
	}
}

// checkVolumeOpts looks at the local driver's options, which are mount(8)
// arguments: a bind of a host path, a network file system, or a tmpfs.
func checkVolumeOpts(c *site, v any) {
	opts := map[string]string{}
	m, _ := v.(map[string]any)
	for k, val := range m {
		opts[k] = fmt.Sprint(val)
	}
	if len(opts) == 0 {
		return
	}
	driver, _ := c.parent["driver"].(string)
	if driver != "" && driver != "local" {
		c.trusted("sets options of the volume plugin %s", driver)
		return
	}
	kind, device := opts["type"], opts["device"]
	bind := slices.ContainsFunc(strings.Split(opts["o"], ","), func(o string) bool { return o == "bind" || o == "rbind" })
	switch {
	case kind == "tmpfs":
	case bind || kind == "none":
		if err := c.confined(device); err != nil {
			c.refused("the volume bind-mounts the host path %s: %v", device, err)
		}
	case kind == "nfs" || kind == "nfs4" || kind == "cifs" || kind == "smb3":
		c.trusted("mounts the network file system %s from the host (%s)", device, kind)
	default:
		c.refused("the volume mounts %s on the host (type %s)", device, kind)
	}
}

func checkExternalVolume(c *site, v any) {
	if ext, _ := v.(bool); ext {
		name, _ := c.parent["name"].(string)
		c.trusted("uses the volume %s, outside the lab", name)
	}
}

// stringsOf returns the strings of a list value (or of a single string).
func stringsOf(v any) []string {
	switch x := v.(type) {
	case string:
		return []string{x}
	case []any:
		var out []string
		for _, e := range x {
			if s, ok := e.(string); ok {
				out = append(out, s)
			}
		}
		return out
	}
	return nil
}
