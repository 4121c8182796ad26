package lab

import (
	"fmt"
	"net"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/compose-spec/compose-go/v2/types"
	"go.yaml.in/yaml/v4"

	"github.com/dsp-lab/dsp/internal/safepath"
	"github.com/dsp-lab/dsp/internal/wrapper"
)

// FlagPlaceholder stands for the instance's flag in environment values and
// action arguments: dsp replaces it with a fresh random flag at each start.
// Under plain `docker compose` it is the DSP_FLAG variable.
const FlagPlaceholder = "${DSP_FLAG}"

// CheckKind is what a check does.
type CheckKind string

const (
	CheckCommand CheckKind = "command" // run a command in a service
	CheckTCP     CheckKind = "tcp"     // connect to host:port from a service
	CheckHTTP    CheckKind = "http"    // GET a URL from a service
	CheckHealthy CheckKind = "healthy" // the service's healthcheck reports healthy
)

// Default timings of checks and of the solution script.
const (
	DefaultCheckTimeout = 30 * time.Second
	DefaultSolveTimeout = 2 * time.Minute
)

// Check proves one thing about a running lab. A check passes as soon as one
// attempt passes within its timeout.
type Check struct {
	Name    string    `json:"name"`
	Service string    `json:"service"`
	Kind    CheckKind `json:"kind"`
	// Command is the argv of a command check; a command written as one
	// string runs with sh -c, as the lab asks.
	Command []string `json:"command,omitempty"`
	// Target is host:port for tcp and the URL for http.
	Target   string `json:"target,omitempty"`
	ExitCode int    `json:"exitCode"`         // command: expected exit code
	Status   int    `json:"status,omitempty"` // http: expected status
	// Match is a regular expression the command's output, or the HTTP
	// body, must match.
	Match string `json:"match,omitempty"`
	// Unreachable turns a tcp or http check around: it passes when the
	// service cannot connect (a firewall, a missing route, a closed port).
	Unreachable bool          `json:"unreachable,omitempty"`
	Timeout     time.Duration `json:"timeout"`
}

// Describe says in a few words what the check does.
func (c Check) Describe() string {
	switch c.Kind {
	case CheckCommand:
		if len(c.Command) == 3 && c.Command[0] == "sh" && c.Command[1] == "-c" {
			return fmt.Sprintf("run %q in %s", c.Command[2], c.Service)
		}
		return "run " + strings.Join(c.Command, " ") + " in " + c.Service
	case CheckTCP:
		if c.Unreachable {
			return c.Target + " is unreachable from " + c.Service
		}
		return "connect to " + c.Target + " from " + c.Service
	case CheckHTTP:
		if c.Unreachable {
			return c.Target + " is unreachable from " + c.Service
		}
		return "GET " + c.Target + " from " + c.Service
	case CheckHealthy:
		return c.Service + " is healthy"
	}
	return string(c.Kind)
}

// Solve is the lab's solution script: run from a service (usually the
// attacker's), its success proves the lab can be solved. When the lab has a
// flag, the script must print it.
type Solve struct {
	Service string `json:"service"`
	// Script is the script's path on the host (inside the lab folder); it is
	// copied into the service and run by its #! line.
	Script string `json:"script,omitempty"`
	// Command is the argv to run when there is no script.
	Command []string      `json:"command,omitempty"`
	Timeout time.Duration `json:"timeout"`
}

// FlagSpec says that each instance of the lab gets its own random flag.
type FlagSpec struct {
	// Prefix makes flags look like PREFIX{32 hex digits}.
	Prefix string `json:"prefix"`
}

// DefaultFlagPrefix is the prefix of generated flags when the lab names
// none.
const DefaultFlagPrefix = "FLAG"

var (
	checkFields = []string{"name", "service", "command", "tcp", "http", "healthy", "exit_code", "output", "status", "body", "unreachable", "timeout"}
	solveFields = []string{"service", "script", "command", "timeout"}
	flagFields  = []string{"prefix"}
	checkNameRE = regexp.MustCompile(`^[^\x00-\x1f]{1,100}$`)
	flagPrefix  = regexp.MustCompile(`^[A-Za-z0-9_-]{1,32}$`)
)

type nativeCheck struct {
	Name        string    `yaml:"name"`
	Service     string    `yaml:"service"`
	Command     yaml.Node `yaml:"command"`
	TCP         string    `yaml:"tcp"`
	HTTP        string    `yaml:"http"`
	Healthy     bool      `yaml:"healthy"`
	Unreachable bool      `yaml:"unreachable"`
	ExitCode    *int      `yaml:"exit_code"`
	Output      string    `yaml:"output"`
	Status      int       `yaml:"status"`
	Body        string    `yaml:"body"`
	Timeout     string    `yaml:"timeout"`
}

