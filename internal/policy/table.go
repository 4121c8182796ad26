package policy

// The policy table. Every key of the compose specification that Compose's
// loader can produce is named here (a test walks compose-go's types to
// prove it); a key that is not is refused.

// allow is an allowed key whose value is taken as it is.
func allow(names ...string) Table {
	t := make(Table, len(names))
	for i, n := range names {
		t[i] = Key{Name: n, Access: Allowed}
	}
	return t
}

func join(tables ...Table) Table {
	var out Table
	for _, t := range tables {
		out = append(out, t...)
	}
	return out
}

// fileReference is a service's use of a top-level config or secret.
var fileReference = allow("source", "target", "uid", "gid", "mode")

// containerTable is what runs a container: services, jobs and pre_start
// hooks.
var containerTable = join(
	allow("annotations", "cap_drop", "command", "entrypoint", "cpu_count", "cpu_percent", "cpu_period",
		"cpu_quota", "cpu_rt_period", "cpu_rt_runtime", "cpus", "cpuset", "cpu_shares",
		"dns", "dns_opt", "dns_search", "domainname", "environment", "extra_hosts", "group_add",
		"hostname", "image", "init", "isolation", "labels", "label_file", "mem_limit",
		"mem_reservation", "memswap_limit", "mem_swappiness", "mac_address", "pids_limit",
		"platform", "pull_policy", "pull_refresh_after", "read_only", "shm_size", "stop_grace_period",
		"stop_signal", "tmpfs", "ulimits", "user", "working_dir"),
	Table{
		{Name: "blkio_config", Access: Trusted, Why: "sets I/O limits on host block devices"},
		{Name: "cap_add", Access: Allowed, Why: "capabilities outside Docker's default set and NET_ADMIN: trusted only", Check: checkCapabilities},
		{Name: "cgroup", Access: Allowed, Why: "host: trusted only", Check: checkNamespace("cgroup")},
		{Name: "cgroup_parent", Access: Trusted, Why: "places its containers in a cgroup of the host"},
		{Name: "configs", Access: Allowed, Each: fileReference},
		{Name: "credential_spec", Access: Refused, Why: "a Windows credential spec reads a host file or the host's registry"},
		{Name: "device_cgroup_rules", Access: Trusted, Why: "lets its containers use host devices (device cgroup rules)"},
		{Name: "devices", Access: Allowed, Why: "trusted only: uses host devices", Check: checkDevices},
		{Name: "env_file", Access: Allowed, Why: "files inside the lab folder only", Each: allow("path", "required", "format")},
		{Name: "gpus", Access: Trusted, Why: "uses the host's GPUs"},
		{Name: "ipc", Access: Allowed, Why: "host, container:…: trusted only", Check: checkNamespace("ipc")},
		{Name: "logging", Access: Allowed, Why: "drivers other than json-file, local and none: trusted only", Fields: Table{
			{Name: "driver", Access: Allowed, Why: "json-file, local and none; others trusted only", Check: checkLogDriver},
			{Name: "options", Access: Allowed},
		}},
		{Name: "log_driver", Access: Allowed, Why: "as logging.driver", Check: checkLogDriver},
		{Name: "log_opt", Access: Allowed},
		{Name: "models", Access: Refused, Why: "models run on the host's model runner"},
		{Name: "network_mode", Access: Allowed, Why: "host, container:…: trusted only", Check: checkNamespace("network")},
		{Name: "networks", Access: Allowed, Each: allow("aliases", "driver_opts", "gw_priority", "interface_name",
			"ipv4_address", "ipv6_address", "link_local_ips", "mac_address", "priority")},
		{Name: "oom_kill_disable", Access: Trusted, Why: "keeps the host's OOM killer away from its containers"},
		{Name: "oom_score_adj", Access: Allowed, Why: "below 0: trusted only", Check: checkOOMScore},
		{Name: "pid", Access: Allowed, Why: "host, container:…: trusted only", Check: checkNamespace("pid")},
		{Name: "privileged", Access: Trusted, Why: "runs privileged (full access to the host's devices and kernel)"},
		{Name: "runtime", Access: Trusted, Why: "runs on another container runtime of the host"},
		{Name: "secrets", Access: Allowed, Each: fileReference},
		{Name: "security_opt", Access: Allowed, Why: "no-new-privileges only; anything else trusted only; a seccomp profile file must be inside the lab folder", Check: checkSecurityOpt},
		{Name: "storage_opt", Access: Trusted, Why: "sets options of the host's storage driver"},
		{Name: "sysctls", Access: Allowed, Why: "namespaced net.*, kernel.shm*, kernel.msg*, kernel.sem, fs.mqueue.* only; others trusted only", Check: checkSysctls},
		{Name: "use_api_socket", Access: Refused, Why: "mounts the Docker Engine's socket (root on the host) and copies the user's registry credentials into the container"},
		{Name: "userns_mode", Access: Allowed, Why: "host: trusted only", Check: checkNamespace("user")},
		{Name: "uts", Access: Allowed, Why: "host: trusted only", Check: checkNamespace("uts")},
		{Name: "volume_driver", Access: Trusted, Why: "uses a volume plugin of the host"},
		{Name: "volumes", Access: Allowed, Why: "binds inside the lab folder only; npipe and cluster refused; shared propagation trusted only", Each: Table{
			{Name: "type", Access: Allowed, Why: "npipe and cluster refused", Check: checkVolumeType},
			{Name: "source", Access: Allowed},
			{Name: "target", Access: Allowed},
			{Name: "read_only", Access: Allowed},
			{Name: "consistency", Access: Allowed},
			{Name: "bind", Access: Allowed, Fields: Table{
				{Name: "selinux", Access: Allowed},
				{Name: "propagation", Access: Allowed, Why: "shared and slave propagation: trusted only", Check: checkPropagation},
				{Name: "create_host_path", Access: Allowed},
				{Name: "recursive", Access: Allowed},
			}},
			{Name: "volume", Access: Allowed, Fields: allow("labels", "nocopy", "subpath")},
			{Name: "tmpfs", Access: Allowed, Fields: allow("size", "mode")},
			{Name: "image", Access: Allowed, Fields: allow("subpath")},
		}},
		{Name: "volumes_from", Access: Allowed, Why: "container:…: trusted only", Check: checkVolumesFrom},
	},
)

