package app

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/dsp-lab/dsp/internal/atomicfile"
	"github.com/dsp-lab/dsp/internal/capture"
	"github.com/dsp-lab/dsp/internal/engine"
	"github.com/dsp-lab/dsp/internal/lab"
	"github.com/dsp-lab/dsp/internal/packet"
	"github.com/dsp-lab/dsp/internal/pcapng"
)

// EventCapture names the Bus event of a capture that started or ended:
// a CaptureView.
const EventCapture = "capture"

// Capture states.
const (
	CaptureRunning = "running"
	CaptureStopped = "stopped"
	CaptureFailed  = "failed"
)

// MaxCaptures bounds the captures that run at once in one App.
const MaxCaptures = 8

// capturesDir is where captures are kept in the main directory's .dsp.d:
// ID.pcapng beside ID.json, its description.
const capturesDir = "captures"

// CaptureRequest is a capture to start: a lab network, or a service's lab
// interfaces (on Network only, when both are given).
type CaptureRequest struct {
	Network string `json:"network,omitempty"`
	Service string `json:"service,omitempty"`
	// Filter keeps only the packets it matches (tcpdump's syntax, in
	// part: see package packet).
	Filter string `json:"filter,omitempty"`
	// Count stops the capture after that many packets; 0: no limit.
	Count int `json:"count,omitempty"`
	// Duration stops it after that long ("30s", "5m"); "": no limit.
	Duration string `json:"duration,omitempty"`
}

// CaptureView is a capture as the API shows it, running or ended.
type CaptureView struct {
	ID         string               `json:"id"`
	Lab        string               `json:"lab"`
	Instance   string               `json:"instance"`
	Target     engine.CaptureTarget `json:"target"`
	Filter     string               `json:"filter,omitempty"`
	Count      int                  `json:"count,omitempty"`
	Duration   string               `json:"duration,omitempty"`
	State      string               `json:"state"`
	Error      string               `json:"error,omitempty"`
	Started    time.Time            `json:"started"`
	Stopped    *time.Time           `json:"stopped,omitempty"`
	Packets    uint64               `json:"packets"`
	Bytes      uint64               `json:"bytes"`
	Dropped    uint64               `json:"dropped"`
	Size       int64                `json:"size"` // of the file, in bytes
	Interfaces []string             `json:"interfaces"`
	// File is the name to save the download as.
	File string `json:"file"`
}

// CaptureNotFoundError means no capture of that id is kept.
type CaptureNotFoundError struct{ ID string }

func (e *CaptureNotFoundError) Error() string { return fmt.Sprintf("no capture %q", e.ID) }

// NotFound classifies the error (errdefs).
func (e *CaptureNotFoundError) NotFound() {}

// TooManyCapturesError refuses a capture beyond MaxCaptures.
type TooManyCapturesError struct{ Max int }

func (e *TooManyCapturesError) Error() string {
	return fmt.Sprintf("%d captures run already; stop one first", e.Max)
}

// Conflict classifies the error (errdefs).
func (e *TooManyCapturesError) Conflict() {}

// captures keeps the running captures of an App; ended ones live on disk.
type captures struct {
	mu      sync.Mutex
	running map[string]*runningCapture
	wg      sync.WaitGroup
}

// runningCapture is a capture in progress and its file.
type runningCapture struct {
	view  CaptureView
	c     *engine.Capturing
	path  string
	ended chan struct{} // closed once its end is recorded
}

func newCaptures() *captures { return &captures{running: map[string]*runningCapture{}} }

var captureID = regexp.MustCompile(`^[0-9]{8}T[0-9]{6}-[0-9a-f]{6}$`)

func (a *App) captureDir() string { return filepath.Join(a.StateDir(), capturesDir) }

func (a *App) capturePath(id, ext string) (string, error) {
	if !captureID.MatchString(id) {
		return "", &CaptureNotFoundError{ID: id}
	}
	return filepath.Join(a.captureDir(), id+ext), nil
}

