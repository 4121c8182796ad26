//go:build linux

package linkshape

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"net"
	"os"
	"os/exec"
	"runtime"
	"syscall"
	"testing"
	"time"

	"github.com/vishvananda/netlink"
	"github.com/vishvananda/netns"
)

// testNet is two throw-away network namespaces joined by a veth pair:
// vethA (10.213.0.1) in the namespace of process pidA, vethB (10.213.0.2)
// in that of pidB. Each process is a sleep that only holds its namespace;
// both namespaces, and the pair, go away when the test kills them.
type testNet struct {
	pidA, pidB int
	nsA, nsB   netns.NsHandle
}

const (
	vethA = "dspshapeA"
	vethB = "dspshapeB"
	addrA = "10.213.0.1"
	addrB = "10.213.0.2"
)

func requireRoot(t *testing.T) {
	t.Helper()
	if os.Geteuid() != 0 {
		if os.Getenv("CI") == "true" {
			t.Fatal("the linkshape tests need root (they make network namespaces and set queueing disciplines)")
		}
		t.Skip("the linkshape tests need root (they make network namespaces and set queueing disciplines)")
	}
}

func newTestNet(t *testing.T) *testNet {
	t.Helper()
	requireRoot(t)
	n := &testNet{}
	n.pidA, n.nsA = namespaceProcess(t)
	n.pidB, n.nsB = namespaceProcess(t)

	hA := handleAt(t, n.nsA)
	hB := handleAt(t, n.nsB)
	veth := &netlink.Veth{
		LinkAttrs:     netlink.LinkAttrs{Name: vethA},
		PeerName:      vethB,
		PeerNamespace: netlink.NsFd(n.nsB),
	}
	if err := hA.LinkAdd(veth); err != nil {
		t.Fatalf("add the veth pair: %v", err)
	}
	up(t, hA, vethA, addrA)
	up(t, hB, vethB, addrB)
	return n
}

// namespaceProcess starts a process in a new network namespace.
func namespaceProcess(t *testing.T) (int, netns.NsHandle) {
	t.Helper()
	cmd := exec.Command("sleep", "300")
	cmd.SysProcAttr = &syscall.SysProcAttr{Cloneflags: syscall.CLONE_NEWNET}
	if err := cmd.Start(); err != nil {
		t.Fatalf("start a process in a new network namespace: %v", err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	})
	ns, err := netns.GetFromPid(cmd.Process.Pid)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ns.Close() })
	return cmd.Process.Pid, ns
}

func handleAt(t *testing.T, ns netns.NsHandle) *netlink.Handle {
	t.Helper()
	h, err := netlink.NewHandleAt(ns)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(h.Close)
	return h
}

func up(t *testing.T, h *netlink.Handle, name, addr string) {
	t.Helper()
	l, err := h.LinkByName(name)
	if err != nil {
		t.Fatal(err)
	}
	a, err := netlink.ParseAddr(addr + "/24")
	if err != nil {
		t.Fatal(err)
	}
	if err := h.AddrAdd(l, a); err != nil {
		t.Fatalf("address %s on %s: %v", addr, name, err)
	}
	if err := h.LinkSetUp(l); err != nil {
		t.Fatalf("%s up: %v", name, err)
	}
}

// inNamespace runs fn on an OS thread in namespace ns; sockets made by fn
// stay in ns.
func inNamespace(ns netns.NsHandle, fn func() error) error {
	errc := make(chan error, 1)
	go func() {
		runtime.LockOSThread()
		own, err := netns.Get()
		if err != nil {
			runtime.UnlockOSThread()
			errc <- err
			return
		}
		defer own.Close()
		if err := netns.Set(ns); err != nil {
			runtime.UnlockOSThread()
			errc <- err
			return
		}
		ferr := fn()
		if err := netns.Set(own); err != nil {
			// The thread stays locked and ends with the goroutine.
			errc <- errors.Join(ferr, err)
			return
		}
		runtime.UnlockOSThread()
		errc <- ferr
	}()
	return <-errc
}

