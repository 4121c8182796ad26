package lab

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net/netip"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/compose-spec/compose-go/v2/cli"
	"github.com/compose-spec/compose-go/v2/loader"
	"github.com/compose-spec/compose-go/v2/types"
	"go.yaml.in/yaml/v4"

	"github.com/dsp-lab/dsp/internal/safepath"
)

// composeNames are the compose file names dsp looks for, in order.
var composeNames = []string{"compose.yaml", "compose.yml", "docker-compose.yml", "docker-compose.yaml"}

// findComposeFile returns the lab's compose file, or "".
func findComposeFile(dir string) string {
	for _, n := range composeNames {
		p := filepath.Join(dir, n)
		if st, err := os.Stat(p); err == nil && st.Mode().IsRegular() {
			return p
		}
	}
	return ""
}

// placeholderProject names the project while loading; the engine gives each
// lab instance its own project name before running it.
const placeholderProject = "dsp-lab"

// loadCompose parses and checks the compose file of a lab. The returned
// document keeps line positions for later checks; the project is nil when
// the file cannot be used at all.
func loadCompose(ctx context.Context, dir, file string, sink *problemSink) (*types.Project, *yamlDoc) {
	data, err := readConfined(file)
	if err != nil {
		sink.errorf(file, 0, "", "cannot read: %v", err)
		return nil, nil
	}
	doc, err := parseYAMLDoc(data)
	if err != nil {
		sink.errorf(file, lineOfYAMLError(err), "", "not valid YAML: %v", err)
		return nil, nil
	}
	if doc.root == nil || doc.root.Kind != yaml.MappingNode {
		sink.errorf(file, 1, "", "the compose file must be a mapping with a services section")
		return nil, doc
	}
	if err := doc.bounded(); err != nil {
		sink.errorf(file, 1, "", "%v", err)
		return nil, nil
	}
	if !checkReferencedFiles(dir, file, doc, sink) {
		return nil, doc
	}

	// The lab's .env is read for interpolation only when it (or what it
	// links to) stays inside the lab folder.
	var dotEnv []string
	if p := filepath.Join(dir, ".env"); exists(p) {
		if _, err := safepath.Within(dir, p); err != nil {
			sink.errorf(p, 0, "", "%v: a lab may only use files inside its own folder", err)
			return nil, doc
		}
		dotEnv = append(dotEnv, p)
	}
	opts, err := cli.NewProjectOptions([]string{file},
		cli.WithWorkingDirectory(dir),
		cli.WithName(placeholderProject),
		// Only the lab's own .env file is used for interpolation: the
		// host's environment never leaks into a lab from a stranger.
		cli.WithEnvFiles(dotEnv...),
		cli.WithDotEnv,
		// The flag placeholder survives interpolation; each start replaces it.
		cli.WithEnv([]string{"DSP_FLAG=" + FlagPlaceholder}),
		cli.WithResolvedPaths(true),
		cli.WithLoadOptions(func(o *loader.Options) {
			// env_file and label_file are read only after their paths are
			// checked to stay inside the lab folder.
			o.SkipResolveEnvironment = true
			o.SkipResolveLabels = true
			o.ResourceLoaders = nil
		}),
	)
	if err != nil {
		sink.errorf(file, 0, "", "cannot prepare compose loader: %v", err)
		return nil, doc
	}
	project, err := opts.LoadProject(ctx)
	if err != nil {
		msg := strings.TrimPrefix(err.Error(), "validating "+file+": ")
		field := fieldOfError(msg)
		line := lineOfError(msg)
		if line == 0 && field != "" {
			line = doc.line(strings.Split(field, ".")...)
		}
		sink.errorf(file, line, field, "%s", msg)
		return nil, doc
	}
	if !checkProjectPaths(dir, file, project, doc, sink) {
		return nil, doc
	}
	project, err = project.WithServicesEnvironmentResolved(false)
	if err != nil {
		sink.errorf(file, 0, "", "environment: %v", err)
		return nil, doc
	}
	project, err = project.WithServicesLabelsResolved(false)
	if err != nil {
		sink.errorf(file, 0, "", "labels: %v", err)
		return nil, doc
	}
	if doc.node("version") != nil {
		sink.warnf(file, doc.line("version"), "version", "the version key is obsolete and ignored")
	}
	normaliseNetworks(file, project, doc, sink)
	project = project.WithoutUnnecessaryResources()
	checkAddresses(file, project, doc, sink)
	return project, doc
}

