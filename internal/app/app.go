// Package app is dsp's application layer: every use case, once. The CLI
// (cmd/dsp) and the web server (internal/server) parse what the user asked,
// call the App, and render its answer; neither holds a rule of its own.
// Rules live here: how a lab argument is resolved (a name or a path, with
// symbolic links resolved), which labs are trusted, which services a user
// may reach into, which operations may run at once, where test reports are
// kept.
package app

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"path/filepath"
	"sync"

	"github.com/dsp-lab/dsp/internal/catalog"
	"github.com/dsp-lab/dsp/internal/engine"
	"github.com/dsp-lab/dsp/internal/labtest"
)

// HomeEnv names the environment variable that selects the main directory.
const HomeEnv = catalog.HomeEnv

// Connect connects to the engine that runs the labs of one main
// directory: lockDir holds its cross-process locks, namespace keeps its
// labs apart from other main directories' on the same engine.
type Connect func(ctx context.Context, lockDir, namespace string) (engine.Engine, error)

// Options configure an App.
type Options struct {
	// Home is the main directory.
	Home string
	// Seed is the example repository installed into a new main directory.
	Seed fs.FS
	// Connect connects to the engine on first use. Engine, when set, is
	// used instead.
	Connect Connect
	Engine  engine.Engine
	Logger  *slog.Logger
}

// App is an opened main directory and the engine its labs run on.
type App struct {
	catalog *catalog.Catalog
	seed    fs.FS
	log     *slog.Logger

	connect Connect
	engMu   sync.Mutex
	eng     engine.Engine
	engErr  error

	// bg bounds work that outlives the call that started it (operations).
	bg     context.Context
	stop   context.CancelFunc
	ops    *operations
	events *Bus
	states *stateTracker
	caps   *captures
}

// Open opens the main directory (creating it, with a personal repository
// and the examples, when new). ctx bounds the App's background work:
// operations are cancelled, and their labs rolled back, when it ends.
func Open(ctx context.Context, opts Options) (*App, error) {
	c, err := catalog.Open(opts.Home, opts.Seed)
	if err != nil {
		return nil, err
	}
	logger := opts.Logger
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	bg, stop := context.WithCancel(ctx)
	a := &App{catalog: c, seed: opts.Seed, log: logger, connect: opts.Connect, eng: opts.Engine, bg: bg, stop: stop, events: newBus()}
	if opts.Engine == nil && opts.Connect == nil {
		a.engErr = errors.New("no engine to run labs on")
	}
	a.ops = newOperations(a)
	a.states = newStateTracker(a)
	a.caps = newCaptures()
	return a, nil
}

// Close stops background work and releases the engine.
func (a *App) Close() error {
	a.stop()
	a.ops.wait()
	a.closeCaptures()
	a.engMu.Lock()
	defer a.engMu.Unlock()
	if a.eng != nil {
		return a.eng.Close()
	}
	return nil
}

// Home is the main directory.
func (a *App) Home() string { return a.catalog.Home }

// StateDir is where dsp keeps its own files in the main directory.
func (a *App) StateDir() string { return a.catalog.StateDir() }

// Engine returns the engine, connecting on first use. A failed connection
// is remembered: the App does not retry.
func (a *App) Engine(ctx context.Context) (engine.Engine, error) {
	a.engMu.Lock()
	defer a.engMu.Unlock()
	if a.eng != nil || a.engErr != nil {
		return a.eng, a.engErr
	}
	eng, err := a.connect(ctx, filepath.Join(a.catalog.StateDir(), "locks"), a.catalog.Home)
	if err != nil {
		a.engErr = &EngineError{Err: err}
		return nil, a.engErr
	}
	a.eng = eng
	return eng, nil
}

// EngineError means the engine cannot be reached.
type EngineError struct{ Err error }

func (e *EngineError) Error() string { return fmt.Sprintf("cannot reach the Docker Engine: %v", e.Err) }

func (e *EngineError) Unwrap() error { return e.Err }

// Unavailable classifies the error (errdefs).
func (e *EngineError) Unavailable() {}

// Events is the stream of what happens to labs and operations, for live
// pages.
func (a *App) Events() *Bus { return a.events }

// tests is where each lab's last test or checks report is kept.
func (a *App) tests() labtest.Store {
	return labtest.Store{Dir: filepath.Join(a.catalog.StateDir(), "tests")}
}
