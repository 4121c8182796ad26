package engine

import "time"

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
	StepGit       Step = "git"       // cloning, fetching or pushing a lab repository
	StepTool      Step = "tool"      // a line of a one-shot tool's output
	StepCapture   Step = "capture"   // a packet capture started, stopped or failed
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
// not block for long. A nil Progress drops them.
type Progress func(Event)

// Emit sends an event when a receiver is set.
func (p Progress) Emit(step Step, target string, status EventStatus, message string) {
	if p == nil {
		return
	}
	p(Event{Time: time.Now(), Step: step, Target: target, Status: status, Message: message})
}

// Send passes an event on when a receiver is set.
func (p Progress) Send(ev Event) {
	if p != nil {
		p(ev)
	}
}