// checkReferencedFiles checks, before compose-go reads them, the files a
// compose file makes it read: include and extends files, and theirs in
// turn. Each must be inside the lab folder, within the size bound, and
// its YAML aliases must not expand without bound.
func checkReferencedFiles(dir, file string, doc *yamlDoc, sink *problemSink) bool {
	c := &fileChecker{dir: dir, file: file, doc: doc, sink: sink, ok: true, seen: map[string]bool{file: true}}
	c.references(file, doc, 0)
	return c.ok
}

// maxIncludeDepth bounds how deep includes and extends may nest.
const maxIncludeDepth = 8

// references checks the include and extends entries of one compose file.
func (c *fileChecker) references(file string, doc *yamlDoc, depth int) {
	from := refSite{file: file, doc: doc, base: filepath.Dir(file), depth: depth}
	if inc := doc.node("include"); inc != nil {
		for i, item := range inc.Content {
			c.include(from, fmt.Sprint(i), item)
		}
	}
	for _, svc := range mapKeys(doc.node("services")) {
		if f := doc.node("services", svc, "extends", "file"); f != nil {
			c.compose(from, []string{"services", svc, "extends", "file"}, f.Value)
		}
	}
}

// refSite is the compose file a reference is written in.
type refSite struct {
	file  string
	doc   *yamlDoc
	base  string // relative references start here
	depth int
}

// include checks the include entry idx: a path, or a mapping whose path,
// env_file and project_directory are each a path or a list of them.
func (c *fileChecker) include(from refSite, idx string, item *yaml.Node) {
	switch item.Kind {
	case yaml.ScalarNode:
		c.compose(from, []string{"include", idx}, item.Value)
	case yaml.MappingNode:
		for _, key := range []string{"path", "env_file", "project_directory"} {
			n := child(item, key)
			if n == nil {
				continue
			}
			check := func(from refSite, field []string, p string) { c.reference(from, field, p) }
			if key == "path" {
				check = c.compose
			}
			if n.Kind == yaml.ScalarNode {
				check(from, []string{"include", idx, key}, n.Value)
			}
			for j, s := range n.Content {
				check(from, []string{"include", idx, key, fmt.Sprint(j)}, s.Value)
			}
		}
	}
}

// reference checks a file reference that compose-go has not read yet: a
// plain path that stays inside the lab folder. It returns the absolute
// path, or "" after reporting the problem.
func (c *fileChecker) reference(from refSite, field []string, p string) string {
	where, line := strings.Join(field, "."), from.doc.line(field...)
	if strings.Contains(p, "$") || strings.Contains(p, "://") {
		c.fail(from.file, line, where, fmt.Sprintf("file reference %q must be a plain relative path inside the lab folder", p))
		return ""
	}
	rel := p
	if base, err := filepath.Rel(c.dir, from.base); err == nil && !filepath.IsAbs(p) {
		rel = filepath.Join(base, p)
	}
	abs, err := safepath.Relative(c.dir, rel)
	if err != nil {
		c.fail(from.file, line, where, err.Error())
		return ""
	}
	return abs
}

// compose checks a reference to another compose file, then that file and
// what it references in turn.
func (c *fileChecker) compose(from refSite, field []string, p string) {
	abs := c.reference(from, field, p)
	if abs == "" || c.seen[abs] {
		return
	}
	c.seen[abs] = true
	where, line := strings.Join(field, "."), from.doc.line(field...)
	if from.depth >= maxIncludeDepth {
		c.fail(from.file, line, where, fmt.Sprintf("includes and extends nest deeper than %d files", maxIncludeDepth))
		return
	}
	data, err := readConfined(abs)
	if err != nil {
		if !errors.Is(err, fs.ErrNotExist) {
			c.fail(from.file, line, where, fmt.Sprintf("%s: %v", p, err))
		}
		return // a missing file is compose-go's to report
	}
	doc, err := parseYAMLDoc(data)
	if err != nil {
		return // compose-go reports the syntax error with its position
	}
	if err := doc.bounded(); err != nil {
		c.fail(from.file, line, where, fmt.Sprintf("%s: %v", p, err))
		return
	}
	c.references(abs, doc, from.depth+1)
}

func (c *fileChecker) fail(file string, line int, field, msg string) {
	c.sink.errorf(file, line, field, "%s", msg)
	c.ok = false
}