// CaptureOptions reads a request's filter and limits, naming the value at
// fault.
func CaptureOptions(req CaptureRequest) (capture.Options, error) {
	var opts capture.Options
	if req.Network == "" && req.Service == "" {
		return opts, &ArgError{Arg: "network", Err: &InvalidError{Msg: "name a network or a service to capture"}}
	}
	f, err := packet.ParseFilter(req.Filter)
	if err != nil {
		return opts, &ArgError{Arg: "filter", Err: err}
	}
	opts.Filter = f
	if req.Count < 0 {
		return opts, &ArgError{Arg: "count", Err: &InvalidError{Msg: "count must be 0 (no limit) or more"}}
	}
	opts.Count = req.Count
	if req.Duration != "" {
		d, err := time.ParseDuration(req.Duration)
		if err != nil || d <= 0 {
			return opts, &ArgError{Arg: "duration", Err: &InvalidError{Msg: fmt.Sprintf("duration %q: give one such as 30s or 5m", req.Duration)}}
		}
		opts.Duration = d
	}
	return opts, nil
}

// captureTarget checks what a request captures against the lab.
func captureTarget(t *Target, req CaptureRequest) (engine.CaptureTarget, error) {
	target := engine.CaptureTarget{Network: req.Network, Service: req.Service}
	if req.Network != "" && !slicesHasNetwork(t.Networks(), req.Network) {
		return target, &ArgError{Arg: "network", Err: &engine.NoNetworkError{Ref: engine.Ref{Repo: t.Repo, Lab: t.Name}, Network: req.Network}}
	}
	return target, nil
}

func slicesHasNetwork(list []lab.Network, name string) bool {
	for _, n := range list {
		if n.Name == name {
			return true
		}
	}
	return false
}

// Capture starts a capture written to w and returns it, for a caller that
// keeps the file itself (the CLI's -w FILE).
func (a *App) Capture(ctx context.Context, t *Target, ref engine.Ref, req CaptureRequest, w io.Writer) (*engine.Capturing, error) {
	opts, err := CaptureOptions(req)
	if err != nil {
		return nil, err
	}
	target, err := captureTarget(t, req)
	if err != nil {
		return nil, err
	}
	eng, err := a.Engine(ctx)
	if err != nil {
		return nil, err
	}
	return eng.Capture(ctx, ref, target, opts, w)
}

// StartCapture starts a capture kept in the main directory: its file
// downloadable while it runs and after, listed with the lab until
// deleted. It ends when stopped, at its limits, or when the lab stops.
func (a *App) StartCapture(ctx context.Context, t *Target, ref engine.Ref, req CaptureRequest) (*CaptureView, error) {
	a.caps.mu.Lock()
	n := len(a.caps.running)
	a.caps.mu.Unlock()
	if n >= MaxCaptures {
		return nil, &TooManyCapturesError{Max: MaxCaptures}
	}
	if err := os.MkdirAll(a.captureDir(), 0o700); err != nil {
		return nil, fmt.Errorf("captures folder: %w", err)
	}
	started := time.Now().UTC()
	id := started.Format("20060102T150405") + "-" + randomHex(3)
	path, _ := a.capturePath(id, ".pcapng")
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return nil, fmt.Errorf("capture file: %w", err)
	}
	// the capture outlives the request that started it
	c, err := a.Capture(context.WithoutCancel(ctx), t, ref, req, f)
	if err != nil {
		f.Close()
		os.Remove(path)
		return nil, err
	}
	view := CaptureView{
		ID: id, Lab: ref.LabID(), Instance: ref.Instance, Target: engine.CaptureTarget{Network: req.Network, Service: req.Service},
		Filter: req.Filter, Count: req.Count, Duration: req.Duration, State: CaptureRunning, Started: started,
		Interfaces: c.Interfaces(), File: captureFileName(ref, req, started),
	}
	rc := &runningCapture{view: view, c: c, path: path, ended: make(chan struct{})}
	if err := a.saveCapture(view); err != nil {
		c.Stop()
		<-c.Done()
		f.Close()
		os.Remove(path)
		return nil, err
	}
	a.caps.mu.Lock()
	a.caps.running[id] = rc
	a.caps.wg.Add(1)
	a.caps.mu.Unlock()
	go a.finishCapture(rc, f)
	a.log.Info("capture started", "lab", ref.String(), "capture", id, "target", view.Target.String(), "filter", req.Filter)
	a.events.publish(EventCapture, view)
	return &view, nil
}

// captureFileName is the download name: LAB-TARGET-TIME.pcapng.
func captureFileName(ref engine.Ref, req CaptureRequest, started time.Time) string {
	target := req.Network
	if req.Service != "" {
		target = req.Service
	}
	name := lab.Slug(ref.Lab) + "-" + lab.Slug(target) + "-" + started.Format("20060102-150405") + ".pcapng"
	return strings.TrimPrefix(name, "-")
}

