package app

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/dsp-lab/dsp/internal/engine"
	"github.com/dsp-lab/dsp/internal/gitrepo"
)

// Operation kinds.
const (
	OpUp     = "up"
	OpDown   = "down"
	OpBuild  = "build"
	OpTest   = "test"
	OpChecks = "checks"
	OpPull   = "pull"
	OpApply  = "apply"
	// Repository operations.
	OpClone   = "clone"
	OpUpdate  = "update"
	OpPublish = "publish"
)

// Operation states.
const (
	OpRunning = "running"
	OpDone    = "done"
	OpFailed  = "failed"
)

// maxEvents bounds the log an operation keeps for late viewers.
const maxEvents = 2000

// keepFinished is how many finished operations stay readable.
const keepFinished = 100

// Operation is a long task (a start, a stop, a build, a test, a pull) run
// in the background; its progress streams on the App's Bus, and its log is
// kept for pages opened later.
type Operation struct {
	ID    string
	Kind  string
	Ref   *engine.Ref // the instance it works on; nil for an image or a repository
	Image string
	Repo  string // the repository a repository operation works on
	mu    sync.Mutex
	state string
	err   string
	// localChanges are the files of a LocalChangesError the operation
	// failed with.
	localChanges []string
	events       []engine.Event
	finished     chan struct{}
	// cancel ends the operation's context; only a cancellable operation
	// (a tool run, a capture) may be cancelled by the user.
	cancel      context.CancelFunc
	cancellable bool
}

// OperationView is an operation as the API shows it.
type OperationView struct {
	ID       string `json:"id"`
	Kind     string `json:"kind"`
	Lab      string `json:"lab"`
	Instance string `json:"instance,omitempty"`
	Image    string `json:"image,omitempty"`
	Repo     string `json:"repo,omitempty"`
	State    string `json:"state"`
	Error    string `json:"error,omitempty"`
	// LocalChanges lists the files edited in a repository's checkout that
	// stopped an update (it may be retried keeping them beside the new
	// ones).
	LocalChanges []string `json:"localChanges,omitempty"`
	// Cancellable says CancelOperation may stop it.
	Cancellable bool           `json:"cancellable,omitempty"`
	Events      []engine.Event `json:"events"`
}

// View returns the operation's state and whole log.
func (o *Operation) View() OperationView {
	o.mu.Lock()
	defer o.mu.Unlock()
	v := OperationView{ID: o.ID, Kind: o.Kind, Image: o.Image, Repo: o.Repo, State: o.state, Error: o.err, LocalChanges: o.localChanges, Cancellable: o.cancellable, Events: append([]engine.Event{}, o.events...)}
	if o.Ref != nil {
		v.Lab, v.Instance = o.Ref.LabID(), o.Ref.Instance
	}
	return v
}

// Wait waits until the operation ends (or ctx does) and returns its view.
func (o *Operation) Wait(ctx context.Context) OperationView {
	select {
	case <-o.finished:
	case <-ctx.Done():
	}
	return o.View()
}

func (o *Operation) event() OperationEvent {
	v := o.View()
	return OperationEvent{Operation: v.ID, Kind: v.Kind, Lab: v.Lab, Instance: v.Instance, Image: v.Image, Repo: v.Repo, State: v.State, Error: v.Error, LocalChanges: v.LocalChanges}
}

// BusyError refuses a second operation on the same instance or image.
type BusyError struct {
	Running OperationView
}

func (e *BusyError) Error() string {
	what := e.Running.Lab
	if e.Running.Instance != "" && e.Running.Instance != engine.DefaultInstance {
		what += "#" + e.Running.Instance
	}
	if what == "" {
		what = e.Running.Image
	}
	if what == "" {
		what = "repository " + e.Running.Repo
	}
	return fmt.Sprintf("%s is busy: %s (operation %s) is in progress", what, e.Running.Kind, e.Running.ID)
}

// Conflict classifies the error (errdefs).
func (e *BusyError) Conflict() {}

