package engine

import (
	"context"
	"time"

	"github.com/dsp-lab/dsp/internal/linkshape"
)

// Links impairs the interfaces of a running instance's services (and
// toolboxes) as a slow or bad link would.
type Links interface {
	// Links lists every lab interface of the instance's running
	// containers with its impairment.
	Links(ctx context.Context, ref Ref) ([]LinkStatus, error)
	// SetLink impairs a service's interface on network, or on every lab
	// network of the service when network is "".
	SetLink(ctx context.Context, ref Ref, service, network string, s linkshape.Shape) ([]LinkStatus, error)
	// ClearLink removes the impairment SetLink set.
	ClearLink(ctx context.Context, ref Ref, service, network string) ([]LinkStatus, error)
}

// LinkStatus is one lab interface of a container and how it is impaired.
type LinkStatus struct {
	Service   string    `json:"service"`
	Network   string    `json:"network"`
	Interface string    `json:"interface"`
	IP        string    `json:"ip,omitempty"`
	Shape     LinkShape `json:"shape"`
}

// LinkShape is a linkshape.Shape as the API shows it.
type LinkShape struct {
	Rate     uint64  `json:"rate"` // bits per second, 0: unlimited
	DelayMs  float64 `json:"delayMs"`
	JitterMs float64 `json:"jitterMs"`
	Loss     float64 `json:"loss"` // percent
	Text     string  `json:"text"` // "rate 1Mbit/s, delay 50ms", "none"
}

// ShapeOf is the API form of s.
func ShapeOf(s linkshape.Shape) LinkShape {
	return LinkShape{
		Rate: s.Rate, Loss: s.Loss, Text: s.String(),
		DelayMs:  float64(s.Delay) / float64(time.Millisecond),
		JitterMs: float64(s.Jitter) / float64(time.Millisecond),
	}
}