// finishCapture waits for a capture to end and records how it ended.
func (a *App) finishCapture(rc *runningCapture, f *os.File) {
	defer a.caps.wg.Done()
	<-rc.c.Done()
	stopped := time.Now().UTC()
	st := rc.c.Stats()
	view := rc.view
	view.State, view.Stopped = CaptureStopped, &stopped
	view.Packets, view.Bytes, view.Dropped = st.Packets, st.Bytes, st.Dropped
	if err := rc.c.Err(); err != nil {
		view.State, view.Error = CaptureFailed, err.Error()
	}
	if err := f.Close(); err != nil && view.Error == "" {
		view.State, view.Error = CaptureFailed, fmt.Sprintf("close the file: %v", err)
	}
	if info, err := os.Stat(f.Name()); err == nil {
		view.Size = info.Size()
	}
	if err := a.saveCapture(view); err != nil {
		a.log.Warn("capture", "capture", view.ID, "err", err)
	}
	a.caps.mu.Lock()
	delete(a.caps.running, view.ID)
	a.caps.mu.Unlock()
	close(rc.ended)
	a.log.Info("capture ended", "capture", view.ID, "packets", view.Packets, "dropped", view.Dropped, "err", view.Error)
	a.events.publish(EventCapture, view)
}

func (a *App) saveCapture(v CaptureView) error {
	path, err := a.capturePath(v.ID, ".json")
	if err != nil {
		return err
	}
	data, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	if err := atomicfile.Write(path, append(data, '\n'), 0o600); err != nil {
		return fmt.Errorf("save capture %s: %w", v.ID, err)
	}
	return nil
}

// CaptureView returns a capture, running or ended.
func (a *App) CaptureView(id string) (CaptureView, error) {
	a.caps.mu.Lock()
	rc, ok := a.caps.running[id]
	a.caps.mu.Unlock()
	if ok {
		return liveView(rc), nil
	}
	path, err := a.capturePath(id, ".json")
	if err != nil {
		return CaptureView{}, err
	}
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return CaptureView{}, &CaptureNotFoundError{ID: id}
	}
	if err != nil {
		return CaptureView{}, fmt.Errorf("capture %s: %w", id, err)
	}
	var v CaptureView
	if err := json.Unmarshal(data, &v); err != nil {
		return CaptureView{}, fmt.Errorf("capture %s: %s: %w", id, path, err)
	}
	if v.State == CaptureRunning {
		// a capture of an earlier dsp that ended without saying so
		v.State, v.Error = CaptureStopped, "dsp stopped while it ran"
	}
	if info, err := os.Stat(strings.TrimSuffix(path, ".json") + ".pcapng"); err == nil {
		v.Size = info.Size()
	}
	return v, nil
}

func liveView(rc *runningCapture) CaptureView {
	v := rc.view
	st := rc.c.Stats()
	v.Packets, v.Bytes, v.Dropped = st.Packets, st.Bytes, st.Dropped
	if info, err := os.Stat(rc.path); err == nil {
		v.Size = info.Size()
	}
	return v
}

// Captures lists the captures of an instance (all of them when ref is
// nil), newest first.
func (a *App) Captures(ref *engine.Ref) ([]CaptureView, error) {
	entries, err := os.ReadDir(a.captureDir())
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("captures: %w", err)
	}
	out := []CaptureView{}
	for _, e := range entries {
		id, ok := strings.CutSuffix(e.Name(), ".json")
		if !ok || !captureID.MatchString(id) {
			continue
		}
		v, err := a.CaptureView(id)
		if err != nil {
			continue
		}
		if ref == nil || (v.Lab == ref.LabID() && v.Instance == ref.Instance) {
			out = append(out, v)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID > out[j].ID })
	return out, nil
}

// StopCapture stops a running capture and returns it as it ended; an
// ended one is returned as it is.
func (a *App) StopCapture(ctx context.Context, id string) (CaptureView, error) {
	a.caps.mu.Lock()
	rc, ok := a.caps.running[id]
	a.caps.mu.Unlock()
	if !ok {
		return a.CaptureView(id)
	}
	rc.c.Stop()
	select {
	case <-rc.ended:
		return a.CaptureView(id)
	case <-ctx.Done():
		return CaptureView{}, ctx.Err()
	}
}

