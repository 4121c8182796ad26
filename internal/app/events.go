package app

import (
	"context"
	"strings"
	"sync"
	"time"

	"github.com/dsp-lab/dsp/internal/engine"
)

// Event names on the Bus.
const (
	EventState     = "state"     // an instance's state changed: StateEvent
	EventProgress  = "progress"  // a step of an operation: ProgressEvent
	EventOperation = "operation" // an operation started or ended: OperationEvent
	EventRepos     = "repos"     // a repository was added, updated or removed: RepoEvent
)

// Message is one event on the Bus: its name and its payload (one of
// StateEvent, ProgressEvent, OperationEvent).
type Message struct {
	Name    string
	Payload any
}

// StateEvent says an instance's state changed.
type StateEvent struct {
	Lab      string         `json:"lab"` // REPO/LAB
	Instance string         `json:"instance"`
	State    engine.State   `json:"state"`
	Status   *engine.Status `json:"status,omitempty"`
}

// ProgressEvent is one step of an operation.
type ProgressEvent struct {
	Operation string       `json:"operation"`
	Kind      string       `json:"kind"`
	Lab       string       `json:"lab,omitempty"`
	Instance  string       `json:"instance,omitempty"`
	Image     string       `json:"image,omitempty"`
	Repo      string       `json:"repo,omitempty"`
	Event     engine.Event `json:"event"`
}

// RepoEvent says a repository changed (added, updated, published or
// removed).
type RepoEvent struct {
	Repo string `json:"repo"`
}

// OperationEvent says an operation started or ended.
type OperationEvent struct {
	Operation string `json:"operation"`
	Kind      string `json:"kind"`
	Lab       string `json:"lab,omitempty"`
	Instance  string `json:"instance,omitempty"`
	Image     string `json:"image,omitempty"`
	Repo      string `json:"repo,omitempty"`
	State     string `json:"state"`
	Error     string `json:"error,omitempty"`
	// LocalChanges are the files that stopped an update (see
	// OperationView).
	LocalChanges []string `json:"localChanges,omitempty"`
}

// Bus fans events out to every subscriber. A subscriber that does not keep
// up is dropped, its channel closed, rather than slowing the others or
// missing an event silently: a page behind it reconnects and reads again
// what it shows.
type Bus struct {
	mu   sync.Mutex
	subs map[chan Message]struct{}
}

func newBus() *Bus { return &Bus{subs: map[chan Message]struct{}{}} }

// Subscribe returns a channel of events and a function that ends the
// subscription.
//
// The channel is closed when the subscriber fell behind (its buffer of
// busBuffer events was full): it has missed events.
func (b *Bus) Subscribe() (<-chan Message, func()) {
	ch := make(chan Message, busBuffer)
	b.mu.Lock()
	b.subs[ch] = struct{}{}
	b.mu.Unlock()
	return ch, func() {
		b.mu.Lock()
		delete(b.subs, ch)
		b.mu.Unlock()
	}
}

// busBuffer is how many events a subscriber may be behind.
const busBuffer = 2048

// Subscribers counts the open subscriptions.
func (b *Bus) Subscribers() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return len(b.subs)
}

func (b *Bus) publish(name string, payload any) {
	b.mu.Lock()
	defer b.mu.Unlock()
	for ch := range b.subs {
		select {
		case ch <- Message{Name: name, Payload: payload}:
		default:
			delete(b.subs, ch)
			close(ch)
		}
	}
}

// Watch publishes the state changes of lab instances until ctx ends: those
// the engine reports (a lab stopped with the CLI, a container killed with
// docker show within a second) and those the App's own operations cause.
func (a *App) Watch(ctx context.Context) {
	eng, err := a.Engine(ctx)
	if err != nil {
		a.log.Warn("no live lab states", "err", err)
		return
	}
	go eng.Events(ctx, a.states.changed)
	a.states.run(ctx)
}

// stateTracker turns engine events and the App's operations into state
// events. The engine reports an event slightly before its lists show the
// change, and the end of an operation in another process makes no event,
// so an instance is checked again after each event, and while it is in
// transition, until its state settles; only changes are published.
type stateTracker struct {
	a    *App
	mu   sync.Mutex
	due  map[engine.Ref]time.Time // next check of each instance with pending checks
	left map[engine.Ref]int       // checks left after the next one
	last map[engine.Ref]engine.State
	// toolboxes holds the toolboxes each instance had when last
	// published: attaching or detaching one changes what the lab page
	// shows without changing the state.
	toolboxes map[engine.Ref]string
	kick      chan struct{}
}