// operations runs operations, at most one per instance (or image) at a
// time in this App; the engine's locks keep other processes out.
type operations struct {
	a        *App
	wg       sync.WaitGroup
	mu       sync.Mutex
	seq      int
	byID     map[string]*Operation
	active   map[string]*Operation // key -> running operation
	latestID map[string]string     // key -> id of its latest operation
	finished []string              // ids of finished operations, oldest first
}

func newOperations(a *App) *operations {
	return &operations{a: a, byID: map[string]*Operation{}, active: map[string]*Operation{}, latestID: map[string]string{}}
}

func refKey(ref engine.Ref) string { return "lab:" + ref.String() }

func imageKey(image string) string { return "image:" + image }

func repoKey(repo string) string { return "repo:" + repo }

// start runs fn in the background as a new operation, unless one runs on
// the same instance or image already.
func (ops *operations) start(kind string, ref *engine.Ref, image string, fn func(ctx context.Context, progress engine.Progress) error) (*Operation, error) {
	key := imageKey(image)
	if ref != nil {
		key = refKey(*ref)
	}
	return ops.begin(key, &Operation{Kind: kind, Ref: ref, Image: image}, fn)
}

// startRepo runs fn in the background as an operation on a repository,
// unless one runs on it already.
func (ops *operations) startRepo(kind, repo string, fn func(ctx context.Context, progress engine.Progress) error) (*Operation, error) {
	return ops.begin(repoKey(repo), &Operation{Kind: kind, Repo: repo}, fn)
}

// startCancellable runs fn in the background as an operation the user
// may cancel, beside any other operation on the same instance.
func (ops *operations) startCancellable(kind string, ref *engine.Ref, fn func(ctx context.Context, progress engine.Progress) error) (*Operation, error) {
	op := &Operation{Kind: kind, Ref: ref, cancellable: true}
	return ops.begin(fmt.Sprintf("run:%p", op), op, fn)
}

// runningOnRepo returns the operation running on a repository, or nil.
func (ops *operations) runningOnRepo(repo string) *Operation {
	ops.mu.Lock()
	defer ops.mu.Unlock()
	return ops.active[repoKey(repo)]
}

// begin registers op under key and runs fn for it.
func (ops *operations) begin(key string, op *Operation, fn func(ctx context.Context, progress engine.Progress) error) (*Operation, error) {
	kind, ref := op.Kind, op.Ref
	ops.mu.Lock()
	if running, ok := ops.active[key]; ok {
		ops.mu.Unlock()
		return nil, &BusyError{Running: running.View()}
	}
	ops.seq++
	op.ID, op.state, op.finished = fmt.Sprintf("op-%d", ops.seq), OpRunning, make(chan struct{})
	ctx, cancel := context.WithCancel(ops.a.bg)
	op.cancel = cancel
	ops.byID[op.ID] = op
	ops.active[key] = op
	ops.latestID[key] = op.ID
	ops.wg.Add(1)
	ops.mu.Unlock()

	ops.a.events.publish(EventOperation, op.event())
	if ref != nil {
		switch kind {
		case OpUp:
			ops.a.states.caused(*ref, engine.StateStarting)
		case OpDown:
			ops.a.states.caused(*ref, engine.StateStopping)
		}
	}
	go ops.run(ctx, key, op, fn)
	return op, nil
}

