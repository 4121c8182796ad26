// Package engine is what dsp asks of whatever runs its labs: start and stop
// lab instances, read their state, and reach into their services (exec,
// interactive sessions, files, network connections). Every call names the
// instance with a Ref.
//
// The package holds the interface and the types it speaks in, like
// Compose's pkg/api. internal/engine/local implements it on the local
// Docker Engine; internal/engine/fake implements it in memory, for tests
// that need no Docker. A cluster (Docker Swarm) is another implementation.
package engine

import (
	"context"
	"io"
	"net"
	"time"

	"github.com/dsp-lab/dsp/internal/archive"
	"github.com/dsp-lab/dsp/internal/lab"
)

// Engine runs lab instances.
type Engine interface {
	Labs
	Services
	Toolboxes
	Links
	Captures
	Images
	// Close releases the connection to the engine.
	Close() error
}

// Labs starts, stops and watches lab instances.
type Labs interface {
	// Up starts an instance of l: it checks everything first, builds what
	// must be built, creates the networks and containers, copies files and
	// runs the wrapper actions. When a step fails, or ctx is cancelled,
	// everything the start created is removed.
	Up(ctx context.Context, ref Ref, l *lab.Lab, opts UpOptions) error
	// Down stops an instance and removes everything it created. l may be
	// nil (a lab whose folder is gone can still be stopped).
	Down(ctx context.Context, ref Ref, l *lab.Lab, opts DownOptions) error
	// Status reads an instance's state. When l is given, services without
	// a container are listed as missing.
	Status(ctx context.Context, ref Ref, l *lab.Lab) (*Status, error)
	// Instances lists every instance that exists, with its state.
	Instances(ctx context.Context) ([]Instance, error)
	// Events calls onChange with the instance of every change the engine
	// sees (a container started, died, a network removed…) until ctx ends.
	Events(ctx context.Context, onChange func(Ref))
	// Logs writes the output of an instance's containers to w.
	Logs(ctx context.Context, ref Ref, opts LogsOptions, w io.Writer) error
	// SubmitFlag reports whether flag is one of the running instance's
	// flags: a *NotRunningError when it is not started, ErrNoFlag when its
	// lab plants none.
	SubmitFlag(ctx context.Context, ref Ref, flag string) (bool, error)
	// Build builds the images of the lab's build: sections.
	Build(ctx context.Context, l *lab.Lab, opts BuildOptions) error
	// Plan says what Apply would change in a running instance to make it
	// run l (a *NotRunningError when it is not running).
	Plan(ctx context.Context, ref Ref, l *lab.Lab, opts UpOptions) (*Plan, error)
	// Apply changes a running instance in place so that it runs l: the
	// services whose definition changed are recreated (their files copied
	// and their actions run again), new ones created, those l no longer
	// has removed; the others keep running untouched. The instance keeps
	// its flag.
	Apply(ctx context.Context, ref Ref, l *lab.Lab, opts UpOptions) (*Plan, error)
}

// Plan is what applying an edited lab to a running instance changes, by
// service name.
type Plan struct {
	Recreate  []string `json:"recreate"`
	Create    []string `json:"create"`
	Remove    []string `json:"remove"`
	Unchanged []string `json:"unchanged"`
}

// Changed lists the services Apply starts anew (recreated or created).
func (p *Plan) Changed() []string { return append(append([]string{}, p.Recreate...), p.Create...) }

// Services reaches into the running container of one service of an
// instance. A service without a running container is a *NotRunningError.
type Services interface {
	// Exec runs argv (as is: a shell runs only when argv asks for one) and
	// returns its exit code and output (the last 64 KiB); onLine, when
	// set, gets each line as it comes.
	Exec(ctx context.Context, ref Ref, service string, argv []string, onLine func(string)) (int, string, error)
	// Attach starts an interactive process (a shell by default).
	Attach(ctx context.Context, ref Ref, service string, opts AttachOptions) (Session, error)
	// StatPath describes a path in the container (a NotFound-kind error
	// when it does not exist); symbolic links are not followed.
	StatPath(ctx context.Context, ref Ref, service, path string) (archive.PathStat, error)
	// CopyIn extracts the tar stream content into the folder dir.
	CopyIn(ctx context.Context, ref Ref, service, dir string, content io.Reader) error
	// CopyOut returns path as a tar stream.
	CopyOut(ctx context.Context, ref Ref, service, path string) (io.ReadCloser, error)
	// Dial returns a dialer that connects from inside the service's network
	// namespace: with its addresses, routes and DNS, as the service would.
	Dial(ctx context.Context, ref Ref, service string) (Dialer, error)
}