// checkProjectPaths keeps every host path the project uses inside the lab
// folder (build contexts may use the whole repository, as upstream's
// .dockerfiles do).
func checkProjectPaths(dir, file string, p *types.Project, doc *yamlDoc, sink *problemSink) bool {
	c := &fileChecker{dir: dir, file: file, doc: doc, sink: sink, ok: true}
	for _, name := range serviceNames(p) {
		c.service(name, p.Services[name])
	}
	for _, name := range sortedKeys(p.Jobs) {
		job := p.Jobs[name]
		c.container([]string{"jobs", name}, job.ContainerSpec)
		if job.Build != nil {
			c.build([]string{"jobs", name, "build"}, job.Build)
		}
	}
	for name, cf := range p.Configs {
		if cf.File != "" {
			c.within(dir, []string{"configs", name, "file"}, cf.File)
		}
	}
	for name, s := range p.Secrets {
		if s.File != "" {
			c.within(dir, []string{"secrets", name, "file"}, s.File)
		}
	}
	return c.ok
}

// fileChecker reports the file references and host paths of a compose file
// that leave the lab folder dir; ok is false once it reported one.
type fileChecker struct {
	dir, file string
	doc       *yamlDoc
	sink      *problemSink
	ok        bool
	seen      map[string]bool // compose files checked already
}

// within checks that a host path of the project is inside root.
func (c *fileChecker) within(root string, field []string, path string) {
	if _, err := safepath.Within(root, path); err != nil {
		c.sink.errorf(c.file, c.doc.line(field...), strings.Join(field, "."), "%v: a lab may only use files inside its own folder", err)
		c.ok = false
	}
}

// service checks the host paths of a service: its bind mounts, env and
// label files, and its build.
func (c *fileChecker) service(name string, s types.ServiceConfig) {
	field := []string{"services", name}
	c.container(field, s.ContainerSpec)
	for i, hook := range s.PreStart {
		c.container(append(field, "pre_start", fmt.Sprint(i)), hook.ContainerSpec)
	}
	if s.Build != nil {
		c.build(append(field, "build"), s.Build)
	}
}

// container checks the host paths of what runs a container (a service, a
// job, a pre_start hook): its bind mounts, env and label files.
func (c *fileChecker) container(field []string, s types.ContainerSpec) {
	at := func(key string, i int) []string { return append(append([]string(nil), field...), key, fmt.Sprint(i)) }
	for i, v := range s.Volumes {
		if v.Type == types.VolumeTypeBind {
			c.within(c.dir, at("volumes", i), v.Source)
		}
	}
	for i, e := range s.EnvFiles {
		c.within(c.dir, at("env_file", i), e.Path)
	}
	for i, l := range s.LabelFiles {
		c.within(c.dir, at("label_file", i), l)
	}
}

// build checks the host paths of a build: its contexts and Dockerfile may
// be anywhere in the repository, its SSH keys only in the lab folder.
func (c *fileChecker) build(field []string, b *types.BuildConfig) {
	repoDir := filepath.Dir(c.dir)
	if !strings.Contains(b.Context, "://") {
		c.within(repoDir, field, b.Context)
		if b.Dockerfile != "" && !filepath.IsAbs(b.Dockerfile) {
			c.within(repoDir, append(field, "dockerfile"), filepath.Join(b.Context, b.Dockerfile))
		}
	}
	if filepath.IsAbs(b.Dockerfile) {
		c.within(repoDir, append(field, "dockerfile"), b.Dockerfile)
	}
	// Additional contexts are build contexts too; images, services
	// and remote sources are not host paths.
	for _, k := range sortedKeys(b.AdditionalContexts) {
		src := b.AdditionalContexts[k]
		if strings.HasPrefix(src, "service:") || (strings.Contains(src, "://") && !strings.HasPrefix(src, "oci-layout://")) {
			continue
		}
		src, _, _ = strings.Cut(strings.TrimPrefix(src, "oci-layout://"), "@")
		if !filepath.IsAbs(src) {
			src = filepath.Join(c.dir, src)
		}
		c.within(repoDir, append(field, "additional_contexts", k), src)
	}
	// A key file for the build's SSH agent is the user's secret.
	for i, key := range b.SSH {
		if key.Path != "" {
			c.within(c.dir, append(field, "ssh", fmt.Sprint(i)), key.Path)
		}
	}
}

