package fake

import (
	"context"
	"io"

	"github.com/dsp-lab/dsp/internal/capture"
	"github.com/dsp-lab/dsp/internal/engine"
)

// Capture is not modelled: the fake has no wire to capture. It answers
// engine.ErrCaptureUnsupported.
func (e *Engine) Capture(context.Context, engine.Ref, engine.CaptureTarget, capture.Options, io.Writer) (*engine.Capturing, error) {
	return nil, engine.ErrCaptureUnsupported
}
