// Package fake is an in-memory engine.Engine, for tests of dsp that need no
// Docker: the application, the CLI and the HTTP API run against it as they
// would against internal/engine/local, and see the same states, errors and
// progress events.
//
// A fake start checks the lab as the real engine does (trust, files,
// images, subnets), builds its build: images (they become present), gives
// every service a container with an id, addresses and published ports,
// copies the lab's files into an in-memory file tree per container, runs
// the wrapper actions and plants the flag. Commands run by a tiny shell
// (echo, cat, test, sleep, sh -c, redirections…; see Process.Default), or
// by a handler the test installs (WithExec). Nothing touches the host.
//
// Tests steer it with options (WithImages, WithPullable, WithNetwork,
// WithExec, WithDial) and knobs: Hold and WaitHeld (a start or stop waits
// while tests look at a busy instance), FailNext and InterruptNext (a start
// fails, or stops half-way, at a chosen step), FailBuild, AddImage,
// SetServiceState and SetHealth (a container dies, a healthcheck fails),
// AppendLog, ReadFile and WriteFile, Sessions (the interactive processes
// that still run) and WaitListeners (Events listens).
//
// Where it differs from Docker on purpose: the fake has none of an
// image's programs or folders, so in wrapper actions a program it does not
// know succeeds without doing anything, the built-in ctf action and the
// lab's files make the folders they need, and actions of one priority run
// one after the other (in the lab's order) rather than in parallel.
package fake

import (
	"crypto/rand"
	"encoding/hex"
	"net/netip"
	"sort"
	"sync"
	"time"

	"github.com/dsp-lab/dsp/internal/engine"
)

// Engine is an in-memory engine.Engine. It is safe for concurrent use. Its
// zero value is not usable: make one with New.
type Engine struct {
	mu sync.Mutex

	instances map[engine.Ref]*instance
	ops       map[engine.Ref]string // the operation holding each busy instance
	holds     map[engine.Ref]*hold
	failures  map[engine.Ref]*failure
	images    map[string]*image // by normalised name
	pullable  map[string]bool
	buildErrs map[string]error // image -> the error its next build fails with
	networks  []hostNetwork    // networks that are not labs', holding subnets
	sessions  map[*session]struct{}
	subs      map[*subscriber]struct{}
	subsWake  chan struct{} // closed and replaced when an Events call begins or ends
	logWake   chan struct{} // closed and replaced when a log line is added
	nextPort  uint16
	seq       uint64

	noNetem bool // WithoutNetem

	execHandler ExecHandler
	dialHandler DialHandler
	created     time.Time
}

// Compile-time proof that Engine is an engine.Engine.
var _ engine.Engine = (*Engine)(nil)

// Option configures an Engine.
type Option func(*Engine)

// WithImages makes images present from the start ("dsp/busybox:latest";
// names are normalised as Docker does: "busybox" is "busybox:latest").
func WithImages(refs ...string) Option {
	return func(e *Engine) {
		for _, r := range refs {
			e.addImageLocked(r)
		}
	}
}

// WithPullable lets Pull succeed for these images (with per-layer
// progress); any other pull fails as if the registry could not be reached.
func WithPullable(refs ...string) Option {
	return func(e *Engine) {
		for _, r := range refs {
			e.pullable[normalizeImage(r)] = true
		}
	}
}

// WithNetwork adds a network that belongs to no lab (another project's, or
// one made with `docker network create`), holding subnet (a CIDR prefix;
// anything else panics): a start whose fixed subnet overlaps it is refused
// with a *engine.SubnetInUseError naming it, and dynamic subnets avoid it.
func WithNetwork(name, subnet string) Option {
	return func(e *Engine) {
		e.networks = append(e.networks, hostNetwork{name: name, subnet: netip.MustParsePrefix(subnet).Masked()})
	}
}

// WithExec installs the handler that runs every process (Exec, the
// commands of sessions and of sh -c scripts, wrapper actions). It may call
// p.Default to get the fake's own behaviour.
func WithExec(h ExecHandler) Option {
	return func(e *Engine) { e.execHandler = h }
}

// WithDial installs the handler of connections made with Dial. It may call
// r.Default to get the fake's own behaviour (connection refused).
func WithDial(h DialHandler) Option {
	return func(e *Engine) { e.dialHandler = h }
}

// New returns an engine with nothing running and no image unless options
// say otherwise.
func New(opts ...Option) *Engine {
	e := &Engine{
		instances: map[engine.Ref]*instance{},
		ops:       map[engine.Ref]string{},
		holds:     map[engine.Ref]*hold{},
		failures:  map[engine.Ref]*failure{},
		images:    map[string]*image{},
		pullable:  map[string]bool{},
		buildErrs: map[string]error{},
		sessions:  map[*session]struct{}{},
		subs:      map[*subscriber]struct{}{},
		subsWake:  make(chan struct{}),
		logWake:   make(chan struct{}),
		nextPort:  firstEphemeralPort,
		created:   time.Now(),
	}
	for _, o := range opts {
		o(e)
	}
	return e
}

// Close releases nothing: the fake holds no connection. Instances keep
// running, as they do when dsp closes its connection to Docker.
func (e *Engine) Close() error { return nil }

// Project is the compose project name the fake gives an instance, shaped
// like the real engine's: dsp_REPO_LAB[_INSTANCE]_HASH.
func (e *Engine) Project(ref engine.Ref) string { return engine.ProjectName("fake", normalizeRef(ref)) }

// normalizeRef fills in the default instance, so that Ref{…, Instance: ""}
// and NewRef's value name the same instance.
func normalizeRef(ref engine.Ref) engine.Ref {
	if ref.Instance == "" {
		ref.Instance = engine.DefaultInstance
	}
	return ref
}

// newID returns a random 64-hex-digit id, like Docker's.
func newID() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// lock takes the instance for an operation; it never waits.
func (e *Engine) lock(ref engine.Ref, op string) (unlock func(), err error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if holder := e.ops[ref]; holder != "" {
		return nil, &engine.BusyError{Ref: ref, Operation: holder}
	}
	e.ops[ref] = op
	e.notifyLocked(ref)
	return func() {
		e.mu.Lock()
		defer e.mu.Unlock()
		delete(e.ops, ref)
		e.notifyLocked(ref)
	}, nil
}

// sortedKeys returns the keys of m in order.
func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// since rounds the time since t for progress messages.
func since(t time.Time) time.Duration {
	return time.Since(t).Round(10 * time.Millisecond)
}
