package server

import (
	"context"
	"fmt"
	"sync"

	"github.com/dsp-lab/dsp/internal/engine"
)

// Operation states.
const (
	opRunning = "running"
	opDone    = "done"
	opFailed  = "failed"
)

// maxEvents bounds the log an operation keeps for late viewers.
const maxEvents = 2000

// operation is a long task (start, stop, build, pull) run in the
// background; its progress streams to every open page.
type operation struct {
	ID    string `json:"id"`
	Kind  string `json:"kind"`
	Lab   string `json:"lab"`
	Image string `json:"image,omitempty"`

	mu     sync.Mutex
	state  string
	err    string
	events []engine.Event
}

// operationView is an operation as the API shows it.
type operationView struct {
	ID     string         `json:"id"`
	Kind   string         `json:"kind"`
	Lab    string         `json:"lab"`
	Image  string         `json:"image,omitempty"`
	State  string         `json:"state"`
	Error  string         `json:"error,omitempty"`
	Events []engine.Event `json:"events"`
}

func (o *operation) view() operationView {
	o.mu.Lock()
	defer o.mu.Unlock()
	return operationView{ID: o.ID, Kind: o.Kind, Lab: o.Lab, Image: o.Image, State: o.state, Error: o.err, Events: append([]engine.Event{}, o.events...)}
}

// operations runs operations, at most one per lab at a time.
type operations struct {
	ctx context.Context // the server's: operations outlive the request that started them
	hub *hub

	mu       sync.Mutex
	seq      int
	byID     map[string]*operation
	active   map[string]*operation // lab (or image) -> running operation
	finished []string              // ids of finished operations, oldest first
	latest   map[string]string     // lab -> id of its latest operation
}

func newOperations(ctx context.Context, h *hub) *operations {
	return &operations{ctx: ctx, hub: h, byID: map[string]*operation{}, active: map[string]*operation{}, latest: map[string]string{}}
}

// busyError refuses a second operation on the same lab.
type busyError struct{ running *operation }

func (e *busyError) Error() string {
	what := e.running.Lab
	if what == "" {
		what = e.running.Image
	}
	return fmt.Sprintf("%s is busy: %s (operation %s) is in progress", what, e.running.Kind, e.running.ID)
}

// start runs fn in the background as a new operation on key (a lab or an
// image), unless one is already running there.
func (ops *operations) start(kind, lab, image string, fn func(ctx context.Context, progress engine.Progress) error) (*operation, error) {
	key := lab
	if key == "" {
		key = "image:" + image
	}
	ops.mu.Lock()
	if running, ok := ops.active[key]; ok {
		ops.mu.Unlock()
		return nil, &busyError{running: running}
	}
	ops.seq++
	op := &operation{ID: fmt.Sprintf("op-%d", ops.seq), Kind: kind, Lab: lab, Image: image, state: opRunning}
	ops.byID[op.ID] = op
	ops.active[key] = op
	ops.latest[key] = op.ID
	ops.mu.Unlock()

	ops.publishState(op)
	go func() {
		err := fn(ops.ctx, func(ev engine.Event) {
			op.mu.Lock()
			if len(op.events) < maxEvents {
				op.events = append(op.events, ev)
			}
			op.mu.Unlock()
			ops.hub.publish("progress", map[string]any{"operation": op.ID, "kind": op.Kind, "lab": op.Lab, "image": op.Image, "event": ev})
		})
		op.mu.Lock()
		op.state = opDone
		if err != nil {
			op.state, op.err = opFailed, err.Error()
		}
		op.mu.Unlock()
		ops.mu.Lock()
		delete(ops.active, key)
		ops.finished = append(ops.finished, op.ID)
		for len(ops.finished) > keepFinished {
			delete(ops.byID, ops.finished[0])
			ops.finished = ops.finished[1:]
		}
		ops.mu.Unlock()
		ops.publishState(op)
	}()
	return op, nil
}

// keepFinished is how many finished operations stay readable.
const keepFinished = 100

func (ops *operations) publishState(op *operation) {
	v := op.view()
	ops.hub.publish("operation", map[string]any{"operation": v.ID, "kind": v.Kind, "lab": v.Lab, "image": v.Image, "state": v.State, "error": v.Error})
}

func (ops *operations) get(id string) (*operation, bool) {
	ops.mu.Lock()
	defer ops.mu.Unlock()
	op, ok := ops.byID[id]
	return op, ok
}

// latestID returns the id of the lab's latest operation still readable.
func (ops *operations) latestID(lab string) string {
	ops.mu.Lock()
	defer ops.mu.Unlock()
	if _, ok := ops.byID[ops.latest[lab]]; ok {
		return ops.latest[lab]
	}
	return ""
}

// running returns the operation running on a lab, if any.
func (ops *operations) running(lab string) *operation {
	ops.mu.Lock()
	defer ops.mu.Unlock()
	return ops.active[lab]
}
