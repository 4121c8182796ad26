package local

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/dsp-lab/dsp/internal/engine"
	"github.com/dsp-lab/dsp/internal/engine/enginetest"
)

// TestContract runs, on the local Docker Engine, the contract the fake
// engine passes too. Each test gets an engine of its own namespace and
// lock folder.
func TestContract(t *testing.T) {
	enginetest.Run(t, enginetest.Harness{
		Image: baseImage,
		NewEngine: func(t *testing.T) engine.Engine {
			t.Helper()
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			e, err := New(ctx, t.TempDir(), WithNamespace(t.TempDir()))
			if err != nil {
				if os.Getenv("CI") == "true" {
					t.Fatalf("Docker Engine needed: %v", err)
				}
				t.Skipf("Docker Engine not reachable (install docker.io and start dockerd, or run scripts/setup.sh): %v", err)
			}
			t.Cleanup(func() { _ = e.Close() })
			if ok, _, err := e.ImagePresent(ctx, baseImage); err != nil || !ok {
				t.Fatalf("image %s is missing: run scripts/build-images.sh first (%v)", baseImage, err)
			}
			return e
		},
	})
}
