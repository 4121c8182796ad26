package capture

import (
	"slices"
	"strings"
	"testing"
)

func TestOptionsCheck(t *testing.T) {
	src := []Source{{Interface: "eth0", PID: 42}}
	for _, tc := range []struct {
		opts    Options
		snapLen int
		err     string
	}{
		{opts: Options{Sources: src}, snapLen: DefaultSnapLen},
		{opts: Options{Sources: src, SnapLen: 96}, snapLen: 96},
		{opts: Options{}, err: "no source"},
		{opts: Options{Sources: []Source{{PID: 7}}}, err: "process 7 has no interface"},
		{opts: Options{Sources: []Source{{Interface: "eth0", PID: -1}}}, err: "negative process id"},
		{opts: Options{Sources: src, Count: -1}, err: "negative count"},
		{opts: Options{Sources: src, SnapLen: DefaultSnapLen + 1}, err: "out of range"},
	} {
		got, err := tc.opts.check()
		switch {
		case tc.err == "" && err != nil:
			t.Errorf("%+v: %v", tc.opts, err)
		case tc.err != "" && (err == nil || !strings.Contains(err.Error(), tc.err)):
			t.Errorf("%+v: error %v, want one with %q", tc.opts, err, tc.err)
		case got != tc.snapLen:
			t.Errorf("%+v: snap length %d, want %d", tc.opts, got, tc.snapLen)
		}
	}
}

func TestSourceString(t *testing.T) {
	if got := (Source{Interface: "br-1a2b3c4d5e6f"}).String(); got != "interface br-1a2b3c4d5e6f of the host" {
		t.Errorf("host source: %q", got)
	}
	if got := (Source{Interface: "eth0", PID: 42}).String(); got != "interface eth0 in the network namespace of process 42" {
		t.Errorf("namespace source: %q", got)
	}
}

func TestPerSecond(t *testing.T) {
	var p perSecond
	const now = 1_800_000_000
	p.add(now - 1)
	p.add(now - 1)
	p.add(now - 60)
	p.add(now)      // the current second is not whole yet
	p.add(now - 61) // out of the window
	got := p.last(now)
	want := make([]uint64, 60)
	want[0], want[59] = 1, 2
	if !slices.Equal(got, want) {
		t.Fatalf("last(now) = %v, want %v", got, want)
	}

	// A newer second that reuses a slot replaces what it held; then an
	// older one of that slot is not counted.
	p.add(now + 59)
	p.add(now + 60) // the slot of now-1
	p.add(now - 1)
	got = p.last(now + 61)
	want = make([]uint64, 60)
	want[58], want[59] = 1, 1
	if !slices.Equal(got, want) {
		t.Fatalf("last(now+61) = %v, want %v", got, want)
	}
	if got := p.last(now + 1000); slices.ContainsFunc(got, func(v uint64) bool { return v != 0 }) {
		t.Fatalf("long after: %v, want zeros", got)
	}
}

func TestHub(t *testing.T) {
	var h hub
	if h.active() {
		t.Fatal("active with no subscriber")
	}
	fast, cancelFast := h.subscribe(10)
	slow, _ := h.subscribe(1)
	gone, cancelGone := h.subscribe(10)
	cancelGone()
	cancelGone() // idempotent
	if _, ok := <-gone; ok {
		t.Fatal("a cancelled subscriber's channel is open")
	}
	h.publish([]Packet{{N: 1}, {N: 2}, {N: 3}})
	if h.missedCount() != 2 {
		t.Errorf("missed %d, want 2 (the slow subscriber's)", h.missedCount())
	}
	for want := int64(1); want <= 3; want++ {
		if p := <-fast; p.N != want {
			t.Fatalf("fast got %d, want %d", p.N, want)
		}
	}
	if p := <-slow; p.N != 1 {
		t.Fatalf("slow got %d, want 1", p.N)
	}
	h.close()
	if _, ok := <-fast; ok {
		t.Fatal("channel open after close")
	}
	if _, ok := <-slow; ok {
		t.Fatal("channel open after close")
	}
	cancelFast() // after close: nothing to do
	late, cancelLate := h.subscribe(1)
	if _, ok := <-late; ok {
		t.Fatal("a subscriber after the end got an open channel")
	}
	cancelLate()
}

func TestCaptureBeforeEnd(t *testing.T) {
	c := newCapture()
	if c.Err() != nil {
		t.Fatal("Err before the end")
	}
	select {
	case <-c.Done():
		t.Fatal("done before the end")
	default:
	}
	c.requestStop()
	c.requestStop() // idempotent
	st := c.Stats()
	if st.Packets != 0 || len(st.PerSecond) != 60 || st.ByProtocol == nil {
		t.Fatalf("stats of a new capture: %+v", st)
	}
}
