package labedit

import (
	"fmt"
)

// Model is what the topology editor shows and edits of a compose file.
type Model struct {
	Networks []Network `json:"networks"`
	Services []Service `json:"services"`
}

// Network is a top-level compose network.
type Network struct {
	ID       string `json:"id"`       // its key in the file as parsed ("" for a network the editor added)
	Name     string `json:"name"`     // its key after the edit (a rename when != ID)
	Subnet   string `json:"subnet"`   // ipam.config[0].subnet, any prefix length, "" when none
	Gateway  string `json:"gateway"`  // ipam.config[0].gateway
	Internal bool   `json:"internal"` // internal: true
}

// Service is a compose service as the editor shows it.
type Service struct {
	ID          string            `json:"id"`          // key as parsed ("" when new)
	Name        string            `json:"name"`        // key after the edit (a rename when != ID)
	Image       string            `json:"image"`       // image
	Command     []string          `json:"command"`     // nil: absent; a string command in the file is split the way compose splits it only for display, and written back unchanged when not edited
	Entrypoint  []string          `json:"entrypoint"`  // as Command
	Ports       []string          `json:"ports"`       // compose short syntax as strings ("127.0.0.1:8080:80/tcp"); long syntax rendered to short when edited
	Environment map[string]string `json:"environment"` // list or map form in the file; a null value is ""
	Volumes     []string          `json:"volumes"`     // short syntax
	CapAdd      []string          `json:"capAdd"`      // cap_add
	Privileged  bool              `json:"privileged"`  // privileged
	DependsOn   []string          `json:"dependsOn"`   // depends_on, list or map form
	Networks    []Attachment      `json:"networks"`    // the service's networks in file order
	Shell       *bool             `json:"shell"`       // x-dsp.shell (nil: absent)
	Actions     []Action          `json:"actions"`     // x-dsp.actions
	Files       []File            `json:"files"`       // x-dsp.files
}

// Attachment is a service's connection to a network.
type Attachment struct {
	Network string `json:"network"` // the network's key
	IPv4    string `json:"ipv4"`    // ipv4_address; "" automatic
}

// Action is a Docker Image Wrapper action of a service (x-dsp.actions).
type Action struct {
	Name     string         `json:"name"`
	Priority int            `json:"priority"`
	Args     map[string]any `json:"args"`
}

// File is a file copied into a service's container (x-dsp.files).
type File struct {
	Source       string `json:"source"`
	Target       string `json:"target"`
	AfterActions bool   `json:"afterActions"` // after_actions
}

// Story is a native lab's top-level x-dsp text.
type Story struct {
	Title       string   `json:"title"`
	Description string   `json:"description"`
	Goal        string   `json:"goal"`
	Solution    string   `json:"solution"`
	Author      string   `json:"author"`
	Labels      []string `json:"labels"` // label names (a {name, color, description} label by its name)
}

// Problem is one finding of [Check].
type Problem struct {
	Field   string `json:"field"`   // "networks.lan.subnet", "services.web.networks.lan.ipv4", "services.web.name", …
	Message string `json:"message"` // what is wrong, for a person
}

// SyntaxError is a compose text the editor cannot read: bad YAML, a top
// level that is not a mapping, or a section of the wrong shape. Line and
// Column are 1-based (0 when unknown).
type SyntaxError struct {
	Line, Column int
	Msg          string
}

// Error implements error.
func (e *SyntaxError) Error() string {
	if e.Line == 0 {
		return e.Msg
	}
	return fmt.Sprintf("line %d, column %d: %s", e.Line, e.Column, e.Msg)
}