type nativeSolve struct {
	Service string    `yaml:"service"`
	Script  string    `yaml:"script"`
	Command yaml.Node `yaml:"command"`
	Timeout string    `yaml:"timeout"`
}

// loadChecks reads x-dsp.checks, x-dsp.solve and x-dsp.flag. They are read
// in both formats: a teacher may add them to an upstream lab's compose file.
func loadChecks(l *Lab, doc *yamlDoc, sink *problemSink) {
	file := l.ComposeFile
	x := doc.node(extensionKey)
	if x == nil || x.Kind != yaml.MappingNode {
		return
	}
	if n := child(x, "checks"); n != nil {
		if n.Kind != yaml.SequenceNode {
			sink.errorf(file, n.Line, extensionKey+".checks", "checks must be a list")
		} else {
			names := map[string]bool{}
			for i, cn := range n.Content {
				field := fmt.Sprintf("%s.checks.%d", extensionKey, i)
				c, ok := parseCheck(l, cn, field, sink)
				if !ok {
					continue
				}
				if names[c.Name] {
					sink.errorf(file, cn.Line, field+".name", "check %q is declared twice", c.Name)
					continue
				}
				names[c.Name] = true
				l.Checks = append(l.Checks, c)
			}
		}
	}
	if n := child(x, "solve"); n != nil {
		if s, ok := parseSolve(l, n, sink); ok {
			l.Solve = &s
		}
	}
	flagNode := child(x, "flag")
	if flagNode != nil {
		l.Flag = parseFlag(l, flagNode, sink)
	}
	if l.Flag == nil && plantsFlag(l) {
		if flagNode != nil {
			sink.warnf(file, flagNode.Line, extensionKey+".flag", "the lab writes %s, so each start plants a flag anyway", FlagPlaceholder)
		}
		l.Flag = &FlagSpec{Prefix: DefaultFlagPrefix}
	}
	if l.Flag != nil && !plantsFlag(l) {
		sink.warnf(file, doc.line(extensionKey, "flag"), extensionKey+".flag", "the lab declares a flag but never plants it: write %s in an environment value or an action argument (such as the ctf action's ctf)", FlagPlaceholder)
	}
}

func parseCheck(l *Lab, n *yaml.Node, field string, sink *problemSink) (Check, bool) {
	file := l.ComposeFile
	checkKeysOf(n, checkFields, file, field, sink)
	var nc nativeCheck
	if err := n.Decode(&nc); err != nil {
		sink.errorf(file, n.Line, field, "%v", err)
		return Check{}, false
	}
	c := Check{Name: strings.TrimSpace(nc.Name), Service: nc.Service, Timeout: DefaultCheckTimeout}
	if !checkNameRE.MatchString(c.Name) {
		sink.errorf(file, n.Line, field+".name", "a check needs a name of 1 to 100 printable characters")
		return Check{}, false
	}
	field = fmt.Sprintf("%s (%s)", field, c.Name)
	if _, ok := l.Service(c.Service); !ok {
		sink.errorf(file, n.Line, field+".service", "service %q is not in the lab (services: %s)", c.Service, labServiceNames(l))
		return Check{}, false
	}
	kinds := checkKinds(&nc)
	if len(kinds) != 1 {
		sink.errorf(file, n.Line, field, "a check does exactly one of command, tcp, http or healthy: true")
		return Check{}, false
	}
	c.Kind = kinds[0]
	if !parseCheckProbe(&c, &nc, file, n.Line, field, sink) || !parseCheckOptions(&c, &nc, file, n.Line, field, sink) {
		return Check{}, false
	}
	return c, true
}

// checkKinds lists the kinds of check a check's fields ask for: a valid
// check asks for one.
func checkKinds(nc *nativeCheck) []CheckKind {
	var kinds []CheckKind
	if nc.Command.Kind != 0 {
		kinds = append(kinds, CheckCommand)
	}
	if nc.TCP != "" {
		kinds = append(kinds, CheckTCP)
	}
	if nc.HTTP != "" {
		kinds = append(kinds, CheckHTTP)
	}
	if nc.Healthy {
		kinds = append(kinds, CheckHealthy)
	}
	return kinds
}