// resourcesTable is deploy.resources.limits and .reservations.
var resourcesTable = Table{
	{Name: "cpus", Access: Allowed},
	{Name: "memory", Access: Allowed},
	{Name: "pids", Access: Allowed},
	{Name: "devices", Access: Trusted, Why: "reserves host devices (GPUs)"},
	{Name: "generic_resources", Access: Trusted, Why: "reserves generic host resources"},
}

// workloadTable is what services and jobs add to a container.
var workloadTable = join(
	allow("dockerfile", "expose", "stdin_open", "tty"),
	Table{
		{Name: "build", Access: Allowed, Why: "contexts inside the repository", Fields: join(
			allow("context", "dockerfile", "dockerfile_inline", "args", "provenance", "sbom", "labels", "no_cache",
				"no_cache_filter", "additional_contexts", "pull", "extra_hosts", "isolation", "target", "shm_size",
				"tags", "ulimits", "platforms"),
			Table{
				{Name: "entitlements", Access: Trusted, Why: "builds its image with extra entitlements"},
				{Name: "ssh", Access: Trusted, Why: "gives its image build the host's SSH agent or keys"},
				{Name: "cache_from", Access: Allowed, Why: "local caches: trusted only", Check: checkCache},
				{Name: "cache_to", Access: Trusted, Why: "writes a build cache on the host"},
				{Name: "network", Access: Allowed, Why: "host: trusted only", Check: checkBuildNetwork},
				{Name: "secrets", Access: Allowed, Each: fileReference},
				{Name: "privileged", Access: Trusted, Why: "builds its image privileged"},
			})},
		{Name: "depends_on", Access: Allowed, Each: allow("condition", "restart", "required")},
		{Name: "healthcheck", Access: Allowed, Fields: allow("test", "timeout", "interval", "retries", "start_period", "start_interval", "disable")},
		{Name: "ports", Access: Allowed, Why: "bound to 127.0.0.1 unless the lab is exposed", Each: allow("name", "mode", "host_ip", "target", "published", "protocol", "app_protocol")},
	},
)

// hookTable is a post_start or pre_stop hook: a process in the container.
var hookTable = Table{
	{Name: "command", Access: Allowed},
	{Name: "user", Access: Allowed},
	{Name: "working_dir", Access: Allowed},
	{Name: "environment", Access: Allowed},
	{Name: "privileged", Access: Trusted, Why: "runs a hook privileged"},
}