// normaliseNetworks clears host bits in subnets ("192.168.1.1/24" becomes
// "192.168.1.0/24"), which older DSP versions wrote and engines reject.
func normaliseNetworks(file string, p *types.Project, doc *yamlDoc, sink *problemSink) {
	for name, n := range p.Networks {
		for i, pool := range n.Ipam.Config {
			if pool == nil || pool.Subnet == "" {
				continue
			}
			field := []string{"networks", name, "ipam", "config", fmt.Sprint(i), "subnet"}
			prefix, err := netip.ParsePrefix(pool.Subnet)
			if err != nil {
				sink.errorf(file, doc.line(field...), strings.Join(field, "."), "subnet %q is not a CIDR such as 192.168.1.0/24", pool.Subnet)
				continue
			}
			if masked := prefix.Masked(); masked != prefix {
				pool.Subnet = masked.String()
			}
		}
		p.Networks[name] = n
	}
}

// checkAddresses verifies static addresses: inside their network's subnet,
// not the gateway, not used twice.
func checkAddresses(file string, p *types.Project, doc *yamlDoc, sink *problemSink) {
	used := map[string]string{} // network/ip -> service
	for _, name := range serviceNames(p) {
		s := p.Services[name]
		for _, netName := range sortedKeys(s.Networks) {
			sn := s.Networks[netName]
			if sn == nil || sn.Ipv4Address == "" {
				continue
			}
			field := []string{"services", name, "networks", netName, "ipv4_address"}
			where := strings.Join(field, ".")
			line := doc.line(field...)
			report := func(format string, args ...any) { sink.errorf(file, line, where, format, args...) }
			ip, err := netip.ParseAddr(sn.Ipv4Address)
			if err != nil || !ip.Is4() {
				report("%q is not an IPv4 address", sn.Ipv4Address)
				continue
			}
			if other, dup := used[netName+"/"+ip.String()]; dup {
				report("address %s is already given to service %s", ip, other)
			}
			used[netName+"/"+ip.String()] = name
			if n, ok := p.Networks[netName]; ok {
				checkAddressInNetwork(ip, netName, n, report)
			}
		}
	}
}

// checkAddressInNetwork reports a static address outside the IPv4 subnets
// of its network, or one that is its subnet's gateway or network address.
func checkAddressInNetwork(ip netip.Addr, netName string, n types.NetworkConfig, report func(format string, args ...any)) {
	subnets, in, prefix := ipv4PoolOf(ip, n)
	switch {
	case len(subnets) == 0:
	case in == nil && len(subnets) == 1:
		report("address %s is outside subnet %s of network %s", ip, subnets[0], netName)
	case in == nil:
		report("address %s is outside subnets %s of network %s", ip, strings.Join(subnets, ", "), netName)
	default:
		gw := prefix.Addr().Next()
		if in.Gateway != "" {
			gw, _ = netip.ParseAddr(in.Gateway)
		}
		if ip == gw {
			report("address %s is the gateway of network %s; pick another", ip, netName)
		}
		if ip == prefix.Addr() {
			report("address %s is the network address of %s", ip, prefix)
		}
	}
}

// ipv4PoolOf returns the IPv4 subnets of a network (a dual-stack network
// also has IPv6 pools), and the first pool that holds ip with its subnet
// (nil when none does).
func ipv4PoolOf(ip netip.Addr, n types.NetworkConfig) (subnets []string, in *types.IPAMPool, prefix netip.Prefix) {
	for _, pool := range n.Ipam.Config {
		if pool == nil || pool.Subnet == "" {
			continue
		}
		p, err := netip.ParsePrefix(pool.Subnet)
		if err != nil || !p.Addr().Is4() {
			continue
		}
		subnets = append(subnets, p.String())
		if in == nil && p.Contains(ip) {
			in, prefix = pool, p
		}
	}
	return subnets, in, prefix
}

// writtenSubnets returns the first subnet of each network as the file wrote it.
func writtenSubnets(doc *yamlDoc) map[string]string {
	out := map[string]string{}
	for _, name := range mapKeys(doc.node("networks")) {
		if n := doc.node("networks", name, "ipam", "config", "0", "subnet"); n != nil {
			out[name] = n.Value
		}
	}
	return out
}

func serviceNames(p *types.Project) []string {
	return sortedKeys(p.Services)
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// exists reports whether p exists, a dangling symbolic link included.
func exists(p string) bool {
	_, err := os.Lstat(p)
	return err == nil
}