// Images manages the images labs run on.
type Images interface {
	Images(ctx context.Context) ([]Image, error)
	// ImagePresent reports whether an image is on the engine, and its size.
	ImagePresent(ctx context.Context, ref string) (bool, int64, error)
	// Pull pulls an image, with per-layer progress.
	Pull(ctx context.Context, ref string, progress Progress) error
	// RemoveImage removes an image; an *InUseError while a lab uses it.
	RemoveImage(ctx context.Context, ref string) error
	// Version describes the engine.
	Version(ctx context.Context) (Version, error)
	// ConvertDisk converts a VM disk image (VMDK, VDI, qcow2, raw…) into a
	// qcow2 file, with progress.
	ConvertDisk(ctx context.Context, src, dst string, progress Progress) error
}

// UpOptions tune a start.
type UpOptions struct {
	// Trusted says the lab's repository is trusted: the lab may ask for
	// what gives its containers power over the host (its risks).
	Trusted  bool
	Progress Progress
	// Flag is the instance's flag, for a lab that declares one; a fresh
	// random flag is made when it is empty.
	Flag string
	// Expose publishes the lab's ports on the addresses its compose file
	// names (all of the host's, usually); otherwise every published port
	// binds 127.0.0.1, so that deliberately vulnerable services are not
	// offered to the network.
	Expose bool
	// Limits bound each container that sets no limit of its own.
	Limits Limits
}

// Limits bound what one container of a lab may use. Zero is no limit.
type Limits struct {
	Memory int64   `json:"memory,omitempty"` // bytes
	CPUs   float64 `json:"cpus,omitempty"`
	Pids   int64   `json:"pids,omitempty"` // processes (and threads)
}

// DefaultPidsLimit bounds the processes of a container whose lab sets no
// limit: a fork bomb in a lab stays in its container.
const DefaultPidsLimit = 2048

// DownOptions tune a stop.
type DownOptions struct {
	Progress Progress
}

// LogsOptions select what Logs prints.
type LogsOptions struct {
	Services []string // empty for all
	Follow   bool
	Tail     string // number of lines from the end, or "all"
}

// BuildOptions tune a build.
type BuildOptions struct {
	// All rebuilds images that exist already; otherwise only missing
	// images are built.
	All      bool
	Progress Progress
}

// AttachOptions describe an interactive process.
type AttachOptions struct {
	// Cmd is the argv to run; empty runs the container's shell (bash when
	// the image has it, else sh).
	Cmd []string
	// TTY gives the process a terminal of Cols x Rows.
	TTY        bool
	Cols, Rows uint
	// Env adds environment variables (KEY=value).
	Env []string
	// Stderr receives standard error when there is no TTY; nil sends it to
	// Read, interleaved with standard output.
	Stderr io.Writer
}

// Session is an interactive process in a container.
type Session interface {
	// Read reads the process's output; Write writes to its input.
	io.ReadWriter
	// CloseWrite ends the process's input.
	CloseWrite() error
	// Resize changes the terminal's size.
	Resize(ctx context.Context, cols, rows uint) error
	// Wait waits until the process ends and returns its exit code;
	// ErrGone when its container went away first.
	Wait(ctx context.Context) (int, error)
	// Close ends the process (if it still runs) and releases the session.
	Close() error
	// ID names the session in logs.
	ID() string
}

// Dialer connects from inside a service's network namespace.
type Dialer interface {
	DialContext(ctx context.Context, network, address string) (net.Conn, error)
}

// Image is an image on the engine.
type Image struct {
	ID      string   `json:"id"`
	Tags    []string `json:"tags"`
	Size    int64    `json:"size"`
	Created int64    `json:"created"` // unix seconds
	UsedBy  []string `json:"usedBy"`  // instances (REPO/LAB[#INSTANCE]) whose containers use it
	// Labels are the image's labels (a wrapped image's actions, ports,
	// type: the Docker Image Wrapper convention).
	Labels map[string]string `json:"labels"`
}

// Version describes an engine.
type Version struct {
	Version    string `json:"version"`
	APIVersion string `json:"apiVersion"`
}

// DefaultStopTimeout is the grace period before SIGKILL when a lab stops:
// none. Stopping a lab removes its containers, so nothing a graceful stop
// would save survives anyway, and most lab images run a PID 1 that ignores
// SIGTERM and would cost Docker's usual 10 s each. A lab that wants a
// graceful stop sets x-dsp.stop_timeout; a service, stop_grace_period.
const DefaultStopTimeout time.Duration = 0
