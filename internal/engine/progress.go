package engine

import (
	"context"
	"strings"
	"sync"
	"time"

	"github.com/docker/compose/v5/pkg/api"
)

// Step names the phase of an operation an event belongs to.
type Step string

const (
	StepCheck     Step = "check"     // preflight: images, subnets, files, permissions
	StepBuild     Step = "build"     // building an image from a build: section
	StepNetwork   Step = "network"   // creating or removing a network
	StepContainer Step = "container" // creating, starting, stopping, removing a container
	StepFiles     Step = "files"     // copying a file into a container
	StepAction    Step = "action"    // running a wrapper action
	StepRollback  Step = "rollback"  // removing what a failed start created
	StepPull      Step = "pull"      // pulling an image layer
	StepDone      Step = "done"      // the operation finished
)

// EventStatus is the status of an event's target.
type EventStatus string

const (
	StatusWorking EventStatus = "working"
	StatusDone    EventStatus = "done"
	StatusWarning EventStatus = "warning"
	StatusError   EventStatus = "error"
	StatusInfo    EventStatus = "info"
)

// Event is one line of progress: a step, its target (a service, network,
// image or service/action), its status and a message.
type Event struct {
	Time    time.Time   `json:"time"`
	Step    Step        `json:"step"`
	Target  string      `json:"target,omitempty"`
	Status  EventStatus `json:"status"`
	Message string      `json:"message,omitempty"`
	Percent int         `json:"percent,omitempty"`
}

// Progress receives events; it must be safe for concurrent calls and must
// not block for long.
type Progress func(Event)

// emit sends an event when a receiver is set.
func (p Progress) emit(step Step, target string, status EventStatus, message string) {
	if p == nil {
		return
	}
	p(Event{Time: time.Now(), Step: step, Target: target, Status: status, Message: message})
}

// composeEvents turns Compose's progress into dsp events.
type composeEvents struct {
	progress Progress
	project  string
	mu       sync.Mutex
}

func (c *composeEvents) Start(context.Context, string) {}
func (c *composeEvents) Done(string, bool)             {}

func (c *composeEvents) On(events ...api.Resource) {
	if c.progress == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, r := range events {
		kind, target := c.classify(r.ID)
		if kind == "" {
			continue
		}
		status := StatusWorking
		switch r.Status {
		case api.Done:
			status = StatusDone
		case api.Warning:
			status = StatusWarning
		case api.Error:
			status = StatusError
		}
		msg := strings.TrimSpace(r.Text + " " + r.Details)
		c.progress(Event{Time: time.Now(), Step: kind, Target: target, Status: status, Message: msg, Percent: r.Percent})
	}
}

// classify maps a Compose resource id ("Container dsp_x-web-1",
// "Network dsp_x_lan", "Image foo") to a step and a short target name.
func (c *composeEvents) classify(id string) (Step, string) {
	kind, name, ok := strings.Cut(id, " ")
	if !ok {
		return "", ""
	}
	short := strings.TrimPrefix(strings.TrimPrefix(name, c.project+"-"), c.project+"_")
	switch kind {
	case "Container":
		short = strings.TrimSuffix(short, "-1")
		return StepContainer, short
	case "Network":
		return StepNetwork, short
	case "Image":
		return StepBuild, name
	case "Volume":
		return StepContainer, "volume " + short
	}
	return "", ""
}
