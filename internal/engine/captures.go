package engine

import (
	"context"
	"errors"
	"io"

	"github.com/dsp-lab/dsp/internal/capture"
)

// Captures records the traffic of a running instance.
type Captures interface {
	// Capture starts a packet capture of a lab network (everything on it)
	// or of a service's (or toolbox's) lab interfaces, written to w as
	// pcapng with the lab's names on its interfaces. opts gives the
	// filter and limits; the engine fills in the sources. The capture ends
	// by itself when the lab stops.
	Capture(ctx context.Context, ref Ref, target CaptureTarget, opts capture.Options, w io.Writer) (*Capturing, error)
}

// Capturing is a capture in progress and the interfaces it records.
type Capturing struct {
	*capture.Capture
	Sources []capture.Source
}

// Interfaces describes the sources with the lab's names.
func (c *Capturing) Interfaces() []string {
	out := make([]string, len(c.Sources))
	for i, s := range c.Sources {
		out[i] = s.Description
	}
	return out
}

// CaptureTarget is what a capture records: one of the two.
type CaptureTarget struct {
	Network string `json:"network,omitempty"`
	Service string `json:"service,omitempty"`
}

// String names the target: "network lan", "service web".
func (t CaptureTarget) String() string {
	if t.Service != "" {
		return "service " + t.Service
	}
	return "network " + t.Network
}

// ErrCaptureUnsupported means the engine cannot capture packets (the
// in-memory fake has no wire).
var ErrCaptureUnsupported = unsupportedError{errors.New("this engine cannot capture packets")}

type unsupportedError struct{ error }

// Unavailable classifies the error (errdefs).
func (unsupportedError) Unavailable() {}
