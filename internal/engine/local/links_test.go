package local

import (
	"context"
	"errors"
	"path/filepath"
	"testing"
	"time"

	"github.com/dsp-lab/dsp/internal/engine"
	"github.com/dsp-lab/dsp/internal/linkshape"
)

// A rate limit on the web server's interface slows a download from it
// many times over, and clearing it gives the speed back; here, where the
// kernel has no sch_netem, a delay is refused with the netem error.
func TestRateLimitSlowsATransfer(t *testing.T) {
	e := newTestEngine(t)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	compose := `x-dsp: {title: Rate}
services:
  web:
    image: dsp/busybox:latest
    command: ["sh", "-c", "mkdir -p /www && dd if=/dev/zero of=/www/blob bs=1k count=256 2>/dev/null && exec httpd -f -p 80 -h /www"]
  client:
    image: dsp/busybox:latest
    command: ["sleep", "1000"]
`
	l := loadLab(t, writeLab(t, filepath.Join(t.TempDir(), uniqueName("rate")), "rate lab", map[string]string{"compose.yaml": compose}))
	ref := refOfLab(t, l, "")
	cleanupLab(t, e, l, engine.DefaultInstance)
	if err := e.Up(ctx, ref, l, engine.UpOptions{Trusted: true}); err != nil {
		t.Fatalf("up: %v", err)
	}
	download := func() time.Duration {
		t.Helper()
		start := time.Now()
		code, out, err := e.Exec(ctx, ref, "client", []string{"wget", "-q", "-O", "/dev/null", "http://web/blob"}, nil)
		if err != nil || code != 0 {
			t.Fatalf("download: %d %q %v", code, out, err)
		}
		return time.Since(start)
	}
	// the server writes its blob as it starts: wait for the first answer
	for i := 0; ; i++ {
		code, _, err := e.Exec(ctx, ref, "client", []string{"wget", "-q", "-O", "/dev/null", "http://web/blob"}, nil)
		if err == nil && code == 0 {
			break
		}
		if i == 100 {
			t.Fatalf("the web server never answered: %d %v", code, err)
		}
		time.Sleep(100 * time.Millisecond)
	}
	free := download()
	if _, err := e.SetLink(ctx, ref, "web", "", linkshape.Shape{Rate: 1_000_000}); err != nil {
		t.Fatalf("set rate: %v", err)
	}
	limited := download() // 256 KiB at 1 Mbit/s: about 2 s
	if _, err := e.ClearLink(ctx, ref, "web", ""); err != nil {
		t.Fatalf("clear: %v", err)
	}
	again := download()
	t.Logf("256 KiB: %s free, %s at 1 Mbit/s, %s cleared", free, limited, again)
	if limited < 10*free || limited < 10*again {
		t.Errorf("the rate limit did not slow the download: %s free, %s limited, %s cleared", free, limited, again)
	}
	if _, err := e.SetLink(ctx, ref, "web", "", linkshape.Shape{Delay: 50 * time.Millisecond}); err != nil {
		var missing *linkshape.MissingKernelFeatureError
		if !errors.As(err, &missing) {
			t.Errorf("set a delay: %v, want success or a *linkshape.MissingKernelFeatureError", err)
		} else {
			t.Logf("delay: %v", err)
		}
	}
}