func (ops *operations) run(ctx context.Context, key string, op *Operation, fn func(ctx context.Context, progress engine.Progress) error) {
	defer ops.wg.Done()
	defer op.cancel()
	v := op.View()
	err := fn(ctx, func(ev engine.Event) {
		op.mu.Lock()
		if len(op.events) < maxEvents {
			op.events = append(op.events, ev)
		}
		op.mu.Unlock()
		ops.a.events.publish(EventProgress, ProgressEvent{Operation: v.ID, Kind: v.Kind, Lab: v.Lab, Instance: v.Instance, Image: v.Image, Repo: v.Repo, Event: ev})
	})
	op.mu.Lock()
	op.state = OpDone
	if err != nil {
		op.state, op.err = OpFailed, err.Error()
		var local *gitrepo.LocalChangesError
		if errors.As(err, &local) {
			op.localChanges = local.Files
		}
	}
	op.mu.Unlock()
	if err != nil {
		ops.a.log.Info("operation failed", "kind", op.Kind, "lab", v.Lab, "instance", v.Instance, "image", v.Image, "repo", v.Repo, "err", err)
	}
	ops.mu.Lock()
	delete(ops.active, key)
	ops.finished = append(ops.finished, op.ID)
	for len(ops.finished) > keepFinished {
		delete(ops.byID, ops.finished[0])
		ops.finished = ops.finished[1:]
	}
	ops.mu.Unlock()
	close(op.finished)
	if op.Ref != nil {
		ops.a.states.changed(*op.Ref)
	}
	ops.a.events.publish(EventOperation, op.event())
}

// wait waits for every operation to end.
func (ops *operations) wait() { ops.wg.Wait() }

func (ops *operations) get(id string) (*Operation, bool) {
	ops.mu.Lock()
	defer ops.mu.Unlock()
	op, ok := ops.byID[id]
	return op, ok
}

// latest returns the id of the instance's latest operation still
// readable, or "".
func (ops *operations) latest(ref engine.Ref) string {
	ops.mu.Lock()
	defer ops.mu.Unlock()
	id := ops.latestID[refKey(ref)]
	if _, ok := ops.byID[id]; ok {
		return id
	}
	return ""
}

// running returns the operation running on an instance, or nil.
func (ops *operations) running(ref engine.Ref) *Operation {
	ops.mu.Lock()
	defer ops.mu.Unlock()
	return ops.active[refKey(ref)]
}

// NotCancellableError refuses to cancel an operation that must run to its
// end (a start rolls back by itself; a stop cannot stop half-way).
type NotCancellableError struct{ Operation OperationView }

func (e *NotCancellableError) Error() string {
	return fmt.Sprintf("operation %s (%s) cannot be cancelled", e.Operation.ID, e.Operation.Kind)
}

// FailedPrecondition classifies the error (errdefs).
func (e *NotCancellableError) FailedPrecondition() {}

// OperationNotFoundError means no operation of that id is readable.
type OperationNotFoundError struct{ ID string }

func (e *OperationNotFoundError) Error() string { return fmt.Sprintf("no operation %q", e.ID) }

// NotFound classifies the error (errdefs).
func (e *OperationNotFoundError) NotFound() {}

// CancelOperation cancels a cancellable operation; one that has ended
// already is left as it ended.
func (a *App) CancelOperation(id string) (*Operation, error) {
	op, ok := a.ops.get(id)
	if !ok {
		return nil, &OperationNotFoundError{ID: id}
	}
	if !op.cancellable {
		return nil, &NotCancellableError{Operation: op.View()}
	}
	op.cancel()
	return op, nil
}

// Operation returns an operation of this App by id.
func (a *App) Operation(id string) (*Operation, bool) { return a.ops.get(id) }

// LatestOperation returns the id of the latest operation on an instance
// that is still readable, or "".
func (a *App) LatestOperation(ref engine.Ref) string { return a.ops.latest(ref) }

// Operations lists the operations of this App still readable, oldest
// first.
func (a *App) Operations() []OperationView {
	a.ops.mu.Lock()
	list := make([]*Operation, 0, len(a.ops.byID))
	for _, op := range a.ops.byID {
		list = append(list, op)
	}
	a.ops.mu.Unlock()
	out := make([]OperationView, len(list))
	for i, op := range list {
		out[i] = op.View()
	}
	sort.Slice(out, func(i, j int) bool { return opNumber(out[i].ID) < opNumber(out[j].ID) })
	return out
}

// opNumber is the sequence number of an operation id ("op-12").
func opNumber(id string) int {
	n, _ := strconv.Atoi(strings.TrimPrefix(id, "op-"))
	return n
}