// parseCheckProbe sets what a check of kind c.Kind probes: its command,
// exit code and output, or its tcp or http target, status and body. It
// reports false after reporting a problem (at line, in field).
func parseCheckProbe(c *Check, nc *nativeCheck, file string, line int, field string, sink *problemSink) bool {
	switch c.Kind {
	case CheckCommand:
		argv, err := commandArgv(&nc.Command)
		if err != nil {
			sink.errorf(file, nc.Command.Line, field+".command", "%v", err)
			return false
		}
		c.Command = argv
		if nc.ExitCode != nil {
			c.ExitCode = *nc.ExitCode
		}
		c.Match = nc.Output
	case CheckTCP:
		host, port, err := net.SplitHostPort(nc.TCP)
		if p, perr := strconv.Atoi(port); err != nil || host == "" || perr != nil || p < 1 || p > 65535 {
			sink.errorf(file, line, field+".tcp", "%q is not HOST:PORT", nc.TCP)
			return false
		}
		c.Target = nc.TCP
	case CheckHTTP:
		u, err := url.Parse(nc.HTTP)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			sink.errorf(file, line, field+".http", "%q is not an http:// or https:// URL", nc.HTTP)
			return false
		}
		c.Target = nc.HTTP
		c.Status = nc.Status
		if c.Status == 0 {
			c.Status = 200
		}
		c.Match = nc.Body
	}
	return true
}

// parseCheckOptions checks that a check's other fields belong to its kind
// and sets unreachable and the timeout; it checks the pattern to match. It
// reports false after reporting a problem (at line, in field).
func parseCheckOptions(c *Check, nc *nativeCheck, file string, line int, field string, sink *problemSink) bool {
	if c.Kind != CheckCommand && (nc.ExitCode != nil || nc.Output != "") {
		sink.errorf(file, line, field, "exit_code and output belong to command checks")
		return false
	}
	if nc.Unreachable {
		if c.Kind != CheckTCP && c.Kind != CheckHTTP {
			sink.errorf(file, line, field+".unreachable", "unreachable belongs to tcp and http checks")
			return false
		}
		if nc.Status != 0 || nc.Body != "" {
			sink.errorf(file, line, field+".unreachable", "an unreachable http check expects no status or body")
			return false
		}
		c.Unreachable, c.Status = true, 0
	}
	if c.Kind != CheckHTTP && (nc.Status != 0 || nc.Body != "") {
		sink.errorf(file, line, field, "status and body belong to http checks")
		return false
	}
	if c.Match != "" {
		if _, err := regexp.Compile(c.Match); err != nil {
			sink.errorf(file, line, field, "pattern %q: %v", c.Match, err)
			return false
		}
	}
	if nc.Timeout != "" {
		d, ok := parseTimeout(nc.Timeout)
		if !ok {
			sink.errorf(file, line, field+".timeout", "%q is not a duration between 1s and 1h, such as 30s", nc.Timeout)
			return false
		}
		c.Timeout = d
	}
	return true
}

func parseSolve(l *Lab, n *yaml.Node, sink *problemSink) (Solve, bool) {
	file := l.ComposeFile
	field := extensionKey + ".solve"
	checkKeysOf(n, solveFields, file, field, sink)
	var ns nativeSolve
	if err := n.Decode(&ns); err != nil {
		sink.errorf(file, n.Line, field, "%v", err)
		return Solve{}, false
	}
	s := Solve{Service: ns.Service, Timeout: DefaultSolveTimeout}
	if _, ok := l.Service(s.Service); !ok {
		sink.errorf(file, n.Line, field+".service", "service %q is not in the lab (services: %s)", s.Service, labServiceNames(l))
		return Solve{}, false
	}
	switch {
	case ns.Script != "" && ns.Command.Kind != 0:
		sink.errorf(file, n.Line, field, "give either script or command, not both")
		return Solve{}, false
	case ns.Script != "":
		p, err := safepath.Relative(l.Dir, ns.Script)
		if err != nil {
			sink.errorf(file, n.Line, field+".script", "%v", err)
			return Solve{}, false
		}
		s.Script = p
	case ns.Command.Kind != 0:
		argv, err := commandArgv(&ns.Command)
		if err != nil {
			sink.errorf(file, n.Line, field+".command", "%v", err)
			return Solve{}, false
		}
		s.Command = argv
	default:
		sink.errorf(file, n.Line, field, "a solution needs a script (a file in the lab) or a command")
		return Solve{}, false
	}
	if ns.Timeout != "" {
		d, ok := parseTimeout(ns.Timeout)
		if !ok {
			sink.errorf(file, n.Line, field+".timeout", "%q is not a duration between 1s and 1h, such as 2m", ns.Timeout)
			return Solve{}, false
		}
		s.Timeout = d
	}
	return s, true
}