// recheck is how often an instance is looked at again after a change.
const recheck = 400 * time.Millisecond

// settleChecks is how many checks follow a change when nothing moves.
const settleChecks = 5

func newStateTracker(a *App) *stateTracker {
	return &stateTracker{a: a, due: map[engine.Ref]time.Time{}, left: map[engine.Ref]int{}, last: map[engine.Ref]engine.State{}, toolboxes: map[engine.Ref]string{}, kick: make(chan struct{}, 1)}
}

// changed schedules checks of an instance.
func (t *stateTracker) changed(ref engine.Ref) {
	t.mu.Lock()
	t.due[ref] = time.Now().Add(150 * time.Millisecond)
	t.left[ref] = settleChecks
	t.mu.Unlock()
	select {
	case t.kick <- struct{}{}:
	default:
	}
}

// caused publishes a state the App itself put an instance in (an
// operation started), then checks it until it settles.
func (t *stateTracker) caused(ref engine.Ref, state engine.State) {
	t.mu.Lock()
	publish := t.last[ref] != state
	t.last[ref] = state
	t.mu.Unlock()
	if publish {
		t.a.events.publish(EventState, StateEvent{Lab: ref.LabID(), Instance: ref.Instance, State: state})
	}
	t.changed(ref)
}

func (t *stateTracker) run(ctx context.Context) {
	ticker := time.NewTicker(100 * time.Millisecond)
	defer ticker.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.kick:
		case <-ticker.C:
		}
		for _, ref := range t.dueNow() {
			t.check(ctx, ref)
		}
	}
}

// dueNow returns the instances whose check is due.
func (t *stateTracker) dueNow() []engine.Ref {
	t.mu.Lock()
	defer t.mu.Unlock()
	now := time.Now()
	var out []engine.Ref
	for ref, at := range t.due {
		if !at.After(now) {
			out = append(out, ref)
		}
	}
	return out
}

// check reads an instance's state, publishes it when it changed, and
// schedules the next check while it may still move.
func (t *stateTracker) check(ctx context.Context, ref engine.Ref) {
	st, err := t.status(ctx, ref)
	t.mu.Lock()
	transitional := err == nil && (st.State == engine.StateStarting || st.State == engine.StateStopping || t.a.ops.running(ref) != nil)
	if transitional {
		t.left[ref] = settleChecks
	}
	if t.left[ref] > 0 {
		t.left[ref]--
		t.due[ref] = time.Now().Add(recheck)
	} else {
		delete(t.due, ref)
		delete(t.left, ref)
	}
	// While an operation of this App runs, the state it caused stands.
	publish := false
	if err == nil && t.a.ops.running(ref) == nil {
		tb := toolboxNames(st)
		publish = t.last[ref] != st.State || t.toolboxes[ref] != tb
		t.last[ref], t.toolboxes[ref] = st.State, tb
	}
	t.mu.Unlock()
	if err != nil {
		t.a.log.Warn("lab status", "lab", ref, "err", err)
		return
	}
	if publish {
		t.a.events.publish(EventState, StateEvent{Lab: ref.LabID(), Instance: ref.Instance, State: st.State, Status: st})
	}
}

// toolboxNames is what of an instance's toolboxes a page shows.
func toolboxNames(st *engine.Status) string {
	var b strings.Builder
	for _, tb := range st.Toolboxes {
		b.WriteString(tb.Name + "=" + tb.State + ";")
	}
	return b.String()
}

// status reads an instance's state, with its lab's services when the lab
// can still be loaded.
func (t *stateTracker) status(ctx context.Context, ref engine.Ref) (*engine.Status, error) {
	eng, err := t.a.Engine(ctx)
	if err != nil {
		return nil, err
	}
	var lt *Target
	if ref.Owner == "" {
		lt, _ = t.a.LabByName(ctx, ref.Repo, ref.Lab)
	}
	if lt == nil || lt.LoadErr != nil {
		return eng.Status(ctx, ref, nil)
	}
	return eng.Status(ctx, ref, lt.Lab)
}
