// Package lab is dsp's model of a lab: it loads the upstream DSP format
// (information.json, network.json, docker-compose.yml) and dsp's native
// format (a compose file with x-dsp extensions and Markdown side files),
// and validates both with errors that name the file, line and field.
package lab

import (
	"slices"
	"time"

	"github.com/compose-spec/compose-go/v2/types"

	"github.com/dsp-lab/dsp/internal/wrapper"
)

// Format tells which on-disk format a lab was loaded from.
type Format string

const (
	// FormatUpstream is Docker Security Playground's format: information.json,
	// labels.json, network.json and a generated docker-compose.yml.
	FormatUpstream Format = "upstream"
	// FormatNative is dsp's format: the compose file is the single source of
	// truth, with x-dsp extension fields and Markdown side files.
	FormatNative Format = "native"
)

// TextFormat tells how Goal, Solution and Description are written.
type TextFormat string

const (
	TextHTML     TextFormat = "html"
	TextMarkdown TextFormat = "markdown"
)

// Lab is one lab: its story, its compose project and what dsp runs after up.
type Lab struct {
	Repo    string `json:"repo"`
	Name    string `json:"name"`
	Dir     string `json:"dir"`
	RepoDir string `json:"-"`
	Format  Format `json:"format"`

	Title       string     `json:"title"`
	Description string     `json:"description"`
	Goal        string     `json:"goal"`
	Solution    string     `json:"solution"`
	Readme      string     `json:"readme,omitempty"`
	TextFormat  TextFormat `json:"textFormat"`
	Author      string     `json:"author,omitempty"`
	Labels      []Label    `json:"labels"`

	ComposeFile string   `json:"composeFile"`
	Actions     []Action `json:"actions"`
	Files       []File   `json:"files"`
	// StopTimeout is the grace period before SIGKILL on stop; zero means
	// dsp's default.
	StopTimeout *time.Duration `json:"stopTimeout,omitempty"`

	// Checks prove that a running lab works; Solve proves it can be solved.
	Checks []Check `json:"checks"`
	Solve  *Solve  `json:"solve,omitempty"`
	// Flag is set when each instance gets its own random flag.
	Flag *FlagSpec `json:"flag,omitempty"`
	// Limits bound each container of the lab that sets none of its own
	// (x-dsp.limits).
	Limits *Limits `json:"limits,omitempty"`

	// Project is the compose model, normalised so that today's engines accept
	// it (subnets with host bits cleared, unused networks dropped). dsp never
	// writes it back to disk. It is the one representation of what runs:
	// Services and Networks derive their view from it.
	Project *types.Project `json:"-"`

	// shell says, per service, whether a terminal may be opened, for the
	// services whose definition says so (native x-dsp.shell, upstream
	// isShellEnabled); any other service allows one.
	shell map[string]bool
	// vms holds the services that are virtual machines (x-dsp.vm).
	vms map[string]*VM
	// writtenSubnets holds each network's first subnet as the compose file
	// wrote it, before normalisation.
	writtenSubnets map[string]string
}

// OnlyServices is the lab with the wrapper actions and files to copy of
// the named services only (what runs again for services started anew).
func (l *Lab) OnlyServices(services []string) *Lab {
	cp := *l
	cp.Actions = slices.DeleteFunc(slices.Clone(l.Actions), func(a Action) bool { return !slices.Contains(services, a.Service) })
	cp.Files = slices.DeleteFunc(slices.Clone(l.Files), func(f File) bool { return !slices.Contains(services, f.Service) })
	return &cp
}

// ID is the lab's REPO/LAB identity.
func (l *Lab) ID() string { return l.Repo + "/" + l.Name }

// Label is a coloured tag from labels.json or x-dsp.labels.
type Label struct {
	Name        string `json:"name"`
	Description string `json:"description,omitempty"`
	Color       string `json:"color,omitempty"`
}

// Service is a compose service as a person looks at it.
type Service struct {
	Name        string           `json:"name"`
	Image       string           `json:"image"`
	Build       string           `json:"build,omitempty"` // build context, when the image is built locally
	Networks    []ServiceNetwork `json:"networks"`
	Ports       []Port           `json:"ports"`
	CapAdd      []string         `json:"capAdd,omitempty"`
	Privileged  bool             `json:"privileged,omitempty"`
	Shell       bool             `json:"shell"` // a terminal may be opened (upstream isShellEnabled)
	StopTimeout *time.Duration   `json:"stopTimeout,omitempty"`
	// VM is set when the service is a virtual machine (x-dsp.vm).
	VM *VM `json:"vm,omitempty"`
}

// ServiceNetwork is a service's attachment to a lab network.
type ServiceNetwork struct {
	Name string `json:"name"`
	IP   string `json:"ip,omitempty"` // static address, empty when dynamic
}

// Port is a published port.
type Port struct {
	Container uint32 `json:"container"`
	Host      string `json:"host,omitempty"`
	HostIP    string `json:"hostIP,omitempty"`
	Protocol  string `json:"protocol"`
}

// Network is a lab network.
type Network struct {
	Name     string `json:"name"`
	Subnet   string `json:"subnet,omitempty"`  // normalised CIDR
	Written  string `json:"written,omitempty"` // the subnet as the file wrote it, when normalised
	Color    string `json:"color,omitempty"`
	External bool   `json:"external,omitempty"`
}

// Action is a wrapper action to run in a service after up.
type Action struct {
	Service  string `json:"service"`
	Priority int    `json:"priority"`
	wrapper.Action
	loc location
}

// location is where a definition was read, for problems found later.
type location struct {
	file  string
	line  int
	field string
}

// File is a file or folder copied into a container at start.
type File struct {
	Service      string `json:"service"`
	Source       string `json:"source"` // absolute path on the host, confined to the repository
	Target       string `json:"target"` // path in the container
	AfterActions bool   `json:"afterActions"`
}