func parseFlag(l *Lab, n *yaml.Node, sink *problemSink) *FlagSpec {
	file := l.ComposeFile
	field := extensionKey + ".flag"
	n = unalias(n)
	switch {
	case n.Kind == yaml.ScalarNode && n.Tag == "!!bool":
		if n.Value == "false" {
			return nil
		}
		return &FlagSpec{Prefix: DefaultFlagPrefix}
	case n.Kind == yaml.MappingNode:
		checkKeysOf(n, flagFields, file, field, sink)
		var f FlagSpec
		if err := n.Decode(&f); err != nil {
			sink.errorf(file, n.Line, field, "%v", err)
			return nil
		}
		if f.Prefix == "" {
			f.Prefix = DefaultFlagPrefix
		}
		if !flagPrefix.MatchString(f.Prefix) {
			sink.errorf(file, n.Line, field+".prefix", "prefix %q must be 1 to 32 letters, digits, _ or -", f.Prefix)
			return nil
		}
		return &f
	}
	sink.errorf(file, n.Line, field, "flag is true or {prefix: NAME}")
	return nil
}

// plantsFlag reports whether the lab writes the flag placeholder anywhere.
func plantsFlag(l *Lab) bool {
	for _, a := range l.Actions {
		for _, arg := range a.Args {
			if strings.Contains(arg.Value, FlagPlaceholder) {
				return true
			}
		}
	}
	if l.Project == nil {
		return false
	}
	for _, s := range l.Project.Services {
		for _, v := range s.Environment {
			if v != nil && strings.Contains(*v, FlagPlaceholder) {
				return true
			}
		}
	}
	return false
}

// commandArgv reads a command: a list is the argv, a string runs with sh -c.
func commandArgv(n *yaml.Node) ([]string, error) {
	n = unalias(n)
	switch n.Kind {
	case yaml.ScalarNode:
		if strings.TrimSpace(n.Value) == "" {
			return nil, fmt.Errorf("the command is empty")
		}
		return []string{"sh", "-c", n.Value}, nil
	case yaml.SequenceNode:
		var argv []string
		if err := n.Decode(&argv); err != nil || len(argv) == 0 || argv[0] == "" {
			return nil, fmt.Errorf("a command is a string or a non-empty list of strings")
		}
		return argv, nil
	}
	return nil, fmt.Errorf("a command is a string or a non-empty list of strings")
}

func parseTimeout(s string) (time.Duration, bool) {
	d, err := time.ParseDuration(s)
	return d, err == nil && d >= time.Second && d <= time.Hour
}

func labServiceNames(l *Lab) string {
	return strings.Join(l.ServiceNames(), ", ")
}

// checkKeysOf is checkKeys for a node that may be an alias.
func checkKeysOf(n *yaml.Node, allowed []string, file, prefix string, sink *problemSink) {
	checkKeys(unalias(n), allowed, file, prefix, sink)
}

// WithFlag returns a copy of the lab whose environment values and action
// arguments carry flag in place of FlagPlaceholder; the lab is not changed.
// The copy's Services and Networks derive from its own project.
func (l *Lab) WithFlag(flag string) *Lab {
	out := *l
	out.Actions = make([]Action, len(l.Actions))
	for i, a := range l.Actions {
		a.Args = slices.Clone(a.Args)
		for j := range a.Args {
			a.Args[j].Value = strings.ReplaceAll(a.Args[j].Value, FlagPlaceholder, flag)
		}
		out.Actions[i] = a
	}
	if l.Project == nil {
		return &out
	}
	project := *l.Project
	project.Services = types.Services{}
	for name, s := range l.Project.Services {
		env := types.MappingWithEquals{}
		for k, v := range s.Environment {
			if v != nil && strings.Contains(*v, FlagPlaceholder) {
				planted := strings.ReplaceAll(*v, FlagPlaceholder, flag)
				v = &planted
			}
			env[k] = v
		}
		s.Environment = env
		project.Services[name] = s
	}
	out.Project = &project
	return &out
}

// CTFFlags returns the flags the lab's ctf actions plant, as written (with
// the placeholder replaced when called on WithFlag's copy).
func (l *Lab) CTFFlags() []string {
	var out []string
	for _, a := range l.Actions {
		if a.Name != wrapper.BuiltinCTF {
			continue
		}
		if arg, ok := a.Arg("ctf"); ok && strings.TrimSpace(arg.Value) != "" && !slices.Contains(out, arg.Value) {
			out = append(out, arg.Value)
		}
	}
	return out
}
