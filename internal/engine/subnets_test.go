package engine

import (
	"errors"
	"net/netip"
	"testing"
)

func TestSlotsCoverThePool(t *testing.T) {
	pool := netip.MustParsePrefix("10.250.0.0/16")
	for i, want := range map[int]string{0: "10.250.0.0/24", 1: "10.250.1.0/24", 255: "10.250.255.0/24"} {
		if got := slot(pool, i).String(); got != want {
			t.Errorf("slot %d = %s, want %s", i, got, want)
		}
	}
	if !isPoolOverlap(errors.New("Error response from daemon: Pool overlaps with other one on this address space")) || isPoolOverlap(nil) {
		t.Errorf("isPoolOverlap does not recognise the engine's message")
	}
}
