package local

import (
	"errors"
	"fmt"
	"net/netip"
	"testing"

	cerrdefs "github.com/containerd/errdefs"
)

func TestSlotsCoverThePool(t *testing.T) {
	pool := netip.MustParsePrefix("10.250.0.0/16")
	for i, want := range map[int]string{0: "10.250.0.0/24", 1: "10.250.1.0/24", 255: "10.250.255.0/24"} {
		if got := slot(pool, i).String(); got != want {
			t.Errorf("slot %d = %s, want %s", i, got, want)
		}
	}
	// The engine refuses an overlapping pool with 403 Forbidden, which the
	// client turns into an errdefs permission error; Compose wraps it.
	refusal := fmt.Errorf("failed to create network x: %w", cerrdefs.ErrPermissionDenied.WithMessage("Pool overlaps with other one on this address space"))
	if !isPoolOverlap(refusal) || isPoolOverlap(nil) || isPoolOverlap(errors.New("Pool overlaps with other one on this address space")) {
		t.Errorf("isPoolOverlap does not recognise the engine's refusal by its kind")
	}
}