// stopCaptures stops every capture of an instance (its lab stops).
func (a *App) stopCaptures(ctx context.Context, ref engine.Ref) {
	a.caps.mu.Lock()
	var ids []string
	for id, rc := range a.caps.running {
		if rc.view.Lab == ref.LabID() && rc.view.Instance == ref.Instance {
			ids = append(ids, id)
		}
	}
	a.caps.mu.Unlock()
	for _, id := range ids {
		if _, err := a.StopCapture(ctx, id); err != nil {
			a.log.Warn("stop capture", "capture", id, "err", err)
		}
	}
}

// DeleteCapture removes an ended capture and its file.
func (a *App) DeleteCapture(id string) error {
	a.caps.mu.Lock()
	_, running := a.caps.running[id]
	a.caps.mu.Unlock()
	if running {
		return &CaptureRunningError{ID: id}
	}
	if _, err := a.CaptureView(id); err != nil {
		return err
	}
	for _, ext := range []string{".pcapng", ".json"} {
		path, _ := a.capturePath(id, ext)
		if err := os.Remove(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("delete capture %s: %w", id, err)
		}
	}
	return nil
}

// CaptureRunningError refuses to delete a capture that runs.
type CaptureRunningError struct{ ID string }

func (e *CaptureRunningError) Error() string {
	return fmt.Sprintf("capture %s is running; stop it first", e.ID)
}

// Conflict classifies the error (errdefs).
func (e *CaptureRunningError) Conflict() {}

// OpenCapture opens a capture's file for reading, cut at its last whole
// block: a running capture's file is being written.
func (a *App) OpenCapture(id string) (*CaptureFile, error) {
	v, err := a.CaptureView(id)
	if err != nil {
		return nil, err
	}
	path, _ := a.capturePath(id, ".pcapng")
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, &CaptureNotFoundError{ID: id}
	}
	if err != nil {
		return nil, fmt.Errorf("capture %s: %w", id, err)
	}
	size, err := pcapng.WholeBlocks(f)
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("capture %s: %w", id, err)
	}
	return &CaptureFile{View: v, Size: size, file: f}, nil
}

// CaptureFile is a capture's file, readable up to Size.
type CaptureFile struct {
	View CaptureView
	Size int64
	file *os.File
}

// Reader reads the file's whole blocks.
func (f *CaptureFile) Reader() *io.SectionReader { return io.NewSectionReader(f.file, 0, f.Size) }

// ModTime is when the file last changed.
func (f *CaptureFile) ModTime() time.Time {
	if info, err := f.file.Stat(); err == nil {
		return info.ModTime()
	}
	return time.Time{}
}

// Close closes the file.
func (f *CaptureFile) Close() error { return f.file.Close() }

// LiveCapture is what a live viewer of a running capture gets.
type LiveCapture struct {
	Packets <-chan capture.Packet
	// Stats reads the capture's counters now.
	Stats func() capture.Stats
	// Done is closed when the capture ends.
	Done <-chan struct{}
	stop func()
}

// Close ends the subscription.
func (l *LiveCapture) Close() { l.stop() }

// WatchCapture subscribes to a running capture's packets; a
// *CaptureNotFoundError when it is not running (any more).
func (a *App) WatchCapture(id string, buffer int) (*LiveCapture, error) {
	a.caps.mu.Lock()
	rc, ok := a.caps.running[id]
	a.caps.mu.Unlock()
	if !ok {
		if _, err := a.CaptureView(id); err != nil {
			return nil, err
		}
		return nil, &CaptureEndedError{ID: id}
	}
	ch, stop := rc.c.Subscribe(buffer)
	return &LiveCapture{Packets: ch, Stats: rc.c.Stats, Done: rc.c.Done(), stop: stop}, nil
}

// CaptureEndedError means a capture has no live packets: it ended.
type CaptureEndedError struct{ ID string }

func (e *CaptureEndedError) Error() string { return fmt.Sprintf("capture %s has ended", e.ID) }

// FailedPrecondition classifies the error (errdefs).
func (e *CaptureEndedError) FailedPrecondition() {}

// closeCaptures stops every running capture (the App closes).
func (a *App) closeCaptures() {
	a.caps.mu.Lock()
	for _, rc := range a.caps.running {
		rc.c.Stop()
	}
	a.caps.mu.Unlock()
	a.caps.wg.Wait()
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
