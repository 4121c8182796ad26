//go:build !linux

package capture

import (
	"context"
	"errors"
	"io"
)

// Start needs Linux: captures use AF_PACKET sockets.
func Start(_ context.Context, _ io.Writer, opts Options) (*Capture, error) {
	if _, err := opts.check(); err != nil {
		return nil, err
	}
	return nil, errors.New("capture: live capture needs dsp to run on the Docker host's Linux")
}