// serviceTable is a service.
var serviceTable = join(containerTable, workloadTable,
	allow("profiles", "restart", "scale", "attach", "container_name", "links"),
	Table{
		{Name: "deploy", Access: Allowed, Fields: join(
			allow("mode", "replicas", "labels", "update_config", "rollback_config", "restart_policy", "placement", "endpoint_mode"),
			Table{{Name: "resources", Access: Allowed, Fields: Table{
				{Name: "limits", Access: Allowed, Fields: resourcesTable},
				{Name: "reservations", Access: Allowed, Fields: resourcesTable},
			}}})},
		{Name: "develop", Access: Refused, Why: "compose watch copies host files into the containers"},
		{Name: "provider", Access: Refused, Why: "a provider service runs a program on the host"},
		{Name: "extends", Access: Allowed, Why: "files inside the lab folder only", Fields: allow("file", "service")},
		{Name: "external_links", Access: Trusted, Why: "links to containers outside the lab"},
		{Name: "net", Access: Allowed, Why: "as network_mode", Check: checkNamespace("network")},
		{Name: "pre_start", Access: Allowed, Why: "each hook is a container, under the policy of services", Each: join(containerTable, allow("per_replica"))},
		{Name: "post_start", Access: Allowed, Each: hookTable},
		{Name: "pre_stop", Access: Allowed, Each: hookTable},
	},
)

// jobTable is a job: a container run to completion.
var jobTable = join(containerTable, workloadTable, allow("profiles", "triggers"))

// networkTable is a top-level network.
var networkTable = Table{
	{Name: "name", Access: Allowed},
	{Name: "driver", Access: Allowed, Why: "bridge and overlay only; host, macvlan, ipvlan and plugins trusted only", Check: checkNetworkDriver},
	{Name: "driver_opts", Access: Allowed, Why: "the MTU only; other options trusted only", Check: checkNetworkOpts},
	{Name: "ipam", Access: Allowed, Fields: Table{
		{Name: "driver", Access: Allowed, Why: "the default driver only", Check: checkIPAMDriver},
		{Name: "config", Access: Allowed, Each: allow("subnet", "gateway", "ip_range", "aux_addresses")},
		{Name: "options", Access: Allowed},
	}},
	{Name: "external", Access: Allowed, Why: "trusted only: joins a network outside the lab (an external network named host is the host's network namespace)", Check: checkExternalNetwork},
	{Name: "internal", Access: Allowed},
	{Name: "attachable", Access: Allowed},
	{Name: "labels", Access: Allowed},
	{Name: "enable_ipv4", Access: Allowed},
	{Name: "enable_ipv6", Access: Allowed},
}

// volumeTable is a top-level volume.
var volumeTable = Table{
	{Name: "name", Access: Allowed},
	{Name: "driver", Access: Allowed, Why: "the local driver only; plugins trusted only", Check: checkVolumeDriver},
	{Name: "driver_opts", Access: Allowed, Why: "tmpfs, or a bind of a folder inside the lab; network mounts trusted only; other host paths refused", Check: checkVolumeOpts},
	{Name: "external", Access: Allowed, Why: "trusted only: uses a volume outside the lab (another lab's data, or the host's)", Check: checkExternalVolume},
	{Name: "labels", Access: Allowed},
}

// fileObjectTable is a top-level config or secret.
var fileObjectTable = Table{
	{Name: "name", Access: Allowed},
	{Name: "file", Access: Allowed, Why: "files inside the lab folder only"},
	{Name: "environment", Access: Allowed, Why: "a variable of the lab's own .env"},
	{Name: "content", Access: Allowed},
	{Name: "labels", Access: Allowed},
	{Name: "external", Access: Trusted, Why: "uses a Swarm config or secret outside the lab"},
	{Name: "driver", Access: Trusted, Why: "uses a secret driver of the host"},
	{Name: "driver_opts", Access: Trusted, Why: "sets options of a secret driver"},
	{Name: "template_driver", Access: Trusted, Why: "uses a template driver of the host"},
}

// projectTable is the top level of a compose project.
var projectTable = Table{
	{Name: "name", Access: Allowed},
	{Name: "services", Access: Allowed, Each: serviceTable},
	{Name: "jobs", Access: Allowed, Each: jobTable},
	{Name: "networks", Access: Allowed, Each: networkTable},
	{Name: "volumes", Access: Allowed, Each: volumeTable},
	{Name: "configs", Access: Allowed, Each: fileObjectTable},
	{Name: "secrets", Access: Allowed, Each: fileObjectTable},
	{Name: "models", Access: Refused, Why: "models run on the host's model runner"},
}