// throughput sends size bytes over TCP from A to B and returns the rate
// the receiver saw, in bits per second.
func (n *testNet) throughput(t *testing.T, size int) float64 {
	t.Helper()
	var ln net.Listener
	if err := inNamespace(n.nsB, func() (err error) {
		ln, err = net.Listen("tcp", addrB+":0")
		return err
	}); err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	type result struct {
		n   int64
		end time.Time
		err error
	}
	done := make(chan result, 1)
	go func() {
		c, err := ln.Accept()
		if err != nil {
			done <- result{err: err}
			return
		}
		defer c.Close()
		_ = c.SetDeadline(time.Now().Add(time.Minute))
		got, err := io.Copy(io.Discard, c)
		done <- result{n: got, end: time.Now(), err: err}
	}()
	var conn net.Conn
	if err := inNamespace(n.nsA, func() (err error) {
		conn, err = net.DialTimeout("tcp", ln.Addr().String(), 10*time.Second)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	_ = conn.SetDeadline(time.Now().Add(time.Minute))
	start := time.Now()
	_, werr := conn.Write(make([]byte, size))
	cerr := conn.Close()
	r := <-done
	if err := errors.Join(werr, cerr, r.err); err != nil {
		t.Fatalf("transfer: %v", err)
	}
	if r.n != int64(size) {
		t.Fatalf("received %d bytes, sent %d", r.n, size)
	}
	return float64(size) * 8 / r.end.Sub(start).Seconds()
}

// rootKind is the kind of the root qdisc of vethA.
func (n *testNet) rootKind(t *testing.T) string {
	t.Helper()
	h := handleAt(t, n.nsA)
	l, err := h.LinkByName(vethA)
	if err != nil {
		t.Fatal(err)
	}
	qs, err := h.QdiscList(l)
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range qs {
		if q.Attrs().Parent == netlink.HANDLE_ROOT {
			return fmt.Sprintf("%s %s", q.Type(), netlink.HandleStr(q.Attrs().Handle))
		}
	}
	return ""
}

func mustGet(t *testing.T, ctx context.Context, pid int) Shape {
	t.Helper()
	s, err := Get(ctx, pid, vethA)
	if err != nil {
		t.Fatalf("Get: %v", err)
	}
	return s
}

func TestRateLimit(t *testing.T) {
	n := newTestNet(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()

	if s := mustGet(t, ctx, n.pidA); !s.IsZero() {
		t.Fatalf("Get on a new veth = %v, want none", s)
	}
	if err := Clear(ctx, n.pidA, vethA); err != nil {
		t.Fatalf("Clear with nothing set: %v", err)
	}
	defaultRoot := n.rootKind(t)

	// 160 kB take about 1.3 s at 1 Mbit/s, and milliseconds without a limit.
	const size = 160 << 10
	free := n.throughput(t, size)

	shape := Shape{Rate: 1_000_000}
	if err := Set(ctx, n.pidA, vethA, shape); err != nil {
		t.Fatalf("Set(%v): %v", shape, err)
	}
	if got := mustGet(t, ctx, n.pidA); got != shape {
		t.Fatalf("Get = %v, want %v", got, shape)
	}
	shaped := n.throughput(t, size)
	t.Logf("throughput: %.1f Mbit/s free, %.2f Mbit/s with %v", free/1e6, shaped/1e6, shape)
	if free < 10*shaped {
		t.Errorf("with %v the transfer ran at %.2f Mbit/s, not a tenth of the %.1f Mbit/s without", shape, shaped/1e6, free/1e6)
	}
	// A busy machine can only make a transfer slower: this bound holds.
	if shaped > 2*float64(shape.Rate) {
		t.Errorf("with %v the transfer ran at %.2f Mbit/s", shape, shaped/1e6)
	}

	// Another rate changes the same qdisc.
	faster := Shape{Rate: 50_000_000}
	if err := Set(ctx, n.pidA, vethA, faster); err != nil {
		t.Fatalf("Set(%v): %v", faster, err)
	}
	if got := mustGet(t, ctx, n.pidA); got != faster {
		t.Fatalf("Get = %v, want %v", got, faster)
	}
	if err := Set(ctx, n.pidA, vethA, shape); err != nil {
		t.Fatalf("Set(%v): %v", shape, err)
	}

	if err := Clear(ctx, n.pidA, vethA); err != nil {
		t.Fatalf("Clear: %v", err)
	}
	if got := mustGet(t, ctx, n.pidA); !got.IsZero() {
		t.Fatalf("Get after Clear = %v, want none", got)
	}
	if got := n.rootKind(t); got != defaultRoot {
		t.Errorf("root qdisc after Clear %q, want the default %q", got, defaultRoot)
	}
	cleared := n.throughput(t, size)
	t.Logf("throughput after Clear: %.1f Mbit/s", cleared/1e6)
	if cleared < 10*shaped {
		t.Errorf("after Clear the transfer ran at %.2f Mbit/s, not ten times the %.2f Mbit/s when shaped", cleared/1e6, shaped/1e6)
	}
	if err := Clear(ctx, n.pidA, vethA); err != nil {
		t.Errorf("a second Clear: %v", err)
	}
}

// TestNetem checks delay, jitter and loss: on a kernel without sch_netem
// (such as the one dsp's CI runs on) Set must say so and change nothing.
func TestNetem(t *testing.T) {
	n := newTestNet(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	defaultRoot := n.rootKind(t)
	delayed := Shape{Delay: 50 * time.Millisecond}

	err := Set(ctx, n.pidA, vethA, delayed)
	if err == nil {
		t.Logf("this kernel has sch_netem")
		want := Shape{Rate: 2_000_000, Delay: 50 * time.Millisecond, Jitter: 10 * time.Millisecond, Loss: 1}
		if err := Set(ctx, n.pidA, vethA, want); err != nil {
			t.Fatalf("Set(%v): %v", want, err)
		}
		if got := mustGet(t, ctx, n.pidA); got != want {
			t.Errorf("Get = %v, want %v", got, want)
		}
		if err := Clear(ctx, n.pidA, vethA); err != nil {
			t.Fatal(err)
		}
		if got := n.rootKind(t); got != defaultRoot {
			t.Errorf("root qdisc after Clear %q, want the default %q", got, defaultRoot)
		}
		return
	}
	var missing *MissingKernelFeatureError
	if !errors.As(err, &missing) {
		t.Fatalf("Set(%v): %v (%T), want a *MissingKernelFeatureError", delayed, err, err)
	}
	t.Logf("the kernel's answer: %v", missing.Err)
	if missing.Feature != "sch_netem" || missing.Wanted != "delay 50ms" {
		t.Errorf("error %+v, want sch_netem for delay 50ms", missing)
	}
	var kind interface{ Unavailable() }
	if !errors.As(err, &kind) {
		t.Errorf("error %v is not classified Unavailable", err)
	}
	if got := n.rootKind(t); got != defaultRoot {
		t.Errorf("root qdisc after the failed Set %q, want the default %q", got, defaultRoot)
	}
	if got := mustGet(t, ctx, n.pidA); !got.IsZero() {
		t.Errorf("Get after the failed Set = %v, want none", got)
	}

	// A rate limit already set stays when netem cannot replace it.
	rate := Shape{Rate: 1_000_000}
	if err := Set(ctx, n.pidA, vethA, rate); err != nil {
		t.Fatal(err)
	}
	lossy := Shape{Rate: 1_000_000, Loss: 1}
	if err := Set(ctx, n.pidA, vethA, lossy); !errors.As(err, &missing) || missing.Wanted != "loss 1%" {
		t.Fatalf("Set(%v): %v, want a *MissingKernelFeatureError for loss 1%%", lossy, err)
	}
	if got := mustGet(t, ctx, n.pidA); got != rate {
		t.Errorf("Get after the failed Set = %v, want %v as before", got, rate)
	}
}

func TestErrors(t *testing.T) {
	n := newTestNet(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()

	_, err := Get(ctx, n.pidA, "nosuch0")
	var notFound *LinkNotFoundError
	if !errors.As(err, &notFound) || notFound.Iface != "nosuch0" {
		t.Errorf("Get of a missing interface: %v (%T), want a *LinkNotFoundError", err, err)
	}

	// No process has this pid: it is above the kernel's largest pid_max.
	err = Set(ctx, math.MaxInt32, vethA, Shape{Rate: 1_000_000})
	var nsErr *NamespaceError
	if !errors.As(err, &nsErr) {
		t.Errorf("Set in the namespace of a missing process: %v (%T), want a *NamespaceError", err, err)
	}

	if err := Set(ctx, n.pidA, vethA, Shape{Rate: 100}); err == nil {
		t.Error("Set with a rate of 100 bit/s succeeded")
	}

	done, stop := context.WithCancel(ctx)
	stop()
	if err := Set(done, n.pidA, vethA, Shape{Rate: 1_000_000}); !errors.Is(err, context.Canceled) {
		t.Errorf("Set with a cancelled context: %v", err)
	}
	if got := mustGet(t, ctx, n.pidA); !got.IsZero() {
		t.Errorf("Get = %v after failed Sets, want none", got)
	}

	// The zero shape clears.
	if err := Set(ctx, n.pidA, vethA, Shape{Rate: 1_000_000}); err != nil {
		t.Fatal(err)
	}
	if err := Set(ctx, n.pidA, vethA, Shape{}); err != nil {
		t.Fatal(err)
	}
	if got := mustGet(t, ctx, n.pidA); !got.IsZero() {
		t.Errorf("Get after Set of the zero shape = %v, want none", got)
	}
}
